"""Validated models of the evidence file format, version 1 (docs/evidence-format.md).

Settings, regimens and endpoints are data, never enums: only the closed vocabularies of the
format itself (category, unit, design, qualifier, ...) are closed, and they are declared, with
their human words, in evidence/vocabulary.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from evidence import vocabulary
from evidence.codes import Code


@dataclass(frozen=True)
class PatternRule:
    """A text pattern, what it asks for in words, and what a value that misses it gets."""

    pattern: str
    code: Code
    message: str  # "{value}" is replaced by the offending value
    words: str  # what a value must be, as the workbook and its read-me say it

    def explain(self, value: object) -> str:
        """The message for ``value``."""
        return self.message.format(value=value)


ID_RULE = PatternRule(
    r"^[a-z0-9][a-z0-9_-]*$",
    Code.BAD_ID,
    "'{value}' is not a valid id: use lower-case letters, digits, '-' and '_', "
    "starting with a letter or digit",
    "an id: lower-case letters, digits, '-' and '_'",
)
DOI_RULE = PatternRule(
    r"^10\.\d{4,9}/\S+$",
    Code.BAD_DOI,
    "'{value}' is not a DOI (it should look like 10.1056/NEJMoa070596)",
    "a DOI such as 10.1056/NEJMoa070596",
)
URL_RULE = PatternRule(
    r"^https?://[^\s<>\"']+$", Code.BAD_URL, "'{value}' is not an http(s) link", "an http(s) link"
)
PMID_RULE = PatternRule(
    r"^\d{1,9}$",
    Code.BAD_PMID,
    "'{value}' is not a PubMed id (digits only)",
    "a PubMed id: digits only",
)
NCT_RULE = PatternRule(
    r"^NCT\d{8}$",
    Code.BAD_NCT,
    "'{value}' is not a registry id like NCT00056160",
    "a registry id such as NCT00056160",
)
PATTERN_RULES = {rule.pattern: rule for rule in (ID_RULE, DOI_RULE, URL_RULE, PMID_RULE, NCT_RULE)}
"""Pattern -> rule: the loader explains a pattern mismatch with the rule of its pattern."""

Id = Annotated[str, Field(pattern=ID_RULE.pattern, max_length=80, strict=True)]
Text = Annotated[str, Field(min_length=1, max_length=5000, strict=True)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Count = Annotated[StrictInt, Field(ge=0)]


# A percent result stated exactly with both events and n must match events/n this closely.
PERCENT_TOLERANCE = 1.0


class Model(BaseModel):
    """An item of the format: unknown keys refused, frozen, text stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Editorial(Model):
    """The commentary whose verdicts the dashboard shows."""

    citation: Text
    journal: Text | None = None
    year: StrictInt | None = Field(default=None, ge=1800, le=2200)
    note: Text | None = None
    thesis: Text | None = Field(
        default=None, description="The editorial's closing thesis, across settings; our words"
    )


class Setting(Model):
    """A clinical setting being compared (a row of the regimen x setting grid)."""

    id: Id
    label: Text
    short: Text = Field(max_length=40)
    disease: Text
    description: Text | None = None
    note: Text | None = None
    bottom_line: Text | None = Field(
        default=None, description="The editorial's overall conclusion for the setting, our words"
    )


class Regimen(Model):
    """A treatment, investigational or comparator."""

    id: Id
    label: Text
    short: Text = Field(max_length=40)
    agents: tuple[Text, ...] = Field(default=(), description="Empty for observation or placebo")
    role: Annotated[str, vocabulary.ROLE]
    dosing: Text | None = None


class Endpoint(Model):
    """A measured quantity; response criteria that differ get different endpoints."""

    id: Id
    label: Text
    short: Text | None = Field(default=None, max_length=40)
    category: Annotated[str, vocabulary.CATEGORY]
    unit: Annotated[str, vocabulary.UNIT]
    better: Annotated[str, vocabulary.BETTER]
    definition: Text | None = None
    criteria: Text | None = Field(
        default=None, description="Response criteria family; different ones never share an axis"
    )
    timepoint: Text | None = Field(
        default=None,
        description="For a rate estimated at a time point from follow-up ('3 years'): "
        "a Kaplan-Meier style estimate, never a plain proportion of n",
    )
    phase: Annotated[str, vocabulary.PHASE] | None = Field(
        default=None,
        description="The treatment phase the endpoint covers (grade 4 neutropenia during "
        "induction); a result may say otherwise for its own figure",
    )

    @property
    def is_proportion(self) -> bool:
        """Whether its percents are plain proportions of n.

        A percent of a proportion category, not estimated at a time point: only these get a
        binomial (Wilson) interval and within-study risk differences. A survival landmark or
        a rate at a time point would have its censoring ignored.
        """
        return (
            self.unit == "percent"
            and self.timepoint is None
            and vocabulary.CATEGORY.has_flag(self.category, "proportion")
        )


class Source(Model):
    """A publication or report that figures come from."""

    id: Id
    citation: Text
    short: Text = Field(max_length=60)
    trial: Text | None = None
    design: Annotated[str, vocabulary.DESIGN]
    doi: str | None = Field(default=None, pattern=DOI_RULE.pattern, max_length=200)
    pmid: str | None = Field(default=None, pattern=PMID_RULE.pattern, strict=True)
    nct: str | None = Field(default=None, pattern=NCT_RULE.pattern)
    url: str | None = Field(default=None, pattern=URL_RULE.pattern, max_length=2000)
    year: StrictInt | None = Field(default=None, ge=1800, le=2200)
    editorial_ref: Text | None = None
    note: Text | None = None


class Cohort(Model):
    """One arm or patient group of one source."""

    id: Id
    source: Id
    setting: Id
    regimen: Id
    label: Text
    n: Count | None = Field(default=None, description="Patients in the cohort; None = not reported")
    n_reported_by: Annotated[str, vocabulary.REPORTED_BY] = "primary"
    median_age: Number | None = Field(default=None, ge=0, le=120, description="Years")
    median_age_reported_by: Annotated[str, vocabulary.REPORTED_BY] = "primary"
    phase: Annotated[str, vocabulary.PHASE] | None = None
    subgroup_of: Id | None = Field(
        default=None,
        description="The cohort of the same source this one is part of; the two are never "
        "compared as separate arms",
    )
    allocation: Annotated[str, vocabulary.ALLOCATION] | None = Field(
        default=None,
        description="How the cohort was formed against the other cohorts of its source: "
        "randomised, allocated at the start but not randomised, or grouped after treatment "
        "began; default: randomised when the source's design is randomised, else not",
    )
    treated_alike_with: tuple[Id, ...] = Field(
        default=(),
        description="Cohorts of the same source treated exactly like this one during the "
        "phases in treated_alike_during (MPR-R and MPR share their induction)",
    )
    treated_alike_during: tuple[Annotated[str, vocabulary.PHASE], ...] = Field(
        default=(), description="The phases during which those cohorts were treated alike"
    )
    contains: tuple[Id, ...] = Field(
        default=(),
        description="Cohorts of other sources whose patients this cohort includes, all or "
        "part (a pooled analysis contains its trials' arms; a final report its interim's)",
    )
    note: Text | None = None

    def allocation_in(self, source: Source | None) -> str:
        """How the cohort was formed: its own word, else what its source's design implies."""
        if self.allocation is not None:
            return self.allocation
        randomised = source is not None and vocabulary.DESIGN.has_flag(source.design, "randomised")
        return "randomised" if randomised else "non_randomised"


class Result(Model):
    """One reported number: one cohort x one endpoint."""

    cohort: Id
    endpoint: Id
    value: Number
    qualifier: Annotated[str, vocabulary.QUALIFIER] = "exact"
    wording: Text | None = Field(default=None, description="The source's words, e.g. 'a majority'")
    events: Count | None = None
    n: Count | None = Field(default=None, gt=0)
    ci: tuple[Number, Number] | None = None
    reported_by: Annotated[str, vocabulary.REPORTED_BY]
    locator: Text | None = None
    phase: Annotated[str, vocabulary.PHASE] | None = Field(
        default=None, description="The treatment phase this figure covers, if not its endpoint's"
    )
    note: Text | None = None

    def n_of(self, cohort: Cohort | None) -> int | None:
        """The patients the figure counts: its own n, else its cohort's (None when neither)."""
        return self.n if self.n is not None else (cohort.n if cohort is not None else None)


class Comparison(Model):
    """A within-source effect of one cohort against another."""

    cohort: Id
    versus: Id
    endpoint: Id
    measure: Annotated[str, vocabulary.MEASURE]
    value: Number
    ci: tuple[Number, Number] | None = None
    ci_level: Number = Field(
        default=95.0, gt=0, lt=100, description="The ci's level in percent, as reported (90, 95)"
    )
    method: Text | None = Field(
        default=None, description="The statistical method, as reported (e.g. logistic regression)"
    )
    p: Text | None = None
    reported_by: Annotated[str, vocabulary.REPORTED_BY]
    locator: Text | None = None
    note: Text | None = None


class Finding(Model):
    """A reported result without a number."""

    cohort: Id
    endpoint: Id
    direction: Annotated[str, vocabulary.DIRECTION]
    versus: Id | None = None
    statement: Text
    reported_by: Annotated[str, vocabulary.REPORTED_BY]
    locator: Text | None = None
    note: Text | None = None


class Verdict(Model):
    """One efficacy-versus-safety judgement of the editorial, paraphrased."""

    id: Id
    setting: Id
    regimens: tuple[Id, ...] = Field(min_length=1)
    efficacy: Annotated[str, vocabulary.EFFICACY]
    safety: Annotated[str, vocabulary.SAFETY]
    verdict: Annotated[str, vocabulary.VERDICT]
    statement: Text
    rests_on: tuple[Annotated[str, Field(strict=True)], ...] = ()
    editorial_ref: Text | None = None
    note: Text | None = Field(
        default=None,
        description="Our caveat about the verdict (what its figures do not cover, which "
        "rating is our reading); shown apart from the statement",
    )


class Appraisal(Model):
    """One recorded certainty judgement (a GRADE domain) about within-study comparisons.

    It covers every comparison of its source, or one comparison (``cohort`` and ``versus``),
    on every outcome or one (``endpoint``); the most specific judgement of a domain wins.
    Imprecision and inconsistency are computed, never recorded here.
    """

    source: Id
    cohort: Id | None = Field(default=None, description="With versus: one comparison only")
    versus: Id | None = None
    endpoint: Id | None = Field(default=None, description="One outcome only; absent: all")
    domain: Annotated[str, vocabulary.DOMAIN]
    rating: Annotated[str, vocabulary.RATING]
    reason: Text = Field(description="Why, in a sentence: what the judgement rests on")
    by: Text | None = Field(default=None, description="Who judged (a journal club, a reviewer)")


@dataclass(frozen=True)
class Problem:
    """One consistency problem found after the fields themselves validated."""

    path: tuple[str | int, ...]
    code: Code
    message: str
    value: object = None


class ConsistencyError(ValueError):
    """Raised by Evidence's validator; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} consistency problem(s): " + problems[0].message)


class Evidence(Model):
    """The root of an evidence file."""

    format: Literal[1]
    title: Text
    summary: Text
    updated: dt.date | None = None
    editorial: Editorial | None = None
    settings: tuple[Setting, ...] = Field(min_length=1)
    regimens: tuple[Regimen, ...] = Field(min_length=1)
    endpoints: tuple[Endpoint, ...] = Field(min_length=1)
    sources: tuple[Source, ...] = ()
    cohorts: tuple[Cohort, ...] = ()
    results: tuple[Result, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    findings: tuple[Finding, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    appraisals: tuple[Appraisal, ...] = ()

    @model_validator(mode="after")
    def _check_consistency(self) -> Evidence:
        problems = list(consistency_problems(self))
        if problems:
            raise ConsistencyError(problems)
        return self


KEYED_LISTS = ("results", "comparisons", "findings")
"""The lists whose items are keyed ``cohort/endpoint``: what a verdict's ``rests_on`` names."""


def result_key(cohort: str, endpoint: str) -> str:
    """The ``cohort/endpoint`` key that verdicts use in ``rests_on``."""
    return f"{cohort}/{endpoint}"


Path = tuple[str | int, ...]


class _Ids:
    """The ids each list defines, looked up by the checks below."""

    def __init__(self, ev: Evidence) -> None:
        self.settings = {s.id for s in ev.settings}
        self.regimens = {r.id for r in ev.regimens}
        self.endpoints = {e.id: e for e in ev.endpoints}
        self.sources = {s.id for s in ev.sources}
        self.cohorts = {c.id: c for c in ev.cohorts}
        # Every cohort/endpoint key a verdict may rest on.
        self.keys = {
            result_key(x.cohort, x.endpoint) for kind in KEYED_LISTS for x in getattr(ev, kind)
        }


def _ref(path: Path, value: str, known: Iterable[str], what: str) -> Iterator[Problem]:
    if value not in known:
        yield Problem(path, Code.UNKNOWN_REFERENCE, f"no {what} has id '{value}'", value)


def _check_ci(path: Path, value: float, ci: tuple[float, float]) -> Iterator[Problem]:
    low, high = ci
    if low > high:
        yield Problem(
            (*path, "ci"), Code.CI_ORDER, f"interval [{low}, {high}] is not ordered (low first)", ci
        )
    elif not low <= value <= high:
        yield Problem(
            (*path, "ci"),
            Code.CI_EXCLUDES_VALUE,
            f"interval [{low}, {high}] does not contain the value {value}",
            ci,
        )


def check_ids(ev: Evidence) -> Iterator[Problem]:
    """Each list's ids are unique."""
    for kind in ("settings", "regimens", "endpoints", "sources", "cohorts", "verdicts"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(ev, kind)):
            if item.id in seen:
                yield Problem(
                    (kind, i, "id"),
                    Code.DUPLICATE_ID,
                    f"id '{item.id}' is used twice in {kind}",
                    item.id,
                )
            seen.add(item.id)


def check_cohorts(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """A cohort's references resolve; a subgroup belongs to a cohort of its own source."""
    for i, c in enumerate(ev.cohorts):
        yield from _ref(("cohorts", i, "source"), c.source, ids.sources, "source")
        yield from _ref(("cohorts", i, "setting"), c.setting, ids.settings, "setting")
        yield from _ref(("cohorts", i, "regimen"), c.regimen, ids.regimens, "regimen")
        yield from _check_treated_alike(i, c, ids)
        yield from _check_contains(i, c, ids)
        if c.subgroup_of is None:
            continue
        path: Path = ("cohorts", i, "subgroup_of")
        parent = ids.cohorts.get(c.subgroup_of)
        if parent is None:
            yield from _ref(path, c.subgroup_of, ids.cohorts, "cohort")
        elif c.subgroup_of == c.id:
            yield Problem(path, Code.SELF_COMPARISON, "a cohort is a subgroup of itself", c.id)
        elif parent.source != c.source:
            yield Problem(
                path,
                Code.CROSS_SOURCE_COMPARISON,
                f"'{parent.id}' is from source '{parent.source}', not '{c.source}': "
                "a subgroup belongs to a cohort of its own source",
                c.subgroup_of,
            )


def _cohort_list(
    i: int, c: Cohort, field: str, ids: _Ids, *, same_source: bool, itself: str, elsewhere: str
) -> Iterator[Problem]:
    """A cohort's list of cohort ids: each resolves, is another cohort, of the right source.

    ``same_source``: they must be of the cohort's own source, else of another one;
    ``elsewhere`` says why the other kind is wrong.
    """
    for j, other_id in enumerate(getattr(c, field)):
        path: Path = ("cohorts", i, field, j)
        other = ids.cohorts.get(other_id)
        if other is None:
            yield from _ref(path, other_id, ids.cohorts, "cohort")
        elif other_id == c.id:
            yield Problem(path, Code.SELF_COMPARISON, f"a cohort {itself}", c.id)
        elif (other.source == c.source) != same_source:
            code = Code.CROSS_SOURCE_COMPARISON if same_source else Code.INVALID_VALUE
            yield Problem(path, code, f"'{other_id}' is from {elsewhere}", other_id)


def _check_treated_alike(i: int, c: Cohort, ids: _Ids) -> Iterator[Problem]:
    """Cohorts treated alike are other cohorts of the same source, with the phases named."""
    yield from _cohort_list(
        i,
        c,
        "treated_alike_with",
        ids,
        same_source=True,
        itself="is treated alike with itself",
        elsewhere="another source: only arms of one study can have been treated alike",
    )
    if bool(c.treated_alike_with) != bool(c.treated_alike_during):
        named, missing = (
            ("treated_alike_with", "treated_alike_during")
            if c.treated_alike_with
            else ("treated_alike_during", "treated_alike_with")
        )
        yield Problem(
            ("cohorts", i, missing),
            Code.MISSING_FIELD,
            f"{named} is given without {missing}: say which cohorts were treated alike "
            "and during which phases",
        )


def _check_contains(i: int, c: Cohort, ids: _Ids) -> Iterator[Problem]:
    """A cohort contains cohorts of other sources (its own source's parts are subgroups)."""
    yield from _cohort_list(
        i,
        c,
        "contains",
        ids,
        same_source=False,
        itself="contains itself",
        elsewhere=f"the same source '{c.source}': a part of a cohort of the same source is "
        "written as that part's subgroup_of",
    )
    for j, other_id in enumerate(c.contains):
        if other_id != c.id and c.id in contained_by(ids.cohorts, other_id):
            yield Problem(
                ("cohorts", i, "contains", j),
                Code.INVALID_VALUE,
                f"'{other_id}' already contains '{c.id}': two cohorts cannot each contain "
                "the other",
                other_id,
            )


def contained_by(cohorts: Mapping[str, Cohort], cohort_id: str) -> set[str]:
    """Every cohort ``cohort_id`` contains, at any depth (through ``contains``)."""
    found: set[str] = set()
    todo = list(cohorts[cohort_id].contains) if cohort_id in cohorts else []
    while todo:
        other = todo.pop()
        if other in found or other not in cohorts:
            continue
        found.add(other)
        todo.extend(cohorts[other].contains)
    return found


def check_results(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """References resolve, one result per key, percents in range and agreeing with counts."""
    seen: set[str] = set()
    for i, r in enumerate(ev.results):
        path: Path = ("results", i)
        yield from _ref((*path, "cohort"), r.cohort, ids.cohorts, "cohort")
        yield from _ref((*path, "endpoint"), r.endpoint, ids.endpoints, "endpoint")
        key = result_key(r.cohort, r.endpoint)
        if key in seen:
            yield Problem(
                path, Code.DUPLICATE_RESULT, f"a second result for cohort/endpoint '{key}'", key
            )
        seen.add(key)
        endpoint = ids.endpoints.get(r.endpoint)
        percent = endpoint is not None and endpoint.unit == "percent"
        if percent and not 0 <= r.value <= 100:
            yield Problem(
                (*path, "value"),
                Code.PERCENT_OUT_OF_RANGE,
                f"{r.value} is not a percentage between 0 and 100",
                r.value,
            )
        n = r.n_of(ids.cohorts.get(r.cohort))
        if r.events is not None and n is not None and r.events > n:
            yield Problem(
                (*path, "events"),
                Code.EVENTS_EXCEED_N,
                f"events {r.events} is more than n {n}",
                r.events,
            )
        elif (
            r.events is not None
            and n
            and percent
            and 0 <= r.value <= 100
            and r.qualifier == "exact"
            and abs(100 * r.events / n - r.value) > PERCENT_TOLERANCE
        ):
            yield Problem(
                (*path, "value"),
                Code.VALUE_DISAGREES_WITH_EVENTS,
                f"{r.value}% does not match {r.events} of {n} ({100 * r.events / n:.1f}%)",
                r.value,
            )
        if r.ci is not None:
            yield from _check_ci(path, r.value, r.ci)


def check_comparisons(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """Two different cohorts of one source; a ratio is positive; the ci holds the value."""
    for i, cmp in enumerate(ev.comparisons):
        path: Path = ("comparisons", i)
        yield from _ref((*path, "cohort"), cmp.cohort, ids.cohorts, "cohort")
        yield from _ref((*path, "versus"), cmp.versus, ids.cohorts, "cohort")
        yield from _ref((*path, "endpoint"), cmp.endpoint, ids.endpoints, "endpoint")
        a, b = ids.cohorts.get(cmp.cohort), ids.cohorts.get(cmp.versus)
        if cmp.cohort == cmp.versus:
            yield Problem(
                (*path, "versus"),
                Code.SELF_COMPARISON,
                "a cohort is compared with itself",
                cmp.versus,
            )
        elif a is not None and b is not None and a.source != b.source:
            yield Problem(
                (*path, "versus"),
                Code.CROSS_SOURCE_COMPARISON,
                f"'{b.id}' is from source '{b.source}', not '{a.source}': "
                "comparisons must be within one source",
                cmp.versus,
            )
        if vocabulary.MEASURE.has_flag(cmp.measure, "ratio") and cmp.value <= 0:
            yield Problem(
                (*path, "value"),
                Code.RATIO_NOT_POSITIVE,
                f"a ratio must be > 0, not {cmp.value}",
                cmp.value,
            )
        if cmp.ci is not None:
            yield from _check_ci(path, cmp.value, cmp.ci)


def check_findings(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """A finding names a defined cohort, endpoint and (optionally) comparator cohort."""
    for i, f in enumerate(ev.findings):
        path: Path = ("findings", i)
        yield from _ref((*path, "cohort"), f.cohort, ids.cohorts, "cohort")
        yield from _ref((*path, "endpoint"), f.endpoint, ids.endpoints, "endpoint")
        if f.versus is not None:
            yield from _ref((*path, "versus"), f.versus, ids.cohorts, "cohort")


def check_verdicts(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """A verdict names a defined setting and regimens and rests on figures in the file."""
    for i, v in enumerate(ev.verdicts):
        path: Path = ("verdicts", i)
        yield from _ref((*path, "setting"), v.setting, ids.settings, "setting")
        for j, reg in enumerate(v.regimens):
            yield from _ref((*path, "regimens", j), reg, ids.regimens, "regimen")
        for j, key in enumerate(v.rests_on):
            if not re.fullmatch(r"[^/\s]+/[^/\s]+", key):
                yield Problem(
                    (*path, "rests_on", j),
                    Code.BAD_RESTS_ON,
                    f"'{key}' is not of the form cohort/endpoint",
                    key,
                )
            elif key not in ids.keys:
                yield Problem(
                    (*path, "rests_on", j),
                    Code.UNKNOWN_REFERENCE,
                    f"no result, comparison or finding for '{key}'",
                    key,
                )


def check_appraisals(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """An appraisal names its source's comparison, a known endpoint, and a fitting rating."""
    seen: set[tuple[object, ...]] = set()
    for i, a in enumerate(ev.appraisals):
        path: Path = ("appraisals", i)
        yield from _ref((*path, "source"), a.source, ids.sources, "source")
        if a.endpoint is not None:
            yield from _ref((*path, "endpoint"), a.endpoint, ids.endpoints, "endpoint")
        if (a.cohort is None) != (a.versus is None):
            missing = "versus" if a.versus is None else "cohort"
            yield Problem(
                (*path, missing),
                Code.MISSING_FIELD,
                "an appraisal of one comparison names both its cohort and its versus",
            )
        for field in ("cohort", "versus"):
            cohort_id = getattr(a, field)
            if cohort_id is None:
                continue
            cohort = ids.cohorts.get(cohort_id)
            if cohort is None:
                yield from _ref((*path, field), cohort_id, ids.cohorts, "cohort")
            elif cohort.source != a.source:
                yield Problem(
                    (*path, field),
                    Code.CROSS_SOURCE_COMPARISON,
                    f"'{cohort_id}' is from source '{cohort.source}', not '{a.source}'",
                    cohort_id,
                )
        up = vocabulary.RATING.has_flag(a.rating, "up")
        if up != (a.domain == "rate_up") and a.rating != "not_serious":
            yield Problem(
                (*path, "rating"),
                Code.INVALID_VALUE,
                f"'{a.rating}' does not fit the domain '{a.domain}': only rate_up takes "
                "rate_up_one or rate_up_two, and rate_up takes no 'serious'",
                a.rating,
            )
        key = (a.source, a.cohort, a.versus, a.endpoint, a.domain)
        if key in seen:
            yield Problem(
                (*path, "domain"),
                Code.DUPLICATE_RESULT,
                f"a second judgement of '{a.domain}' for the same comparison and outcome",
                a.domain,
            )
        seen.add(key)


def consistency_problems(ev: Evidence) -> Iterator[Problem]:
    """Yield every rule of the format that spans more than one field, list by list."""
    ids = _Ids(ev)
    yield from check_ids(ev)
    for check in (
        check_cohorts,
        check_results,
        check_comparisons,
        check_findings,
        check_verdicts,
        check_appraisals,
    ):
        yield from check(ev, ids)


LISTS = (
    "settings",
    "regimens",
    "endpoints",
    "sources",
    "cohorts",
    "results",
    "comparisons",
    "findings",
    "verdicts",
    "appraisals",
)
"""The list fields of Evidence, in file order."""


def count_ids(ev: Evidence) -> dict[str, int]:
    """Count the items of every list, for one-line summaries."""
    return {kind: len(getattr(ev, kind)) for kind in LISTS}


def json_schema() -> dict[str, object]:
    """The JSON Schema of the evidence format, for editors and outside checks."""
    doc = Evidence.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "Evidence file, format 1"
    return doc
