"""The looks a chart can be drawn in: the page, the presentation view, a slide, a file.

A look is a plotly template plus the few sizes a builder needs for geometry (marker size,
row height, label width). Figure builders take ``look=`` the way plotly.express takes
``template=`` (spec builders read ``ask.look``): the same builder draws every look, and
nothing restyles a built figure.
Every size is set here, from one set of numbers per look, so a template and the geometry
built around it never disagree.

The slide geometry (the deck's 16:9 page, its title band, footer band and the chart box
between them) is defined here too, once: the SLIDE look is laid out at the chart box's size
and components/export/deck.py places shapes from the same numbers.
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
    # Where the width follows the page, the width to assume when text must be fitted to it
    # (a grid cell's text): the main column of the wide layout on a laptop.
    assumed_width: int = 900
    # Where the width follows the page, the narrowest it may be: titles, axis titles and
    # legend entries wrap to fit it (a phone's 390 px viewport leaves a chart about 360 px).
    # None: the look is not meant for phones (a projector); its assumed width is used.
    fit_width: int | None = None
    min_height: int = 0
    height: int | None = None  # the most a figure may take (a slide's chart box); None: any
    titled: bool = True  # figures print their own title and filter line (slides: the slide does)
    # Pixels kept above the title for the chart toolbar of a live chart (plotly's, shown on
    # hover or a tap, at the top right): on a phone it spans most of the width and covered
    # the title. Static looks (files, slides) have none.
    toolbar: int = 0
    labels_above: bool = False  # forest row labels above their rows (phones), else beside
    # A look whose width follows the page but whose text is too large for a narrow one (a
    # projector's): on a viewport narrower than ``narrow_below`` CSS px a view draws its
    # charts in ``narrow`` instead, a look that fits any width (components/presentation.py).
    narrow: Look | None = None
    narrow_below: int = 0

    @property
    def text_width(self) -> int:
        """Pixels the chart's text must fit in: the fixed width, else fit_width or assumed."""
        return self.width or self.fit_width or self.assumed_width

    def chars(self, size: int, *, bold: bool = False, less: int = 0) -> int:
        """Characters of ``size`` px text per line across text_width less ``less`` px."""
        return max(12, int((self.text_width - less) / ((0.6 if bold else 0.55) * size)))

    @property
    def note_chars(self) -> int:
        """Characters per line of the subtitle and notes: ``wrap``, fewer if text_width needs."""
        return min(self.wrap, self.chars(self.subtitle, less=40))

    @property
    def line(self) -> int:
        """Pixels per line of title-block text."""
        return round(self.subtitle * 1.45)

    @property
    def template(self) -> go.layout.Template:
        """plotly_white's layout with this look's fonts; its scatter and heatmap text sizes."""
        return _template(self)


_TEMPLATES: dict[str, go.layout.Template] = {}


def _template(look: Look) -> go.layout.Template:
    found = _TEMPLATES.get(look.name)
    if found is not None:
        return found
    # plotly_white's layout only: its data part styles 24 trace types, and copying those into
    # every figure cost about 5 ms a figure (a quarter of a second on the offline page, issue
    # 19) and 5 kB of each figure's JSON. Ours draw scatter and heatmap traces, styled below;
    # tests/test_charts.py checks that every trace drawn has its type's entry here.
    template = go.layout.Template(layout=pio.templates["plotly_white"].layout)
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
    label_width=46, wrap=55, labels_above=True, fit_width=360, toolbar=30,
)  # fmt: skip
# A projector's text (17-26 px) is laid out for a wide screen. On a narrower one, a phone's
# or a small laptop's, it would not fit: there the presentation view draws each chart as the
# page does (SCREEN), which fits any width down to a phone's.
PRESENT = Look(
    "present", font=19, title=26, subtitle=17, tick=17, value=17, marker=16, row_height=34,
    label_width=60, wrap=100, min_height=720, assumed_width=1400, narrow=SCREEN,
    narrow_below=1200, toolbar=30,
)  # fmt: skip
FILE = Look(
    "file", font=14, title=18, subtitle=13, tick=13, value=12, marker=11, row_height=24,
    label_width=70, wrap=150, width=1280, min_height=720,
)  # fmt: skip

# The deck's slide, in points (1/72 in): PowerPoint's own 16:9, 13.333 x 7.5 in.
SLIDE_WIDTH_PT = 960
SLIDE_HEIGHT_PT = 540
SLIDE_MARGIN_PT = 29  # left and right, about 0.4 in
SLIDE_TITLE_BAND_PT = 48  # the slide title's text box, from the top edge
SLIDE_FOOTER_BAND_PT = 46  # sources and data version at 10 pt: three lines and the insets
CHART_BOX_PT = (
    SLIDE_MARGIN_PT,
    SLIDE_TITLE_BAND_PT,
    SLIDE_WIDTH_PT - 2 * SLIDE_MARGIN_PT,
    SLIDE_HEIGHT_PT - SLIDE_TITLE_BAND_PT - SLIDE_FOOTER_BAND_PT,
)
"""(left, top, width, height) of a chart slide's picture area: 902 x 446 pt."""
SLIDE_FONT_MIN_PT = 14  # no chart text smaller than this as projected
SLIDE_PNG_SCALE = 2.0  # PNG pixels per layout pixel: 1804 px wide, about 144 dpi on the slide

# A slide figure is laid out at the chart box's size in CSS pixels and its PNG is placed at
# that size in points: 1 layout px = 1 pt on the slide, whatever PNG scale renders it (scale
# only adds pixels for crispness). So a font of N px in this look is N pt as projected on
# the 13.33 in slide, and every font below is at least SLIDE_FONT_MIN_PT. These are chosen
# for the slide, not a screen layout shrunk onto it: a 1280 px file figure placed 902 pt
# wide prints its 12 px labels at 8.5 pt, and a tall one squeezed into the box at 3 pt.
# min_height leaves room for the 1.8 x font that stacked panels add to a figure's height
# after its minimum (charts.stacking.panel_titles_clear), so a figure never outgrows the box
# unless it has more rows than fit, and those the deck's specs split across slides.
# The figure's own title is not drawn (titled=False): the slide's title says it. ``title``
# is kept small (14): it sets the band plotly keeps for the blank title. label_width is
# wider than the file's: on a 902 px slide a row label of 64 characters at 14 px takes
# about half the width and seldom wraps; a note line of 110 characters at 14 px (about
# 850 px) spans the box.
SLIDE = Look(
    "slide", font=16, title=14, subtitle=14, tick=14, value=14, marker=14, row_height=28,
    label_width=64, wrap=110, width=CHART_BOX_PT[2], min_height=CHART_BOX_PT[3] - round(1.8 * 16),
    height=CHART_BOX_PT[3], titled=False,
)  # fmt: skip
