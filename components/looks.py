"""The looks a chart can be drawn in: the page, the presentation view, a slide, a file.

A look is a plotly template plus the few sizes a builder needs for geometry (marker size,
row height, label width). Builders take ``look=`` the way plotly.express takes
``template=``: the same builder draws every look, and nothing restyles a built figure.
Every size is set here, from one set of numbers per look, so a template and the geometry
built around it never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

FONT = "Arial, Helvetica, sans-serif"
INK = "#222222"
GREY = "#595959"  # 7:1 on white: captions and footnotes stay readable
GRID = "#E5E5E5"
WARN = "#B00020"


@dataclass(frozen=True, eq=False)  # identity hash: looks are module constants, used as keys
class Look:
    """Sizes in CSS pixels of one look, and the plotly template made from them."""

    name: str
    font: int  # axis titles, legend, body text
    title: int
    subtitle: int
    tick: int  # axis tick labels, including forest row labels
    value: int  # value labels next to points
    marker: int
    row_height: int  # pixels per line of a forest's row labels
    label_width: int  # characters per line of a row label or panel title before it wraps
    wrap: int = 55  # characters per line of the subtitle and notes under a chart's title
    width: int | None = None  # a fixed layout width (slides, files); None follows the page
    min_height: int = 0

    @property
    def line(self) -> int:
        """Pixels per line of title-block text."""
        return round(self.subtitle * 1.45)

    @property
    def template(self) -> go.layout.Template:
        """plotly_white with this look's fonts."""
        return _template(self)


_TEMPLATES: dict[str, go.layout.Template] = {}


def _template(look: Look) -> go.layout.Template:
    found = _TEMPLATES.get(look.name)
    if found is not None:
        return found
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.update(
        font={"family": FONT, "size": look.font, "color": INK},
        title={
            "font": {"size": look.title, "color": INK, "weight": "bold"},
            "subtitle": {"font": {"size": look.subtitle, "color": GREY}},
        },
        legend={"font": {"size": look.font}},
        hoverlabel={"font": {"family": FONT, "size": look.font}, "align": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        annotationdefaults={"font": {"size": look.font, "color": INK}},
    )
    template.layout.xaxis.update(tickfont={"size": look.tick}, title={"font": {"size": look.font}})
    template.layout.yaxis.update(tickfont={"size": look.tick}, title={"font": {"size": look.font}})
    template.data.scatter = [go.Scatter(textfont={"size": look.value, "color": INK})]
    template.data.heatmap = [go.Heatmap(textfont={"size": look.value})]
    _TEMPLATES[look.name] = template
    return template


# On a page the figure's width is the browser's, unknown here: title-block lines and labels
# wrap to fit a phone (about 360 px), and the data keep the width (labels sit above rows).
SCREEN = Look(
    "screen", font=14, title=18, subtitle=13, tick=13, value=12, marker=11, row_height=24,
    label_width=46, wrap=55,
)  # fmt: skip
PRESENT = Look(
    "present", font=19, title=26, subtitle=17, tick=17, value=17, marker=16, row_height=34,
    label_width=60, wrap=100, min_height=720,
)  # fmt: skip
FILE = Look(
    "file", font=14, title=18, subtitle=13, tick=13, value=12, marker=11, row_height=24,
    label_width=70, wrap=150, width=1280, min_height=720,
)  # fmt: skip
LOOKS = (SCREEN, PRESENT, FILE)
