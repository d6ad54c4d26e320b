"""Figures for files and slides: the chart as drawn in its look, plus its context.

The footnote names the sources, the data version and the export date, inside the image.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import plotly.graph_objects as go

from components.charts import esc, legend_entry
from components.looks import FONT, GREY
from components.specs import ChartSpec

FOOTER_FONT = 12
FOOTER_PAD = 10
FOOTER_WRAP = 180  # characters per footer line: about 1060 of the 1260 px of a file figure
FOOTER_LEGEND = "legend2"


def _wrapped(text: str, width: int) -> list[str]:
    # Wrap the raw text, then escape each line: an entity is never split across lines.
    return [esc(line) for line in textwrap.wrap(text, width) or [""]]


def footer_lines(
    spec: ChartSpec, *, data_version: str, exported: dt.date | None = None, wrap: int = FOOTER_WRAP
) -> list[str]:
    """The footnote printed under an exported figure, one escaped line per item.

    The chart's note (caveats) if any, "Source: A; B; C" (wrapped), then
    "Data version ... · exported YYYY-MM-DD".
    """
    day = exported or dt.date.today()
    lines = _wrapped(spec.note, wrap) if spec.note else []
    sources = spec.sources()
    lines += _wrapped("Source: " + ("; ".join(sources) if sources else "none recorded"), wrap)
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
    width = int(layout.width or 1280)
    wrap = int(width / (0.55 * font)) - 8
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
