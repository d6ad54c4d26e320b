"""Validated models of the evidence file format, version 1 (docs/evidence-format.md).

Settings, regimens and endpoints are data, never enums: only the closed vocabularies of the
format itself (category, unit, design, qualifier, ...) are closed, and they are declared, with
their human words, in evidence/vocabulary.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from evidence import vocabulary

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80, strict=True)]
Text = Annotated[str, Field(min_length=1, max_length=5000, strict=True)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Count = Annotated[StrictInt, Field(ge=0)]

# The closed vocabularies: each accepts exactly the words declared in evidence/vocabulary.py.
Category = Annotated[str, vocabulary.CATEGORY]
Unit = Annotated[str, vocabulary.UNIT]
Better = Annotated[str, vocabulary.BETTER]
Role = Annotated[str, vocabulary.ROLE]
Design = Annotated[str, vocabulary.DESIGN]
Phase = Annotated[str, vocabulary.PHASE]
Qualifier = Annotated[str, vocabulary.QUALIFIER]
ReportedBy = Annotated[str, vocabulary.REPORTED_BY]
Measure = Annotated[str, vocabulary.MEASURE]
Direction = Annotated[str, vocabulary.DIRECTION]
Efficacy = Annotated[str, vocabulary.EFFICACY]
Safety = Annotated[str, vocabulary.SAFETY]
VerdictWord = Annotated[str, vocabulary.VERDICT]

# A percent result stated exactly with both events and n must match events/n this closely.
PERCENT_TOLERANCE = 1.0
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
URL_PATTERN = r"^https?://[^\s<>\"']+$"
PMID_PATTERN = r"^\d{1,9}$"
NCT_PATTERN = r"^NCT\d{8}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Editorial(_Model):
    """The commentary whose verdicts the dashboard shows."""

    citation: Text
    journal: Text | None = None
    year: StrictInt | None = Field(default=None, ge=1800, le=2200)
    note: Text | None = None


class Setting(_Model):
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


class Regimen(_Model):
    """A treatment, investigational or comparator."""

    id: Id
    label: Text
    short: Text = Field(max_length=40)
    agents: tuple[Text, ...] = Field(default=(), description="Empty for observation or placebo")
    role: Role
    dosing: Text | None = None


class Endpoint(_Model):
    """A measured quantity; response criteria that differ get different endpoints."""

    id: Id
    label: Text
    short: Text | None = Field(default=None, max_length=40)
    category: Category
    unit: Unit
    better: Better
    definition: Text | None = None
    criteria: Text | None = Field(
        default=None, description="Response criteria family; different ones never share an axis"
    )


class Source(_Model):
    """A publication or report that figures come from."""

    id: Id
    citation: Text
    short: Text = Field(max_length=60)
    trial: Text | None = None
    design: Design
    doi: str | None = Field(default=None, pattern=DOI_PATTERN, max_length=200)
    pmid: str | None = Field(default=None, pattern=PMID_PATTERN, strict=True)
    nct: str | None = Field(default=None, pattern=NCT_PATTERN)
    url: str | None = Field(default=None, pattern=URL_PATTERN, max_length=2000)
    year: StrictInt | None = Field(default=None, ge=1800, le=2200)
    editorial_ref: Text | None = None
    note: Text | None = None


class Cohort(_Model):
    """One arm or patient group of one source."""

    id: Id
    source: Id
    setting: Id
    regimen: Id
    label: Text
    n: Count | None = Field(default=None, description="Patients in the cohort; None = not reported")
    n_reported_by: ReportedBy = "primary"
    median_age: Number | None = Field(default=None, ge=0, le=120, description="Years")
    median_age_reported_by: ReportedBy = "primary"
    phase: Phase | None = None
    note: Text | None = None


class Result(_Model):
    """One reported number: one cohort x one endpoint."""

    cohort: Id
    endpoint: Id
    value: Number
    qualifier: Qualifier = "exact"
    wording: Text | None = Field(default=None, description="The source's words, e.g. 'a majority'")
    events: Count | None = None
    n: Count | None = Field(default=None, gt=0)
    ci: tuple[Number, Number] | None = None
    reported_by: ReportedBy
    locator: Text | None = None
    note: Text | None = None


class Comparison(_Model):
    """A within-source effect of one cohort against another."""

    cohort: Id
    versus: Id
    endpoint: Id
    measure: Measure
    value: Number
    ci: tuple[Number, Number] | None = None
    p: Text | None = None
    reported_by: ReportedBy
    locator: Text | None = None
    note: Text | None = None


class Finding(_Model):
    """A reported result without a number."""

    cohort: Id
    endpoint: Id
    direction: Direction
    versus: Id | None = None
    statement: Text
    reported_by: ReportedBy
    locator: Text | None = None
    note: Text | None = None


class Verdict(_Model):
    """One efficacy-versus-safety judgement of the editorial, paraphrased."""

    id: Id
    setting: Id
    regimens: tuple[Id, ...] = Field(min_length=1)
    efficacy: Efficacy
    safety: Safety
    verdict: VerdictWord
    statement: Text
    rests_on: tuple[Annotated[str, Field(strict=True)], ...] = ()
    editorial_ref: Text | None = None


@dataclass(frozen=True)
class Problem:
    """One consistency problem found after the fields themselves validated."""

    path: tuple[str | int, ...]
    code: str
    message: str
    value: object = None


class ConsistencyError(ValueError):
    """Raised by Evidence's validator; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} consistency problem(s): " + problems[0].message)


class Evidence(_Model):
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

    @model_validator(mode="after")
    def _check_consistency(self) -> Evidence:
        problems = list(consistency_problems(self))
        if problems:
            raise ConsistencyError(problems)
        return self


def result_key(cohort: str, endpoint: str) -> str:
    """The ``cohort/endpoint`` key that verdicts use in ``rests_on``."""
    return f"{cohort}/{endpoint}"


def _duplicates(kind: str, ids: Iterable[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item_id in enumerate(ids):
        if item_id in seen:
            yield Problem(
                (kind, i, "id"), "duplicate_id", f"id '{item_id}' is used twice in {kind}", item_id
            )
        seen.add(item_id)


def _ref(
    path: tuple[str | int, ...], value: str, known: Iterable[str], what: str
) -> Iterator[Problem]:
    if value not in known:
        yield Problem(path, "unknown_reference", f"no {what} has id '{value}'", value)


def _check_ci(
    path: tuple[str | int, ...], value: float, ci: tuple[float, float]
) -> Iterator[Problem]:
    low, high = ci
    if low > high:
        yield Problem(
            (*path, "ci"), "ci_order", f"interval [{low}, {high}] is not ordered (low first)", ci
        )
    elif not low <= value <= high:
        yield Problem(
            (*path, "ci"),
            "ci_excludes_value",
            f"interval [{low}, {high}] does not contain the value {value}",
            ci,
        )


def consistency_problems(ev: Evidence) -> Iterator[Problem]:
    """Yield every rule of the format that spans more than one field."""
    for kind in ("settings", "regimens", "endpoints", "sources", "cohorts", "verdicts"):
        yield from _duplicates(kind, (item.id for item in getattr(ev, kind)))
    settings = {s.id for s in ev.settings}
    regimens = {r.id for r in ev.regimens}
    endpoints = {e.id: e for e in ev.endpoints}
    sources = {s.id for s in ev.sources}
    cohorts = {c.id: c for c in ev.cohorts}

    for i, c in enumerate(ev.cohorts):
        yield from _ref(("cohorts", i, "source"), c.source, sources, "source")
        yield from _ref(("cohorts", i, "setting"), c.setting, settings, "setting")
        yield from _ref(("cohorts", i, "regimen"), c.regimen, regimens, "regimen")

    keys: set[str] = set()
    seen_results: set[str] = set()
    for i, r in enumerate(ev.results):
        path: tuple[str | int, ...] = ("results", i)
        yield from _ref((*path, "cohort"), r.cohort, cohorts, "cohort")
        yield from _ref((*path, "endpoint"), r.endpoint, endpoints, "endpoint")
        key = result_key(r.cohort, r.endpoint)
        if key in seen_results:
            yield Problem(
                path, "duplicate_result", f"a second result for cohort/endpoint '{key}'", key
            )
        seen_results.add(key)
        keys.add(key)
        endpoint = endpoints.get(r.endpoint)
        if endpoint is not None and endpoint.unit == "percent" and not 0 <= r.value <= 100:
            yield Problem(
                (*path, "value"),
                "percent_out_of_range",
                f"{r.value} is not a percentage between 0 and 100",
                r.value,
            )
        n = r.n if r.n is not None else (cohorts[r.cohort].n if r.cohort in cohorts else None)
        if r.events is not None and n is not None and r.events > n:
            yield Problem(
                (*path, "events"),
                "events_exceed_n",
                f"events {r.events} is more than n {n}",
                r.events,
            )
        elif (
            r.events is not None
            and n
            and endpoint is not None
            and endpoint.unit == "percent"
            and 0 <= r.value <= 100
            and r.qualifier == "exact"
            and abs(100 * r.events / n - r.value) > PERCENT_TOLERANCE
        ):
            yield Problem(
                (*path, "value"),
                "value_disagrees_with_events",
                f"{r.value}% does not match {r.events} of {n} ({100 * r.events / n:.1f}%)",
                r.value,
            )
        if r.ci is not None:
            yield from _check_ci(path, r.value, r.ci)

    for i, cmp in enumerate(ev.comparisons):
        path = ("comparisons", i)
        yield from _ref((*path, "cohort"), cmp.cohort, cohorts, "cohort")
        yield from _ref((*path, "versus"), cmp.versus, cohorts, "cohort")
        yield from _ref((*path, "endpoint"), cmp.endpoint, endpoints, "endpoint")
        if cmp.cohort == cmp.versus:
            yield Problem(
                (*path, "versus"), "self_comparison", "a cohort is compared with itself", cmp.versus
            )
        elif cmp.cohort in cohorts and cmp.versus in cohorts:
            a, b = cohorts[cmp.cohort], cohorts[cmp.versus]
            if a.source != b.source:
                yield Problem(
                    (*path, "versus"),
                    "cross_source_comparison",
                    f"'{b.id}' is from source '{b.source}', not '{a.source}': "
                    "comparisons must be within one source",
                    cmp.versus,
                )
        if cmp.measure != "difference" and cmp.value <= 0:
            yield Problem(
                (*path, "value"),
                "ratio_not_positive",
                f"a ratio must be > 0, not {cmp.value}",
                cmp.value,
            )
        if cmp.ci is not None:
            yield from _check_ci(path, cmp.value, cmp.ci)
        keys.add(result_key(cmp.cohort, cmp.endpoint))

    for i, f in enumerate(ev.findings):
        path = ("findings", i)
        yield from _ref((*path, "cohort"), f.cohort, cohorts, "cohort")
        yield from _ref((*path, "endpoint"), f.endpoint, endpoints, "endpoint")
        if f.versus is not None:
            yield from _ref((*path, "versus"), f.versus, cohorts, "cohort")
        keys.add(result_key(f.cohort, f.endpoint))

    for i, v in enumerate(ev.verdicts):
        path = ("verdicts", i)
        yield from _ref((*path, "setting"), v.setting, settings, "setting")
        for j, reg in enumerate(v.regimens):
            yield from _ref((*path, "regimens", j), reg, regimens, "regimen")
        for j, key in enumerate(v.rests_on):
            if not re.fullmatch(r"[^/\s]+/[^/\s]+", key):
                yield Problem(
                    (*path, "rests_on", j),
                    "bad_rests_on",
                    f"'{key}' is not of the form cohort/endpoint",
                    key,
                )
            elif key not in keys:
                yield Problem(
                    (*path, "rests_on", j),
                    "unknown_reference",
                    f"no result, comparison or finding for '{key}'",
                    key,
                )


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
