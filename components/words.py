"""Words about values, said the same way on every page, slide and file.

No Streamlit, no plotly: the figure builders, the tables, the content blocks and the exports
all read these.
"""

from __future__ import annotations

from evidence import frames as fr
from evidence import vocabulary

NO_VERDICT_LABEL = "No verdict"
NO_VERDICT_COLOUR = vocabulary.FALLBACK_COLOUR


def n_text(n: object) -> str:
    """``n = 177`` or ``n not reported``."""
    return f"n = {int(str(n))}" if fr.present(n) else "n not reported"


def verdict_label(word: str) -> str:
    """A verdict word for people; cohorts without a verdict are "No verdict"."""
    return NO_VERDICT_LABEL if word == fr.NO_VERDICT else vocabulary.VERDICT.label(word)


def verdict_colour(word: str) -> str:
    """A verdict word's colour (a word declared without one gets a neutral grey)."""
    return NO_VERDICT_COLOUR if word == fr.NO_VERDICT else vocabulary.VERDICT.colour(word)


def plural(n: int, noun: str) -> str:
    """``1 figure``, ``2 figures``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def agree(n: int, one: str, many: str) -> str:
    """The verb for a count: ``agree(1, "is", "are")`` is "is"."""
    return one if n == 1 else many


def editorial_only(n: int) -> str:
    """``2 figures are stated only by the editorial``: a chart's, a verdict's, a view's caveat."""
    return f"{plural(n, 'figure')} {agree(n, 'is', 'are')} stated only by the editorial"


def off_plane(n: int) -> str:
    """The benefit-harm plane's gap, on the page and in the chart's note."""
    return (
        f"{plural(n, 'cohort')} {agree(n, 'reports', 'report')} other endpoints and "
        f"{agree(n, 'is', 'are')} not shown: none is substituted."
    )
