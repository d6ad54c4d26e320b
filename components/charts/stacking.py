"""Figures of panels stacked one above another: their heights, titles and row labels."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.looks import INK, Look


def stacked(
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


def panel_height(labels: pd.Series, look: Look) -> float:
    """Pixels a forest panel of these (wrapped) row labels takes.

    Labels above rows: every row gets the longest label's lines and the point's own line.
    Labels beside rows: the look's row height per label line, and one row of air.
    """
    lines = labels.str.count("<br>") + 1
    if look.labels_above:
        pitch = int(lines.max()) * look.tick * 1.3 + max(look.marker, look.value) + 10
        return pitch * (len(labels) + 0.4)
    return float(look.row_height * (int(lines.sum()) + 1))


LABEL_GROUND = "rgba(255,255,255,0.85)"
"""Behind a row label above its row: white enough that lines crossing it do not cut words."""


def row_labels(fig: go.Figure, labels: Sequence[str], row: int, look: Look) -> None:
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
                # The panel's grid and reference lines (0, or a ratio of 1) pass behind the
                # label, not through its words (at 390 px they struck labels through).
                bgcolor=LABEL_GROUND,
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


def panel_titles_clear(fig: go.Figure, count: int, look: Look, *, left: bool = True) -> None:
    """Subplot titles in the body font, clear of the title block above them.

    Stacked panels (``left``) have their titles left-aligned.
    """
    for annotation in fig.layout.annotations[:count]:
        annotation.update(font={"size": look.font, "color": INK})
        if left:
            annotation.update(x=0, xanchor="left", align="left")
    room = round(1.8 * look.font)
    fig.update_layout(height=fig.layout.height + room, margin={"t": fig.layout.margin.t + room})
