"""Pure figure builders: (frame, *, title, subtitle, look) -> go.Figure. No Streamlit, no I/O.

Every builder takes ``look=`` (components/looks.py) the way plotly.express takes
``template=``: fonts come from the look's template, geometry from its sizes, and nothing
restyles a figure after it is built. Colours and marker shapes are keyed by a regimen's
position in the evidence file (``regimen_order``), never by row order, so a regimen looks
the same on every page. Every piece of text from the evidence file is HTML-escaped before
plotly sees it.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.looks import GREY, GRID, INK, SCREEN, WARN, Look
from components.words import NO_VERDICT_COLOUR, n_text, verdict_colour, verdict_label
from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary

# Okabe-Ito, reordered so that the first regimens get the most distinct hues; its orange,
# sky blue and yellow darkened (or, for sky blue, replaced by Tol's indigo, which a darkened
# sky blue would no longer tell from the first blue) so that every mark has at least 3:1
# against white (WCAG 1.4.11, non-text contrast).
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#B87800",
    "#332288",
    "#000000",
    "#8F8000",
)
# Six shapes against eight colours: colour+shape pairs stay unique for 24 regimens.
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "hexagon", "star")
# Who reported a figure shows in its marker: open for the editorial's, dotted for ours; a
# reporter not listed here (a new vocabulary word) gets a filled marker.
STYLE_SUFFIX = {"editorial": "-open", "computed": "-open-dot"}
STYLE_LEGEND = (
    ("primary", "● filled: reported by the trial or a secondary source"),
    ("editorial", "○ open: stated only by the editorial"),
    ("computed", "⊙ open with a dot: computed by us"),
)
QUALIFIED_LEGEND = "- - dashed: the range a qualifier allows ('up to', 'more than', ...)"
SMALL_N_NOTE = f"† n not reported, or under {fr.SMALL_N_THRESHOLD}: read with extra caution."


def esc(text: object) -> str:
    """Escape evidence text for plotly, which renders a subset of HTML in labels."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=False)  # plotly decodes &lt; &gt; &amp; only


def regimen_colour(order: int) -> str:
    """The colour of the regimen declared at position ``order`` in the evidence file."""
    return PALETTE[order % len(PALETTE)]


def regimen_symbol(order: int) -> str:
    """The marker shape of the regimen declared at position ``order``."""
    return SYMBOLS[order % len(SYMBOLS)]


def marker_symbol(order: int, reported_by: str) -> str:
    """Regimen shape, open for editorial-only figures and dotted for computed ones."""
    return regimen_symbol(order) + STYLE_SUFFIX.get(reported_by, "")


def _fmt(value: float) -> str:
    return fr.format_number(value)


def _ci_text(row: pd.Series) -> str:
    kind = row[fr.CI_KIND]
    if kind == fr.CI_NONE:
        return "95% CI: not available"
    low, high = _fmt(row[fr.CI_LOW]), _fmt(row[fr.CI_HIGH])
    unit = "%" if row[fr.UNIT] == "percent" else ""
    how = "as reported" if kind == fr.CI_REPORTED else "computed by us (Wilson, from n)"
    return f"95% CI {low}–{high}{unit}, {how}"


def result_hover(row: pd.Series) -> str:
    """Hover text for one result: what, value, n, CI, source, locator, who reported it."""
    lines = [
        f"<b>{esc(row[fr.COHORT_LABEL])}</b>",
        f"{esc(row[fr.REGIMEN_LABEL])} · {esc(row[fr.SETTING_SHORT])}",
        f"{esc(row[fr.ENDPOINT_LABEL])}: <b>{esc(row[fr.VALUE_TEXT])}</b>",
        esc(n_text(row[fr.N])) + (" · small cohort" if _is_small(row) else ""),
        _ci_text(row),
        f"Source: {esc(row[fr.SOURCE_SHORT])}"
        + (f", {esc(row[fr.LOCATOR])}" if fr.present(row[fr.LOCATOR]) else ""),
        f"Reported by {esc(vocabulary.REPORTED_BY.phrase(row[fr.REPORTED_BY]))}",
    ]
    if fr.present(row[fr.CRITERIA]):
        lines.append(f"Criteria: {esc(row[fr.CRITERIA])}")
    if fr.present(row[fr.NOTE]):
        lines.append(f"Note: {_wrap(str(row[fr.NOTE]))}")
    return "<br>".join(lines)


def _is_small(row: pd.Series) -> bool:
    n = row[fr.N]
    return bool(fr.present(n) and int(n) < fr.SMALL_N_THRESHOLD)


def _wrap(text: str, width: int = 70) -> str:
    """Plain text wrapped at ``width`` characters and escaped, lines joined by <br>."""
    return "<br>".join(esc(line) for line in textwrap.wrap(text, width) or [""])


def row_label(
    row: pd.Series, *, width: int = SCREEN.label_width, second: str = fr.ENDPOINT_SHORT
) -> str:
    """Axis label of a result row, wrapped at ``width``; unknown or small n get †.

    The cohort, then ``second``: its endpoint, or its setting in a chart with a panel per
    endpoint.
    """
    n = row[fr.N]
    if not fr.present(n):
        tag = " (n n.r.)†"
    elif int(n) < fr.SMALL_N_THRESHOLD:
        tag = f" (n={int(n)})†"
    else:
        tag = f" (n={int(n)})"
    return _wrap(f"{row[fr.COHORT_LABEL]} · {row[second]}{tag}", width)


def _order_rows(frame: pd.DataFrame) -> pd.DataFrame:
    # Comparator arms sit right under the arms of the same source they were compared with.
    return frame.sort_values(
        [fr.SETTING_ORDER, fr.SOURCE_ORDER, fr.ENDPOINT_ORDER, fr.COHORT_ORDER], kind="stable"
    )


def _title_block(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str | None,
    notes: Sequence[tuple[str, str]],
    look: Look,
) -> int:
    """Title and subtitle (plotly's own), with the note lines under the subtitle.

    ``notes`` are (text, colour) pairs; all text is escaped and wrapped here. Returns the
    pixels the block takes from the top of the figure.
    """
    lines = [_wrap(subtitle, look.note_chars)] if subtitle else []
    for text, colour in notes:
        if not text:
            continue
        lines.append(f"<span style='color:{colour}'>{_wrap(text, look.note_chars)}</span>")
    sub = "<br>".join(lines)
    count = sub.count("<br>") + 1 if sub else 0
    # The title wraps to the look's width (a phone's, where the width follows the page):
    # plotly never wraps it and cuts it at the figure's edge.
    heading = _wrap(title, look.chars(look.title, bold=True, less=20)) if title else ""
    extra = heading.count("<br>")
    # No title of its own (a slide titles it): the subtitle takes the title's place, and
    # no room is kept for a title line.
    title_room = round(look.title * (1.4 + 1.3 * extra)) if title else round(look.subtitle * 0.4)
    fig.update_layout(
        title={
            "text": heading or " ",
            "subtitle": {"text": sub},
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "yanchor": "top",
        }
    )
    return 18 + title_room + count * look.line + 16


def _layout(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str | None,
    plot_height: int,
    look: Look,
    notes: Sequence[tuple[str, str]] = (),
    legend: bool = False,
    shrink: bool = False,
) -> None:
    """The look's template, the title block, a bottom legend and a height that fits it all.

    ``plot_height`` is the plotting area the chart needs; below it go the x-axis title and,
    with ``legend``, the rows the legend's entries take (legend_rows). ``shrink``: a chart
    with no rows to split (a plane) gives up plot height to stay within ``look.height``.
    """
    top = _title_block(fig, title=title, subtitle=subtitle, notes=notes, look=look)
    if legend:
        _wrap_legend_names(fig, look)
    rows = legend_rows(fig, look) if legend else 0
    bottom = round((2.2 + 1.7 * rows + 1.3 * _wrap_axis_titles(fig, look)) * look.font) + 8
    total = max(look.min_height, plot_height + top + bottom)
    if shrink and look.height is not None:
        total = min(total, look.height)
    fig.update_layout(
        template=look.template,
        height=total,
        width=look.width,
        margin={"l": 10, "r": 30, "t": top, "b": bottom},
        showlegend=legend,
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0.0,
            # From the figure's left edge, not the plot's: with labels beside the rows the
            # plot starts halfway across and its legend would stack one entry per row.
            "xref": "container",
            "xanchor": "left",
            "x": 0,
        },
    )
    # The title's offset from the top in pixels (a padding, so that a builder may still add
    # height): Streamlit crops the first few. plotly lifts a title of several lines by about
    # 0.7 x its font size, however many lines it has (measured with plotly.js of plotly 7.1:
    # 13 px at 18 px, 18 px at 26 px, for 2 to 5 lines); an offset of a line per extra line
    # pushed a three-line title into its subtitle.
    wrapped = "<br>" in str(fig.layout.title.text or "")
    fig.update_layout(
        title={"y": 1, "pad": {"t": 12 + (round(0.75 * look.title) if wrapped else 0)}}
    )


LEGEND_WIDTH = 700
"""The width a legend is laid out for where the look has no width to fit (a projector)."""


def _wrap_escaped(text: str, chars: int) -> str:
    """Already escaped text without line breaks, wrapped at ``chars`` (entities have no spaces)."""
    if "<br>" in text or len(text) <= chars:
        return text
    return "<br>".join(textwrap.wrap(text, chars))


def _wrap_axis_titles(fig: go.Figure, look: Look) -> int:
    """Wrap long axis titles to the look's width; the lines the bottom x-axis title gained.

    plotly draws an axis title on one line and cuts it at the figure's edges.
    """
    extra = 0
    for axis in fig.select_xaxes():
        text = axis.title.text
        if text:
            axis.title.text = _wrap_escaped(str(text), look.chars(look.font, less=40))
            extra = max(extra, str(axis.title.text).count("<br>"))
    for axis in fig.select_yaxes():
        text = axis.title.text
        if text:
            axis.title.text = _wrap_escaped(str(text), look.chars(look.font, less=80))
    return extra


def _wrap_legend_names(fig: go.Figure, look: Look) -> None:
    """Wrap long legend entries to the look's width (plotly never wraps a legend entry)."""
    chars = look.chars(look.font, less=60)
    for trace in fig.data:
        if trace.name and trace.showlegend is not False:
            trace.name = _wrap_escaped(str(trace.name), chars)


def legend_rows(fig: go.Figure, look: Look) -> int:
    """The rows a horizontal legend of the figure's entries takes at the look's width.

    plotly flows ungrouped entries left to right; each takes its marker (about 40 px) and
    its name at about 0.55 x font per character.
    """
    names = [
        str(trace.name)
        for trace in fig.data
        if trace.showlegend is not False and trace.name and trace.legend in (None, "legend")
    ]
    widths = [
        40 + 0.55 * look.font * max(len(line) for line in name.split("<br>")) for name in names
    ]
    wrapped = sum(name.count("<br>") for name in names)  # a wrapped entry's extra lines
    # plotly lays a horizontal legend out within the plot's width: with row labels beside
    # the rows (a slide, a file) that is the figure's width less the longest label.
    ticks = [str(t) for t in fig.layout.yaxis.ticktext or ()]
    longest = max((len(line) for t in ticks for line in t.split("<br>")), default=0)
    label_px = 0.55 * look.tick * longest + 20 if longest else 0
    available = (look.width or look.fit_width or LEGEND_WIDTH) - label_px - 40
    rows, used = 1, 0.0
    for width in widths:
        if used and used + width > available:
            rows, used = rows + 1, 0.0
        used += width
    return rows + wrapped if widths else 0


def legend_entry(fig: go.Figure, name: str, **style: object) -> None:
    """A legend-only entry: a trace with no data, drawn only in the legend.

    ``style`` holds the trace's mode, marker or line, and legendgroup(title).
    """
    fig.add_trace(go.Scatter(x=[None], y=[None], name=name, hoverinfo="skip", **style))


def _legend_regimen(fig: go.Figure, order: int, regimen: str, look: Look) -> None:
    # A separate, filled legend entry: the data trace's first marker may be an open one.
    legend_entry(
        fig,
        esc(regimen),
        mode="markers",
        legendgroup=f"regimen-{order}",
        marker={
            "color": regimen_colour(order),
            "symbol": regimen_symbol(order),
            "size": look.marker,
        },
    )


def marker_key(reported: Sequence[str], qualified: bool) -> str:
    """One line that says what a marker's fill and a dashed range mean, for those drawn.

    A line of text in the title block, not legend entries: plotly lays a legend out within
    the plot's width, and on a slide with labels beside the rows these long entries stacked
    one per row and took the rows of data from the slide.
    """
    present = {r if r in STYLE_SUFFIX else "primary" for r in reported}
    parts = [text for style, text in STYLE_LEGEND if style in present]
    if qualified:
        parts.append(QUALIFIED_LEGEND)
    return "Markers: " + " · ".join(parts) + "." if parts else ""


def criteria_note(frame: pd.DataFrame) -> str | None:
    """A warning when one axis would mix different response criteria, else None."""
    criteria = [c for c in frame[fr.CRITERIA].dropna().unique() if str(c).strip()]
    if len(criteria) < 2:
        return None
    return (
        "Different criteria share this axis ("
        + "; ".join(str(c) for c in sorted(criteria))
        + "): not directly comparable."
    )


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
    frame = _order_rows(frame)
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
        _panel_height(frame.loc[frame[panels] == s, "_label"], look) for s in settings[fr.SETTING]
    ]
    # Between panels: the axis's tick labels, then the next panel's title (one or two lines).
    title_lines = max(
        _wrap(str(t), look.label_width).count("<br>") for t in settings[fr.SETTING_LABEL]
    )
    gap = round((3.6 + 1.3 * title_lines) * look.font)
    fig, plot_height = _stacked(
        heights, gap, [_wrap(str(label), look.label_width) for label in settings[fr.SETTING_LABEL]]
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
        _row_labels(fig, sub["_label"].tolist(), r, look)
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
        _legend_regimen(fig, order, str(regimen), look)
    notes = [(marker_key(frame[fr.REPORTED_BY].tolist(), qualified_any), GREY)]
    for setting_label, sub in frame.groupby(label_column, sort=False):
        warning = criteria_note(sub)
        if warning:
            notes.append((f"⚠ {setting_label}: {warning}", WARN))
    notes.append((SMALL_N_NOTE, GREY))
    _layout(
        fig,
        title=title,
        subtitle=subtitle,
        plot_height=plot_height,
        look=look,
        notes=notes,
        legend=True,
    )
    fig.update_layout(margin={"r": round(4 * look.value)})  # room for a value at 100%
    _panel_titles_clear(fig, len(settings), look)
    return fig


def _stacked(
    heights: Sequence[float], gap: int, titles: Sequence[str], *, shared_xaxes: bool = False
) -> tuple[go.Figure, int]:
    """Panels one above another, each as tall as it needs, ``gap`` pixels apart.

    Returns the figure and the plot height the panels and gaps take together.
    """
    plot_height = round(sum(heights)) + gap * (len(heights) - 1)
    fig = make_subplots(
        rows=len(heights),
        cols=1,
        row_heights=[h / sum(heights) for h in heights],
        vertical_spacing=gap / plot_height if len(heights) > 1 else 0.0,
        subplot_titles=list(titles),
        shared_xaxes=shared_xaxes,
    )
    return fig, plot_height


def _panel_height(labels: pd.Series, look: Look) -> float:
    """Pixels a forest panel of these (wrapped) row labels takes.

    Labels above rows: every row gets the longest label's lines and the point's own line.
    Labels beside rows: the look's row height per label line, and one row of air.
    """
    lines = labels.str.count("<br>") + 1
    if look.labels_above:
        pitch = int(lines.max()) * look.tick * 1.3 + max(look.marker, look.value) + 10
        return pitch * (len(labels) + 0.4)
    return float(look.row_height * (int(lines.sum()) + 1))


def _row_labels(fig: go.Figure, labels: Sequence[str], row: int, look: Look) -> None:
    """Write each row's label above its point, or beside it as the axis's tick label.

    Above, across the panel, suits a phone, which keeps the width for the data; beside
    suits a slide or a file, which has the width.

    Rows sit at y = 0, 1, 2, ... downwards, so two rows with the same label never merge.
    """
    suffix = "" if row == 1 else str(row)
    if look.labels_above:
        for y, label in enumerate(labels):
            fig.add_annotation(
                x=0, xref=f"x{suffix} domain", y=y, yref=f"y{suffix}", text=label,
                showarrow=False, xanchor="left", yanchor="bottom", yshift=look.marker / 2 + 1,
                align="left", font={"size": look.tick, "color": INK},
            )  # fmt: skip
        fig.update_yaxes(showticklabels=False, row=row, col=1)
    else:
        fig.update_yaxes(
            tickvals=list(range(len(labels))), ticktext=list(labels), automargin=True,
            row=row, col=1,
        )  # fmt: skip
    fig.update_yaxes(
        range=[len(labels) - 0.5, -0.7 if look.labels_above else -0.6],
        showgrid=False,
        zeroline=False,
        row=row,
        col=1,
    )


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
        f"{fr.ci_words(row[fr.CI_LEVEL])} {_fmt(row[fr.CI_LOW])}–{_fmt(row[fr.CI_HIGH])}, "
        "as reported"
        if fr.present(row[fr.CI_LOW])
        else "CI not reported"
    )
    lines = [
        f"<b>{esc(row[fr.COHORT_LABEL])}</b> vs {esc(row[fr.VERSUS_LABEL])}",
        f"{esc(row[fr.ENDPOINT_LABEL])}: {esc(vocabulary.MEASURE.phrase(row[fr.MEASURE]))} "
        f"<b>{_fmt(row[fr.VALUE])}</b>",
        ci,
        f"p {esc(row[fr.P])}" if fr.present(row[fr.P]) else "p not reported",
        f"Source: {esc(row[fr.SOURCE_SHORT])}"
        + (f", {esc(row[fr.LOCATOR])}" if fr.present(row[fr.LOCATOR]) else ""),
        f"Reported by {esc(vocabulary.REPORTED_BY.phrase(row[fr.REPORTED_BY]))}",
    ]
    if fr.present(row[fr.NOTE]):
        lines.append(f"Note: {_wrap(str(row[fr.NOTE]))}")
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
        _wrap(
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
        _legend_regimen(fig, order, str(group[fr.REGIMEN_SHORT].iloc[0]), look)
    texts = [
        _fmt(row[fr.VALUE]) + (f", p {esc(row[fr.P])}" if fr.present(row[fr.P]) else "")
        for _, row in frame.iterrows()
    ]
    fig.add_trace(_values(frame, texts, look), row=1, col=1)
    _row_labels(fig, labels, 1, look)
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
    _layout(
        fig,
        title=title,
        subtitle=subtitle,
        plot_height=round(_panel_height(frame["_label"], look)),
        look=look,
        notes=[(marker_key(frame[fr.REPORTED_BY].tolist(), False), GREY)],
        legend=True,
    )
    return fig


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
    return f"{esc(endpoint)}<br>{_wrap(str(cell[fr.HEADLINE_VALUE]), chars)}"


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
    # Where the width follows the page, column labels wrap to their column, level: plotly
    # turns labels that do not fit, and turned ones ran into each other and the subtitle.
    follows_page = look.width is None
    x = [
        "<br>".join(esc(line) for line in textwrap.wrap(s, label_chars, break_on_hyphens=False))
        if follows_page
        else esc(s)
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
                f"<b>{count} cohort{'s' if count != 1 else ''}</b><br>"
                + _cell_headline(cell, cell_chars)
                if count
                else "—"
            )
            hr.append(
                f"<b>{esc(regimen_label)}</b><br>{esc(setting_label)}<br>"
                + (
                    f"{count} cohort(s) from {esc(cell[fr.SOURCES])}"
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
    _layout(
        fig,
        title=title,
        subtitle=subtitle,
        plot_height=round(2 * look.tick) + round(row_px * len(y)),
        look=look,
    )
    fig.update_layout(margin={"t": fig.layout.margin.t + round(2.5 * look.tick)})
    if follows_page:
        label_lines = max((label.count("<br>") for label in x), default=0)
        room = round(1.3 * look.tick * label_lines)
        fig.update_xaxes(tickangle=0)
        fig.update_layout(height=fig.layout.height + room, margin={"t": fig.layout.margin.t + room})
    if narrow:
        fig.update_layout(meta={"min_width": min_width})
    return fig


def plane_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    links: Sequence[tuple[str, str]] = (),
    subtitle: str | None = None,
    look: Look = SCREEN,
) -> go.Figure:
    """Benefit-harm plane: one endpoint per axis, one point per cohort.

    Size is n, colour the editorial's verdict; arms of one study are joined, comparator to
    regimen.

    ``frame`` follows evidence.frames.PLANE_FRAME (one harm and one benefit endpoint for every
    row); ``links`` are (comparator cohort, regimen cohort) pairs of one source, drawn as an
    arrow. Points carry no text labels (they would collide); the hover has every detail.
    Every verdict word present gets a trace, in vocabulary order, then words the vocabulary
    does not know, then "No verdict": no cohort is ever dropped for its word.
    """
    fig = go.Figure()
    where = {
        str(c): (float(x), float(y))
        for c, x, y in zip(
            frame[fr.COHORT], frame[fr.HARM_VALUE], frame[fr.BENEFIT_VALUE], strict=True
        )
    }
    for start, end in links:
        if start in where and end in where:
            (x0, y0), (x1, y1) = where[start], where[end]
            fig.add_annotation(
                x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.6, arrowcolor=GREY,
                standoff=look.marker, startstandoff=look.marker, text="",
            )  # fmt: skip
    present = list(dict.fromkeys(frame[fr.VERDICT]))
    words = [w for w in vocabulary.VERDICT if w in present]
    words += [w for w in present if w not in words and w != fr.NO_VERDICT]
    words += [fr.NO_VERDICT] if fr.NO_VERDICT in present else []
    for word in words:
        group = frame[frame[fr.VERDICT] == word]
        colour = verdict_colour(word)
        sizes = [
            look.marker * 1.3
            if not fr.present(n)
            else look.marker * (1.1 + 0.27 * math.sqrt(float(n)) ** 0.9)
            for n in group[fr.N]
        ]
        hover = [
            "<br>".join(
                [
                    f"<b>{esc(row[fr.COHORT_LABEL])}</b>",
                    f"{esc(row[fr.REGIMEN_LABEL])} · {esc(row[fr.SETTING_SHORT])}",
                    f"{esc(x_title)}: {esc(row[fr.HARM_TEXT])}",
                    f"{esc(y_title)}: {esc(row[fr.BENEFIT_TEXT])}",
                    esc(n_text(row[fr.N])),
                    f"Source: {esc(row[fr.SOURCE_SHORT])}",
                    f"Editorial verdict: {esc(verdict_label(word))}",
                ]
                + (
                    ["At least one figure is the editorial's only"]
                    if row[fr.EDITORIAL_ONLY]
                    else []
                )
            )
            for _, row in group.iterrows()
        ]
        fig.add_trace(
            go.Scatter(
                x=group[fr.HARM_VALUE].tolist(),
                y=group[fr.BENEFIT_VALUE].tolist(),
                mode="markers",
                name=esc(verdict_label(word)),
                marker={
                    "color": colour,
                    "size": sizes,
                    "symbol": ["circle-open" if e else "circle" for e in group[fr.EDITORIAL_ONLY]],
                    "line": {"width": 2.5, "color": colour},
                    "opacity": 0.85,
                },
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                cliponaxis=False,
            )
        )
    legend_entry(
        fig,
        "Open: a figure only the editorial gives",
        mode="markers",
        marker={"symbol": "circle-open", "color": GREY, "size": look.marker},
    )
    if links:
        legend_entry(
            fig,
            "Arrow: from the comparator arm to the regimen arm of one study",
            mode="lines",
            line={"color": GREY, "width": 1.6},
        )
    fig.update_xaxes(title_text=esc(x_title), range=[-3, 103], gridcolor=GRID)
    fig.update_yaxes(title_text=esc(y_title), range=[-3, 103], gridcolor=GRID)
    _layout(
        fig,
        title=title,
        subtitle=subtitle,
        plot_height=36 * look.font,
        look=look,
        legend=True,
        shrink=True,
    )
    # The legend's title sits above its entries: beside them it took a third of a phone's
    # width, and plotly flows the entries as if the title took none, so the longest one
    # ran past the edge (a file figure on the offline page, 1000-1060 px wide). A look
    # with a height to keep (a slide) gives the plot the room instead.
    room = round(1.7 * look.font)
    height = fig.layout.height + room
    fig.update_layout(
        legend={"title": {"text": "Editorial verdict", "side": "top"}},
        height=height if look.height is None else min(height, look.height),
        margin={"b": fig.layout.margin.b + room},
    )
    return fig


FAVOURS_COLOUR = "#0072B2"  # blue: the difference goes the way that is better for patients
AGAINST_COLOUR = "#D55E00"  # vermillion: the way that is worse


def benefit_harm_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    regimen: str,
    versus: str,
    subtitle: str | None = None,
    look: Look = SCREEN,
) -> go.Figure:
    """Differences per 100 patients of one within-study comparison, benefits above harms.

    ``frame`` holds effects rows (evidence/effects/) with a ``side`` column (benefit or
    harm outcome) and ``favours`` (the difference goes the way that is better for patients);
    see components/compare.py. Each point is the difference with its 95% CI; blue points
    favour ``regimen``, vermillion ones favour ``versus``.
    """
    sides = [s for s in ("benefit", "harm") if (frame["side"] == s).any()]
    titles = {
        "benefit": "Outcomes patients want more of (response)",
        "harm": "Outcomes patients want less of (harms, dose cuts)",
    }
    gap = round(3.2 * look.font)
    wrapped = frame[fx.ENDPOINT_LABEL].map(lambda t: _wrap(str(t), look.label_width))
    heights = [_panel_height(wrapped[frame["side"] == s], look) for s in sides]
    fig, plot_height = _stacked(heights, gap, [titles[s] for s in sides], shared_xaxes=True)
    bounds = pd.concat([frame[fx.DIFFERENCE_LOW], frame[fx.DIFFERENCE_HIGH], frame[fx.DIFFERENCE]])
    span = max(10.0, float(bounds.abs().max()) * 1.15) if bounds.notna().any() else 10.0
    shown: set[bool] = set()
    value_texts: list[str] = []
    for r, side in enumerate(sides, start=1):
        sub = frame[frame["side"] == side]
        sub = sub.assign(_y=range(len(sub)))
        for favours, group in sub.groupby("favours", sort=False):
            colour = FAVOURS_COLOUR if favours else AGAINST_COLOUR
            fig.add_trace(
                go.Scatter(
                    x=group[fx.DIFFERENCE].tolist(),
                    y=group["_y"].tolist(),
                    mode="markers",
                    name=f"Favours {esc(regimen if favours else versus)}",
                    legendgroup=str(favours),
                    showlegend=bool(favours) not in shown,
                    marker={"color": colour, "size": look.marker, "symbol": "diamond"},
                    error_x={
                        "type": "data",
                        "array": (group[fx.DIFFERENCE_HIGH] - group[fx.DIFFERENCE]).tolist(),
                        "arrayminus": (group[fx.DIFFERENCE] - group[fx.DIFFERENCE_LOW]).tolist(),
                        "color": colour,
                        "thickness": 2,
                        "width": 5,
                    },
                    hovertext=[_benefit_harm_hover(row) for _, row in group.iterrows()],
                    hovertemplate="%{hovertext}<extra></extra>",
                    cliponaxis=False,
                ),
                row=r,
                col=1,
            )
            shown.add(bool(favours))
        ends = [
            high if pd.notna(high) else value
            for value, high in zip(sub[fx.DIFFERENCE], sub[fx.DIFFERENCE_HIGH], strict=True)
        ]
        texts = [f"  {abs(d):.1f} {'more' if d >= 0 else 'fewer'}" for d in sub[fx.DIFFERENCE]]
        value_texts += texts
        fig.add_trace(
            go.Scatter(
                x=ends,
                y=sub["_y"].tolist(),
                mode="text",
                text=texts,
                textposition="middle right",
                textfont={"size": look.value},
                hoverinfo="skip",
                showlegend=False,
                cliponaxis=False,
            ),
            row=r,
            col=1,
        )
        _row_labels(
            fig, [_wrap(str(label), look.label_width) for label in sub[fx.ENDPOINT_LABEL]], r, look
        )
        fig.add_vline(x=0, line={"color": "#444444", "width": 1.5}, row=r, col=1)
    fig.update_xaxes(range=[-span, span], gridcolor=GRID, zeroline=False)
    fig.update_xaxes(
        title_text=f"Patients per 100: with {esc(regimen)} instead of {esc(versus)} "
        "(right: more, left: fewer)",
        row=len(sides),
        col=1,
    )
    _layout(fig, title=title, subtitle=subtitle, plot_height=plot_height, look=look, legend=True)
    # Room for the longest value text beyond the axis's end, as forest_figure keeps.
    longest = max((len(t) for t in value_texts), default=0)
    fig.update_layout(margin={"r": max(30, round(0.6 * look.value * longest))})
    _panel_titles_clear(fig, len(sides), look)
    return fig


def _panel_titles_clear(fig: go.Figure, count: int, look: Look, *, left: bool = True) -> None:
    """Subplot titles in the body font, clear of the title block above them.

    Stacked panels (``left``) have their titles left-aligned.
    """
    for annotation in fig.layout.annotations[:count]:
        annotation.update(font={"size": look.font, "color": INK})
        if left:
            annotation.update(x=0, xanchor="left", align="left")
    room = round(1.8 * look.font)
    fig.update_layout(height=fig.layout.height + room, margin={"t": fig.layout.margin.t + room})


def _benefit_harm_hover(row: pd.Series) -> str:
    lines = [
        f"<b>{esc(row[fx.ENDPOINT_LABEL])}</b>",
        f"{esc(row[fx.COHORT_LABEL])}: {esc(row[fx.VALUE_TEXT])} · "
        f"{esc(row[fx.VERSUS_LABEL])}: {esc(row[fx.VERSUS_VALUE_TEXT])}",
        f"Difference {row[fx.DIFFERENCE]:+.1f} per 100"
        + (
            f" (95% CI {row[fx.DIFFERENCE_LOW]:+.1f} to {row[fx.DIFFERENCE_HIGH]:+.1f})"
            if fr.present(row[fx.DIFFERENCE_LOW])
            else " (no CI: n not reported)"
        ),
        f"Source: {esc(row[fx.SOURCE_SHORT])}"
        + (f", {esc(row[fx.LOCATOR])}" if fr.present(row[fx.LOCATOR]) else ""),
        "Computed by us (Newcombe 95% CI)",
    ]
    if fr.present(row[fx.WHY]) and row[fx.WHY]:
        lines.append(_wrap(str(row[fx.WHY])))
    return "<br>".join(lines)


def pictograph_figure(
    panels: Sequence[tuple[str, float, float, bool]],
    *,
    regimen: str,
    versus: str,
    title: str,
    look: Look = SCREEN,
    subtitle: str | None = None,
) -> go.Figure:
    """Pictographs of 100 patients, one per outcome.

    ``panels`` are (outcome label, risk with ``versus``, risk with ``regimen``, whether more
    is better), risks in percent. Grey: patients who have the outcome either way; coloured:
    the ones who have it only with one of the two (blue when that is better for them,
    vermillion when worse); pale: patients who have it with neither.
    """
    count = len(panels)
    # Where the width follows the page (a phone's is 360 px) the panels stand one above the
    # other, each square, with titles and captions wrapped to the width: side by side each
    # got 41% of a phone's width and their titles and captions ran into each other. A look
    # of fixed width (a file, a slide) or meant for a projector keeps them side by side.
    stacked = look.width is None and look.fit_width is not None
    chars = look.chars(look.font, less=40) if stacked else 34
    titles = [_wrap(label, chars) for label, _, _, _ in panels]
    panel_px = round(16.5 * look.font)
    gap = round(6 * look.font)
    if stacked:
        plot_height = count * panel_px + (count - 1) * gap
        fig = make_subplots(
            rows=count,
            cols=1,
            subplot_titles=titles,
            vertical_spacing=gap / plot_height if count > 1 else 0.0,
        )
    else:
        plot_height = 26 * look.font
        fig = make_subplots(rows=1, cols=count, subplot_titles=titles, horizontal_spacing=0.08)
    seen: set[str] = set()
    caption_lines = 1
    for c, (_, base, treated, higher_better) in enumerate(panels, start=1):
        both, more = round(min(base, treated)), round(treated) - round(base)
        kinds = ["both"] * both + ["more" if more > 0 else "fewer"] * abs(more)
        kinds += ["none"] * (100 - len(kinds))
        good = {"more": higher_better, "fewer": not higher_better}
        for kind in ("both", "more", "fewer", "none"):
            cells = [i for i, k in enumerate(kinds) if k == kind]
            if not cells:
                continue
            if kind in good:
                colour = FAVOURS_COLOUR if good[kind] else AGAINST_COLOUR
                what = (
                    f"have it with {esc(regimen)} only (more)"
                    if kind == "more"
                    else f"have it with {esc(versus)} only (fewer with {esc(regimen)})"
                )
                legend = f"{'Better' if good[kind] else 'Worse'} with {esc(regimen)}"
            else:
                colour = NO_VERDICT_COLOUR  # grey: filled for "either way", open for "neither"
                what = "have it either way" if kind == "both" else "have it with neither"
                legend = what.capitalize()
            fig.add_trace(
                go.Scatter(
                    x=[i % 10 for i in cells],
                    y=[i // 10 for i in cells],
                    mode="markers",
                    marker={
                        "color": colour,
                        "symbol": "circle-open" if kind == "none" else "circle",
                        "size": look.marker * 1.3,
                        "line": {"width": 2},
                    },
                    name=legend,
                    legendgroup=legend,
                    showlegend=legend not in seen,
                    hovertemplate=f"{len(cells)} of 100 patients {what}<extra></extra>",
                ),
                row=c if stacked else 1,
                col=1 if stacked else c,
            )
            seen.add(legend)
        cell = {"row": c, "col": 1} if stacked else {"row": 1, "col": c}
        fig.update_xaxes(visible=False, range=[-0.7, 9.7], **cell)
        fig.update_yaxes(visible=False, range=[9.7, -0.7], **cell)
        if stacked:  # square icons: the panel narrows to its height, centred
            fig.update_xaxes(scaleanchor=f"y{c if c > 1 else ''}", constrain="domain", **cell)
        caption = [
            f"{esc(versus)}: {round(base)} of 100",
            f"{esc(regimen)}: {round(treated)} of 100",
        ]
        joined = " · ".join(caption)
        text = "<br>".join(caption) if stacked and len(joined) > chars else joined
        caption_lines = text.count("<br>") + 1  # the last panel's, which sits above the legend
        fig.add_annotation(
            text=text,
            xref=f"x{c if c > 1 else ''} domain",
            yref=f"y{c if c > 1 else ''} domain",
            x=0.5,
            y=-0.04,
            yanchor="top",
            showarrow=False,
        )
    _layout(fig, title=title, subtitle=subtitle, plot_height=plot_height, look=look, legend=True)
    if caption_lines > 1:  # the bottom keeps one line for a caption, where an axis title goes
        room = round(1.3 * look.font * (caption_lines - 1))
        fig.update_layout(height=fig.layout.height + room, margin={"b": fig.layout.margin.b + room})
    _panel_titles_clear(fig, count, look, left=False)
    more = max(t.count("<br>") for t in titles) if titles else 0
    if (
        stacked and more
    ):  # the first panel's title takes more lines than _panel_titles_clear leaves room for
        room = round(1.3 * look.font * more)
        fig.update_layout(height=fig.layout.height + room, margin={"t": fig.layout.margin.t + room})
    return fig
