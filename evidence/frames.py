"""Tidy pandas frames for the pages, built from a validated Evidence.

Every transform returns a new DataFrame built through its FrameContract: the one place that
states the frame's columns and what each holds. Labels travel with ids, so that charts never
look anything up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evidence import vocabulary
from evidence.consistency import result_key
from evidence.design import Design
from evidence.models import Cohort, Evidence, Verdict

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
Z95 = 1.959963984540054

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


def wilson_interval(events: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion, in percent.

    ``events`` may be fractional when it is derived from a reported rate.

    Hand-written on purpose: ``result_table`` builds it on every first page load, and the
    library that has it (statsmodels' ``proportion_confint(method="wilson")``) costs about a
    second to import, which the landing page must never pay. tests/test_frames.py checks
    that the two agree to 1e-9 on a grid of counts; evidence/effects.py, which is off the
    landing page's path, uses statsmodels itself.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    p = events / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def is_missing(value: object) -> bool:
    """Whether a cell holds no value: None, NaN (float or numpy), pandas' NA or NaT."""
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float | np.floating) and math.isnan(value))
    )


def present(value: object) -> bool:
    """Whether a cell holds a value (not is_missing)."""
    return not is_missing(value)


def format_number(value: float) -> str:
    """A number as written in a paper: no trailing zeros, at most two decimals (0.66, 61)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_value(
    value: float, unit: str, qualifier: str = "exact", wording: str | None = None
) -> str:
    """Render a value with its qualifier and unit: ``up to 77%``, ``about 33% (one third)``."""
    prefix = vocabulary.QUALIFIER.mark(qualifier)
    text = f"{prefix + ' ' if prefix else ''}{format_number(value)}{vocabulary.UNIT.mark(unit)}"
    if wording and wording.lower() not in text.lower():  # "up to 77%" needs no echo
        text += f" ({wording})"
    return text


class Labels:
    """Id -> (order, item) lookups built once per transform (transforms stay linear).

    evidence/effects.py builds its rows from them too.
    """

    def __init__(self, ev: Evidence) -> None:
        self.settings = {s.id: (i, s) for i, s in enumerate(ev.settings)}
        self.regimens = {r.id: (i, r) for i, r in enumerate(ev.regimens)}
        self.endpoints = {e.id: (i, e) for i, e in enumerate(ev.endpoints)}
        self.sources = {s.id: (i, s) for i, s in enumerate(ev.sources)}
        self.cohorts = {c.id: c for c in ev.cohorts}
        self.cohort_order = {c.id: i for i, c in enumerate(ev.cohorts)}

    def cohort_columns(self, cohort: Cohort) -> dict[str, Any]:
        """The columns of a cohort's row: the cohort, its source, setting and regimen."""
        s_order, setting = self.settings[cohort.setting]
        r_order, regimen = self.regimens[cohort.regimen]
        source_order, source = self.sources[cohort.source]
        return {
            COHORT: cohort.id,
            COHORT_LABEL: cohort.label,
            COHORT_ORDER: self.cohort_order[cohort.id],
            SOURCE: source.id,
            SOURCE_SHORT: source.short,
            SOURCE_ORDER: source_order,
            CITATION: source.citation,
            DESIGN: source.design,
            TRIAL: source.trial,
            EDITORIAL_REF: source.editorial_ref,
            SETTING: setting.id,
            SETTING_LABEL: setting.label,
            SETTING_SHORT: setting.short,
            SETTING_ORDER: s_order,
            DISEASE: setting.disease,
            REGIMEN: regimen.id,
            REGIMEN_LABEL: regimen.label,
            REGIMEN_SHORT: regimen.short,
            REGIMEN_ORDER: r_order,
            DOSING: regimen.dosing,
            ROLE: regimen.role,
            PHASE: cohort.phase,
        }

    def endpoint_columns(self, endpoint_id: str) -> dict[str, Any]:
        """The columns naming an endpoint: its id, label and short label."""
        endpoint = self.endpoints[endpoint_id][1]
        return {
            ENDPOINT: endpoint.id,
            ENDPOINT_LABEL: endpoint.label,
            ENDPOINT_SHORT: endpoint.short or endpoint.label,
        }


def _typed(
    frame: pd.DataFrame, *, counts: Sequence[str] = (), floats: Sequence[str] = ()
) -> pd.DataFrame:
    # Nullable integers for counts (an unknown n stays NA, not 177.0) and floats for values,
    # also when the frame is empty or every value is None.
    for column in counts:
        frame[column] = frame[column].astype("Int64")
    for column in floats:
        frame[column] = frame[column].astype("float64")
    return frame


def cohort_table(ev: Evidence) -> pd.DataFrame:
    """One row per cohort (contract: COHORT_FRAME)."""
    labels = Labels(ev)
    rows = [
        labels.cohort_columns(cohort)
        | {
            N: cohort.n,
            N_REPORTED_BY: cohort.n_reported_by,
            SMALL_N: cohort.n is None or cohort.n < SMALL_N_THRESHOLD,
            MEDIAN_AGE: cohort.median_age,
            MEDIAN_AGE_REPORTED_BY: cohort.median_age_reported_by,
            NOTE: cohort.note,
        }
        for cohort in ev.cohorts
    ]
    return _typed(COHORT_FRAME.frame(rows), counts=[N], floats=[MEDIAN_AGE])


def result_table(ev: Evidence) -> pd.DataFrame:
    """One row per result, joined with its cohort's, source's, setting's and regimen's labels.

    Contract: RESULT_FRAME. A 95% CI is kept as reported (``ci_kind`` "reported"); otherwise,
    for an exactly stated proportion (not a time-to-event landmark) with a known n, a Wilson
    interval is computed (``ci_kind`` "computed") from the events, or from the rate when only
    the rate is given. Qualified figures ("up to", "about") never get a computed interval.
    """
    labels = Labels(ev)
    rows = []
    for result in ev.results:
        cohort = labels.cohorts[result.cohort]
        e_order, endpoint = labels.endpoints[result.endpoint]
        n = result.n_of(cohort)
        ci_low = ci_high = None
        ci_kind = CI_NONE
        if result.ci is not None:
            ci_low, ci_high = result.ci
            ci_kind = CI_REPORTED
        elif endpoint.is_proportion and result.qualifier == "exact" and n:
            events = result.events if result.events is not None else result.value * n / 100
            ci_low, ci_high = wilson_interval(events, n)
            ci_kind = CI_COMPUTED
        rows.append(
            labels.cohort_columns(cohort)
            | labels.endpoint_columns(endpoint.id)
            | {
                KEY: result_key(result.cohort, result.endpoint),
                ENDPOINT_ORDER: e_order,
                DEFINITION: endpoint.definition,
                CATEGORY: endpoint.category,
                UNIT: endpoint.unit,
                BETTER: endpoint.better,
                CRITERIA: endpoint.criteria,
                VALUE: float(result.value),
                QUALIFIER: result.qualifier,
                WORDING: result.wording,
                VALUE_TEXT: format_value(
                    result.value, endpoint.unit, result.qualifier, result.wording
                ),
                EVENTS: result.events,
                N: n,
                SMALL_N: n is None or n < SMALL_N_THRESHOLD,
                CI_LOW: ci_low,
                CI_HIGH: ci_high,
                CI_KIND: ci_kind,
                REPORTED_BY: result.reported_by,
                LOCATOR: result.locator,
                NOTE: result.note,
            }
        )
    return _typed(RESULT_FRAME.frame(rows), counts=[EVENTS, N], floats=[VALUE, CI_LOW, CI_HIGH])


def ci_words(level: object) -> str:
    """How an interval is named: ``95% CI``, or a reported ``90% CI`` (95 when not known)."""
    try:
        value = float(level)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = 95.0
    return f"{(value if value == value else 95.0):g}% CI"


def comparison_table(ev: Evidence) -> pd.DataFrame:
    """One row per reported comparison (hazard ratios and the like); contract COMPARISON_FRAME.

    ``held_back`` says why a view must show the reason instead of the effect (the same rule
    as the effects table's, evidence/design.py).
    """
    labels = Labels(ev)
    design = Design(ev)
    rows = []
    for cmp in ev.comparisons:
        other = labels.cohorts[cmp.versus]
        rows.append(
            labels.cohort_columns(labels.cohorts[cmp.cohort])
            | labels.endpoint_columns(cmp.endpoint)
            | {
                KEY: result_key(cmp.cohort, cmp.endpoint),
                VERSUS: other.id,
                VERSUS_LABEL: other.label,
                VERSUS_REGIMEN_SHORT: labels.regimens[other.regimen][1].short,
                MEASURE: cmp.measure,
                VALUE: float(cmp.value),
                CI_LOW: cmp.ci[0] if cmp.ci else None,
                CI_HIGH: cmp.ci[1] if cmp.ci else None,
                CI_LEVEL: float(cmp.ci_level),
                P: cmp.p,
                REPORTED_BY: cmp.reported_by,
                LOCATOR: cmp.locator,
                NOTE: cmp.note,
                HELD_BACK: design.held_back(
                    cmp.cohort, cmp.versus, design.phase_of_endpoint(cmp.endpoint)
                ),
            }
        )
    return _typed(COMPARISON_FRAME.frame(rows), floats=[VALUE, CI_LOW, CI_HIGH, CI_LEVEL])


def finding_table(ev: Evidence) -> pd.DataFrame:
    """One row per numberless finding (contract: FINDING_FRAME)."""
    labels = Labels(ev)
    rows = []
    for finding in ev.findings:
        endpoint = labels.endpoints[finding.endpoint][1]
        versus = labels.cohorts[finding.versus] if finding.versus else None
        rows.append(
            labels.cohort_columns(labels.cohorts[finding.cohort])
            | {
                KEY: result_key(finding.cohort, finding.endpoint),
                ENDPOINT: endpoint.id,
                ENDPOINT_LABEL: endpoint.label,
                CATEGORY: endpoint.category,
                DIRECTION: finding.direction,
                VERSUS: versus.id if versus else None,
                VERSUS_LABEL: versus.label if versus else None,
                STATEMENT: finding.statement,
                REPORTED_BY: finding.reported_by,
                LOCATOR: finding.locator,
                NOTE: finding.note,
            }
        )
    return FINDING_FRAME.frame(rows)


def verdict_table(ev: Evidence) -> pd.DataFrame:
    """One row per verdict, with its setting and regimen labels (contract: VERDICT_FRAME)."""
    settings = {s.id: (i, s) for i, s in enumerate(ev.settings)}
    regimens = {r.id: r for r in ev.regimens}
    rows = []
    for v in ev.verdicts:
        order, setting = settings[v.setting]
        rows.append(
            {
                VERDICT_ID: v.id,
                SETTING: v.setting,
                SETTING_LABEL: setting.label,
                SETTING_ORDER: order,
                REGIMENS: v.regimens,
                REGIMEN_LABELS: ", ".join(regimens[r].short for r in v.regimens),
                EFFICACY: v.efficacy,
                SAFETY: v.safety,
                VERDICT: v.verdict,
                STATEMENT: v.statement,
                RESTS_ON: v.rests_on,
                EDITORIAL_REF: v.editorial_ref,
                NOTE: v.note,
            }
        )
    return VERDICT_FRAME.frame(rows)


def cohort_verdicts(ev: Evidence) -> dict[str, Verdict]:
    """The verdict that speaks to each cohort.

    A verdict whose ``rests_on`` names one of the cohort's results wins; otherwise the first
    verdict on the cohort's setting that names its regimen.
    """
    out: dict[str, Verdict] = {}
    for v in ev.verdicts:
        for key in v.rests_on:
            out.setdefault(key.split("/", 1)[0], v)
    for cohort in ev.cohorts:
        if cohort.id in out:
            continue
        for v in ev.verdicts:
            if v.setting == cohort.setting and cohort.regimen in v.regimens:
                out[cohort.id] = v
                break
    return out


def source_table(ev: Evidence) -> pd.DataFrame:
    """One row per source, with the numbers that come from it (contract: SOURCE_FRAME)."""
    cohort_source = {c.id: c.source for c in ev.cohorts}
    members: dict[str, list[Cohort]] = {s.id: [] for s in ev.sources}
    for c in ev.cohorts:
        members[c.source].append(c)
    cohorts_of_numbers = [r.cohort for r in ev.results] + [c.cohort for c in ev.comparisons]
    cohorts_of_numbers += [f.cohort for f in ev.findings]
    numbers: Counter[str] = Counter(cohort_source[c] for c in cohorts_of_numbers)
    rows = []
    design = Design(ev)
    for s in ev.sources:
        once = set(design.counted_once(c.id for c in members[s.id]))
        known = [c.n for c in members[s.id] if c.n is not None and c.id in once]
        rows.append(
            {
                SOURCE: s.id,
                SOURCE_SHORT: s.short,
                CITATION: s.citation,
                DESIGN: s.design,
                TRIAL: s.trial,
                YEAR: s.year,
                DOI: s.doi,
                PMID: s.pmid,
                NCT: s.nct,
                URL: s.url,
                EDITORIAL_REF: s.editorial_ref,
                N_TOTAL: sum(known) if known else None,
                COHORTS: len(members[s.id]),
                NUMBERS: numbers[s.id],
                NOTE: s.note,
            }
        )
    return _typed(SOURCE_FRAME.frame(rows), counts=[N_TOTAL, YEAR])


def coverage_table(ev: Evidence, results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The regimen x setting grid: every declared pair, with or without evidence.

    Contract: COVERAGE_FRAME. ``headline`` is the pair's first benefit-category result (in
    endpoint order, largest n first), e.g. "ORR 61%"; ``headline_source`` names its source.
    Pass the result_table when it exists already: it is the costly part.
    """
    if results is None:
        results = result_table(ev)
    benefit = list(vocabulary.CATEGORY.with_flag("benefit"))
    response = results[results[CATEGORY].isin(benefit)].sort_values(
        [ENDPOINT_ORDER, N], ascending=[True, False], na_position="last"
    )
    sources = {s.id: s.short for s in ev.sources}
    members: dict[tuple[str, str], list[Cohort]] = {}
    for c in ev.cohorts:
        members.setdefault((c.setting, c.regimen), []).append(c)
    first = response.drop_duplicates([SETTING, REGIMEN])  # sorted: the headline comes first
    headlines = {
        (str(setting), str(regimen)): (str(short), str(text), str(source))
        for setting, regimen, short, text, source in zip(
            first[SETTING],
            first[REGIMEN],
            first[ENDPOINT_SHORT],
            first[VALUE_TEXT],
            first[SOURCE_SHORT],
            strict=True,
        )
    }
    design = Design(ev)
    rows = []
    for s_order, setting in enumerate(ev.settings):
        for r_order, regimen in enumerate(ev.regimens):
            pair_cohorts = members.get((setting.id, regimen.id), [])
            short, text, headline_source = headlines.get(
                (setting.id, regimen.id), (None, None, None)
            )
            rows.append(
                {
                    SETTING: setting.id,
                    SETTING_LABEL: setting.label,
                    SETTING_SHORT: setting.short,
                    SETTING_ORDER: s_order,
                    REGIMEN: regimen.id,
                    REGIMEN_LABEL: regimen.label,
                    REGIMEN_SHORT: regimen.short,
                    REGIMEN_ORDER: r_order,
                    ROLE: regimen.role,
                    COHORTS: len(design.counted_once(c.id for c in pair_cohorts)),
                    COHORTS_LISTED: len(pair_cohorts),
                    SOURCES: ", ".join(dict.fromkeys(sources[c.source] for c in pair_cohorts)),
                    HEADLINE: f"{short} {text}" if short is not None else None,
                    HEADLINE_ENDPOINT: short,
                    HEADLINE_VALUE: text,
                    HEADLINE_SOURCE: headline_source,
                }
            )
    return COVERAGE_FRAME.frame(rows)


def filter_frame(frame: pd.DataFrame, selections: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Rows whose ``column`` value is among the chosen ones, for every non-empty selection.

    ``selections`` maps a column to the values to keep; an empty selection means "all", and a
    selection on a column the frame does not have is ignored (verdicts have no design).
    """
    mask = pd.Series(True, index=frame.index)
    for column, chosen in selections.items():
        if chosen and column in frame.columns:
            mask &= frame[column].isin(list(chosen))
    return frame[mask]


def percent_of(results: pd.DataFrame, flag: str) -> pd.DataFrame:
    """Percentage results of the endpoint categories that carry ``flag`` (benefit or harm)."""
    words = list(vocabulary.CATEGORY.with_flag(flag))
    return results[(results[UNIT] == "percent") & results[CATEGORY].isin(words)]


def default_plane_pair(results: pd.DataFrame) -> tuple[str, str] | None:
    """The (harm, benefit) endpoint pair reported by the most cohorts; file order breaks ties.

    None when no cohort reports both a harm and a benefit percentage.
    """
    harm = percent_of(results, "harm")[[COHORT, ENDPOINT, ENDPOINT_ORDER]]
    benefit = percent_of(results, "benefit")[[COHORT, ENDPOINT, ENDPOINT_ORDER]]
    both = harm.merge(benefit, on=COHORT, suffixes=("_harm", "_benefit"))
    if both.empty:
        return None
    counts = (
        both.groupby(
            [ENDPOINT + "_harm", ENDPOINT + "_benefit", ENDPOINT_ORDER + "_harm"],
            sort=False,
        )
        .agg(cohorts=(COHORT, "nunique"), order=(ENDPOINT_ORDER + "_benefit", "first"))
        .reset_index()
        .sort_values(
            ["cohorts", ENDPOINT_ORDER + "_harm", "order"],
            ascending=[False, True, True],
            kind="stable",
        )
    )
    first = counts.iloc[0]
    return str(first[ENDPOINT + "_harm"]), str(first[ENDPOINT + "_benefit"])


def plane_table(
    results: pd.DataFrame,
    *,
    harm: str,
    benefit: str,
    verdict_of: Mapping[str, str],
) -> pd.DataFrame:
    """The benefit-harm plane: one row per cohort that reports both chosen endpoints.

    Contract: PLANE_FRAME. One endpoint per axis, never a substitute: a cohort without this
    pair is left out (see plane_missing). ``verdict_of`` maps cohort id -> verdict word;
    cohorts without one get "none".
    """
    x = results[results[ENDPOINT] == harm]
    y = results[results[ENDPOINT] == benefit]
    both = y.merge(x, on=COHORT, suffixes=("", "_harm"), sort=False)
    both = both.sort_values(COHORT_ORDER, kind="stable")
    rows = [
        {
            COHORT: row[COHORT],
            COHORT_LABEL: row[COHORT_LABEL],
            SOURCE_SHORT: row[SOURCE_SHORT],
            SETTING: row[SETTING],
            SETTING_SHORT: row[SETTING_SHORT],
            REGIMEN: row[REGIMEN],
            REGIMEN_LABEL: row[REGIMEN_LABEL],
            REGIMEN_SHORT: row[REGIMEN_SHORT],
            REGIMEN_ORDER: row[REGIMEN_ORDER],
            N: row[N],
            HARM_VALUE: row[VALUE + "_harm"],
            HARM_TEXT: f"{row[ENDPOINT_SHORT + '_harm']}: {row[VALUE_TEXT + '_harm']}",
            HARM_ENDPOINT: row[ENDPOINT + "_harm"],
            BENEFIT_VALUE: row[VALUE],
            BENEFIT_TEXT: f"{row[ENDPOINT_SHORT]}: {row[VALUE_TEXT]}",
            BENEFIT_ENDPOINT: row[ENDPOINT],
            EDITORIAL_ONLY: "editorial" in (row[REPORTED_BY + "_harm"], row[REPORTED_BY]),
            VERDICT: verdict_of.get(str(row[COHORT]), NO_VERDICT),
            BENEFIT_CRITERIA: row[CRITERIA],
        }
        for row in both.to_dict("records")
    ]
    return _typed(PLANE_FRAME.frame(rows), counts=[N])


def plane_missing(results: pd.DataFrame, *, harm: str, benefit: str) -> pd.DataFrame:
    """The cohorts with a benefit or harm percentage that lack the chosen pair.

    Columns: cohort_label, setting_short, source_short, and "reports" (what they report
    instead: the benefit and harm endpoints they have, short labels, file order).
    """
    figures = pd.concat([percent_of(results, "benefit"), percent_of(results, "harm")])
    has_both = set(results.loc[results[ENDPOINT] == harm, COHORT]) & set(
        results.loc[results[ENDPOINT] == benefit, COHORT]
    )
    rest = figures[~figures[COHORT].isin(has_both)].sort_values([COHORT_ORDER, ENDPOINT_ORDER])
    rows = [
        {
            COHORT_LABEL: group[COHORT_LABEL].iloc[0],
            SETTING_SHORT: group[SETTING_SHORT].iloc[0],
            SOURCE_SHORT: group[SOURCE_SHORT].iloc[0],
            "reports": ", ".join(
                f"{e}: {v}" for e, v in zip(group[ENDPOINT_SHORT], group[VALUE_TEXT], strict=True)
            ),
        }
        for _, group in rest.groupby(COHORT, sort=False)
    ]
    return pd.DataFrame(rows, columns=[COHORT_LABEL, SETTING_SHORT, SOURCE_SHORT, "reports"])


def plane_links(plane: pd.DataFrame, cohorts: pd.DataFrame) -> list[tuple[str, str]]:
    """(comparator cohort, regimen cohort) pairs of one source, both on the plane.

    Drawn as arrows: the trade-off of adding the drug reads at a glance. A source without a
    comparator arm on the plane has no arrows.
    """
    on = cohorts[cohorts[COHORT].isin(plane[COHORT])]
    links = []
    for _, arms in on.groupby(SOURCE, sort=False):
        comparators = arms.loc[arms[ROLE] == "comparator", COHORT].tolist()
        regimens = arms.loc[arms[ROLE] != "comparator", COHORT].tolist()
        links += [(str(c), str(r)) for c in comparators for r in regimens]
    return links


def beside_response_table(results: pd.DataFrame, *, category: str) -> pd.DataFrame:
    """A wide table: each cohort with a ``category`` result, its figures, then its responses.

    Columns: setting_label, cohort_label, n (text: "177" or "not reported"), then one column
    per endpoint label (the category's endpoints first, then benefit-category endpoints, each
    in file order) holding the value as stated, or "" when not reported. (A display table:
    its columns depend on the data, so it has no fixed contract.)
    """
    benefit = list(vocabulary.CATEGORY.with_flag("benefit"))
    main = results[results[CATEGORY] == category]
    rows = results[
        results[COHORT].isin(main[COHORT])
        & ((results[CATEGORY] == category) | results[CATEGORY].isin(benefit))
    ]
    if rows.empty:
        return pd.DataFrame(columns=[SETTING_LABEL, COHORT_LABEL, N])
    rows = rows.assign(_main=rows[CATEGORY] != category).sort_values(["_main", ENDPOINT_ORDER])
    endpoint_order = list(dict.fromkeys(rows[ENDPOINT_LABEL]))
    wide = rows.pivot_table(
        index=[SETTING_ORDER, SOURCE_ORDER, COHORT_ORDER, SETTING_LABEL, COHORT_LABEL],
        columns=ENDPOINT_LABEL,
        values=VALUE_TEXT,
        aggfunc="first",
    )
    wide = wide.reindex(columns=endpoint_order).fillna("").sort_index().reset_index()
    n_text = rows.drop_duplicates(COHORT).set_index(COHORT_LABEL)[N]
    wide.insert(
        5,
        N,
        [("not reported" if pd.isna(n_text[c]) else str(n_text[c])) for c in wide[COHORT_LABEL]],
    )
    wide.columns.name = None
    return wide.drop(columns=[SETTING_ORDER, SOURCE_ORDER, COHORT_ORDER])


def sources_in_view(sources: pd.DataFrame, cohorts: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``sources`` that have at least one cohort in ``cohorts``."""
    return sources[sources[SOURCE].isin(cohorts[SOURCE])]
