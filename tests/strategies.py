"""Hypothesis strategies for valid Evidence: valid_every_field.yaml with drawn text and numbers.

Every optional field stays set; free text, list items and numbers (including ratios with
their intervals) are drawn. Drawn values that the model refuses (a text that is only
whitespace) are rejected with ``assume``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from evidence.loader import load_evidence
from evidence.models import Evidence

EVERY_FIELD = Path(__file__).resolve().parent / "fixtures" / "valid_every_field.yaml"
BASE = load_evidence(EVERY_FIELD)

ANY_TEXT = st.characters(codec="utf-8")  # control characters, odd spaces, non-BMP
# What an xlsx cell can hold: XML 1.0 characters (no C0 controls but tab, line feed, return).
CELL_TEXT = st.characters(
    codec="utf-8", exclude_categories=["Cc"], exclude_characters="\ufffe\uffff"
) | st.sampled_from("\t\n\r")
AWKWARD = st.sampled_from([" ", "  ", "\\", '"', ";", "; ", '"";', "#", ": ", "- ", "=", "\n"])

FINITE = st.floats(allow_nan=False, allow_infinity=False)
POSITIVE = st.floats(min_value=5e-324, max_value=1e300, allow_nan=False, allow_infinity=False)


def texts(alphabet: st.SearchStrategy[str], max_size: int = 200) -> st.SearchStrategy[str]:
    """Text with words, awkward pieces and long runs (so that folding and quoting happen)."""
    piece = st.text(alphabet, min_size=1, max_size=12) | AWKWARD
    return st.lists(piece, min_size=1, max_size=max_size // 6).map("".join)


@st.composite
def evidence(draw: st.DrawFn, alphabet: st.SearchStrategy[str] = ANY_TEXT) -> Evidence:
    """A valid Evidence like valid_every_field.yaml, with drawn text and numbers."""
    data: dict[str, Any] = BASE.model_dump()
    text = texts(alphabet)
    data["title"] = draw(text)
    data["summary"] = draw(texts(alphabet, max_size=600))
    data["editorial"]["note"] = draw(text)
    data["settings"][0]["label"] = draw(text)
    data["settings"][0]["bottom_line"] = draw(texts(alphabet, max_size=400))
    data["regimens"][0]["agents"] = tuple(draw(st.lists(text, min_size=1, max_size=4)))
    data["sources"][0]["citation"] = draw(text)
    data["sources"][0]["editorial_ref"] = draw(text)
    data["cohorts"][0]["median_age"] = draw(st.floats(min_value=0, max_value=120))
    data["cohorts"][0]["note"] = draw(text)
    data["results"][1]["value"] = draw(st.floats(min_value=0, max_value=100))
    data["results"][2]["value"] = draw(FINITE)
    data["results"][2]["ci"] = None
    low, value, high = sorted(draw(st.lists(POSITIVE, min_size=3, max_size=3)))
    data["comparisons"][0].update(value=value, ci=(low, high))
    data["findings"][0]["statement"] = draw(text)
    data["verdicts"][0]["statement"] = draw(text)
    try:
        return Evidence.model_validate(data)
    except ValidationError:
        assume(False)
        raise  # unreachable: assume(False) raises


STEADY = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
"""Repeatable property tests on a shared machine: the same examples every run, no deadline."""
