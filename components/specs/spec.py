"""A chart spec (figure, rows behind it, notes) and what a request for one asks: no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components import tables
from components.loaded import Filters, LoadedEvidence
from components.looks import SCREEN, Look
from components.words import plural
from evidence import frames as fr

CROSS_TRIAL_NOTE = "Cross-trial comparison: populations, doses and definitions differ."
"""Under a chart that sets cohorts of different studies side by side."""


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a view: the figure, the rows behind it, and what to say about it.

    ``key`` is unique within a view; ``filename`` is the stem of its downloads; ``chart`` is
    the registry key of the chart that drew it.
    """

    key: str
    title: str
    figure: go.Figure
    table: pd.DataFrame
    columns: Mapping[str, str]
    filename: str
    note: str = ""
    speaker_notes: str = ""
    chart: str = ""

    def sources(self) -> list[str]:
        """Short names of the sources behind the chart, in file order."""
        if self.table.empty or fr.SOURCE_SHORT not in self.table.columns:
            return []
        frame = self.table
        if fr.SOURCE_ORDER in frame.columns:
            frame = frame.sort_values(fr.SOURCE_ORDER, kind="stable")
        return list(dict.fromkeys(frame[fr.SOURCE_SHORT].astype(str)))

    def caption(self) -> str:
        """The line under the chart on a page or a presentation slide: sources, then note."""
        sources = self.sources()
        lead = ("Sources: " + "; ".join(sources) + ". ") if sources else ""
        return (lead + self.note).strip()

    def display_table(self) -> pd.DataFrame:
        """The rows behind the chart with human headers: the table and the CSV."""
        return tables.display(self.table, self.columns)


@dataclass(frozen=True)
class Ask:
    """What a view asks of a chart's builder: the chart's key and title, and the look to draw in.

    ``split`` asks that a chart too tall for the look's height (a slide) be cut into parts,
    one spec each; a builder whose chart is never cut reads only key, title and look. Every
    builder takes ``(loaded, filters, ask, choice)``: the page's choice is a frozen value of
    the chart family's own type (components/choices.py), or None for a chart without one.
    """

    key: str
    title: str
    look: Look = SCREEN
    split: bool = False


def slug(text: str, sep: str = "-") -> str:
    """Lower-case words joined by ``sep``: for file names and widget keys."""
    return sep.join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def filter_subtitle(loaded: LoadedEvidence, filters: Filters) -> str:
    """One line naming the filters in force and the data version (printed on figures)."""
    return f"{filters.describe(loaded.evidence)} · data {loaded.data_version}"


def shown_title(title: str, look: Look) -> str:
    """The figure's own title: none in a look whose page prints it (a slide's title box)."""
    return title if look.titled else ""


def subtitle(loaded: LoadedEvidence, filters: Filters, look: Look, lead: str = "") -> str | None:
    """``lead`` and the filter line; a look without titles (slides) keeps only the lead.

    A slide prints the view and the data version in its footer instead.
    """
    if not look.titled:
        return lead or None
    return (f"{lead} · " if lead else "") + filter_subtitle(loaded, filters)


def speaker_notes(what: str, table: pd.DataFrame) -> str:
    """What the figure shows and what to ask about it, from the rows behind it."""
    sources = table[fr.SOURCE_SHORT].nunique() if fr.SOURCE_SHORT in table.columns else 0
    settings = (
        ", ".join(dict.fromkeys(table[fr.SETTING_LABEL].astype(str)))
        if fr.SETTING_LABEL in table.columns
        else ""
    )
    counted = f"{plural(len(table), 'figure')} from {plural(sources, 'source')}"
    lines = [f"What it shows: {what} {counted}."]
    if settings:
        lines.append(f"Settings: {settings}.")
    caveats = tables.caveats(table)
    if caveats:
        lines.append("Caveats: " + "; ".join(caveats) + ".")
    lines.append(
        "Ask: are these populations, doses and response criteria comparable across trials? "
        "Which figures rest on small or unknown n, or on the editorial alone? "
        "Would the conclusion change without them?"
    )
    return "\n".join(lines)
