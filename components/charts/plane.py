"""The benefit-harm plane: one point per cohort, arrows between the arms of one study."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from components.charts.base import esc, layout, legend_entry
from components.looks import GREY, GRID, SCREEN, Look
from components.words import n_text, verdict_colour, verdict_label
from evidence import frames as fr
from evidence import vocabulary


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
    layout(
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
