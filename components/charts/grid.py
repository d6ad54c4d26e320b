"""The evidence grid: cohorts per regimen and setting, with a headline figure per cell."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from components.charts.base import esc, layout, wrap
from components.looks import SCREEN, Look
from components.words import plural
from evidence import frames as fr

GRID_CELL_PX = 92
"""The narrowest a grid column may be on a page: '5 cohorts', 'Heme resp.' and 'up to 77%'
at 12 px, and a setting's short name wrapped to two level lines."""


def _cell_headline(cell: pd.Series, chars: int) -> str:
    """Write a grid cell's headline: its endpoint, then its value as stated.

    The endpoint takes one line, cut with '…' when longer (the hover has it whole); the
    value keeps its qualifier ('up to 77%') and wraps if need be.
    """
    if not fr.present(cell[fr.HEADLINE_VALUE]):
        return ""
    endpoint = str(cell[fr.HEADLINE_ENDPOINT])
    if len(endpoint) > chars:
        endpoint = endpoint[: max(chars - 1, 1)].rstrip() + "…"
    return f"{esc(endpoint)}<br>{wrap(str(cell[fr.HEADLINE_VALUE]), chars)}"


def coverage_figure(
    frame: pd.DataFrame, *, title: str, subtitle: str | None = None, look: Look = SCREEN
) -> go.Figure:
    """Regimen x setting grid: where evidence exists, with cohort count and headline."""
    settings = frame.drop_duplicates(fr.SETTING).sort_values(fr.SETTING_ORDER)
    regimens = frame.drop_duplicates(fr.REGIMEN).sort_values(fr.REGIMEN_ORDER)
    has_any = frame.groupby(fr.REGIMEN)[fr.COHORTS].sum()
    regimens = regimens[regimens[fr.REGIMEN].map(has_any) > 0] if has_any.sum() else regimens
    y = [esc(r) for r in regimens[fr.REGIMEN_SHORT]]
    lookup = frame.set_index([fr.REGIMEN, fr.SETTING])
    # Characters per line of a cell, from the cell's width (the look's fixed or assumed
    # width). Rows are as tall as the cell with the most lines needs.
    label_px = max((len(r) for r in y), default=0) * 0.6 * look.tick + 24
    width = look.width or look.assumed_width
    narrow = look.width is None and look.fit_width is not None
    if narrow:
        # A page may be a phone's width, too narrow for a column per setting: the grid is
        # laid out min_width wide (GRID_CELL_PX a column) and a narrower page scrolls it
        # sideways in its own frame (panels.render_spec); its column labels wrap, level.
        width = min_width = round(label_px + GRID_CELL_PX * len(settings) + 40)
    cell_px = (width - label_px) / max(len(settings), 1) - 3
    cell_chars = max(8, int(cell_px / (0.58 * look.value)))
    label_chars = max(6, int(cell_px / (0.58 * look.tick)))
    # Column labels wrap to their column, level: plotly turns labels that do not fit, and
    # turned ones ran into each other and the subtitle (a page 1200-1400 px wide, a slide).
    x = [
        "<br>".join(esc(line) for line in textwrap.wrap(s, label_chars, break_on_hyphens=False))
        for s in settings[fr.SETTING_SHORT].astype(str)
    ]
    z, text, hover = [], [], []
    for regimen, regimen_label in zip(
        regimens[fr.REGIMEN], regimens[fr.REGIMEN_LABEL], strict=True
    ):
        zr, tr, hr = [], [], []
        for setting, setting_label in zip(
            settings[fr.SETTING], settings[fr.SETTING_LABEL], strict=True
        ):
            cell = lookup.loc[(regimen, setting)]
            count = int(cell[fr.COHORTS])
            zr.append(count if count else None)
            headline = cell[fr.HEADLINE] if fr.present(cell[fr.HEADLINE]) else ""
            tr.append(
                f"<b>{plural(count, 'cohort')}</b><br>" + _cell_headline(cell, cell_chars)
                if count
                else "—"
            )
            hr.append(
                f"<b>{esc(regimen_label)}</b><br>{esc(setting_label)}<br>"
                + (
                    f"{plural(count, 'cohort')} from {esc(cell[fr.SOURCES])}"
                    + (
                        f" (each patient counted once; {int(cell[fr.COHORTS_LISTED]) - count} "
                        "more report some of the same patients)"
                        if int(cell[fr.COHORTS_LISTED]) > count
                        else ""
                    )
                    + (
                        f"<br>First response figure: {esc(headline)} "
                        f"({esc(cell[fr.HEADLINE_SOURCE])})"
                        if headline
                        else ""
                    )
                    if count
                    else "No evidence yet"
                )
            )
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    lines = max((cell.count("<br>") + 1 for row in text for cell in row), default=1)
    row_px = max(4.4 * look.value, (lines + 0.8) * 1.3 * look.value)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=[[0, "#DCEAF7"], [1, "#9ECAE1"]],
            showscale=False,
            xgap=3,
            ygap=3,
            zmin=0,
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", automargin=True)
    layout(
        fig,
        title=title,
        subtitle=subtitle,
        plot_height=round(2 * look.tick) + round(row_px * len(y)),
        look=look,
    )
    fig.update_layout(margin={"t": fig.layout.margin.t + round(2.5 * look.tick)})
    label_lines = max((label.count("<br>") for label in x), default=0)
    room = round(1.3 * look.tick * label_lines)
    fig.update_xaxes(tickangle=0)
    fig.update_layout(height=fig.layout.height + room, margin={"t": fig.layout.margin.t + room})
    if narrow:
        fig.update_layout(meta={"min_width": min_width})
    return fig
