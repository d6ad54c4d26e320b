"""Within-study comparison figures: benefit and harm per 100, and icon arrays out of 100."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.charts.base import esc, layout, wrap
from components.charts.stacking import panel_height, panel_titles_clear, row_labels, stacked
from components.looks import GRID, SCREEN, Look
from components.words import NO_VERDICT_COLOUR
from evidence import effects as fx
from evidence import frames as fr

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
    wrapped = frame[fx.ENDPOINT_LABEL].map(lambda t: wrap(str(t), look.label_width))
    heights = [panel_height(wrapped[frame["side"] == s], look) for s in sides]
    fig, plot_height = stacked(heights, gap, [titles[s] for s in sides], shared_xaxes=True)
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
        row_labels(
            fig, [wrap(str(label), look.label_width) for label in sub[fx.ENDPOINT_LABEL]], r, look
        )
        fig.add_vline(x=0, line={"color": "#444444", "width": 1.5}, row=r, col=1)
    fig.update_xaxes(range=[-span, span], gridcolor=GRID, zeroline=False)
    fig.update_xaxes(
        title_text=f"Patients per 100: with {esc(regimen)} instead of {esc(versus)} "
        "(right: more, left: fewer)",
        row=len(sides),
        col=1,
    )
    layout(fig, title=title, subtitle=subtitle, plot_height=plot_height, look=look, legend=True)
    # Room for the longest value text beyond the axis's end, as forest_figure keeps.
    longest = max((len(t) for t in value_texts), default=0)
    fig.update_layout(margin={"r": max(30, round(0.6 * look.value * longest))})
    panel_titles_clear(fig, len(sides), look)
    return fig


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
        lines.append(wrap(str(row[fx.WHY])))
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
    titles = [wrap(label, chars) for label, _, _, _ in panels]
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
    layout(fig, title=title, subtitle=subtitle, plot_height=plot_height, look=look, legend=True)
    if caption_lines > 1:  # the bottom keeps one line for a caption, where an axis title goes
        room = round(1.3 * look.font * (caption_lines - 1))
        fig.update_layout(height=fig.layout.height + room, margin={"b": fig.layout.margin.b + room})
    panel_titles_clear(fig, count, look, left=False)
    more = max(t.count("<br>") for t in titles) if titles else 0
    if (
        stacked and more
    ):  # the first panel's title takes more lines than panel_titles_clear leaves room for
        room = round(1.3 * look.font * more)
        fig.update_layout(height=fig.layout.height + room, margin={"t": fig.layout.margin.t + room})
    return fig
