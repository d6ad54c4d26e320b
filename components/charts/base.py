"""What every figure shares: colours, markers, hover text, titles, layout and legends."""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from components.looks import SCREEN, Look
from components.words import n_text
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


def fmt(value: float) -> str:
    """A number as the figures print it (evidence.frames.format_number)."""
    return fr.format_number(value)


def _ci_text(row: pd.Series) -> str:
    kind = row[fr.CI_KIND]
    if kind == fr.CI_NONE:
        return "95% CI: not available"
    low, high = fmt(row[fr.CI_LOW]), fmt(row[fr.CI_HIGH])
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
        lines.append(f"Note: {wrap(str(row[fr.NOTE]))}")
    return "<br>".join(lines)


def _is_small(row: pd.Series) -> bool:
    n = row[fr.N]
    return bool(fr.present(n) and int(n) < fr.SMALL_N_THRESHOLD)


def wrap(text: str, width: int = 70) -> str:
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
    return wrap(f"{row[fr.COHORT_LABEL]} · {row[second]}{tag}", width)


def order_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order a forest draws them: setting, source, then arm."""
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
    lines = [wrap(subtitle, look.note_chars)] if subtitle else []
    for text, colour in notes:
        if not text:
            continue
        lines.append(f"<span style='color:{colour}'>{wrap(text, look.note_chars)}</span>")
    sub = "<br>".join(lines)
    count = sub.count("<br>") + 1 if sub else 0
    # The title wraps to the look's width (a phone's, where the width follows the page):
    # plotly never wraps it and cuts it at the figure's edge.
    heading = wrap(title, look.chars(look.title, bold=True, less=20)) if title else ""
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


def layout(
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
    top = look.toolbar + _title_block(fig, title=title, subtitle=subtitle, notes=notes, look=look)
    if legend:
        _wrap_legend_names(fig, look)
    rows = legend_rows(fig, look) if legend else 0
    bottom = round((2.2 + 1.7 * rows + 1.3 * _wrap_axis_titles(fig, look)) * look.font) + 8
    total = max(look.min_height, plot_height + top + bottom)
    if shrink and look.height is not None:
        total = min(total, look.height)
    # A y-axis title runs along the plot's height, which a slide's plane shrinks to about
    # 250 px: it wraps to that too (less two lines a builder may still take for a legend).
    _wrap_y_titles(fig, look, total - top - bottom - 2 * look.font)
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
        title={
            "y": 1,
            "pad": {"t": look.toolbar + 12 + (round(0.75 * look.title) if wrapped else 0)},
        }
    )


LEGEND_WIDTH = 700
"""The width a legend is laid out for where the look has no width to fit (a projector)."""


def _wrap_escaped(text: str, chars: int) -> str:
    """Already escaped text without line breaks, wrapped at ``chars`` (entities have no spaces)."""
    if "<br>" in text or len(text) <= chars:
        return text
    return "<br>".join(textwrap.wrap(text, chars))


def _wrap_axis_titles(fig: go.Figure, look: Look) -> int:
    """Wrap long x-axis titles to the look's width; the lines the bottom one gained.

    plotly draws an axis title on one line and cuts it at the figure's edges.
    """
    extra = 0
    for axis in fig.select_xaxes():
        text = axis.title.text
        if text:
            axis.title.text = _wrap_escaped(str(text), look.chars(look.font, less=40))
            extra = max(extra, str(axis.title.text).count("<br>"))
    return extra


def _wrap_y_titles(fig: go.Figure, look: Look, plot_px: float) -> None:
    """Wrap long y-axis titles to the look's width and to ``plot_px``, the plot's height."""
    along = max(12, int(plot_px / (0.55 * look.font)))
    for axis in fig.select_yaxes():
        text = axis.title.text
        if text:
            axis.title.text = _wrap_escaped(str(text), min(look.chars(look.font, less=80), along))


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


def legend_regimen(fig: go.Figure, order: int, regimen: str, look: Look) -> None:
    """A regimen's legend entry, in its colour and shape."""
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
