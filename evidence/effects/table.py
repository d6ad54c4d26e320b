"""The effects frame: which pairs, each pair's row, then the whole table.

``effect_table`` builds one row per pair of arms (computed) or reported comparison, has the
arithmetic done (arithmetic.py), holds back what the design does not allow (hold_back.py),
rates each row's certainty and adds its absolute effects (evidence/grade.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from evidence import grade, vocabulary
from evidence.design import Design
from evidence.effects.arithmetic import ALPHA, compute, finish, round_half_up
from evidence.effects.columns import (
    ALIKE,
    ALLOCATION,
    ASSUMED,
    ASSUMED_BASELINE,
    ASSUMED_COMPARATOR,
    ASSUMED_FROM,
    BASIS,
    BASIS_EVENTS,
    BASIS_PERCENT,
    BASIS_PERCENT_N,
    BASIS_REPORTED,
    CAPPED,
    CERTAINTY,
    CERTAINTY_AT_MOST,
    CERTAINTY_NOTE,
    CERTAINTY_REASONS,
    COMPUTED_MEASURE,
    CONTRASTED,
    CORRESPONDING,
    CORRESPONDING_HIGH,
    CORRESPONDING_LOW,
    DIFFERENCE,
    DIFFERENCE_COLUMNS,
    DIFFERENCE_HIGH,
    DIFFERENCE_LOW,
    EFFECT_COLUMNS,
    EFFECT_FRAME,
    NNT,
    NNT_HIGH,
    NNT_LOW,
    PHASE,
    RANDOMISED,
    RATIO,
    RATIO_COLUMNS,
    RATIO_HIGH,
    RATIO_LOW,
    RISK,
    VALUE_TEXT,
    VERSUS_EVENTS,
    VERSUS_LOCATOR,
    VERSUS_N,
    VERSUS_ORDER,
    VERSUS_QUALIFIER,
    VERSUS_REGIMEN,
    VERSUS_REPORTED_BY,
    VERSUS_RISK,
    VERSUS_VALUE,
    VERSUS_VALUE_TEXT,
    WHY,
)
from evidence.effects.hold_back import alike_note, design_notes, hold_back
from evidence.frames.columns import (
    BETTER,
    CATEGORY,
    CI_LEVEL,
    COHORT,
    COHORT_ORDER,
    DESIGN,
    ENDPOINT,
    ENDPOINT_ORDER,
    EVENTS,
    HELD_BACK,
    LOCATOR,
    MEASURE,
    QUALIFIER,
    REPORTED_BY,
    SOURCE,
    SOURCE_ORDER,
    VALUE,
    VERSUS,
    VERSUS_LABEL,
    VERSUS_REGIMEN_SHORT,
    N,
    P,
)
from evidence.frames.tables import Labels
from evidence.frames.values import format_value, is_missing
from evidence.models import Appraisal, Cohort, Comparison, Evidence, Result

_INT_COLUMNS = (EVENTS, N, VERSUS_EVENTS, VERSUS_N)
_FLOAT_COLUMNS = (
    *(VALUE, VERSUS_VALUE, RISK, VERSUS_RISK),
    *DIFFERENCE_COLUMNS,
    *RATIO_COLUMNS,
    *(NNT, NNT_LOW, NNT_HIGH),
    *(ASSUMED, CORRESPONDING, CORRESPONDING_LOW, CORRESPONDING_HIGH),
    CI_LEVEL,
)
_ORDER_COLUMNS = (SOURCE_ORDER, ENDPOINT_ORDER, COHORT_ORDER, VERSUS_ORDER)


@dataclass(frozen=True)
class _Arm:
    """One side of a pair: a cohort's result and the count behind it, when there is one."""

    cohort: Cohort
    result: Result
    order: int
    n: int | None  # the result's n, else the cohort's; None when unknown (or 0)
    events: int | None  # as reported, or back-calculated; None when it cannot be had
    back_calculated: bool

    @property
    def exact(self) -> bool:
        return self.result.qualifier == "exact"

    @property
    def has_count(self) -> bool:
        return self.exact and self.n is not None and self.events is not None


def _arm(cohort: Cohort, result: Result, order: int) -> _Arm:
    n = result.n_of(cohort)
    if not n:  # unknown, or a cohort of 0 patients: no proportion to speak of
        return _Arm(cohort, result, order, None, result.events, back_calculated=False)
    if result.events is not None:
        return _Arm(cohort, result, order, n, result.events, back_calculated=False)
    if result.qualifier != "exact":  # "up to 77%" of n is no count of patients
        return _Arm(cohort, result, order, n, None, back_calculated=False)
    events = min(n, max(0, round_half_up(result.value * n / 100)))
    return _Arm(cohort, result, order, n, events, back_calculated=True)


def _oriented(first: _Arm, second: _Arm, look: Labels) -> tuple[_Arm, _Arm]:
    """(cohort, versus): a comparator is the versus; otherwise file order decides."""
    first_is_comparator = look.regimens[first.cohort.regimen][1].role == "comparator"
    second_is_comparator = look.regimens[second.cohort.regimen][1].role == "comparator"
    if first_is_comparator and not second_is_comparator:
        return second, first
    return first, second


def _common(
    look: Labels,
    design: Design,
    cohort: Cohort,
    versus: Cohort,
    endpoint_id: str,
    versus_order: int,
) -> dict[str, Any]:
    """The columns every row has: who is compared with whom, on what, in which study."""
    endpoint_order, endpoint = look.endpoints[endpoint_id]
    allocation = design.pair_allocation(cohort.id, versus.id)
    return {  # the cohort's columns the effects contract keeps, then the other arm's
        **look.cohort_columns(cohort),
        **look.endpoint_columns(endpoint_id),
        RANDOMISED: vocabulary.ALLOCATION.has_flag(allocation, "randomised"),
        ALLOCATION: allocation,
        CONTRASTED: True,
        ALIKE: ", ".join(design.alike_phases(cohort.id, versus.id)) or None,
        VERSUS: versus.id,
        VERSUS_LABEL: versus.label,
        VERSUS_REGIMEN: versus.regimen,
        VERSUS_REGIMEN_SHORT: look.regimens[versus.regimen][1].short,
        CATEGORY: endpoint.category,
        BETTER: endpoint.better,
        ENDPOINT_ORDER: endpoint_order,
        VERSUS_ORDER: versus_order,
        CI_LEVEL: 100 * (1 - ALPHA),
    }


def _pairs(ev: Evidence, look: Labels, design: Design) -> list[tuple[_Arm, _Arm]]:
    """Every (cohort, versus) pair of one source on one proportion endpoint."""
    groups: dict[tuple[str, str], list[_Arm]] = {}
    proportion = {e.id: e.is_proportion for e in ev.endpoints}  # once per endpoint, not result
    for result in ev.results:
        endpoint = look.endpoints[result.endpoint][1]
        if not proportion[endpoint.id]:
            continue
        order, cohort = look.cohort_order[result.cohort], look.cohorts[result.cohort]
        groups.setdefault((cohort.source, endpoint.id), []).append(_arm(cohort, result, order))
    pairs = []
    for arms in groups.values():
        arms.sort(key=lambda arm: arm.order)
        for i, first in enumerate(arms):
            for second in arms[i + 1 :]:
                # A cohort and a part of it share patients: they are not two arms.
                if not design.share_patients(first.cohort.id, second.cohort.id):
                    pairs.append(_oriented(first, second, look))
    return pairs


def arm_text(value: float, qualifier: str, events: object, n: object, back: bool) -> str:
    """One arm's figure as people read it: ``61% (108/177)``, ``77% (≈117/152)``.

    The percent keeps the precision the source stated (never the count's 76.97%); a count
    back-calculated from it is marked approximate.
    """
    text = format_value(value, "percent", qualifier)
    if is_missing(events) or is_missing(n):
        return text
    return f"{text} ({'≈' if back else ''}{int(str(events))}/{int(str(n))})"


def _pair_row(
    cohort: _Arm, versus: _Arm, look: Labels, design: Design
) -> tuple[dict[str, Any], list[str]]:
    """The row of a computed pair before any arithmetic, and its first ``why`` sentences."""
    row = _common(look, design, cohort.cohort, versus.cohort, cohort.result.endpoint, versus.order)
    arms = (cohort, versus)
    if all(arm.has_count for arm in arms):
        back = [arm for arm in arms if arm.back_calculated]
        basis = BASIS_PERCENT_N if back else BASIS_EVENTS
    else:  # no counts are used: show only the counts the source reported
        back = []
        basis = BASIS_PERCENT
        cohort = replace(cohort, events=cohort.result.events)
        versus = replace(versus, events=versus.result.events)
    row.update(
        {
            BASIS: basis,
            MEASURE: COMPUTED_MEASURE,
            VALUE: cohort.result.value,
            QUALIFIER: cohort.result.qualifier,
            VERSUS_VALUE: versus.result.value,
            VERSUS_QUALIFIER: versus.result.qualifier,
            EVENTS: cohort.events,
            N: cohort.n,
            VERSUS_EVENTS: versus.events,
            VERSUS_N: versus.n,
            P: None,
            REPORTED_BY: cohort.result.reported_by,
            VERSUS_REPORTED_BY: versus.result.reported_by,
            LOCATOR: cohort.result.locator,
            VERSUS_LOCATOR: versus.result.locator,
            PHASE: design.phase_of(cohort.result) or design.phase_of(versus.result),
            VALUE_TEXT: arm_text(
                cohort.result.value,
                cohort.result.qualifier,
                cohort.events,
                cohort.n,
                cohort.back_calculated and basis == BASIS_PERCENT_N,
            ),
            VERSUS_VALUE_TEXT: arm_text(
                versus.result.value,
                versus.result.qualifier,
                versus.events,
                versus.n,
                versus.back_calculated and basis == BASIS_PERCENT_N,
            ),
        }
    )
    why: list[str] = []
    unit = look.endpoints[cohort.result.endpoint][1].unit
    qualified = [arm for arm in arms if not arm.exact]
    unknown_n = [arm for arm in arms if arm.n is None]
    if qualified:
        stated = ", ".join(
            f"{arm.cohort.id} is stated as "
            f"'{format_value(arm.result.value, unit, arm.result.qualifier, arm.result.wording)}'"
            for arm in qualified
        )
        why.append(f"{stated}: a qualified figure is not a rate, so no effect is computed.")
    elif unknown_n:
        names = " and ".join(arm.cohort.id for arm in unknown_n)
        why.append(
            f"n not reported for {names}: no confidence intervals; the difference and ratio "
            "come from the stated percents."
        )
    elif back:
        counts = ", ".join(
            f"{arm.cohort.id} {arm.events}/{arm.n} from {format_value(arm.result.value, 'percent')}"
            for arm in back
        )
        why.append(
            f"Counts back-calculated from percent x n, to the nearest whole patient: {counts}."
        )
    return row, why


def _reported_row(
    cmp: Comparison, look: Labels, design: Design
) -> tuple[dict[str, Any], list[str]]:
    """The row of a reported effect: as stated, never recomputed."""
    cohort, versus = look.cohorts[cmp.cohort], look.cohorts[cmp.versus]
    row = _common(look, design, cohort, versus, cmp.endpoint, look.cohort_order[cmp.versus])
    is_ratio = vocabulary.MEASURE.has_flag(cmp.measure, "ratio")
    low, high = cmp.ci if cmp.ci is not None else (math.nan, math.nan)
    value_columns = RATIO_COLUMNS if is_ratio else DIFFERENCE_COLUMNS
    row.update(
        {
            BASIS: BASIS_REPORTED,
            MEASURE: cmp.measure,
            P: cmp.p,
            CI_LEVEL: float(cmp.ci_level),
            REPORTED_BY: cmp.reported_by,
            VERSUS_REPORTED_BY: None,
            LOCATOR: cmp.locator,
            VERSUS_LOCATOR: None,
            PHASE: design.phase_of_endpoint(cmp.endpoint),
            **dict(zip(value_columns, (cmp.value, low, high), strict=True)),
        }
    )
    measure = vocabulary.MEASURE.phrase(cmp.measure)
    why = [f"Reported {measure}, shown as stated and never recomputed; no risks or NNT."]
    if cmp.ci is None:
        why.append("No CI reported.")
    elif cmp.ci_level != 100 * (1 - ALPHA):
        why.append(f"Its CI is a {cmp.ci_level:g}% interval, as reported.")
    return row, why


def certainty_words(row: Mapping[Any, Any] | pd.Series) -> str:
    """``⊕⊕⊕◯ at most moderate`` (or without "at most" when every domain was assessed)."""
    level = row[CERTAINTY]
    if is_missing(level):
        return "not rated"
    mark = vocabulary.CERTAINTY.mark(level)
    label = vocabulary.CERTAINTY.label(level).lower()
    return f"{mark} {'at most ' if row[CERTAINTY_AT_MOST] else ''}{label}"


def _certainty(row: dict[str, Any], appraisals: Sequence[Appraisal]) -> None:
    """The row's GRADE certainty (evidence/grade.py): contrasted rows only."""
    if not row[CONTRASTED] or all(is_missing(row.get(c)) for c in (DIFFERENCE, RATIO)):
        why = row.get(HELD_BACK) or "no effect to rate"
        row[CERTAINTY_REASONS] = row[CERTAINTY_NOTE] = f"not rated: {why}"
        return
    if not is_missing(row.get(DIFFERENCE)) and row[BASIS] != BASIS_REPORTED:
        interval = (row[DIFFERENCE_LOW], row[DIFFERENCE_HIGH])
        null = 0.0
    elif not is_missing(row.get(RATIO)):
        interval, null = (row[RATIO_LOW], row[RATIO_HIGH]), 1.0
    else:
        interval, null = (row[DIFFERENCE_LOW], row[DIFFERENCE_HIGH]), 0.0
    events = None
    if row[BASIS] in (BASIS_EVENTS, BASIS_PERCENT_N):
        events = float(row[EVENTS]) + float(row[VERSUS_EVENTS])
    rated = grade.rate(
        randomised=bool(row[RANDOMISED]),
        interval=(float(interval[0]), float(interval[1])),
        null=null,
        events=events,
        appraisals=appraisals,
        cohort=row[COHORT],
        versus=row[VERSUS],
        endpoint=row[ENDPOINT],
        ratio_interval=(float(row[RATIO_LOW]), float(row[RATIO_HIGH]))
        if row[MEASURE] == COMPUTED_MEASURE and not is_missing(row.get(RATIO_LOW))
        else None,
        ci_level=float(row[CI_LEVEL]) if not is_missing(row.get(CI_LEVEL)) else 95.0,
    )
    row[CERTAINTY] = rated.level
    row[CERTAINTY_AT_MOST] = rated.at_most
    row[CERTAINTY_REASONS] = rated.reasons
    row[CERTAINTY_NOTE] = rated.footnote


def with_baseline(
    frame: pd.DataFrame, baseline: float | Mapping[str, float] | None = None
) -> pd.DataFrame:
    """The effects with their absolute columns for a baseline risk (percent).

    ``baseline``: one percent for every ratio row, a percent per endpoint id, or None for the
    comparator arm's risk in the study. Only computed risk ratios get absolute effects.
    """
    out = frame.copy()
    has_ratio = (out[BASIS] != BASIS_REPORTED) & out[RATIO].notna() & out[CONTRASTED]
    chosen = pd.Series(math.nan, index=out.index, dtype="float64")
    if isinstance(baseline, Mapping):
        chosen = out[ENDPOINT].map(dict(baseline)).astype("float64")
    elif baseline is not None:
        chosen[:] = float(baseline)
    use_baseline = chosen.notna()
    # The study's comparator as its source states it (73.1%, not the count's 73.30%).
    assumed_percent = chosen.where(use_baseline, out[VERSUS_VALUE])
    out[ASSUMED_FROM] = [
        (ASSUMED_BASELINE if b else ASSUMED_COMPARATOR) if r else None
        for b, r in zip(use_baseline, has_ratio, strict=True)
    ]
    values = [
        grade.absolute(float(a), float(r), float(lo), float(hi)) if ok else None
        for a, r, lo, hi, ok in zip(
            assumed_percent, out[RATIO], out[RATIO_LOW], out[RATIO_HIGH], has_ratio, strict=True
        )
    ]
    out[ASSUMED] = [v.assumed if v else math.nan for v in values]
    out[CORRESPONDING] = [v.corresponding if v else math.nan for v in values]
    out[CORRESPONDING_LOW] = [v.low if v else math.nan for v in values]
    out[CORRESPONDING_HIGH] = [v.high if v else math.nan for v in values]
    out[CAPPED] = [bool(v and v.capped) for v in values]
    return out


def effect_table(ev: Evidence, *, baseline: float | None = None) -> pd.DataFrame:
    """One row per within-study comparison: computed from proportions, or reported.

    See the package's docstring (evidence/effects/__init__.py) for which pairs, which way
    round, and every method. Order: source, then endpoint, then cohort, then versus (file
    order each); a computed row before a reported one of the same arms and endpoint.

    Contract: EFFECT_FRAME (every column with what it holds).

    A cell that cannot be computed is empty (NaN, <NA> or None) and ``why`` says why.
    """
    look = Labels(ev)
    design = Design(ev)
    appraisals: dict[str, list[Appraisal]] = {}
    for appraisal in ev.appraisals:
        appraisals.setdefault(appraisal.source, []).append(appraisal)
    computed = [
        _pair_row(cohort, versus, look, design) for cohort, versus in _pairs(ev, look, design)
    ]
    if computed:
        done = compute([row for row, _ in computed])
        for i, (row, why) in enumerate(computed):
            finish(row, why, done, i)
    reported = [_reported_row(cmp, look, design) for cmp in ev.comparisons]
    rows = []
    for kind, items in ((0, computed), (1, reported)):
        for row, why in items:
            hold_back(row, why, design)
            _certainty(row, appraisals.get(row[SOURCE], ()))
            notes = [*alike_note(row, design), *design_notes(row, row[DESIGN])]
            row[WHY] = " ".join([*why, *notes]) or None
            row["_kind"] = kind
            rows.append(row)
    rows.sort(key=lambda r: (*(r[c] for c in _ORDER_COLUMNS), r["_kind"]))
    frame = EFFECT_FRAME.frame(rows)
    for column in _INT_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    for column in _FLOAT_COLUMNS:
        frame[column] = frame[column].astype("float64")
    for column in _ORDER_COLUMNS:
        frame[column] = frame[column].astype("int64")
    for column in (RANDOMISED, CONTRASTED, CERTAINTY_AT_MOST):
        values = [bool(v) if isinstance(v, bool) else False for v in frame[column]]
        frame[column] = pd.Series(values, index=frame.index, dtype="bool")
    absolute = with_baseline(frame, baseline)
    return absolute[list(EFFECT_COLUMNS)]
