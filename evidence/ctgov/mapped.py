"""The document being built from a record, and the number helpers the mapping shares.

``Mapped`` collects the evidence lists and the skipped list while ``mapping.py`` and
``adverse.py`` fill them; ``number`` and ``back_calculated`` read the record's text values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from evidence.ctgov.groups import CohortPlan, GroupBook, slug
from evidence.ctgov.record import Record

TEXT_LIMIT = 4000  # characters of the record's prose kept in one field (the format's is 5000)


def short(text: str, limit: int = TEXT_LIMIT) -> str:
    """The text on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(text: str) -> float | None:
    """The record's text as a finite number, or None for a sentinel ("NA", "NR", "")."""
    try:
        value = float(text.replace(",", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def back_calculated(percent_text: str, n: int) -> int | None:
    """The whole count of ``n`` that the percentage, as rounded in the record, stands for.

    None when no whole count rounds to it (the record's n for the percentage is another).
    """
    percent = number(percent_text)
    if percent is None or n <= 0:
        return None
    events = round(percent * n / 100)
    tolerance = 0.5 * 10 ** -_decimals(percent_text) + 1e-9
    return events if abs(100 * events / n - percent) <= tolerance else None


@dataclass
class Mapped:
    """The evidence document being built, and the list of what was skipped, with why."""

    record: Record
    prefix: str
    book: GroupBook
    doc: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    endpoints: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    outcome_endpoints: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    keys: set[tuple[str, str]] = field(default_factory=set)

    def cohort_id(self, plan: CohortPlan) -> str:
        """The id of the cohort of ``plan``."""
        return f"{self.prefix}-{slug(plan.key)}"

    def skip(self, what: str, why: str) -> None:
        """List ``what`` as left out, with why."""
        self.skipped.append(f"{what}: {why}")

    def first(self, plan: CohortPlan, endpoint: str) -> bool:
        """Whether this is the cohort's first figure for the endpoint (one result per key)."""
        key = (self.cohort_id(plan), endpoint)
        if key in self.keys:
            return False
        self.keys.add(key)
        return True
