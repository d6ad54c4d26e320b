"""Figures for files and slides: the chart as drawn in its look, plus its context.

The footnote names the sources, the data version and the export date, inside the image.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import plotly.graph_objects as go

from components.charts import esc, legend_entry
from components.looks import FILE, FONT, GREY
from components.specs import ChartSpec

FOOTER_FONT = 12
FOOTER_PAD = 10
FOOTER_LEGEND = "legend2"


def _wrapped(text: str, width: int) -> list[str]:
    # Wrap the raw text, then escape each line: an entity is never split across lines.
    return [esc(line) for line in textwrap.wrap(text, width) or [""]]


def footer_wrap(width: int, font: int = FOOTER_FONT) -> int:
    """Characters per footer line on a figure ``width`` px wide (185 on a 1280 px file figure)."""
    return int(width / (0.55 * font)) - 8


def sources_line(spec: ChartSpec) -> str:
    """``Source: A; B`` as printed under an exported figure."""
    names = spec.sources()
    return "Source: " + ("; ".join(names) if names else "none recorded")


def footer_lines(
    spec: ChartSpec,
    *,
    data_version: str,
    exported: dt.date | None = None,
    wrap: int = footer_wrap(FILE.width or 1280),
) -> list[str]:
    """The footnote printed under an exported figure, one escaped line per item.

    The chart's note (caveats) if any, "Source: A; B; C" (wrapped), then
    "Data version ... · exported YYYY-MM-DD".
    """
    day = exported or dt.date.today()
    lines = _wrapped(spec.note, wrap) if spec.note else []
    lines += _wrapped(sources_line(spec), wrap)
    lines.append(f"Data version {esc(data_version)} · exported {day.isoformat()}")
    return lines


def with_footer(
    spec: ChartSpec,
    *,
    data_version: str,
    exported: dt.date | None = None,
    font: int = FOOTER_FONT,
) -> go.Figure:
    """A copy of the spec's figure with its footnote at the image's bottom edge.

    The figure grows by the footer's height, so the chart keeps its size; ``spec.figure`` is
    not modified.
    """
    fig = go.Figure(spec.figure)
    layout = fig.layout
    width = int(layout.width or FILE.width or 1280)
    wrap = footer_wrap(width, font)
    footer = footer_lines(spec, data_version=data_version, exported=exported, wrap=wrap)
    line = round(font * 1.42)
    footer_px = 2 * FOOTER_PAD + line * len(footer)
    height = int(layout.height or 720) + footer_px
    margin_b = (layout.margin.b if layout.margin.b is not None else 80) + footer_px
    fig.update_layout(height=height, margin={"b": margin_b})
    if layout.title.yref == "container" and layout.title.y is not None:
        # Keep the title's pixel offset from the top.
        offset = (1 - layout.title.y) * (height - footer_px)
        fig.update_layout(title={"y": 1 - offset / height})
    if layout.legend.yref == "container":  # the chart's legend sits on top of the footer
        fig.update_layout(legend={"y": footer_px / height, "yanchor": "bottom"})
    if layout.showlegend is False:  # keep the chart's legend hidden but show the footer's
        fig.update_traces(showlegend=False)
        fig.update_layout(showlegend=True)
    # The footer is the title of a second legend, because legends are the only boxes that can
    # be pinned to the image's bottom edge ("container" coordinates); an annotation can only
    # be placed relative to the plot area, which plotly shrinks when the legend needs room.
    # The legend's one entry is an invisible marker without a name.
    legend_entry(
        fig,
        "",
        mode="markers",
        marker={"color": "rgba(0,0,0,0)", "size": 1, "line": {"width": 0}},
        legend=FOOTER_LEGEND,
        showlegend=True,
    )
    fig.update_layout(
        {
            FOOTER_LEGEND: {
                "title": {
                    "text": "<br>".join(footer),
                    "side": "left",
                    "font": {"size": font, "color": GREY, "family": FONT},
                },
                # Horizontal, so that plotly reserves room at the bottom, not on the left.
                "orientation": "h",
                "xref": "container",
                "yref": "container",
                "x": FOOTER_PAD / width,
                "xanchor": "left",
                "y": FOOTER_PAD / height,
                "yanchor": "bottom",
                "bgcolor": "rgba(0,0,0,0)",
                "itemclick": False,
                "itemdoubleclick": False,
            }
        }
    )
    return fig
