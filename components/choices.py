"""What a page's widgets may choose of a chart: one frozen value per chart family; no Streamlit.

A chart that takes page choices declares their type (components/registry.py, ``Chart[C]``)
and its spec builder takes one value of it (components/specs/). A page builds the value
from its widgets and hands it over whole, so that a misspelt or wrongly typed choice fails
``mypy --strict`` instead of the page (tests/test_choices.py proves it). Every field has a
default: the default value is what the presentation view, the deck and the file exports
draw. The values are frozen and hashable: the spec caches (components/state.py) key on them.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.compare import Baselines


@dataclass(frozen=True)
class EndpointChoice:
    """A forest's endpoints: ids in the picker's order; none chosen draws every endpoint."""

    endpoints: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComparisonChoice:
    """One within-study comparison and how to draw it.

    ``comparison`` is a comparison key (components/compare.py); empty draws every
    randomised comparison with a computed difference. ``outcomes`` are the endpoints an icon
    array shows (none: the first benefit and the first harm); ``baselines`` the reader's own
    baseline risks, in percent, by endpoint.
    """

    comparison: str = ""
    outcomes: tuple[str, ...] = ()
    baselines: Baselines = ()


@dataclass(frozen=True)
class ProfileChoice:
    """The cohorts set side by side (two to four; fewer draws nothing)."""

    cohorts: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaneChoice:
    """The benefit-harm plane's endpoints; without both, the pair the most cohorts report."""

    harm: str = ""
    benefit: str = ""


def is_personal(choice: object) -> bool:
    """Whether a choice holds a reader's own free-form values (baseline risks).

    Any number can be typed into a URL: specs drawn at such values stay in the reader's
    session, so that nobody can churn the cache every session shares with them.
    """
    return isinstance(choice, ComparisonChoice) and bool(choice.baselines)
