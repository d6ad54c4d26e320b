"""One value of a frame's cell: missing or not, written as people read it, or an interval.

The transforms write values with these, and views and the effects table read them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evidence import vocabulary

Z95 = 1.959963984540054


def wilson_interval(events: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion, in percent.

    ``events`` may be fractional when it is derived from a reported rate.

    Hand-written on purpose: ``result_table`` builds it on every first page load, and the
    library that has it (statsmodels' ``proportion_confint(method="wilson")``) costs about a
    second to import, which the landing page must never pay. tests/test_frames.py checks
    that the two agree to 1e-9 on a grid of counts; evidence/effects/, which is off the
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
    suffix = vocabulary.UNIT.mark(unit, value)
    text = f"{prefix + ' ' if prefix else ''}{format_number(value)}{suffix}"
    if wording and wording.lower() not in text.lower():  # "up to 77%" needs no echo
        text += f" ({wording})"
    return text


def ci_words(level: object) -> str:
    """How an interval is named: ``95% CI``, or a reported ``90% CI`` (95 when not known)."""
    try:
        value = float(level)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = 95.0
    return f"{(value if value == value else 95.0):g}% CI"
