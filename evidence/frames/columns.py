"""The columns of every frame: one constant per name, and each frame's contract.

A FrameContract is the one place that states a frame's columns, in order, and what each
holds; the transforms (evidence/frames/tables.py, plane.py) build their frames through it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

# Column names. What each column holds is stated once, in the contracts further down.
KEY = "key"
COHORT = "cohort"
COHORT_LABEL = "cohort_label"
SOURCE = "source"
SOURCE_SHORT = "source_short"
SOURCE_ORDER = "source_order"
COHORT_ORDER = "cohort_order"
CITATION = "citation"
DESIGN = "design"
TRIAL = "trial"
SETTING = "setting"
SETTING_LABEL = "setting_label"
SETTING_SHORT = "setting_short"
SETTING_ORDER = "setting_order"
DISEASE = "disease"
REGIMEN = "regimen"
REGIMEN_LABEL = "regimen_label"
REGIMEN_SHORT = "regimen_short"
REGIMEN_ORDER = "regimen_order"
DOSING = "dosing"
ROLE = "role"
PHASE = "phase"
ENDPOINT = "endpoint"
ENDPOINT_LABEL = "endpoint_label"
ENDPOINT_SHORT = "endpoint_short"
ENDPOINT_ORDER = "endpoint_order"
DEFINITION = "definition"
CATEGORY = "category"
UNIT = "unit"
BETTER = "better"
CRITERIA = "criteria"
VALUE = "value"
QUALIFIER = "qualifier"
WORDING = "wording"
VALUE_TEXT = "value_text"
EVENTS = "events"
N = "n"
N_REPORTED_BY = "n_reported_by"
SMALL_N = "small_n"
MEDIAN_AGE = "median_age"
MEDIAN_AGE_REPORTED_BY = "median_age_reported_by"
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
CI_KIND = "ci_kind"
CI_LEVEL = "ci_level"
REPORTED_BY = "reported_by"
LOCATOR = "locator"
NOTE = "note"
EDITORIAL_REF = "editorial_ref"
VERSUS = "versus"
VERSUS_LABEL = "versus_label"
VERSUS_REGIMEN_SHORT = "versus_regimen_short"
MEASURE = "measure"
P = "p"
DIRECTION = "direction"
STATEMENT = "statement"
VERDICT_ID = "verdict_id"
REGIMENS = "regimens"
REGIMEN_LABELS = "regimen_labels"
EFFICACY = "efficacy"
SAFETY = "safety"
VERDICT = "verdict"
RESTS_ON = "rests_on"
YEAR = "year"
DOI = "doi"
PMID = "pmid"
NCT = "nct"
URL = "url"
N_TOTAL = "n_total"
COHORTS = "cohorts"
COHORTS_LISTED = "cohorts_listed"
HELD_BACK = "held_back"
NUMBERS = "numbers"
SOURCES = "sources"
HEADLINE = "headline"
HEADLINE_ENDPOINT = "headline_endpoint"
HEADLINE_VALUE = "headline_value"
HEADLINE_SOURCE = "headline_source"
HARM_VALUE = "harm_value"
HARM_TEXT = "harm_text"
HARM_ENDPOINT = "harm_endpoint"
BENEFIT_VALUE = "benefit_value"
BENEFIT_TEXT = "benefit_text"
BENEFIT_ENDPOINT = "benefit_endpoint"
BENEFIT_CRITERIA = "benefit_criteria"
EDITORIAL_ONLY = "editorial_only"

SMALL_N_THRESHOLD = 30
"""Cohorts smaller than this are flagged on every chart."""
NO_VERDICT = "none"
"""The verdict column's word for a cohort no verdict names."""

CI_REPORTED = "reported"
CI_COMPUTED = "computed"
CI_NONE = "none"


@dataclass(frozen=True)
class FrameContract:
    """The columns of one frame, in order, each with what it holds.

    This is the one place a frame's columns are stated. Transforms build their frame through
    :meth:`frame`, so a frame never has a column its contract lacks, nor lacks one it names.
    """

    name: str
    columns: Mapping[str, str]

    @property
    def names(self) -> list[str]:
        """The column names, in order."""
        return list(self.columns)

    def frame(self, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
        """A frame of ``rows`` with exactly the contract's columns, in order."""
        return pd.DataFrame(list(rows), columns=self.names)


_COHORT_LABELS = {
    COHORT: "the cohort's id",
    COHORT_LABEL: "the cohort's label",
    COHORT_ORDER: "the cohort's position in the file",
    SOURCE: "its source's id",
    SOURCE_SHORT: "its source's short name",
    SOURCE_ORDER: "its source's position in the file",
    CITATION: "its source's citation",
    DESIGN: "its source's design (a vocabulary word)",
    TRIAL: "its source's trial name, or None",
    EDITORIAL_REF: "how the editorial cites its source, or None",
    SETTING: "its setting's id",
    SETTING_LABEL: "its setting's label",
    SETTING_SHORT: "its setting's short label",
    SETTING_ORDER: "its setting's position in the file",
    DISEASE: "its setting's disease",
    REGIMEN: "its regimen's id",
    REGIMEN_LABEL: "its regimen's label",
    REGIMEN_SHORT: "its regimen's short label",
    REGIMEN_ORDER: "its regimen's position in the file (fixes its colour and shape)",
    DOSING: "its regimen's dosing, or None",
    ROLE: "its regimen's role (investigational or comparator)",
    PHASE: "the cohort's treatment phase, or None",
}
_ENDPOINT_LABELS = {
    ENDPOINT: "the endpoint's id",
    ENDPOINT_LABEL: "the endpoint's label",
    ENDPOINT_SHORT: "the endpoint's short label (its label when it has none)",
}

COHORT_FRAME = FrameContract(
    "cohorts",
    {
        **_COHORT_LABELS,
        N: "patients in the cohort (Int64; NA = not reported)",
        N_REPORTED_BY: "who reported n",
        SMALL_N: f"n unknown or under {SMALL_N_THRESHOLD}",
        MEDIAN_AGE: "median age in years, or None",
        MEDIAN_AGE_REPORTED_BY: "who reported the median age",
        NOTE: "the cohort's note, or None",
    },
)
RESULT_FRAME = FrameContract(
    "results",
    {
        KEY: "'cohort/endpoint', the key verdicts rest on",
        **_COHORT_LABELS,
        **_ENDPOINT_LABELS,
        ENDPOINT_ORDER: "the endpoint's position in the file",
        DEFINITION: "the endpoint's definition, or None",
        CATEGORY: "the endpoint's category",
        UNIT: "the endpoint's unit",
        BETTER: "which way is better for the endpoint",
        CRITERIA: "the endpoint's response criteria family, or None",
        VALUE: "the number as reported (float)",
        QUALIFIER: "exact, up_to, more_than, ...",
        WORDING: "the source's words for an inexact figure, or None",
        VALUE_TEXT: "the value as stated, with qualifier and unit ('up to 77%')",
        EVENTS: "the count behind a percent (Int64; NA = not reported)",
        N: "the result's n, else its cohort's (Int64; NA = not reported)",
        SMALL_N: f"n unknown or under {SMALL_N_THRESHOLD}",
        CI_LOW: "95% CI low end (float; NaN = none)",
        CI_HIGH: "95% CI high end (float; NaN = none)",
        CI_KIND: "reported, computed (Wilson, ours) or none",
        REPORTED_BY: "who reported the figure",
        LOCATOR: "where in the source, or None",
        NOTE: "the result's note, or None",
    },
)
COMPARISON_FRAME = FrameContract(
    "comparisons",
    {
        KEY: "'cohort/endpoint' of the first cohort",
        **_COHORT_LABELS,
        VERSUS: "the other cohort's id",
        VERSUS_LABEL: "the other cohort's label",
        VERSUS_REGIMEN_SHORT: "the other cohort's regimen, short",
        **_ENDPOINT_LABELS,
        MEASURE: "hazard_ratio, odds_ratio, risk_ratio or difference",
        VALUE: "the effect as reported (float)",
        CI_LOW: "95% CI low end as reported (float; NaN = not reported)",
        CI_HIGH: "95% CI high end as reported (float; NaN = not reported)",
        CI_LEVEL: "the CI's level in percent as reported (float; 95 unless stated)",
        P: "the p value as reported (text), or None",
        REPORTED_BY: "who reported the effect",
        LOCATOR: "where in the source, or None",
        NOTE: "the comparison's note, or None",
        HELD_BACK: "why the effect must not be shown (groups formed after treatment began, "
        "arms treated alike during its endpoint's phase), in one sentence; None when it may",
    },
)
FINDING_FRAME = FrameContract(
    "findings",
    {
        KEY: "'cohort/endpoint'",
        **_COHORT_LABELS,
        ENDPOINT: "the endpoint's id",
        ENDPOINT_LABEL: "the endpoint's label",
        CATEGORY: "the endpoint's category",
        DIRECTION: "better, worse or similar",
        VERSUS: "the comparator cohort's id, or None",
        VERSUS_LABEL: "the comparator cohort's label, or None",
        STATEMENT: "the finding in our words",
        REPORTED_BY: "who reported the finding",
        LOCATOR: "where in the source, or None",
        NOTE: "the finding's note, or None",
    },
)
VERDICT_FRAME = FrameContract(
    "verdicts",
    {
        VERDICT_ID: "the verdict's id",
        SETTING: "its setting's id",
        SETTING_LABEL: "its setting's label",
        SETTING_ORDER: "its setting's position in the file",
        REGIMENS: "the regimen ids it speaks of (tuple)",
        REGIMEN_LABELS: "their short labels, comma-joined",
        EFFICACY: "the editorial's efficacy rating",
        SAFETY: "the editorial's safety rating",
        VERDICT: "the verdict word",
        STATEMENT: "the verdict in our words",
        RESTS_ON: "the cohort/endpoint keys it rests on (tuple)",
        EDITORIAL_REF: "the editorial's reference numbers, or None",
        NOTE: "our caveat about the verdict, or None",
    },
)
SOURCE_FRAME = FrameContract(
    "sources",
    {
        SOURCE: "the source's id",
        SOURCE_SHORT: "its short name",
        CITATION: "its citation",
        DESIGN: "its design",
        TRIAL: "its trial name, or None",
        YEAR: "publication year (Int64; NA = none)",
        DOI: "DOI, or None",
        PMID: "PubMed id, or None",
        NCT: "registry id, or None",
        URL: "an http(s) link, or None",
        EDITORIAL_REF: "how the editorial cites it, or None",
        N_TOTAL: "sum of its cohorts' known n, each patient once: a subgroup or a cohort "
        "another of them contains is not added (Int64; NA = none known)",
        COHORTS: "how many cohorts it has",
        NUMBERS: "how many results, comparisons and findings come from it",
        NOTE: "its note, or None",
    },
)
COVERAGE_FRAME = FrameContract(
    "coverage",
    {
        SETTING: "the setting's id",
        SETTING_LABEL: "its label",
        SETTING_SHORT: "its short label",
        SETTING_ORDER: "its position in the file",
        REGIMEN: "the regimen's id",
        REGIMEN_LABEL: "its label",
        REGIMEN_SHORT: "its short label",
        REGIMEN_ORDER: "its position in the file",
        ROLE: "its role",
        COHORTS: "how many groups of patients the pair's cohorts are, each patient counted "
        "once: a cohort that another of them contains, or a subgroup, is not counted (0 = no "
        "evidence yet)",
        COHORTS_LISTED: "how many cohorts the file lists for the pair, shared patients or not",
        SOURCES: "their sources' short names, comma-joined",
        HEADLINE: "the pair's first response figure ('ORR 61%'), or None",
        HEADLINE_ENDPOINT: "the headline's endpoint, short ('ORR'), or None",
        HEADLINE_VALUE: "the headline's value as stated, qualifier kept ('up to 77%'), or None",
        HEADLINE_SOURCE: "the headline's source, or None",
    },
)
PLANE_FRAME = FrameContract(
    "benefit-harm plane",
    {
        COHORT: "the cohort's id",
        COHORT_LABEL: "its label",
        SOURCE_SHORT: "its source",
        SETTING: "its setting's id",
        SETTING_SHORT: "its setting, short",
        REGIMEN: "its regimen's id",
        REGIMEN_LABEL: "its regimen",
        REGIMEN_SHORT: "its regimen, short",
        REGIMEN_ORDER: "its regimen's position in the file",
        N: "patients (Int64; NA = not reported)",
        HARM_VALUE: "the harm figure (x axis, %)",
        HARM_TEXT: "'endpoint: value as stated' of the harm figure",
        HARM_ENDPOINT: "the harm endpoint's id",
        BENEFIT_VALUE: "the benefit figure (y axis, %)",
        BENEFIT_TEXT: "'endpoint: value as stated' of the benefit figure",
        BENEFIT_ENDPOINT: "the benefit endpoint's id",
        EDITORIAL_ONLY: "either figure is stated only by the editorial",
        VERDICT: "the editorial's verdict on the cohort, or 'none'",
        BENEFIT_CRITERIA: "the benefit endpoint's criteria, or None",
    },
)


def typed(
    frame: pd.DataFrame, *, counts: Sequence[str] = (), floats: Sequence[str] = ()
) -> pd.DataFrame:
    """``frame`` with its ``counts`` as nullable integers and its ``floats`` as floats."""
    # Nullable integers for counts (an unknown n stays NA, not 177.0) and floats for values,
    # also when the frame is empty or every value is None.
    for column in counts:
        frame[column] = frame[column].astype("Int64")
    for column in floats:
        frame[column] = frame[column].astype("float64")
    return frame
