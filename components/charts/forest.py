"""Forest charts: percentages per cohort with their intervals, and within-trial ratios."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts.base import (
    SMALL_N_NOTE,
    criteria_note,
    esc,
    fmt,
    layout,
    legend_regimen,
    marker_key,
    marker_symbol,
    order_rows,
    regimen_colour,
    result_hover,
    row_label,
    wrap,
)
from components.charts.stacking import panel_height, panel_titles_clear, row_labels, stacked
from components.looks import GREY, GRID, SCREEN, WARN, Look
from evidence import frames as fr
from evidence import vocabulary

_PANELS = {
    fr.SETTING: (fr.SETTING_LABEL, fr.SETTING_ORDER, fr.ENDPOINT_SHORT),
    fr.ENDPOINT: (fr.ENDPOINT_LABEL, fr.ENDPOINT_ORDER, fr.SETTING_SHORT),
}
"""What a forest's panels can be: (title column, order column, the row label's second part)."""


def forest_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str | None = None,
    x_title: str = "Patients (%)",
    x_range: tuple[float, float] | None = (0.0, 100.0),
    panels: str = fr.SETTING,
    look: Look = SCREEN,
) -> go.Figure:
    """Dot-and-interval chart of results, one panel per setting (or per endpoint).

    Each point is a result; its bar is the 95% CI (reported or computed); a qualified figure
    gets a dashed range ("up to" runs to the left, "more than" to the right) and its words as
    a label. Rows are grouped by source, so comparator arms sit under the arms they were
    compared with. ``x_range`` None lets the axis start at 0 and fit the data. ``panels`` is
    ``setting`` or ``endpoint``: small multiples of one endpoint each, for side-by-side
    profiles.

    Each row's label sits above its point, across the plot, and its value beside the end of
    its interval: the data keep the whole width on a phone, and no label meets another.
    """
    label_column, order_column, second = _PANELS[panels]
    frame = order_rows(frame)
    frame = frame.assign(
        _label=[
            row_label(row, width=look.label_width, second=second) for _, row in frame.iterrows()
        ]
    )
    settings = (
        frame[[panels, label_column, order_column]]
        .drop_duplicates(panels)
        .sort_values(order_column)
        .rename(columns={panels: fr.SETTING, label_column: fr.SETTING_LABEL})
    )
    heights = [
        panel_height(frame.loc[frame[panels] == s, "_label"], look) for s in settings[fr.SETTING]
    ]
    # Between panels: the axis's tick labels, then the next panel's title (one or two lines).
    title_lines = max(
        wrap(str(t), look.label_width).count("<br>") for t in settings[fr.SETTING_LABEL]
    )
    gap = round((3.6 + 1.3 * title_lines) * look.font)
    fig, plot_height = stacked(
        heights, gap, [wrap(str(label), look.label_width) for label in settings[fr.SETTING_LABEL]]
    )
    low_end = x_range[0] if x_range else 0.0
    high_end = x_range[1] if x_range else float(frame[fr.VALUE].max()) * 1.15
    qualified_any = False
    for r, setting in enumerate(settings[fr.SETTING], start=1):
        sub = frame[frame[panels] == setting]
        sub = sub.assign(_y=range(len(sub)))
        qualified_any |= _add_qualifier_ranges(fig, sub, low_end, high_end, r)
        for order, group in sub.groupby(fr.REGIMEN_ORDER, sort=True):
            hover = [result_hover(item) for _, item in group.iterrows()]
            fig.add_trace(_points(group, int(str(order)), look, hover), row=r, col=1)
        fig.add_trace(_values(sub, [esc(t) for t in sub[fr.VALUE_TEXT]], look), row=r, col=1)
        row_labels(fig, sub["_label"].tolist(), r, look)
        fig.update_xaxes(
            range=[low_end - 2, high_end + 2],
            showgrid=True,
            gridcolor=GRID,
            zeroline=False,
            row=r,
            col=1,
        )
    fig.update_xaxes(title_text=esc(x_title), row=len(settings), col=1)
    for order, regimen in (
        frame.drop_duplicates(fr.REGIMEN_ORDER)
        .sort_values(fr.REGIMEN_ORDER)[[fr.REGIMEN_ORDER, fr.REGIMEN_SHORT]]
        .itertuples(index=False)
    ):
        legend_regimen(fig, order, str(regimen), look)
    notes = [(marker_key(frame[fr.REPORTED_BY].tolist(), qualified_any), GREY)]
    for setting_label, sub in frame.groupby(label_column, sort=False):
        warning = criteria_note(sub)
        if warning:
            notes.append((f"⚠ {setting_label}: {warning}", WARN))
    notes.append((SMALL_N_NOTE, GREY))
    layout(
        fig,
        title=title,
        subtitle=subtitle,
        plot_height=plot_height,
        look=look,
        notes=notes,
        legend=True,
    )
    fig.update_layout(margin={"r": round(4 * look.value)})  # room for a value at 100%
    panel_titles_clear(fig, len(settings), look)
    return fig


def _add_qualifier_ranges(
    fig: go.Figure, sub: pd.DataFrame, low_end: float, high_end: float, row: int
) -> bool:
    # Dashed ranges go in first, so markers draw on top of them.
    xs: list[float | None] = []
    ys: list[float | None] = []
    for _, item in sub.iterrows():
        if vocabulary.QUALIFIER.has_flag(item[fr.QUALIFIER], "ceiling"):
            xs += [low_end, item[fr.VALUE], None]
        elif vocabulary.QUALIFIER.has_flag(item[fr.QUALIFIER], "floor"):
            xs += [item[fr.VALUE], high_end, None]
        else:
            continue
        ys += [item["_y"], item["_y"], None]
    if xs:
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                showlegend=False,
                hoverinfo="skip",
                line={"color": GREY, "dash": "dash", "width": 2},
            ),
            row=row,
            col=1,
        )
    return bool(xs)


def _error_arrays(group: pd.DataFrame) -> dict[str, Any]:
    plus = group[fr.CI_HIGH] - group[fr.VALUE]
    minus = group[fr.VALUE] - group[fr.CI_LOW]
    return {
        "type": "data",
        "array": [None if pd.isna(v) else float(v) for v in plus],
        "arrayminus": [None if pd.isna(v) else float(v) for v in minus],
        "thickness": 2,
        "width": 5,
    }


def _points(group: pd.DataFrame, order: int, look: Look, hover: list[str]) -> go.Scatter:
    """One regimen's points at their rows (``_y``), each with its interval.

    Its colour and shape; open or dotted by who reported the figure.
    """
    colour = regimen_colour(order)
    return go.Scatter(
        x=group[fr.VALUE].tolist(),
        y=group["_y"].tolist(),
        mode="markers",
        name=esc(group[fr.REGIMEN_SHORT].iloc[0]),
        legendgroup=f"regimen-{order}",
        showlegend=False,
        marker={
            "color": colour,
            "symbol": [marker_symbol(order, rb) for rb in group[fr.REPORTED_BY]],
            "size": look.marker,
            "line": {"width": 2, "color": colour},
        },
        error_x={**_error_arrays(group), "color": colour},
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        cliponaxis=False,
    )


def _values(rows: pd.DataFrame, texts: list[str], look: Look) -> go.Scatter:
    """The rows' values as text, just past the end of each interval (or range).

    Beside the point, never above it: they meet neither the row label nor a panel title.
    """
    qualifiers = rows[fr.QUALIFIER] if fr.QUALIFIER in rows.columns else ["exact"] * len(rows)
    floor = [vocabulary.QUALIFIER.has_flag(q, "floor") for q in qualifiers]
    ends = [
        (low if pd.notna(low) else value) if is_floor else (high if pd.notna(high) else value)
        for value, low, high, is_floor in zip(
            rows[fr.VALUE], rows[fr.CI_LOW], rows[fr.CI_HIGH], floor, strict=True
        )
    ]
    return go.Scatter(
        x=ends,
        y=rows["_y"].tolist(),
        mode="text",
        text=[f"{t}  " if f else f"  {t}" for t, f in zip(texts, floor, strict=True)],
        textposition=["middle left" if f else "middle right" for f in floor],
        textfont={"size": look.value},
        hoverinfo="skip",
        showlegend=False,
        cliponaxis=False,
    )


def comparison_hover(row: pd.Series) -> str:
    """Hover text for a reported comparison: arms, measure, CI, p, source, who reported it."""
    ci = (
        f"{fr.ci_words(row[fr.CI_LEVEL])} {fmt(row[fr.CI_LOW])}–{fmt(row[fr.CI_HIGH])}, as reported"
        if fr.present(row[fr.CI_LOW])
        else "CI not reported"
    )
    lines = [
        f"<b>{esc(row[fr.COHORT_LABEL])}</b> vs {esc(row[fr.VERSUS_LABEL])}",
        f"{esc(row[fr.ENDPOINT_LABEL])}: {esc(vocabulary.MEASURE.phrase(row[fr.MEASURE]))} "
        f"<b>{fmt(row[fr.VALUE])}</b>",
        ci,
        f"p {esc(row[fr.P])}" if fr.present(row[fr.P]) else "p not reported",
        f"Source: {esc(row[fr.SOURCE_SHORT])}"
        + (f", {esc(row[fr.LOCATOR])}" if fr.present(row[fr.LOCATOR]) else ""),
        f"Reported by {esc(vocabulary.REPORTED_BY.phrase(row[fr.REPORTED_BY]))}",
    ]
    if fr.present(row[fr.NOTE]):
        lines.append(f"Note: {wrap(str(row[fr.NOTE]))}")
    return "<br>".join(lines)


RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def ratio_forest_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str | None = None,
    look: Look = SCREEN,
) -> go.Figure:
    """Forest plot of ratio comparisons (hazard ratios) on a log axis with a line at 1.

    Labels above the rows, values past the interval's end, as in forest_figure.
    """
    frame = frame.sort_values([fr.SETTING_ORDER, fr.SOURCE_ORDER, fr.COHORT_ORDER], kind="stable")
    labels = [
        wrap(
            f"{row[fr.SOURCE_SHORT]}: {row[fr.REGIMEN_SHORT]} vs {row[fr.VERSUS_REGIMEN_SHORT]}"
            f" · {row[fr.ENDPOINT_SHORT]}",
            look.label_width,
        )
        for _, row in frame.iterrows()
    ]
    frame = frame.assign(_label=labels, _y=range(len(frame)))
    fig = make_subplots(rows=1, cols=1)
    for order_key, group in frame.groupby(fr.REGIMEN_ORDER, sort=True):
        order = int(str(order_key))
        hover = [comparison_hover(row) for _, row in group.iterrows()]
        fig.add_trace(_points(group, order, look, hover), row=1, col=1)
        legend_regimen(fig, order, str(group[fr.REGIMEN_SHORT].iloc[0]), look)
    texts = [
        fmt(row[fr.VALUE]) + (f", p {esc(row[fr.P])}" if fr.present(row[fr.P]) else "")
        for _, row in frame.iterrows()
    ]
    fig.add_trace(_values(frame, texts, look), row=1, col=1)
    row_labels(fig, labels, 1, look)
    values = pd.concat([frame[fr.VALUE], frame[fr.CI_LOW], frame[fr.CI_HIGH]]).dropna()
    low = min(0.1, float(values.min()) * 0.8) if not values.empty else 0.1
    high = max(2.0, float(values.max()) * 1.6) if not values.empty else 2.0
    fig.add_vline(x=1, line={"color": "#444444", "width": 1.5})
    fig.update_xaxes(
        type="log",
        range=[math.log10(low), math.log10(high)],
        title_text="Ratio (log scale) — left of 1 favours the first regimen named",
        gridcolor=GRID,
        # Named ticks: plotly's own log ticks print 2 and 5 as bare digits between decades,
        # which a projected slide cannot tell from the decades themselves.
        tickvals=[tick for tick in RATIO_TICKS if low <= tick <= high],
        ticktext=[f"{tick:g}" for tick in RATIO_TICKS if low <= tick <= high],
    )
    layout(
        fig,
        title=title,
        subtitle=subtitle,
        plot_height=round(panel_height(frame["_label"], look)),
        look=look,
        notes=[(marker_key(frame[fr.REPORTED_BY].tolist(), False), GREY)],
        legend=True,
    )
    return fig
