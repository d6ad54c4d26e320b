"""Pure figure builders: (frame, *, title, subtitle, look) -> go.Figure. No Streamlit, no I/O.

Every builder takes ``look=`` (components/looks.py) the way plotly.express takes
``template=``: fonts come from the look's template, geometry from its sizes, and nothing
restyles a figure after it is built. Colours and marker shapes are keyed by a regimen's
position in the evidence file (``regimen_order``), never by row order, so a regimen looks
the same on every page. Every piece of text from the evidence file is HTML-escaped before
plotly sees it.

The package, by figure family: base.py (colours, markers, hover text, titles, layout and
legends every figure shares), stacking.py (panels one above another), forest.py (forests of
percentages and of within-trial ratios), grid.py (the evidence grid), plane.py (the
benefit-harm plane), comparison.py (benefit and harm per 100, icon arrays).
"""

from components.charts.base import (
    PALETTE,
    SMALL_N_NOTE,
    SYMBOLS,
    esc,
    legend_entry,
    legend_rows,
    marker_symbol,
    regimen_colour,
    regimen_symbol,
    result_hover,
    row_label,
)
from components.charts.comparison import (
    AGAINST_COLOUR,
    FAVOURS_COLOUR,
    benefit_harm_figure,
    pictograph_figure,
)
from components.charts.forest import (
    RATIO_TICKS,
    comparison_hover,
    forest_figure,
    ratio_forest_figure,
)
from components.charts.grid import GRID_CELL_PX, coverage_figure
from components.charts.plane import plane_figure

__all__ = [
    "AGAINST_COLOUR",
    "FAVOURS_COLOUR",
    "GRID_CELL_PX",
    "PALETTE",
    "RATIO_TICKS",
    "SMALL_N_NOTE",
    "SYMBOLS",
    "benefit_harm_figure",
    "comparison_hover",
    "coverage_figure",
    "esc",
    "forest_figure",
    "legend_entry",
    "legend_rows",
    "marker_symbol",
    "pictograph_figure",
    "plane_figure",
    "ratio_forest_figure",
    "regimen_colour",
    "regimen_symbol",
    "result_hover",
    "row_label",
]
