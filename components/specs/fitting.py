"""Cutting a tall chart into parts that each fit a slide or a page: no Streamlit."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components import charts
from components.looks import Look
from components.specs.spec import ChartSpec, slug, speaker_notes
from evidence import frames as fr


@dataclass(frozen=True)
class Part:
    """Some rows of a chart, drawn; what its spec adds to the chart's key, title and filename.

    The whole chart is one part that adds nothing.
    """

    rows: pd.DataFrame
    figure: go.Figure
    key: str = ""
    title: str = ""
    filename: str = ""


def numbered(count: int) -> list[tuple[str, str]]:
    """For each of ``count`` parts: its title suffix " (2 of 3)" and its number "2".

    Both empty when the chart is one part.
    """
    if count == 1:
        return [("", "")]
    return [(f" ({i} of {count})", str(i)) for i in range(1, count + 1)]


def part_specs(
    parts: list[Part],
    *,
    key: str,
    title: str,
    filename: str,
    columns: Mapping[str, str],
    notes: str,
) -> list[ChartSpec]:
    """One spec per part of a chart: its key, title and filename extended by the part's.

    ``notes`` opens the speaker notes ("response rates:"); the part's title goes before its
    colon.
    """
    lead, _, rest = notes.partition(":")
    return [
        ChartSpec(
            key=key + part.key,
            title=title + part.title,
            figure=part.figure,
            table=part.rows,
            columns=columns,
            filename=filename + part.filename,
            speaker_notes=speaker_notes(f"{lead}{part.title}:{rest}", part.rows),
        )
        for part in parts
    ]


def fits(figure: go.Figure, look: Look) -> bool:
    """Whether a figure fits the height its look allows (any, when the look sets none)."""
    return look.height is None or int(figure.layout.height or 0) <= look.height


def label_lines(rows: pd.DataFrame, look: Look) -> list[int]:
    """The lines each row's label takes in a forest drawn in ``look``."""
    return [
        charts.row_label(row, width=look.label_width).count("<br>") + 1
        for _, row in rows.iterrows()
    ]


def fitting_parts(
    rows: pd.DataFrame,
    draw: Callable[[pd.DataFrame], go.Figure],
    look: Look,
    *,
    split: bool,
    per: str | None = fr.ENDPOINT,
) -> list[Part]:
    """A chart's rows drawn whole, or, with ``split``, cut into parts that fit ``look.height``.

    The whole chart when it fits; else one part per setting, in setting order; a setting
    that alone is taller than the look allows is cut into groups of ``per`` (endpoints) in
    their order, as many as fit on one slide, and a ``per`` group that alone does not fit
    into runs of rows (``per`` None: no cut below settings). Parts of one setting are titled
    "(1 of 3)", "(2 of 3)"... Every part is checked by drawing it: a part still too tall
    (the last resort is one row) is kept, and shows smaller.
    """

    def too_tall(part: pd.DataFrame) -> bool:  # its rows alone outgrow the look: skip a draw
        return per is not None and look.row_height * sum(label_lines(part, look)) > (
            look.height or math.inf
        )

    if not split or not too_tall(rows):
        whole = draw(rows)
        if not split or fits(whole, look):
            return [Part(rows, whole)]
    parts = []
    for setting, sub in rows.sort_values(fr.SETTING_ORDER, kind="stable").groupby(
        fr.SETTING, sort=False
    ):
        figure = draw(sub)
        if per is None or fits(figure, look):
            pieces = [(sub, figure)]
        else:
            pieces = _pieces(sub, figure, draw, look, per)
        short = str(sub[fr.SETTING_SHORT].iloc[0])
        for (piece, drawn), (of, number) in zip(pieces, numbered(len(pieces)), strict=True):
            parts.append(
                Part(
                    piece,
                    drawn,
                    key=f"_{slug(str(setting), '_')}" + (f"_{number}" if number else ""),
                    title=f": {short}{of}",
                    filename=f"-{slug(str(setting))}" + (f"-{number}" if number else ""),
                )
            )
    return parts


def _pieces(
    sub: pd.DataFrame,
    figure: go.Figure,
    draw: Callable[[pd.DataFrame], go.Figure],
    look: Look,
    per: str,
) -> list[tuple[pd.DataFrame, go.Figure]]:
    """One setting's rows in groups of ``per`` that fit ``look.height``, each drawn.

    The row budget comes from the slide's height and the look's row height: a forest panel
    is ``row_height`` per line of its row labels plus one, under a title block, a legend and
    an axis that do not grow with the rows; their height is what the setting's own figure
    (``figure``, too tall) has beyond its rows, less the note lines (a criteria warning) a
    part may not need. Each group is then checked by drawing it (fits), and a group
    that does not fit is grouped again with half its lines for a budget.
    """
    lines = label_lines(sub, look)
    fixed = int(figure.layout.height) - look.row_height * (sum(lines) + 1)
    notes = str(figure.layout.title.subtitle.text or "").count("<br>")  # beyond the first
    budget = ((look.height or 0) - fixed + notes * look.line) // look.row_height - 1
    return _fitted_groups(sub.assign(_lines=lines), draw, look, per, budget)


def _fitted_groups(
    rows: pd.DataFrame,
    draw: Callable[[pd.DataFrame], go.Figure],
    look: Look,
    per: str,
    budget: int,
) -> list[tuple[pd.DataFrame, go.Figure]]:
    out = []
    for group in _groups(rows, per, budget):
        part = group.drop(columns="_lines")
        drawn = draw(part)
        size = int(group["_lines"].sum())
        if len(group) == 1 or fits(drawn, look):
            out.append((part, drawn))
        else:
            out += _fitted_groups(group, draw, look, per, math.ceil(size / 2))
    return out


def _groups(sub: pd.DataFrame, per: str, budget: int) -> list[pd.DataFrame]:
    """Rows grouped by ``per`` in order, whole groups packed while their lines fit ``budget``.

    A group with more lines than the budget is cut into runs of rows of even size (at least
    one row each). ``sub`` has the label lines of each row in ``_lines``.
    """
    sub = sub.sort_values([fr.ENDPOINT_ORDER, fr.SOURCE_ORDER, fr.COHORT_ORDER], kind="stable")
    pieces: list[pd.DataFrame] = []
    for _, unit in sub.groupby(per, sort=False):
        lines = [int(n) for n in unit["_lines"]]
        start = 0
        while start < len(unit):
            rest = sum(lines[start:])
            target = math.ceil(rest / math.ceil(rest / max(budget, 1)))  # even runs
            end, used = start + 1, lines[start]
            while end < len(unit) and used + lines[end] <= target:
                used += lines[end]
                end += 1
            pieces.append(unit.iloc[start:end])
            start = end
    out: list[pd.DataFrame] = []
    used = budget + 1
    for piece in pieces:
        size = int(piece["_lines"].sum())
        if out and used + size <= budget:
            out[-1] = pd.concat([out[-1], piece])
            used += size
        else:
            out.append(piece)
            used = size
    return out


def runs_that_fit(
    units: Sequence[pd.DataFrame], draw: Callable[[pd.DataFrame], go.Figure], look: Look
) -> list[tuple[pd.DataFrame, go.Figure]]:
    """Consecutive units (a chart's rows in blocks) packed as many to a part as fit, drawn.

    For builders whose height is not a row height per label line (the grid, the benefit-harm
    chart): each part's size is guessed from the one before (at first, from the share of
    the slide the whole would take), then checked by drawing it, one unit less or more at a
    time. A single unit that does not fit is a part of its own, and shows smaller.
    """
    whole = draw(pd.concat(list(units)))
    guess = max(1, len(units) * (look.height or 0) // max(int(whole.layout.height), 1))
    out: list[tuple[pd.DataFrame, go.Figure]] = []
    start = 0
    while start < len(units):
        size = max(1, min(guess, len(units) - start))
        drawn = draw(pd.concat(list(units[start : start + size])))
        while size > 1 and not fits(drawn, look):
            size -= 1
            drawn = draw(pd.concat(list(units[start : start + size])))
        while start + size < len(units) and fits(drawn, look):
            bigger = draw(pd.concat(list(units[start : start + size + 1])))
            if not fits(bigger, look):
                break
            size, drawn = size + 1, bigger
        out.append((pd.concat(list(units[start : start + size])), drawn))
        start, guess = start + size, size
    return out
