"""The arithmetic of the computed rows: risks, differences, ratios and NNTs, with intervals.

The intervals come from statsmodels, imported on first use. The methods, and why each, are
in the package's docstring (evidence/effects/__init__.py: "What each pair gets" and "When
nothing is computed").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from evidence import vocabulary
from evidence.effects.columns import (
    ALLOCATION,
    BASIS,
    BASIS_PERCENT,
    DIFFERENCE,
    DIFFERENCE_HIGH,
    DIFFERENCE_LOW,
    NNT,
    NNT_BENEFIT,
    NNT_HARM,
    NNT_HIGH,
    NNT_KIND,
    NNT_LOW,
    RATIO,
    RATIO_HIGH,
    RATIO_LOW,
    RISK,
    VERSUS_EVENTS,
    VERSUS_N,
    VERSUS_QUALIFIER,
    VERSUS_RISK,
    VERSUS_VALUE,
)
from evidence.frames.columns import BETTER, EVENTS, QUALIFIER, VALUE, VERSUS, N

ALPHA = 0.05
"""Two-sided level of every computed interval (95% CIs)."""


def round_half_up(value: float) -> int:
    """The nearest whole number, halves rounded up (not Python's round-half-to-even)."""
    return math.floor(value + 0.5)


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


def compute(rows: list[dict[str, Any]]) -> _Computed:
    """Risks, differences and ratios of every computed row, with their intervals when counted."""
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


def finish(row: dict[str, Any], why: list[str], done: _Computed, i: int) -> None:
    """Write one computed row's arithmetic and the ``why`` sentences it calls for.

    The arithmetic is done for every pair; what the design does not allow is held back
    afterwards, in ``hold_back`` (hold_back.py), so that the rule is written once for computed and
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
