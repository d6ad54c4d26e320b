"""Pure figure builders: (frame, *, options) -> go.Figure. No Streamlit, no I/O.

Colours and marker shapes are keyed by a regimen's position in the evidence file
(``regimen_order``), never by row order, so a regimen looks the same on every page.
Every piece of text from the evidence file is HTML-escaped before plotly sees it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from evidence import frames as fr

# Okabe-Ito, reordered so that the first regimens get the most distinct hues; yellow last.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#B8A400",
)
# Six shapes against eight colours: colour+shape pairs stay unique for 24 regimens.
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "hexagon", "star")
VERDICT_COLOURS = {
    "favourable": "#009E73",
    "promising": "#56B4E9",
    "uncertain": "#E69F00",
    "unfavourable": "#D55E00",
    "none": "#9A9A9A",
}
VERDICT_WORDS = {
    "favourable": "Favourable",
    "promising": "Promising",
    "uncertain": "Uncertain",
    "unfavourable": "Unfavourable",
    "none": "No verdict",
}
STYLE_SUFFIX = {"primary": "", "secondary": "", "editorial": "-open", "computed": "-open-dot"}
STYLE_LEGEND = (
    ("primary", "Filled: reported by the trial or a secondary source"),
    ("editorial", "Open: stated only by the editorial"),
    ("computed", "Open with dot: computed by us"),
)
QUALIFIED_LEGEND = "Dashed: range a qualifier allows ('up to', 'more than', ...)"
FONT = "Arial, Helvetica, sans-serif"
GREY = "#6B6B6B"
WARN = "#B00020"
LEGEND_HEIGHT = 130  # pixels below the plot for the x-axis title and the legend
LABEL_WIDTH = 46  # characters per line of a row label; longer labels wrap
_CEILING = ("up_to", "less_than")
_FLOOR = ("more_than", "at_least")


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


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _fmt(value: float) -> str:
    return fr.format_number(value)


def n_text(n: object) -> str:
    """``n = 177`` or ``n not reported``."""
    return f"n = {int(n)}" if _present(n) and n is not pd.NA else "n not reported"  # type: ignore[call-overload]


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
        + (f", {esc(row[fr.LOCATOR])}" if _present(row[fr.LOCATOR]) else ""),
        f"Reported by {esc(fr.REPORTED_BY_TEXT.get(row[fr.REPORTED_BY], row[fr.REPORTED_BY]))}",
    ]
    if _present(row[fr.CRITERIA]):
        lines.append(f"Criteria: {esc(row[fr.CRITERIA])}")
    if _present(row[fr.NOTE]):
        lines.append(f"Note: {_wrap(esc(row[fr.NOTE]))}")
    return "<br>".join(lines)


def _is_small(row: pd.Series) -> bool:
    n = row[fr.N]
    return bool(_present(n) and n is not pd.NA and int(n) < fr.SMALL_N_THRESHOLD)


def _wrap(text: str, width: int = 70) -> str:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return "\n".join(lines).replace("\n", "<br>") if len(lines) > 1 else text


def row_label(row: pd.Series, *, with_endpoint: bool = True) -> str:
    """Axis label of a result row; flags unknown or small n with a dagger."""
    n = row[fr.N]
    if not _present(n) or n is pd.NA:
        tag = " (n n.r.)†"
    elif int(n) < fr.SMALL_N_THRESHOLD:
        tag = f" (n={int(n)})†"
    else:
        tag = f" (n={int(n)})"
    label = str(row[fr.COHORT_LABEL])
    if with_endpoint:
        label += f" · {row[fr.ENDPOINT_SHORT]}"
    return _wrap(esc(label + tag), LABEL_WIDTH)


def _order_rows(frame: pd.DataFrame) -> pd.DataFrame:
    # Comparator arms sit right under the arms of the same source they were compared with.
    return frame.sort_values(
        [fr.SETTING_ORDER, fr.SOURCE_ORDER, fr.ENDPOINT_ORDER, fr.COHORT_ORDER], kind="stable"
    )


def _base_layout(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str | None,
    height: int,
    notes: Sequence[tuple[str, str]] = (),
    legend: bool = True,
) -> None:
    """Title block (title, subtitle, then coloured note lines), fonts, legend, size.

    ``notes`` are (text, colour) pairs; the text is escaped here and wrapped. ``legend``
    reserves room below the plot for the x-axis title and the legend.
    """
    lines = [f"<b>{esc(title)}</b>"]
    if subtitle:
        lines.append(
            f"<span style='font-size:13px;color:{GREY}'>{_wrap(esc(subtitle), 130)}</span>"
        )
    for text, colour in notes:
        lines.append(f"<span style='font-size:12px;color:{colour}'>{_wrap(esc(text), 140)}</span>")
    extra_lines = sum(line.count("<br>") for line in lines)
    top = 56 + 20 * (len(lines) + extra_lines)
    bottom = LEGEND_HEIGHT if legend else 20
    total = height + top + 20 + bottom
    fig.update_layout(
        title={
            "text": "<br>".join(lines),
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            # A fixed pixel offset from the top: Streamlit crops the first few pixels.
            "y": 1 - 18 / total,
            "yanchor": "top",
            "yref": "container",
        },
        template="plotly_white",
        font={"family": FONT, "size": 14, "color": "#222222"},
        height=total,
        margin={"l": 10, "r": 30, "t": top + 20, "b": bottom},
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "bottom",
            "y": 0.0,
            "xanchor": "left",
            "x": 0,
            "font": {"size": 12},
        },
        hoverlabel={"font": {"family": FONT, "size": 13}, "align": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )


def _legend_regimen(fig: go.Figure, order: int, regimen: str) -> None:
    # A separate, filled legend entry: the data trace's first marker may be an open one.
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=esc(regimen),
            legendgroup=f"regimen-{order}",
            marker={"color": regimen_colour(order), "symbol": regimen_symbol(order), "size": 11},
            hoverinfo="skip",
        )
    )


def _legend_styles(fig: go.Figure, reported: Sequence[str], qualified: bool) -> None:
    present = {
        "editorial" if r == "editorial" else "computed" if r == "computed" else "primary"
        for r in reported
    }
    for style, text in STYLE_LEGEND:
        if style not in present:
            continue
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=text,
                legendgroup="style",
                legendgrouptitle={"text": "Marker"} if style == "primary" else None,
                marker={"symbol": "circle" + STYLE_SUFFIX[style], "color": GREY, "size": 11},
                hoverinfo="skip",
            )
        )
    if qualified:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=QUALIFIED_LEGEND,
                legendgroup="style",
                line={"color": GREY, "dash": "dash", "width": 2},
                hoverinfo="skip",
            )
        )


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


def forest_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str | None = None,
    x_title: str = "Patients (%)",
    x_range: tuple[float, float] | None = (0.0, 100.0),
    marker_size: int = 11,
    row_height: int = 24,
) -> go.Figure:
    """Dot-and-interval chart of results, one panel per setting.

    Each point is a result; its bar is the 95% CI (reported or computed); a qualified figure
    gets a dashed range ("up to" runs to the left, "more than" to the right) and its words as
    a label. Rows are grouped by source, so comparator arms sit under the arms they were
    compared with. ``x_range`` None lets the axis start at 0 and fit the data.
    """
    frame = _order_rows(frame)
    frame = frame.assign(_label=[row_label(row) for _, row in frame.iterrows()])
    settings = (
        frame[[fr.SETTING, fr.SETTING_LABEL, fr.SETTING_ORDER]]
        .drop_duplicates(fr.SETTING)
        .sort_values(fr.SETTING_ORDER)
    )
    # A panel's height follows the lines its (wrapped) row labels need.
    lines = frame["_label"].str.count("<br>") + 1
    heights = [int(lines[frame[fr.SETTING] == s].sum()) for s in settings[fr.SETTING]]
    gap = 64  # pixels between panels, room for the next panel's title
    plot_height = row_height * sum(heights) + 30 * len(settings) + gap * (len(settings) - 1)
    fig = make_subplots(
        rows=len(settings),
        cols=1,
        row_heights=[h / sum(heights) for h in heights],
        vertical_spacing=gap / plot_height if len(settings) > 1 else 0.0,
        subplot_titles=[esc(label) for label in settings[fr.SETTING_LABEL]],
    )
    low_end = x_range[0] if x_range else 0.0
    high_end = x_range[1] if x_range else float(frame[fr.VALUE].max()) * 1.15
    qualified_any = False
    for r, setting in enumerate(settings[fr.SETTING], start=1):
        sub = frame[frame[fr.SETTING] == setting]
        qualified_any |= _add_qualifier_ranges(fig, sub, low_end, high_end, r)
        for order, group in sub.groupby(fr.REGIMEN_ORDER, sort=True):
            _add_result_points(fig, group, int(str(order)), marker_size, r)
        fig.update_yaxes(
            categoryorder="array",
            categoryarray=sub["_label"].tolist(),
            autorange="reversed",
            automargin=True,
            tickfont={"size": 13},
            row=r,
            col=1,
        )
        fig.update_xaxes(
            range=[low_end - 2, high_end + 2],
            showgrid=True,
            gridcolor="#E5E5E5",
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
        _legend_regimen(fig, order, str(regimen))
    _legend_styles(fig, frame[fr.REPORTED_BY].tolist(), qualified_any)
    notes = []
    for setting_label, sub in frame.groupby(fr.SETTING_LABEL, sort=False):
        warning = criteria_note(sub)
        if warning:
            notes.append((f"⚠ {setting_label}: {warning}", WARN))
    notes.append(("† n not reported, or under 30: read with extra caution.", GREY))
    _base_layout(fig, title=title, subtitle=subtitle, height=plot_height, notes=notes)
    for annotation in fig.layout.annotations[: len(settings)]:
        annotation.update(x=0, xanchor="left", font={"size": 14, "color": "#222222"})
    return fig


def _add_qualifier_ranges(
    fig: go.Figure, sub: pd.DataFrame, low_end: float, high_end: float, row: int
) -> bool:
    # Dashed ranges go in first, so markers draw on top of them.
    xs: list[float | None] = []
    ys: list[str | None] = []
    for _, item in sub.iterrows():
        if item[fr.QUALIFIER] in _CEILING:
            xs += [low_end, item[fr.VALUE], None]
        elif item[fr.QUALIFIER] in _FLOOR:
            xs += [item[fr.VALUE], high_end, None]
        else:
            continue
        ys += [item["_label"], item["_label"], None]
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


def _add_result_points(
    fig: go.Figure, group: pd.DataFrame, order: int, marker_size: int, row: int
) -> None:
    colour = regimen_colour(order)
    fig.add_trace(
        go.Scatter(
            x=group[fr.VALUE].tolist(),
            y=group["_label"].tolist(),
            mode="markers+text",
            name=esc(group[fr.REGIMEN_SHORT].iloc[0]),
            legendgroup=f"regimen-{order}",
            showlegend=False,
            marker={
                "color": colour,
                "symbol": [marker_symbol(order, rb) for rb in group[fr.REPORTED_BY]],
                "size": marker_size,
                "line": {"width": 2, "color": colour},
            },
            error_x={**_error_arrays(group), "color": colour},
            text=[esc(t) for t in group[fr.VALUE_TEXT]],
            textposition="top center",
            textfont={"size": 12, "color": "#333333"},
            hovertext=[result_hover(item) for _, item in group.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
        ),
        row=row,
        col=1,
    )


def ratio_forest_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    subtitle: str | None = None,
    marker_size: int = 11,
) -> go.Figure:
    """Forest plot of ratio comparisons (hazard ratios) on a log axis with a line at 1."""
    frame = frame.sort_values([fr.SETTING_ORDER, fr.SOURCE_ORDER, fr.COHORT_ORDER], kind="stable")
    labels = [
        f"{esc(row[fr.SOURCE_SHORT])}: {esc(row[fr.REGIMEN_SHORT])} vs "
        f"{esc(row[fr.VERSUS_REGIMEN_SHORT])} · {esc(row[fr.ENDPOINT_SHORT])}"
        for _, row in frame.iterrows()
    ]
    fig = go.Figure()
    for order_key, group in frame.groupby(fr.REGIMEN_ORDER, sort=True):
        order = int(str(order_key))
        idx = [i for i in range(len(frame)) if frame.index[i] in group.index]
        hover = []
        texts = []
        for _, row in group.iterrows():
            ci = (
                f"95% CI {_fmt(row[fr.CI_LOW])}–{_fmt(row[fr.CI_HIGH])}, as reported"
                if _present(row[fr.CI_LOW])
                else "95% CI not reported"
            )
            p = f"p {esc(row[fr.P])}" if _present(row[fr.P]) else "p not reported"
            measure = str(row[fr.MEASURE]).replace("_", " ")
            hover.append(
                "<br>".join(
                    [
                        f"<b>{esc(row[fr.COHORT_LABEL])}</b> vs {esc(row[fr.VERSUS_LABEL])}",
                        f"{esc(row[fr.ENDPOINT_LABEL])}: {measure} <b>{_fmt(row[fr.VALUE])}</b>",
                        ci,
                        p,
                        f"Source: {esc(row[fr.SOURCE_SHORT])}"
                        + (f", {esc(row[fr.LOCATOR])}" if _present(row[fr.LOCATOR]) else ""),
                        "Reported by "
                        + esc(fr.REPORTED_BY_TEXT.get(row[fr.REPORTED_BY], row[fr.REPORTED_BY])),
                    ]
                    + ([f"Note: {_wrap(esc(row[fr.NOTE]))}"] if _present(row[fr.NOTE]) else [])
                )
            )
            texts.append(
                _fmt(row[fr.VALUE]) + (f", p {esc(row[fr.P])}" if _present(row[fr.P]) else "")
            )
        fig.add_trace(
            go.Scatter(
                x=group[fr.VALUE].tolist(),
                y=[labels[i] for i in idx],
                mode="markers+text",
                name=esc(group[fr.REGIMEN_SHORT].iloc[0]),
                legendgroup=f"regimen-{order}",
                showlegend=False,
                marker={
                    "color": regimen_colour(order),
                    "symbol": [marker_symbol(order, rb) for rb in group[fr.REPORTED_BY]],
                    "size": marker_size,
                    "line": {"width": 2, "color": regimen_colour(order)},
                },
                error_x={**_error_arrays(group), "color": regimen_colour(order)},
                text=texts,
                textposition="top center",
                textfont={"size": 12},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                cliponaxis=False,
            )
        )
        _legend_regimen(fig, order, str(group[fr.REGIMEN_SHORT].iloc[0]))
    values = pd.concat([frame[fr.VALUE], frame[fr.CI_LOW], frame[fr.CI_HIGH]]).dropna()
    low = min(0.1, float(values.min()) * 0.8) if not values.empty else 0.1
    high = max(2.0, float(values.max()) * 1.25) if not values.empty else 2.0
    fig.add_vline(x=1, line={"color": "#444444", "width": 1.5})
    fig.update_xaxes(
        type="log",
        range=[math.log10(low), math.log10(high)],
        title_text="Ratio (log scale) — left of 1 favours the first regimen named",
        gridcolor="#E5E5E5",
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=labels, autorange="reversed", automargin=True
    )
    _legend_styles(fig, frame[fr.REPORTED_BY].tolist(), qualified=False)
    _base_layout(fig, title=title, subtitle=subtitle, height=40 + 44 * len(frame))
    return fig


def coverage_figure(frame: pd.DataFrame, *, title: str, subtitle: str | None = None) -> go.Figure:
    """Regimen x setting grid: where evidence exists, with cohort count and headline."""
    settings = frame.drop_duplicates(fr.SETTING).sort_values(fr.SETTING_ORDER)
    regimens = frame.drop_duplicates(fr.REGIMEN).sort_values(fr.REGIMEN_ORDER)
    has_any = frame.groupby(fr.REGIMEN)["cohorts"].sum()
    regimens = regimens[regimens[fr.REGIMEN].map(has_any) > 0] if has_any.sum() else regimens
    x = [esc(s) for s in settings[fr.SETTING_SHORT]]
    y = [esc(r) for r in regimens[fr.REGIMEN_SHORT]]
    lookup = frame.set_index([fr.REGIMEN, fr.SETTING])
    z, text, hover = [], [], []
    for regimen, regimen_label in zip(
        regimens[fr.REGIMEN], regimens[fr.REGIMEN_LABEL], strict=True
    ):
        zr, tr, hr = [], [], []
        for setting, setting_label in zip(
            settings[fr.SETTING], settings[fr.SETTING_LABEL], strict=True
        ):
            cell = lookup.loc[(regimen, setting)]
            count = int(cell["cohorts"])
            zr.append(count if count else None)
            headline = cell["headline"] if _present(cell["headline"]) else ""
            tr.append(
                f"<b>{count} cohort{'s' if count != 1 else ''}</b><br>{_wrap(esc(headline), 22)}"
                if count
                else "—"
            )
            hr.append(
                f"<b>{esc(regimen_label)}</b><br>{esc(setting_label)}<br>"
                + (
                    f"{count} cohort(s) from {esc(cell['sources'])}"
                    + (
                        f"<br>First response figure: {esc(headline)} "
                        f"({esc(cell['headline_source'])})"
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
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=[[0, "#DCEAF7"], [1, "#6BAED6"]],
            showscale=False,
            xgap=3,
            ygap=3,
            zmin=0,
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": 13})
    fig.update_xaxes(side="top", tickfont={"size": 13}, automargin=True)
    _base_layout(fig, title=title, subtitle=subtitle, height=80 + 62 * len(y), legend=False)
    fig.update_layout(margin={"t": fig.layout.margin.t + 40})  # room for the top axis labels
    return fig


def benefit_risk_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    subtitle: str | None = None,
) -> go.Figure:
    """Efficacy-versus-harm plane: one point per cohort, size by n, colour by verdict.

    ``frame`` has one row per cohort with columns x_value, y_value, x_text, y_text, n,
    verdict (a verdict word or "none"), editorial_only (bool), and the cohort label columns.
    """
    fig = go.Figure()
    for word in VERDICT_COLOURS:
        group = frame[frame["verdict"] == word]
        if group.empty:
            continue
        sizes = [
            14.0 if not _present(n) or n is pd.NA else 12.0 + 3.0 * math.sqrt(float(n)) ** 0.9
            for n in group[fr.N]
        ]
        hover = [
            "<br>".join(
                [
                    f"<b>{esc(row[fr.COHORT_LABEL])}</b>",
                    f"{esc(row[fr.REGIMEN_LABEL])} · {esc(row[fr.SETTING_SHORT])}",
                    f"{esc(x_title)}: {esc(row['x_text'])}",
                    f"{esc(y_title)}: {esc(row['y_text'])}",
                    esc(n_text(row[fr.N])),
                    f"Source: {esc(row[fr.SOURCE_SHORT])}",
                    f"Editorial verdict: {VERDICT_WORDS[word]}",
                ]
                + (["At least one figure is the editorial's only"] if row["editorial_only"] else [])
            )
            for _, row in group.iterrows()
        ]
        fig.add_trace(
            go.Scatter(
                x=group["x_value"].tolist(),
                y=group["y_value"].tolist(),
                mode="markers+text",
                name=VERDICT_WORDS[word],
                marker={
                    "color": VERDICT_COLOURS[word],
                    "size": sizes,
                    "symbol": ["circle-open" if e else "circle" for e in group["editorial_only"]],
                    "line": {"width": 2.5, "color": VERDICT_COLOURS[word]},
                    "opacity": 0.85,
                },
                text=[esc(t) for t in group[fr.COHORT_LABEL]],
                textposition="top center",
                textfont={"size": 12},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
                cliponaxis=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name="Open: a figure only the editorial gives",
            marker={"symbol": "circle-open", "color": GREY, "size": 12},
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title_text=esc(x_title), range=[-3, 103], gridcolor="#E5E5E5")
    fig.update_yaxes(title_text=esc(y_title), range=[-3, 108], gridcolor="#E5E5E5")
    # ESMO-MCBS style cue: grade 3-4 harm in 30% or more is where tolerability is downgraded.
    fig.add_vrect(x0=30, x1=103, fillcolor="#D55E00", opacity=0.05, line_width=0)
    fig.add_annotation(
        x=31,
        y=106,
        text="harm ≥ 30%",
        showarrow=False,
        xanchor="left",
        font={"size": 11, "color": GREY},
    )
    _base_layout(fig, title=title, subtitle=subtitle, height=520)
    fig.update_layout(legend={"title": {"text": "Editorial verdict"}})
    return fig


def presentation_figure(fig: go.Figure, *, min_height: int = 720) -> go.Figure:
    """A copy restyled for a projector: larger type and markers, at least 16:9 tall.

    The input figure is not changed.
    """
    out = go.Figure(fig)
    out.update_layout(
        font={"size": 19},
        hoverlabel={"font": {"size": 17}},
        legend={"font": {"size": 16}},
        height=max(min_height, int((fig.layout.height or min_height) * 1.3)),
    )
    out.update_xaxes(tickfont={"size": 17}, title_font={"size": 19})
    out.update_yaxes(tickfont={"size": 17}, title_font={"size": 19})
    for trace in out.data:
        marker = getattr(trace, "marker", None)
        size = getattr(marker, "size", None) if marker is not None else None
        if isinstance(size, int | float):
            trace.marker.size = size * 1.5
        elif isinstance(size, tuple | list):
            trace.marker.size = [s * 1.5 for s in size]
        if trace.type in ("scatter", "heatmap"):
            trace.textfont.size = 17
    if out.layout.title.text:
        out.layout.title.text = out.layout.title.text.replace("font-size:13px", "font-size:17px")
        out.layout.title.text = out.layout.title.text.replace("font-size:12px", "font-size:16px")
    for annotation in out.layout.annotations:
        annotation.font.size = 18
    # The title block grows with the type: keep the panels below it.
    top = int((fig.layout.margin.t or 80) * 1.3)
    out.update_layout(
        margin={"t": top}, height=out.layout.height + top - (fig.layout.margin.t or 80)
    )
    return out
