"""The frames built from a validated Evidence, each through its contract.

Cohorts, results, comparisons, findings, verdicts, sources and coverage; the contracts are in
evidence/frames/columns.py. Labels travel with ids, so that charts never look anything up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

import pandas as pd

from evidence import vocabulary
from evidence.consistency import result_key
from evidence.design import Design
from evidence.frames.columns import (
    BETTER,
    CATEGORY,
    CI_COMPUTED,
    CI_HIGH,
    CI_KIND,
    CI_LEVEL,
    CI_LOW,
    CI_NONE,
    CI_REPORTED,
    CITATION,
    COHORT,
    COHORT_FRAME,
    COHORT_LABEL,
    COHORT_ORDER,
    COHORTS,
    COHORTS_LISTED,
    COMPARISON_FRAME,
    COVERAGE_FRAME,
    CRITERIA,
    DEFINITION,
    DESIGN,
    DIRECTION,
    DISEASE,
    DOI,
    DOSING,
    EDITORIAL_REF,
    EFFICACY,
    ENDPOINT,
    ENDPOINT_LABEL,
    ENDPOINT_ORDER,
    ENDPOINT_SHORT,
    EVENTS,
    FINDING_FRAME,
    HEADLINE,
    HEADLINE_ENDPOINT,
    HEADLINE_SOURCE,
    HEADLINE_VALUE,
    HELD_BACK,
    KEY,
    LOCATOR,
    MEASURE,
    MEDIAN_AGE,
    MEDIAN_AGE_REPORTED_BY,
    N_REPORTED_BY,
    N_TOTAL,
    NCT,
    NOTE,
    NUMBERS,
    PHASE,
    PMID,
    QUALIFIER,
    REGIMEN,
    REGIMEN_LABEL,
    REGIMEN_LABELS,
    REGIMEN_ORDER,
    REGIMEN_SHORT,
    REGIMENS,
    REPORTED_BY,
    RESTS_ON,
    RESULT_FRAME,
    ROLE,
    SAFETY,
    SETTING,
    SETTING_LABEL,
    SETTING_ORDER,
    SETTING_SHORT,
    SMALL_N,
    SMALL_N_THRESHOLD,
    SOURCE,
    SOURCE_FRAME,
    SOURCE_ORDER,
    SOURCE_SHORT,
    SOURCES,
    STATEMENT,
    TRIAL,
    UNIT,
    URL,
    VALUE,
    VALUE_TEXT,
    VERDICT,
    VERDICT_FRAME,
    VERDICT_ID,
    VERSUS,
    VERSUS_LABEL,
    VERSUS_REGIMEN_SHORT,
    WORDING,
    YEAR,
    N,
    P,
    typed,
)
from evidence.frames.values import format_value, wilson_interval
from evidence.models import Cohort, Evidence, Verdict


class Labels:
    """Id -> (order, item) lookups built once per transform (transforms stay linear).

    evidence/effects/ builds its rows from them too.
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
    return typed(COHORT_FRAME.frame(rows), counts=[N], floats=[MEDIAN_AGE])


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
    return typed(RESULT_FRAME.frame(rows), counts=[EVENTS, N], floats=[VALUE, CI_LOW, CI_HIGH])


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
    return typed(COMPARISON_FRAME.frame(rows), floats=[VALUE, CI_LOW, CI_HIGH, CI_LEVEL])


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
    return typed(SOURCE_FRAME.frame(rows), counts=[N_TOTAL, YEAR])


def coverage_table(
    ev: Evidence, results: pd.DataFrame | None = None, *, cohorts: Collection[str] | None = None
) -> pd.DataFrame:
    """The regimen x setting grid: every declared pair, with or without evidence.

    Contract: COVERAGE_FRAME. ``headline`` is the pair's first benefit-category result (in
    endpoint order, largest n first), e.g. "ORR 61%"; ``headline_source`` names its source.
    Pass the result_table when it exists already: it is the costly part. For a view, pass
    its rows of the result table and the ids of its ``cohorts``: only those count.
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
        if cohorts is None or c.id in cohorts:
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
