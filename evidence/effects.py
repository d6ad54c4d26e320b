"""Within-study effects: the arms of one source compared on the same proportion endpoint.

``effect_table`` turns a validated Evidence into one row per comparison of two cohorts of one
source, computed from the file's percents and counts or reported by the source.

Which pairs
    Every pair of cohorts of one source that report the same proportion endpoint
    (``Endpoint.is_proportion``: unit ``percent``, a category with the vocabulary's
    ``proportion`` flag, no ``timepoint``). Time-to-event percents (Kaplan-Meier landmarks),
    rates at a time point and medians are never turned into risk differences: censoring makes
    them something other than a proportion of n. A cohort whose regimen is a comparator is
    always the ``versus``; otherwise, and when both are comparators, the cohort listed first in
    the file is the ``cohort``. A three-arm trial gives three pairs.

How the groups came to differ (evidence/design.py holds the rules)
    A pair is only as strong as its weaker cohort's ``allocation``. ``randomised``: the
    difference, the ratio and the NNT with their intervals. Allocated at the start but not
    randomised (a phase 2 with two strata, a pooled analysis whose cohorts do not say): the
    difference and the ratio with their intervals, labelled as not randomised, and no NNT.
    Grouped after treatment began (by response, continuing or stopping, toxicity): the two
    risks only, with no difference, ratio, NNT or interval, and ``why`` says why; a reported
    effect between such groups is held back the same way. Two cohorts treated alike during
    the phase an endpoint covers (MPR-R and MPR share induction) are not contrasted on it
    either: both risks, and a sentence why. When they were treated alike during some phase
    and the endpoint's phase is not stated, the contrast stands and ``why`` says that the
    arms were alike until then. ``contrasted`` is False on every row held back. A cohort and
    a cohort it is part of (``subgroup_of``) share patients: they are never paired. Two
    disjoint subgroups of one cohort are.

Where the counts come from
    ``events`` and ``n`` where reported (a result's own ``n`` overrides its cohort's).
    Otherwise the count is back-calculated from the percent and n, rounded to the nearest
    whole patient (halves up), and ``basis`` is ``percent x n``; ``why`` names each
    back-calculated count. The risks shown are the
    counts' risks (``100 * events / n``), so ``difference == risk - versus_risk`` exactly; the
    percents as stated stay in ``value`` and ``versus_value``.

What each pair gets
    Risks and differences are in percentage points (41.1, not 0.411).
    The risk difference with Newcombe's hybrid score interval (Newcombe 1998, method 10:
    statsmodels' ``confint_proportions_2indep(method="newcomb")``). The risk ratio with the
    Katz log interval (``method="log"``). A zero count makes the log ratio undefined: then the
    ratio and its interval add 0.5 to each arm's events and n (``method="log-adjusted"``) and
    ``why`` says so; with no events in either arm the ratio is left empty. Difference bounds
    are clipped to +-100 against float rounding.
    The NNT is ``100 / |difference|``, not rounded (pages may round it up, as is usual). Its
    kind comes from the endpoint's ``better``: with ``higher``, a positive difference is a
    benefit of ``cohort`` over ``versus`` (NNTB), a negative one a harm (NNTH); with ``lower``
    the other way round; with ``none`` the NNT has no kind. Its CI is given when the
    difference's CI excludes 0. When it includes 0 the NNT's CI is not estimable as one
    interval (Altman 1998, BMJ 317:1309): the point NNT stays, ``nnt_low``/``nnt_high`` are
    empty, and ``why`` gives the two pieces, "NNTH a to ∞ to NNTB b". A difference of exactly
    0 has no NNT.

When nothing is computed
    n unknown (or 0): the difference, ratio and point NNT come from the stated percents, with
    no intervals (``basis`` is ``percent``). A qualified figure ("up to", "more than",
    "about") is not a rate: the row is kept, with no difference, ratio or NNT (``basis``
    ``percent``). A zero risk in the ``versus`` arm without counts leaves the ratio empty.

Reported effects
    Every ``comparisons`` entry appears as stated, with ``basis`` ``reported``: a ratio
    measure (hazard, odds or risk ratio) in the ratio columns, a ``difference`` in the
    difference columns, its p as text. They are never recomputed, inverted or reoriented.

statsmodels is imported only when ``effect_table`` has counts to work on (about a second, once
per process): importing this module costs nothing, so it can sit on any page's import path
without slowing the landing page. The three statsmodels calls take whole arrays (every pair at
once), so the table grows linearly with the file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from evidence import grade, vocabulary
from evidence.design import Design
from evidence.frames.columns import (
    BETTER,
    CATEGORY,
    CI_LEVEL,
    COHORT,
    COHORT_LABEL,
    COHORT_ORDER,
    DESIGN,
    ENDPOINT,
    ENDPOINT_LABEL,
    ENDPOINT_ORDER,
    EVENTS,
    HELD_BACK,
    LOCATOR,
    MEASURE,
    QUALIFIER,
    REGIMEN,
    REGIMEN_SHORT,
    REPORTED_BY,
    SETTING,
    SOURCE,
    SOURCE_ORDER,
    SOURCE_SHORT,
    VALUE,
    VERSUS,
    VERSUS_LABEL,
    VERSUS_REGIMEN_SHORT,
    FrameContract,
    N,
    P,
)
from evidence.frames.tables import Labels
from evidence.frames.values import format_value, is_missing
from evidence.models import Appraisal, Cohort, Comparison, Evidence, Result

__all__ = [
    "ALIKE",
    "ALLOCATION",
    "ALPHA",
    "ASSUMED",
    "ASSUMED_FROM",
    "BASIS",
    "BASIS_EVENTS",
    "BASIS_PERCENT",
    "BASIS_PERCENT_N",
    "BASIS_REPORTED",
    "BETTER",
    "CAPPED",
    "CATEGORY",
    "CERTAINTY",
    "CERTAINTY_AT_MOST",
    "CERTAINTY_NOTE",
    "CERTAINTY_REASONS",
    "CI_LEVEL",
    "COHORT",
    "COHORT_LABEL",
    "COHORT_ORDER",
    "COMPUTED_MEASURE",
    "CONTRASTED",
    "CORRESPONDING",
    "CORRESPONDING_HIGH",
    "CORRESPONDING_LOW",
    "DESIGN",
    "DIFFERENCE",
    "DIFFERENCE_COLUMNS",
    "DIFFERENCE_HIGH",
    "DIFFERENCE_LOW",
    "EFFECT_COLUMNS",
    "EFFECT_FRAME",
    "ENDPOINT",
    "ENDPOINT_LABEL",
    "ENDPOINT_ORDER",
    "ENDPOINT_SHORT",
    "EVENTS",
    "HELD_BACK",
    "LOCATOR",
    "MEASURE",
    "NNT",
    "NNT_BENEFIT",
    "NNT_HARM",
    "NNT_HIGH",
    "NNT_KIND",
    "NNT_LOW",
    "PHASE",
    "QUALIFIER",
    "RANDOMISED",
    "RATIO",
    "RATIO_COLUMNS",
    "RATIO_HIGH",
    "RATIO_LOW",
    "REGIMEN",
    "REGIMEN_SHORT",
    "REPORTED_BY",
    "RISK",
    "SETTING",
    "SOURCE",
    "SOURCE_ORDER",
    "SOURCE_SHORT",
    "VALUE",
    "VALUE_TEXT",
    "VERSUS",
    "VERSUS_EVENTS",
    "VERSUS_LABEL",
    "VERSUS_LOCATOR",
    "VERSUS_N",
    "VERSUS_ORDER",
    "VERSUS_QUALIFIER",
    "VERSUS_REGIMEN",
    "VERSUS_REGIMEN_SHORT",
    "VERSUS_REPORTED_BY",
    "VERSUS_RISK",
    "VERSUS_VALUE",
    "VERSUS_VALUE_TEXT",
    "WHY",
    "N",
    "P",
    "arm_text",
    "certainty_words",
    "effect_table",
    "round_half_up",
]
"""The public names: the column constants (those shared with evidence.frames included), the
values of ``basis`` and ``nnt_kind``, and the functions."""

# Column names (the frame contract); the shared ones come from evidence.frames.
RANDOMISED = "randomised"
ALLOCATION = "allocation"
CONTRASTED = "contrasted"
ALIKE = "alike_phases"
ASSUMED = "assumed_per_1000"
CORRESPONDING = "corresponding_per_1000"
CORRESPONDING_LOW = "corresponding_low"
CORRESPONDING_HIGH = "corresponding_high"
CAPPED = "corresponding_capped"
ASSUMED_FROM = "assumed_from"
CERTAINTY = "certainty"
CERTAINTY_AT_MOST = "certainty_at_most"
CERTAINTY_REASONS = "certainty_reasons"
CERTAINTY_NOTE = "certainty_note"
ASSUMED_COMPARATOR = "comparator"
ASSUMED_BASELINE = "baseline"
PHASE = "phase"
VALUE_TEXT = "value_text"
VERSUS_VALUE_TEXT = "versus_value_text"
ENDPOINT_SHORT = "endpoint_short"
BASIS = "basis"
VERSUS_REGIMEN = "versus_regimen"
VERSUS_VALUE = "versus_value"
VERSUS_QUALIFIER = "versus_qualifier"
VERSUS_EVENTS = "versus_events"
VERSUS_N = "versus_n"
RISK = "risk"
VERSUS_RISK = "versus_risk"
DIFFERENCE = "difference"
DIFFERENCE_LOW = "difference_low"
DIFFERENCE_HIGH = "difference_high"
RATIO = "ratio"
RATIO_LOW = "ratio_low"
RATIO_HIGH = "ratio_high"
NNT = "nnt"
NNT_LOW = "nnt_low"
NNT_HIGH = "nnt_high"
NNT_KIND = "nnt_kind"
VERSUS_REPORTED_BY = "versus_reported_by"
VERSUS_LOCATOR = "versus_locator"
WHY = "why"
VERSUS_ORDER = "versus_order"

# Values of ``basis``.
BASIS_EVENTS = "events"
BASIS_PERCENT_N = "percent x n"
BASIS_PERCENT = "percent"
BASIS_REPORTED = "reported"

# Values of ``nnt_kind``.
NNT_BENEFIT = "benefit"
NNT_HARM = "harm"

COMPUTED_MEASURE = "risk_ratio"
"""The ``measure`` of a computed row: its ratio columns hold the risk ratio."""

EFFECT_FRAME = FrameContract(
    "within-study effects",
    {
        SOURCE: "the source's id",
        SOURCE_SHORT: "its short name",
        DESIGN: "its design",
        RANDOMISED: "bool: the pair's allocation is randomised",
        ALLOCATION: "how the pair's groups were formed: the weaker cohort's allocation "
        "(randomised, non_randomised, post_treatment)",
        CONTRASTED: "bool: a difference or ratio may be shown (False: groups formed after "
        "treatment began, or arms treated alike during the endpoint's phase)",
        HELD_BACK: "why no difference or ratio is shown, in one sentence (None when one is)",
        ALIKE: "the phases during which both arms were treated alike, comma-joined, or None",
        CERTAINTY: "GRADE certainty of this outcome: high, moderate, low or very_low (None: "
        "not rated, no contrast)",
        CERTAINTY_AT_MOST: "bool: some judged domain was not assessed, so the certainty is a "
        "ceiling",
        CERTAINTY_REASONS: "each domain with its rating and whether it was computed, judged or "
        "not assessed (evidence/grade.py)",
        CERTAINTY_NOTE: "what moved the certainty and what was not assessed, short (a table's "
        "footnote)",
        ASSUMED: "assumed risk per 1000: the comparator arm's stated percent, or the baseline "
        "asked for (computed risk ratios only)",
        ASSUMED_FROM: "comparator or baseline",
        CORRESPONDING: "corresponding risk per 1000 with the regimen: assumed x risk ratio",
        CORRESPONDING_LOW: "its 95% CI, low end (from the ratio's CI)",
        CORRESPONDING_HIGH: "its 95% CI, high end",
        CAPPED: "bool: a corresponding value passed 1000 per 1000 and was capped there",
        SETTING: "the setting's id",
        COHORT: "the cohort's id (the regimen arm)",
        COHORT_LABEL: "its label",
        REGIMEN: "its regimen's id",
        REGIMEN_SHORT: "its regimen, short",
        VERSUS: "the other cohort's id (the comparator arm)",
        VERSUS_LABEL: "its label",
        VERSUS_REGIMEN: "its regimen's id",
        VERSUS_REGIMEN_SHORT: "its regimen, short",
        ENDPOINT: "the endpoint's id",
        ENDPOINT_LABEL: "its label",
        ENDPOINT_SHORT: "its short label",
        CATEGORY: "its category",
        BETTER: "which way is better",
        BASIS: "events, 'percent x n' (back-calculated), percent (n unknown or a qualified "
        "figure) or reported",
        PHASE: "the treatment phase the cohort's figure covers, or None when not stated",
        MEASURE: "what the ratio columns hold: risk_ratio when computed, else the reported "
        "measure (a reported difference fills the difference columns)",
        VALUE: "the cohort's percent as stated",
        QUALIFIER: "its qualifier",
        VERSUS_VALUE: "the versus arm's percent as stated",
        VERSUS_QUALIFIER: "its qualifier",
        VALUE_TEXT: "the cohort's figure as people read it: as stated, with its count "
        "('77% (≈117/152)'; ≈ marks a back-calculated count)",
        VERSUS_VALUE_TEXT: "the versus arm's figure, likewise",
        EVENTS: "Int64: the cohort's count used, reported or back-calculated",
        N: "Int64: its n",
        VERSUS_EVENTS: "Int64: the versus arm's count used",
        VERSUS_N: "Int64: its n",
        RISK: "percent, full precision; from the counts when there are counts (show "
        "value_text to people: it keeps the stated precision)",
        VERSUS_RISK: "percent, full precision; likewise",
        DIFFERENCE: "risk difference, percentage points (cohort minus versus)",
        DIFFERENCE_LOW: "its Newcombe 95% CI, low end",
        DIFFERENCE_HIGH: "its Newcombe 95% CI, high end",
        RATIO: "risk ratio (Katz log CI), or the reported ratio",
        RATIO_LOW: "its 95% CI, low end",
        RATIO_HIGH: "its 95% CI, high end",
        NNT: "100 / |difference|, unrounded",
        NNT_LOW: "its 95% CI, low end (only when the difference's CI excludes 0)",
        NNT_HIGH: "its 95% CI, high end",
        CI_LEVEL: "the level of the row's intervals in percent: 95 when computed, a reported "
        "row's as reported (e.g. 90)",
        NNT_KIND: "benefit (NNTB), harm (NNTH) or empty",
        P: "p as reported (text; reported rows only)",
        REPORTED_BY: "who reported the cohort's figure (a reported row's: the comparison's)",
        VERSUS_REPORTED_BY: "who reported the versus arm's figure",
        LOCATOR: "where in the source, the cohort's figure",
        VERSUS_LOCATOR: "where in the source, the versus arm's figure",
        WHY: "every caveat in sentences: why a cell is empty, back-calculation, continuity "
        "correction, randomisation, a shared regimen",
        SOURCE_ORDER: "the source's position in the file",
        ENDPOINT_ORDER: "the endpoint's position in the file",
        COHORT_ORDER: "the cohort's position in the file",
        VERSUS_ORDER: "the versus cohort's position in the file",
    },
)
EFFECT_COLUMNS = EFFECT_FRAME.names
"""Every column of ``effect_table``, in order (also the CSV header of ``python -m evidence
effects FILE --csv``)."""

DIFFERENCE_COLUMNS = (DIFFERENCE, DIFFERENCE_LOW, DIFFERENCE_HIGH)
RATIO_COLUMNS = (RATIO, RATIO_LOW, RATIO_HIGH)
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

ALPHA = 0.05
"""Two-sided level of every computed interval (95% CIs)."""


def round_half_up(value: float) -> int:
    """The nearest whole number, halves rounded up (not Python's round-half-to-even)."""
    return math.floor(value + 0.5)


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


def _design_notes(row: dict[str, Any], design_word: str) -> list[str]:
    """What a reader must know about how the two groups came to be compared."""
    notes = []
    if row[REGIMEN] == row[VERSUS_REGIMEN] and row[BASIS] != BASIS_REPORTED:
        notes.append(
            f"Same regimen ({row[REGIMEN_SHORT]}) in both groups: their labels say what sets "
            "them apart."
        )
    allocation = row[ALLOCATION]
    design = vocabulary.DESIGN.label(design_word).lower()
    if allocation == "randomised" and not vocabulary.DESIGN.has_flag(design_word, "randomised"):
        notes.append(f"Randomised arms, as the file records them ({design}).")
    elif not vocabulary.ALLOCATION.has_flag(allocation, "nnt") and vocabulary.ALLOCATION.has_flag(
        allocation, "contrast"
    ):
        notes.append(
            f"Not randomised ({design}): the groups may differ in other ways too, so no NNT "
            "is given."
        )
    return notes


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


_FloatArray = npt.NDArray[np.float64]
_BoolArray = npt.NDArray[np.bool_]


def _column(rows: list[dict[str, Any]], name: str) -> _FloatArray:
    return np.array(
        [math.nan if row.get(name) is None else float(row[name]) for row in rows], dtype=float
    )


@dataclass
class _Computed:
    """The arithmetic of every computed row at once, as arrays (one statsmodels call each)."""

    risk: _FloatArray
    versus_risk: _FloatArray
    difference: _FloatArray
    difference_low: _FloatArray
    difference_high: _FloatArray
    ratio: _FloatArray
    ratio_low: _FloatArray
    ratio_high: _FloatArray
    adjusted: _BoolArray  # ratio continuity-corrected for a zero count
    ratio_undefined: _BoolArray  # no ratio: no events in either arm, or versus risk 0


def _compute(rows: list[dict[str, Any]]) -> _Computed:
    size = len(rows)
    events1, n1 = _column(rows, EVENTS), _column(rows, N)
    events2, n2 = _column(rows, VERSUS_EVENTS), _column(rows, VERSUS_N)
    exact1 = np.array([row[QUALIFIER] == "exact" for row in rows], dtype=bool)
    exact2 = np.array([row[VERSUS_QUALIFIER] == "exact" for row in rows], dtype=bool)
    exact = exact1 & exact2
    counts = np.array([row[BASIS] != BASIS_PERCENT for row in rows], dtype=bool)
    nan = np.full(size, math.nan)
    with np.errstate(divide="ignore", invalid="ignore"):  # n is NaN, never 0, where unused
        risk = np.where(counts, 100 * events1 / n1, np.where(exact1, _column(rows, VALUE), nan))
        versus_risk = np.where(
            counts, 100 * events2 / n2, np.where(exact2, _column(rows, VERSUS_VALUE), nan)
        )
        difference = np.where(exact, risk - versus_risk, nan)
        ratio = np.where(exact & (versus_risk > 0), risk / versus_risk, nan)
    ratio_undefined = exact & (versus_risk == 0)
    done = _Computed(
        risk=risk,
        versus_risk=versus_risk,
        difference=difference,
        difference_low=nan.copy(),
        difference_high=nan.copy(),
        ratio=ratio,
        ratio_low=nan.copy(),
        ratio_high=nan.copy(),
        adjusted=np.zeros(size, dtype=bool),
        ratio_undefined=ratio_undefined,
    )
    if counts.any():
        _intervals(done, counts, events1, n1, events2, n2)
    return done


def _intervals(
    done: _Computed,
    counts: _BoolArray,
    events1: _FloatArray,
    n1: _FloatArray,
    events2: _FloatArray,
    n2: _FloatArray,
) -> None:
    """Newcombe difference and log risk-ratio intervals for the rows with counts."""
    # Lazy on purpose: statsmodels costs about a second to import, and this module sits on
    # page import paths whose first load must not pay it.
    from statsmodels.stats.proportion import confint_proportions_2indep

    idx = np.flatnonzero(counts)
    low, high = confint_proportions_2indep(
        events1[idx], n1[idx], events2[idx], n2[idx], method="newcomb", compare="diff", alpha=ALPHA
    )
    # Clipped to +-100 only against rounding (100.00000000000003 for 12/12 vs 0/7), which
    # would otherwise give an NNT bound below 1.
    done.difference_low[idx] = np.clip(100 * np.asarray(low, dtype=float), -100, 100)
    done.difference_high[idx] = np.clip(100 * np.asarray(high, dtype=float), -100, 100)

    zero = (events1 == 0) | (events2 == 0)
    both_zero = (events1 == 0) & (events2 == 0)
    plain = np.flatnonzero(counts & ~zero)
    if plain.size:
        low, high = confint_proportions_2indep(
            events1[plain],
            n1[plain],
            events2[plain],
            n2[plain],
            method="log",
            compare="ratio",
            alpha=ALPHA,
        )
        done.ratio_low[plain] = low
        done.ratio_high[plain] = high
    adjusted = np.flatnonzero(counts & zero & ~both_zero)
    if adjusted.size:
        e1, m1, e2, m2 = events1[adjusted], n1[adjusted], events2[adjusted], n2[adjusted]
        low, high = confint_proportions_2indep(
            e1, m1, e2, m2, method="log-adjusted", compare="ratio", alpha=ALPHA
        )
        done.ratio[adjusted] = ((e1 + 0.5) / (m1 + 0.5)) / ((e2 + 0.5) / (m2 + 0.5))
        done.ratio_low[adjusted] = low
        done.ratio_high[adjusted] = high
        done.adjusted[adjusted] = True
    both = np.flatnonzero(counts & both_zero)
    done.ratio[both] = math.nan
    done.ratio_undefined[both] = True
    done.ratio_undefined[adjusted] = False


def _nnt_kind(difference: float, better: str) -> str | None:
    """Benefit or harm of ``cohort`` over ``versus``; None when the endpoint has no better."""
    if better == "higher":
        return NNT_BENEFIT if difference > 0 else NNT_HARM
    if better == "lower":
        return NNT_HARM if difference > 0 else NNT_BENEFIT
    return None


def certainty_words(row: Mapping[Any, Any] | pd.Series) -> str:
    """``⊕⊕⊕◯ at most moderate`` (or without "at most" when every domain was assessed)."""
    level = row[CERTAINTY]
    if is_missing(level):
        return "not rated"
    mark = vocabulary.CERTAINTY.mark(level)
    label = vocabulary.CERTAINTY.label(level).lower()
    return f"{mark} {'at most ' if row[CERTAINTY_AT_MOST] else ''}{label}"


def nnt_words(kind: object) -> str:
    """``NNTB`` for an NNT_KIND of benefit, ``NNTH`` of harm, else ``NNT``."""
    return {NNT_BENEFIT: "NNTB", NNT_HARM: "NNTH"}.get(str(kind), "NNT")


def _nnt(row: dict[str, Any], why: list[str], low: float, high: float) -> None:
    """Fill the NNT columns of a computed row from its difference and the difference's CI."""
    difference = row[DIFFERENCE]
    if math.isnan(difference):
        return
    if difference == 0:
        why.append("The difference is 0: no NNT (it would be infinite).")
        return
    better = row[BETTER]
    kind = _nnt_kind(difference, better)
    row[NNT] = 100 / abs(difference)
    row[NNT_KIND] = kind
    if kind is None:
        why.append(
            "The endpoint has no better direction, so the NNT is neither benefit nor harm: "
            "patients treated for one more (or one fewer) with the outcome."
        )
    if math.isnan(low) or math.isnan(high):
        return
    if low > 0 or high < 0:
        row[NNT_LOW] = 100 / max(abs(low), abs(high))
        row[NNT_HIGH] = 100 / min(abs(low), abs(high))
        return
    # The CI includes 0: the NNT's CI runs through infinity (Altman 1998).
    below = _nnt_kind(-1.0, better)  # what a negative difference means for this endpoint
    above = _nnt_kind(1.0, better)
    pieces = []
    if low < 0:
        pieces.append(f"{nnt_words(below)} {100 / abs(low):.1f}")
    pieces.append("∞")
    if high > 0:
        pieces.append(f"{nnt_words(above)} {100 / high:.1f}")
    why.append(
        "The difference's 95% CI includes 0, so the NNT's CI is not estimable as one "
        f"interval: it runs from {' to '.join(pieces)} (Altman 1998)."
    )


def _finish(row: dict[str, Any], why: list[str], done: _Computed, i: int) -> None:
    """Write one computed row's arithmetic and the ``why`` sentences it calls for.

    The arithmetic is done for every pair; what the design does not allow is held back
    afterwards, in ``_hold_back``, so that the rule is written once for computed and
    reported rows.
    """
    row[RISK] = float(done.risk[i])
    row[VERSUS_RISK] = float(done.versus_risk[i])
    row[DIFFERENCE] = float(done.difference[i])
    row[DIFFERENCE_LOW] = float(done.difference_low[i])
    row[DIFFERENCE_HIGH] = float(done.difference_high[i])
    row[RATIO] = float(done.ratio[i])
    row[RATIO_LOW] = float(done.ratio_low[i])
    row[RATIO_HIGH] = float(done.ratio_high[i])
    if done.adjusted[i]:
        why.append(
            "A zero count makes the log risk ratio undefined: the ratio and its CI add 0.5 "
            "to each arm's events and n (continuity correction)."
        )
    elif done.ratio_undefined[i]:
        if row[RISK] == 0:
            why.append("No events in either arm: the risk ratio is undefined.")
        else:
            why.append(f"The risk in {row[VERSUS]} is 0: the risk ratio is undefined.")
    if vocabulary.ALLOCATION.has_flag(row[ALLOCATION], "nnt"):
        _nnt(row, why, row[DIFFERENCE_LOW], row[DIFFERENCE_HIGH])


_EFFECT_CELLS = (*DIFFERENCE_COLUMNS, *RATIO_COLUMNS, NNT, NNT_LOW, NNT_HIGH)


def _alike_note(row: dict[str, Any], design: Design) -> list[str]:
    """For a contrasted pair whose arms shared a phase: that they did, and what follows."""
    alike = design.alike_phases(row[COHORT], row[VERSUS])
    if not alike or not row[CONTRASTED]:
        return []
    phases = " and ".join(vocabulary.PHASE.phrase(p) for p in alike)
    if row[PHASE] is not None:
        return [
            f"The two arms were treated alike during {phases}; this figure covers "
            f"{vocabulary.PHASE.phrase(row[PHASE])}, when they differed."
        ]
    return [
        f"The two arms were treated alike during {phases} and differ only after it; this "
        "figure's phase is not stated, so any difference can only come from the later phase, "
        "diluted by the shared one."
    ]


def _hold_back(row: dict[str, Any], why: list[str], design: Design) -> None:
    """Empty the effect cells the design does not allow, the reason first in ``why``."""
    reason = design.held_back(row[COHORT], row[VERSUS], row[PHASE])
    if reason is None:
        if not vocabulary.ALLOCATION.has_flag(row[ALLOCATION], "nnt"):
            for column in (NNT, NNT_LOW, NNT_HIGH):
                row[column] = math.nan
            row[NNT_KIND] = None
        return
    row[CONTRASTED] = False
    row[HELD_BACK] = reason
    for column in _EFFECT_CELLS:
        row[column] = math.nan
    row[NNT_KIND] = None
    if row[BASIS] == BASIS_REPORTED:
        measure = vocabulary.MEASURE.phrase(row[MEASURE])
        why.clear()
        why.append(f"The source reports a {measure} here; it is held back. {reason}")
        return
    # Sentences about the arithmetic no longer apply; those about the counts still do.
    why[:] = [w for w in why if w.startswith("Counts back-calculated")]
    why.insert(0, reason)


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

    See the module docstring for which pairs, which way round, and every method. Order:
    source, then endpoint, then cohort, then versus (file order each); a computed row
    before a reported one of the same arms and endpoint.

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
        done = _compute([row for row, _ in computed])
        for i, (row, why) in enumerate(computed):
            _finish(row, why, done, i)
    reported = [_reported_row(cmp, look, design) for cmp in ev.comparisons]
    rows = []
    for kind, items in ((0, computed), (1, reported)):
        for row, why in items:
            _hold_back(row, why, design)
            _certainty(row, appraisals.get(row[SOURCE], ()))
            notes = [*_alike_note(row, design), *_design_notes(row, row[DESIGN])]
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
