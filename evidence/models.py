"""Validated models of the evidence file format, version 1 (docs/evidence-format.md).

Settings, regimens and endpoints are data, never enums: only the closed vocabularies of the
format itself (category, unit, design, qualifier, ...) are closed, and they are declared, with
their human words, in evidence/vocabulary.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from evidence import vocabulary
from evidence.codes import Code

# PERCENT_TOLERANCE and result_key are re-exported: callers outside the package import them
# from here. Their home is evidence/consistency.py, with the checks that use them.
from evidence.consistency import PERCENT_TOLERANCE as PERCENT_TOLERANCE
from evidence.consistency import consistency_problems
from evidence.consistency import result_key as result_key
from evidence.problems import ConsistencyError


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
