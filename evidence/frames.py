"""Tidy pandas frames for the pages, built from a validated Evidence.

Every transform returns a new DataFrame whose columns are documented in its docstring and
named by the constants below. Labels travel with ids so that charts never look anything up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd

from evidence.models import Cohort, Evidence, Verdict, result_key

# Column names (the frame contract).
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
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
CI_KIND = "ci_kind"
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

SMALL_N_THRESHOLD = 30
"""Cohorts smaller than this are flagged on every chart."""
Z95 = 1.959963984540054

# Categories whose percentages are simple proportions of n. A time-to-event percentage (a
# Kaplan-Meier landmark) is not: a binomial interval would ignore censoring.
PROPORTION_CATEGORIES = ("response", "toxicity", "dose_modification", "other")

CI_REPORTED = "reported"
CI_COMPUTED = "computed"
CI_NONE = "none"

_QUALIFIER_PREFIX = {
    "exact": "",
    "approximately": "about ",
    "up_to": "up to ",
    "at_least": "at least ",
    "more_than": "more than ",
    "less_than": "less than ",
}
_UNIT_SUFFIX = {
    "percent": "%",
    "months": " mo",
    "years": " y",
    "patients": " patients",
    "score": "",
    "ratio": "",
}
REPORTED_BY_TEXT = {
    "primary": "the trial report",
    "secondary": "a secondary source",
    "editorial": "the editorial only",
    "computed": "our computation",
}


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


def format_number(value: float) -> str:
    """A number as written in a paper: no trailing zeros, at most two decimals (0.66, 61)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_value(
    value: float, unit: str, qualifier: str = "exact", wording: str | None = None
) -> str:
    """Render a value with its qualifier and unit: ``up to 77%``, ``about 33% (one third)``."""
    number = format_number(value)
    text = f"{_QUALIFIER_PREFIX.get(qualifier, '')}{number}{_UNIT_SUFFIX.get(unit, '')}"
    if wording and wording.lower() not in text.lower():  # "up to 77%" needs no echo
        text += f" ({wording})"
    return text


class _Labels:
    """Id -> (order, item) lookups built once per transform (transforms stay linear)."""

    def __init__(self, ev: Evidence) -> None:
        self.settings = {s.id: (i, s) for i, s in enumerate(ev.settings)}
        self.regimens = {r.id: (i, r) for i, r in enumerate(ev.regimens)}
        self.endpoints = {e.id: (i, e) for i, e in enumerate(ev.endpoints)}
        self.sources = {s.id: (i, s) for i, s in enumerate(ev.sources)}
        self.cohorts = {c.id: c for c in ev.cohorts}
        self.cohort_order = {c.id: i for i, c in enumerate(ev.cohorts)}

    def cohort_columns(self, cohort: Cohort) -> dict[str, Any]:
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
            ROLE: regimen.role,
            PHASE: cohort.phase,
        }


def cohort_table(ev: Evidence) -> pd.DataFrame:
    """One row per cohort.

    Columns
    -------
    cohort, cohort_label, cohort_order, source, source_short, source_order, citation, design,
    trial, editorial_ref,
    setting, setting_label, setting_short, setting_order, disease, regimen, regimen_label,
    regimen_short, regimen_order, role, phase, n, n_reported_by, small_n, median_age,
    median_age_reported_by, note.
    """
    labels = _Labels(ev)
    rows = []
    for cohort in ev.cohorts:
        row = labels.cohort_columns(cohort)
        row.update(
            {
                N: cohort.n,
                N_REPORTED_BY: cohort.n_reported_by,
                SMALL_N: cohort.n is None or cohort.n < SMALL_N_THRESHOLD,
                "median_age": cohort.median_age,
                "median_age_reported_by": cohort.median_age_reported_by,
                NOTE: cohort.note,
            }
        )
        rows.append(row)
    columns = [
        *_cohort_columns_names(),
        N,
        N_REPORTED_BY,
        SMALL_N,
        "median_age",
        "median_age_reported_by",
        NOTE,
    ]
    return pd.DataFrame(rows, columns=columns)


def _cohort_columns_names() -> list[str]:
    return [
        COHORT,
        COHORT_LABEL,
        COHORT_ORDER,
        SOURCE,
        SOURCE_SHORT,
        SOURCE_ORDER,
        CITATION,
        DESIGN,
        TRIAL,
        EDITORIAL_REF,
        SETTING,
        SETTING_LABEL,
        SETTING_SHORT,
        SETTING_ORDER,
        DISEASE,
        REGIMEN,
        REGIMEN_LABEL,
        REGIMEN_SHORT,
        REGIMEN_ORDER,
        ROLE,
        PHASE,
    ]


RESULT_COLUMNS = [
    KEY,
    *_cohort_columns_names(),
    ENDPOINT,
    ENDPOINT_LABEL,
    ENDPOINT_SHORT,
    ENDPOINT_ORDER,
    DEFINITION,
    CATEGORY,
    UNIT,
    BETTER,
    CRITERIA,
    VALUE,
    QUALIFIER,
    WORDING,
    VALUE_TEXT,
    EVENTS,
    N,
    SMALL_N,
    CI_LOW,
    CI_HIGH,
    CI_KIND,
    REPORTED_BY,
    LOCATOR,
    NOTE,
]


def result_table(ev: Evidence) -> pd.DataFrame:
    """One row per result, joined with the labels of its cohort, source, setting, regimen.

    A 95% CI is kept as reported (``ci_kind`` = "reported"); otherwise, for an exactly stated
    proportion (not a time-to-event landmark) with a known n, a Wilson interval is computed
    (``ci_kind`` = "computed") from the events, or from the rate when only the rate is given.
    Qualified figures ("up to", "about") never get a computed interval.

    Columns
    -------
    key ("cohort/endpoint"), every cohort_table label column, endpoint, endpoint_label,
    endpoint_short, endpoint_order, definition, category, unit, better, criteria, value,
    qualifier, wording, value_text, events, n (result's n, else the cohort's; None if unknown),
    small_n (n unknown or < 30), ci_low, ci_high, ci_kind, reported_by, locator, note.
    """
    labels = _Labels(ev)
    rows = []
    for result in ev.results:
        cohort = labels.cohorts[result.cohort]
        e_order, endpoint = labels.endpoints[result.endpoint]
        n = result.n if result.n is not None else cohort.n
        ci_low = ci_high = None
        ci_kind = CI_NONE
        if result.ci is not None:
            ci_low, ci_high = result.ci
            ci_kind = CI_REPORTED
        elif (
            endpoint.unit == "percent"
            and endpoint.category in PROPORTION_CATEGORIES
            and result.qualifier == "exact"
            and n
        ):
            events = result.events if result.events is not None else result.value * n / 100
            ci_low, ci_high = wilson_interval(events, n)
            ci_kind = CI_COMPUTED
        row = labels.cohort_columns(cohort)
        row.update(
            {
                KEY: result_key(result.cohort, result.endpoint),
                ENDPOINT: endpoint.id,
                ENDPOINT_LABEL: endpoint.label,
                ENDPOINT_SHORT: endpoint.short or endpoint.label,
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
        rows.append(row)
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for column in (EVENTS, N):
        frame[column] = frame[column].astype("Int64")
    for column in (VALUE, CI_LOW, CI_HIGH):
        frame[column] = frame[column].astype("float64")
    return frame


COMPARISON_COLUMNS = [
    KEY,
    *_cohort_columns_names(),
    VERSUS,
    VERSUS_LABEL,
    VERSUS_REGIMEN_SHORT,
    ENDPOINT,
    ENDPOINT_LABEL,
    ENDPOINT_SHORT,
    MEASURE,
    VALUE,
    CI_LOW,
    CI_HIGH,
    P,
    REPORTED_BY,
    LOCATOR,
    NOTE,
]


def comparison_table(ev: Evidence) -> pd.DataFrame:
    """One row per comparison (hazard ratios and the like).

    Columns
    -------
    key, every cohort_table label column (of the first cohort), versus, versus_label,
    versus_regimen_short, endpoint, endpoint_label, endpoint_short, measure, value, ci_low,
    ci_high (None when not reported), p (text), reported_by, locator, note.
    """
    labels = _Labels(ev)
    rows = []
    for cmp in ev.comparisons:
        other = labels.cohorts[cmp.versus]
        endpoint = labels.endpoints[cmp.endpoint][1]
        row = labels.cohort_columns(labels.cohorts[cmp.cohort])
        row.update(
            {
                KEY: result_key(cmp.cohort, cmp.endpoint),
                VERSUS: other.id,
                VERSUS_LABEL: other.label,
                VERSUS_REGIMEN_SHORT: labels.regimens[other.regimen][1].short,
                ENDPOINT: endpoint.id,
                ENDPOINT_LABEL: endpoint.label,
                ENDPOINT_SHORT: endpoint.short or endpoint.label,
                MEASURE: cmp.measure,
                VALUE: float(cmp.value),
                CI_LOW: cmp.ci[0] if cmp.ci else None,
                CI_HIGH: cmp.ci[1] if cmp.ci else None,
                P: cmp.p,
                REPORTED_BY: cmp.reported_by,
                LOCATOR: cmp.locator,
                NOTE: cmp.note,
            }
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    for column in (VALUE, CI_LOW, CI_HIGH):
        frame[column] = frame[column].astype("float64")
    return frame


FINDING_COLUMNS = [
    KEY,
    *_cohort_columns_names(),
    ENDPOINT,
    ENDPOINT_LABEL,
    CATEGORY,
    DIRECTION,
    VERSUS,
    VERSUS_LABEL,
    STATEMENT,
    REPORTED_BY,
    LOCATOR,
    NOTE,
]


def finding_table(ev: Evidence) -> pd.DataFrame:
    """One row per numberless finding.

    Columns
    -------
    key, every cohort_table label column, endpoint, endpoint_label, category, direction,
    versus, versus_label (None when not compared), statement, reported_by, locator, note.
    """
    labels = _Labels(ev)
    rows = []
    for finding in ev.findings:
        endpoint = labels.endpoints[finding.endpoint][1]
        versus = labels.cohorts[finding.versus] if finding.versus else None
        row = labels.cohort_columns(labels.cohorts[finding.cohort])
        row.update(
            {
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
        rows.append(row)
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


VERDICT_COLUMNS = [
    "verdict_id",
    SETTING,
    SETTING_LABEL,
    SETTING_ORDER,
    "regimens",
    "regimen_labels",
    "efficacy",
    "safety",
    "verdict",
    STATEMENT,
    "rests_on",
    EDITORIAL_REF,
]


def verdict_table(ev: Evidence) -> pd.DataFrame:
    """One row per verdict, with its setting and regimen labels resolved.

    Columns
    -------
    verdict_id, setting, setting_label, setting_order, regimens (tuple of ids), regimen_labels
    (comma-joined short labels), efficacy, safety, verdict, statement, rests_on (tuple of keys),
    editorial_ref.
    """
    settings = {s.id: (i, s) for i, s in enumerate(ev.settings)}
    regimens = {r.id: r for r in ev.regimens}
    rows = []
    for v in ev.verdicts:
        order, setting = settings[v.setting]
        rows.append(
            {
                "verdict_id": v.id,
                SETTING: v.setting,
                SETTING_LABEL: setting.label,
                SETTING_ORDER: order,
                "regimens": v.regimens,
                "regimen_labels": ", ".join(regimens[r].short for r in v.regimens),
                "efficacy": v.efficacy,
                "safety": v.safety,
                "verdict": v.verdict,
                STATEMENT: v.statement,
                "rests_on": v.rests_on,
                EDITORIAL_REF: v.editorial_ref,
            }
        )
    return pd.DataFrame(rows, columns=VERDICT_COLUMNS)


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


SOURCE_COLUMNS = [
    SOURCE,
    SOURCE_SHORT,
    CITATION,
    DESIGN,
    TRIAL,
    "year",
    "doi",
    "pmid",
    "nct",
    "url",
    EDITORIAL_REF,
    "n_total",
    "cohorts",
    "numbers",
    NOTE,
]


def source_table(ev: Evidence) -> pd.DataFrame:
    """One row per source, with the numbers that come from it.

    Columns
    -------
    source, source_short, citation, design, trial, year, doi, pmid, nct, url, editorial_ref,
    n_total (sum of its cohorts' known n; None when none is known), cohorts (count),
    numbers (count of results, comparisons and findings), note.
    """
    cohort_source = {c.id: c.source for c in ev.cohorts}
    members: dict[str, list[Cohort]] = {s.id: [] for s in ev.sources}
    for c in ev.cohorts:
        members[c.source].append(c)
    cohorts_of_numbers = [r.cohort for r in ev.results] + [c.cohort for c in ev.comparisons]
    cohorts_of_numbers += [f.cohort for f in ev.findings]
    numbers: Counter[str] = Counter(cohort_source[c] for c in cohorts_of_numbers)
    rows = []
    for s in ev.sources:
        known = [c.n for c in members[s.id] if c.n is not None]
        rows.append(
            {
                SOURCE: s.id,
                SOURCE_SHORT: s.short,
                CITATION: s.citation,
                DESIGN: s.design,
                TRIAL: s.trial,
                "year": s.year,
                "doi": s.doi,
                "pmid": s.pmid,
                "nct": s.nct,
                "url": s.url,
                EDITORIAL_REF: s.editorial_ref,
                "n_total": sum(known) if known else None,
                "cohorts": len(members[s.id]),
                "numbers": numbers[s.id],
                NOTE: s.note,
            }
        )
    frame = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    frame["n_total"] = frame["n_total"].astype("Int64")
    frame["year"] = frame["year"].astype("Int64")
    return frame


COVERAGE_COLUMNS = [
    SETTING,
    SETTING_LABEL,
    SETTING_SHORT,
    SETTING_ORDER,
    REGIMEN,
    REGIMEN_LABEL,
    REGIMEN_SHORT,
    REGIMEN_ORDER,
    ROLE,
    "cohorts",
    "sources",
    "headline",
    "headline_source",
]


def coverage_table(ev: Evidence, results: pd.DataFrame | None = None) -> pd.DataFrame:
    """The regimen x setting grid: every declared pair, with or without evidence.

    ``headline`` is the first response-category result (in endpoint order, largest n first)
    of the pair's cohorts, e.g. "ORR 61%", or None; ``headline_source`` names its source.

    Columns
    -------
    setting, setting_label, setting_short, setting_order, regimen, regimen_label,
    regimen_short, regimen_order, role, cohorts (count), sources (comma-joined short names),
    headline, headline_source.
    """
    if results is None:  # pass the result_table when it exists already: it is the costly part
        results = result_table(ev)
    response = results[results[CATEGORY] == "response"].sort_values(
        [ENDPOINT_ORDER, "n"], ascending=[True, False], na_position="last"
    )
    sources = {s.id: s.short for s in ev.sources}
    members: dict[tuple[str, str], list[Cohort]] = {}
    for c in ev.cohorts:
        members.setdefault((c.setting, c.regimen), []).append(c)
    first = response.drop_duplicates([SETTING, REGIMEN])  # sorted: the headline comes first
    headlines = {
        (str(setting), str(regimen)): (f"{short} {text}", str(source))
        for setting, regimen, short, text, source in zip(
            first[SETTING],
            first[REGIMEN],
            first[ENDPOINT_SHORT],
            first[VALUE_TEXT],
            first[SOURCE_SHORT],
            strict=True,
        )
    }
    rows = []
    for s_order, setting in enumerate(ev.settings):
        for r_order, regimen in enumerate(ev.regimens):
            pair_cohorts = members.get((setting.id, regimen.id), [])
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
                    "cohorts": len(pair_cohorts),
                    "sources": ", ".join(dict.fromkeys(sources[c.source] for c in pair_cohorts)),
                    "headline": headlines.get((setting.id, regimen.id), (None, None))[0],
                    "headline_source": headlines.get((setting.id, regimen.id), (None, None))[1],
                }
            )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def filter_frame(
    frame: pd.DataFrame,
    *,
    settings: Sequence[str] = (),
    regimens: Sequence[str] = (),
    roles: Sequence[str] = (),
    designs: Sequence[str] = (),
    reported_by: Sequence[str] = (),
) -> pd.DataFrame:
    """Rows matching every non-empty selection; an empty selection means "all".

    A selection on a column the frame does not have is ignored (verdicts have no design).
    """
    mask = pd.Series(True, index=frame.index)
    for column, chosen in (
        (SETTING, settings),
        (REGIMEN, regimens),
        (ROLE, roles),
        (DESIGN, designs),
        (REPORTED_BY, reported_by),
    ):
        if chosen and column in frame.columns:
            mask &= frame[column].isin(list(chosen))
    return frame[mask]


BENEFIT_RISK_COLUMNS = [
    COHORT,
    COHORT_LABEL,
    SOURCE_SHORT,
    SETTING,
    SETTING_SHORT,
    REGIMEN,
    REGIMEN_LABEL,
    REGIMEN_SHORT,
    REGIMEN_ORDER,
    N,
    "x_value",
    "x_text",
    "x_endpoint",
    "y_value",
    "y_text",
    "y_endpoint",
    "editorial_only",
    "verdict",
    "criteria_y",
]


def _first_by_priority(results: pd.DataFrame, endpoints: Sequence[str]) -> pd.DataFrame:
    """Per cohort, its result for the first of ``endpoints`` it reports (one pass, no loop)."""
    rank = {endpoint: i for i, endpoint in enumerate(endpoints)}
    chosen = results[results[ENDPOINT].isin(list(rank))]
    chosen = chosen.assign(_rank=chosen[ENDPOINT].map(rank))
    return chosen.sort_values("_rank", kind="stable").drop_duplicates(COHORT)


def benefit_risk_table(
    results: pd.DataFrame,
    *,
    harm_endpoints: Sequence[str],
    benefit_endpoints: Sequence[str],
    verdict_of: dict[str, str],
) -> pd.DataFrame:
    """One row per cohort that has both a harm and a benefit figure.

    For each cohort the first endpoint in ``harm_endpoints`` (and in ``benefit_endpoints``)
    that it reports is used, so the caller's order is a priority list. ``verdict_of`` maps
    cohort id -> verdict word; cohorts without one get "none".

    Columns
    -------
    cohort, cohort_label, source_short, setting, setting_short, regimen, regimen_label,
    regimen_short, regimen_order, n, x_value, x_text ("endpoint: value"), x_endpoint, y_value,
    y_text, y_endpoint, editorial_only (either figure reported only by the editorial), verdict,
    criteria_y (criteria of the benefit endpoint).
    """
    harm = _first_by_priority(results, harm_endpoints)
    benefit = _first_by_priority(results, benefit_endpoints)
    both = benefit.merge(harm, on=COHORT, suffixes=("", "_harm"), sort=False)
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
            "x_value": row[VALUE + "_harm"],
            "x_text": f"{row[ENDPOINT_SHORT + '_harm']}: {row[VALUE_TEXT + '_harm']}",
            "x_endpoint": row[ENDPOINT + "_harm"],
            "y_value": row[VALUE],
            "y_text": f"{row[ENDPOINT_SHORT]}: {row[VALUE_TEXT]}",
            "y_endpoint": row[ENDPOINT],
            "editorial_only": "editorial" in (row[REPORTED_BY + "_harm"], row[REPORTED_BY]),
            "verdict": verdict_of.get(str(row[COHORT]), "none"),
            "criteria_y": row[CRITERIA],
        }
        for row in both.to_dict("records")
    ]
    frame = pd.DataFrame(rows, columns=BENEFIT_RISK_COLUMNS)
    frame[N] = frame[N].astype("Int64")
    return frame


def beside_response_table(results: pd.DataFrame, *, category: str) -> pd.DataFrame:
    """A wide table: each cohort with a ``category`` result, its figures, then its responses.

    Columns
    -------
    setting_label, cohort_label, n (text: "177" or "not reported"), then one column per
    endpoint label (the category's endpoints first, then response endpoints, each in file
    order) holding the value as stated (with its qualifier), or "" when not reported.
    """
    main = results[results[CATEGORY] == category]
    rows = results[
        results[COHORT].isin(main[COHORT])
        & ((results[CATEGORY] == category) | (results[CATEGORY] == "response"))
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
