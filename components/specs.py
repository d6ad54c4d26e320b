"""Chart specs: a figure with the rows behind it and what to say about it; no Streamlit.

The registry (components/registry.py) declares which charts exist and calls the builders
here; pages, the presentation view, the deck and the file exports all render the specs they
return, so a download always matches what a page shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components import charts, compare, tables
from components.loaded import Filters, LoadedEvidence
from components.looks import SCREEN, Look
from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a view: the figure, the rows behind it, and what to say about it.

    ``key`` is unique within a view; ``filename`` is the stem of its downloads; ``chart`` is
    the registry key of the chart that drew it.
    """

    key: str
    title: str
    figure: go.Figure
    table: pd.DataFrame
    columns: Mapping[str, str]
    filename: str
    note: str = ""
    speaker_notes: str = ""
    chart: str = ""

    def sources(self) -> list[str]:
        """Short names of the sources behind the chart, in file order."""
        if self.table.empty or fr.SOURCE_SHORT not in self.table.columns:
            return []
        frame = self.table
        if fr.SOURCE_ORDER in frame.columns:
            frame = frame.sort_values(fr.SOURCE_ORDER, kind="stable")
        return list(dict.fromkeys(frame[fr.SOURCE_SHORT].astype(str)))

    def display_table(self) -> pd.DataFrame:
        """The rows behind the chart with human headers: the table and the CSV."""
        return tables.display(self.table, self.columns)


def slug(text: str, sep: str = "-") -> str:
    """Lower-case words joined by ``sep``: for file names and widget keys."""
    return sep.join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def filter_subtitle(loaded: LoadedEvidence, filters: Filters) -> str:
    """One line naming the filters in force and the data version (printed on figures)."""
    return f"{filters.describe(loaded.evidence)} · data {loaded.data_version}"


def speaker_notes(what: str, table: pd.DataFrame) -> str:
    """What the figure shows and what to ask about it, from the rows behind it."""
    sources = table[fr.SOURCE_SHORT].nunique() if fr.SOURCE_SHORT in table.columns else 0
    settings = (
        ", ".join(dict.fromkeys(table[fr.SETTING_LABEL].astype(str)))
        if fr.SETTING_LABEL in table.columns
        else ""
    )
    lines = [f"What it shows: {what} {len(table)} figure(s) from {sources} source(s)."]
    if settings:
        lines.append(f"Settings: {settings}.")
    caveats = tables.caveats(table)
    if caveats:
        lines.append("Caveats: " + "; ".join(caveats) + ".")
    lines.append(
        "Ask: are these populations, doses and response criteria comparable across trials? "
        "Which figures rest on small or unknown n, or on the editorial alone? "
        "Would the conclusion change without them?"
    )
    return "\n".join(lines)


def category_results(
    loaded: LoadedEvidence, filters: Filters, *, category: str, endpoints: Sequence[str] = ()
) -> pd.DataFrame:
    """The filtered results of one endpoint category, narrowed to ``endpoints`` when given."""
    results = filters.apply(loaded.results)
    results = results[results[fr.CATEGORY] == category]
    return results[results[fr.ENDPOINT].isin(list(endpoints))] if endpoints else results


def coverage_specs(
    loaded: LoadedEvidence, filters: Filters, *, key: str, title: str, look: Look = SCREEN
) -> list[ChartSpec]:
    """The regimen x setting grid, or nothing when no cohort is in view."""
    coverage = filters.apply(loaded.coverage)
    if coverage[fr.COHORTS].sum() == 0:
        return []
    table = filters.apply(loaded.results)
    return [
        ChartSpec(
            key=key,
            title=title,
            figure=charts.coverage_figure(
                coverage,
                title=title,
                subtitle="Cohorts per regimen and setting, with the first response figure · "
                + filter_subtitle(loaded, filters),
                look=look,
            ),
            table=table,
            columns=tables.RESULT_DISPLAY,
            filename="evidence-grid",
            speaker_notes=speaker_notes("the regimen x setting grid of", table),
        )
    ]


def forest_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    key: str,
    title: str,
    category: str,
    x_title: str = "Patients (%)",
    endpoints: Sequence[str] = (),
    look: Look = SCREEN,
) -> list[ChartSpec]:
    """A forest chart of one category's percentage results (nothing when none is in view)."""
    results = category_results(loaded, filters, category=category, endpoints=endpoints)
    table = results[results[fr.UNIT] == "percent"]
    if table.empty:
        return []
    return [
        ChartSpec(
            key=key,
            title=title,
            figure=charts.forest_figure(
                table,
                title=title,
                x_title=x_title,
                subtitle=filter_subtitle(loaded, filters),
                look=look,
            ),
            table=table,
            columns=tables.RESULT_DISPLAY,
            filename=slug(title),
            speaker_notes=speaker_notes(f"{title.lower()}:", table),
        )
    ]


def time_to_event_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    key: str,
    title: str,
    unit_titles: Mapping[str, str],
    look: Look = SCREEN,
) -> list[ChartSpec]:
    """One chart per unit of the time-to-event results: medians, landmark rates.

    ``unit_titles`` names the chart of each unit; a unit without one is "<title> (<unit>)".
    """
    results = filters.apply(loaded.results)
    results = results[results[fr.CATEGORY] == "time_to_event"]
    specs = []
    for unit in dict.fromkeys(results.sort_values(fr.ENDPOINT_ORDER)[fr.UNIT]):
        part = results[results[fr.UNIT] == unit]
        unit_title = unit_titles.get(unit) or f"{title} ({vocabulary.UNIT.label(unit).lower()})"
        specs.append(
            ChartSpec(
                key=f"{key}_{unit}",
                title=unit_title,
                figure=charts.forest_figure(
                    part,
                    title=unit_title,
                    x_title=vocabulary.UNIT.label(unit),
                    x_range=(0.0, 100.0) if unit == "percent" else None,
                    subtitle=filter_subtitle(loaded, filters),
                    look=look,
                ),
                table=part,
                columns=tables.RESULT_DISPLAY,
                filename=f"{slug(title)}-{slug(unit)}",
                speaker_notes=speaker_notes(f"{unit_title.lower()}:", part),
            )
        )
    return specs


def ratio_specs(
    loaded: LoadedEvidence, filters: Filters, *, key: str, title: str, look: Look = SCREEN
) -> list[ChartSpec]:
    """The reported within-trial ratios (hazard ratios and the like) on a log axis."""
    comparisons = filters.apply(loaded.comparisons)
    comparisons = comparisons[
        comparisons[fr.MEASURE].map(lambda m: vocabulary.MEASURE.has_flag(m, "ratio"))
    ]
    if comparisons.empty:
        return []
    return [
        ChartSpec(
            key=key,
            title=title,
            figure=charts.ratio_forest_figure(
                comparisons, title=title, subtitle=filter_subtitle(loaded, filters), look=look
            ),
            table=comparisons,
            columns=tables.COMPARISON_DISPLAY,
            filename=slug(title),
            speaker_notes=speaker_notes(
                "within-trial ratios (left of 1 favours the first arm):", comparisons
            ),
        )
    ]


def plane_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    key: str,
    title: str,
    harm: str = "",
    benefit: str = "",
    look: Look = SCREEN,
) -> list[ChartSpec]:
    """The benefit-harm plane for one harm and one benefit endpoint.

    Without a choice, the pair the most cohorts report. Cohorts lacking the pair are left out
    and counted in the note (the page lists them).
    """
    results = filters.apply(loaded.results)
    pair = (harm, benefit) if harm and benefit else fr.default_plane_pair(results)
    if pair is None:
        return []
    plane = fr.plane_table(results, harm=pair[0], benefit=pair[1], verdict_of=loaded.cohort_verdict)
    if plane.empty:
        return []
    labels = dict(zip(results[fr.ENDPOINT], results[fr.ENDPOINT_LABEL], strict=True))
    x_title, y_title = (f"{labels[e]} (% of patients)" for e in pair)
    missing = fr.plane_missing(results, harm=pair[0], benefit=pair[1])
    links = fr.plane_links(plane, filters.apply(loaded.cohorts))
    subtitle = filter_subtitle(loaded, filters)
    figure = charts.plane_figure(
        plane, title=title, x_title=x_title, y_title=y_title, links=links,
        subtitle=subtitle, look=look,
    )  # fmt: skip
    return [
        ChartSpec(
            key=key,
            title=title,
            figure=figure,
            table=plane,
            columns=tables.PLANE_DISPLAY,
            filename=slug(f"{title} {pair[0]} {pair[1]}"),
            note=plane_note(plane, missing=len(missing)),
            speaker_notes=speaker_notes(
                f"{labels[pair[1]]} against {labels[pair[0]]}, one point per cohort:", plane
            )
            + "\nColour is the editorial's verdict; size is n; arrows join the arms of one "
            "study, comparator to regimen.",
        )
    ]


def plane_note(plane: pd.DataFrame, *, missing: int = 0) -> str:
    """Caveats for the benefit-harm plane: across trials, criteria, cohorts left out."""
    notes = ["Cross-trial comparison: populations, doses and definitions differ."]
    criteria = plane[fr.BENEFIT_CRITERIA].dropna().unique()
    if len(criteria) > 1:
        notes.append("Response criteria differ: " + "; ".join(map(str, criteria)) + ".")
    if missing:
        notes.append(
            f"{missing} cohort(s) report other endpoints and are not shown: none is substituted."
        )
    return " ".join(notes)


def _comparisons_in_view(
    loaded: LoadedEvidence, filters: Filters, chosen: str
) -> tuple[pd.DataFrame, list[compare.Comparison]]:
    """The filtered effects and the comparisons to draw.

    The chosen one; or else (exports, the presentation view) every randomised comparison with
    a computed difference.
    """
    effects = filters.apply(loaded.effects)
    found = compare.comparisons(effects)
    if chosen:
        return effects, [c for c in found if c.key == chosen]
    drawable = set(compare.with_pairs(effects[effects[fx.DIFFERENCE].notna()])[compare.PAIR])
    return effects, [c for c in found if c.randomised and c.key in drawable]


@dataclass(frozen=True)
class _Drawn:
    """What a per-comparison chart draws: its title, figure, rows, note and notes."""

    title: str
    figure: go.Figure
    table: pd.DataFrame
    note: str
    speaker_notes: str


Drawing = Callable[..., "_Drawn | None"]
"""Draws one comparison: (comparison, its benefit-harm rows, the figure's keyword options,
**the page's choices) -> _Drawn, or None when there is nothing to draw."""


def comparison_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    key: str,
    title: str,
    drawing: Drawing,
    comparison: str = "",
    look: Look = SCREEN,
    **choices: object,
) -> list[ChartSpec]:
    """The specs ``drawing`` makes of each within-study comparison to show.

    ``comparison`` is a comparison key (components/compare.py); without one, one chart per
    randomised comparison in view (see _comparisons_in_view). ``drawing`` gets the
    comparison, its benefit-harm rows, the keyword options every such figure takes (title,
    regimen, versus, subtitle, look) and the page's other ``choices``.
    """
    effects, chosen = _comparisons_in_view(loaded, filters, comparison)
    specs = []
    for found in chosen:
        heading = f"{title}: {found.regimen} vs {found.versus_regimen} ({found.source_short})"
        options: dict[str, Any] = {
            "title": heading,
            "regimen": found.regimen,
            "versus": found.versus_regimen,
            "subtitle": f"{found.cohort_label} vs {found.versus_label} · "
            + filter_subtitle(loaded, filters),
            "look": look,
        }
        drawn = drawing(found, compare.benefit_harm_rows(effects, found), options, **choices)
        if drawn is not None:
            specs.append(
                ChartSpec(
                    key=f"{key}_{slug(found.key, '_')}",
                    title=drawn.title,
                    figure=drawn.figure,
                    table=drawn.table,
                    columns=tables.EFFECT_DISPLAY,
                    filename=slug(drawn.title),
                    note=drawn.note,
                    speaker_notes=drawn.speaker_notes,
                )
            )
    return specs


def draw_benefit_harm(
    found: compare.Comparison, rows: pd.DataFrame, options: dict[str, Any]
) -> _Drawn | None:
    """The comparison's differences per 100 patients, benefits above harms."""
    if rows.empty:
        return None
    sentence = compare.pictograph_sentence(found, [row for _, row in rows.iterrows()])
    method = compare.METHOD_NOTE.removeprefix(compare.COMPUTED + " ")
    figure = charts.benefit_harm_figure(rows, **options)
    return _Drawn(options["title"], figure, rows, method, sentence)


def draw_pictograph(
    found: compare.Comparison,
    rows: pd.DataFrame,
    options: dict[str, Any],
    outcomes: Sequence[str] = (),
) -> _Drawn | None:
    """Out of 100 patients, in pictographs with the sentence that reads them.

    The comparison's first benefit and first harm outcome, or the ``outcomes`` chosen.
    """
    rows = rows[rows[fx.QUALIFIER] == "exact"]
    if outcomes:
        picked = rows[rows[fx.ENDPOINT].isin(list(outcomes))]
    else:
        picked = pd.concat([rows[rows["side"] == side].head(1) for side in ("benefit", "harm")])
    if picked.empty:
        return None
    sentence = compare.pictograph_sentence(found, [row for _, row in picked.iterrows()])
    panels = [
        (str(r[fx.ENDPOINT_LABEL]), float(r[fx.VERSUS_RISK]), float(r[fx.RISK]),
         r[fx.BETTER] == "higher")
        for _, r in picked.iterrows()
    ]  # fmt: skip
    figure = charts.pictograph_figure(panels, **options)
    return _Drawn(options["title"], figure, picked, sentence, sentence)


def profile_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    key: str,
    title: str,
    cohorts: Sequence[str] = (),
    look: Look = SCREEN,
) -> list[ChartSpec]:
    """Small multiples of the chosen cohorts' percentages, one panel per endpoint.

    Nothing is pooled and no difference is computed across studies; nothing is drawn until
    cohorts are chosen.
    """
    results = loaded.results
    table = results[results[fr.COHORT].isin(list(cohorts)) & (results[fr.UNIT] == "percent")]
    if table.empty or len(set(table[fr.COHORT])) < 2:
        return []
    subtitle = (
        "Each panel one endpoint; cohorts from different studies side by side, never pooled · "
        f"data {loaded.data_version}"
    )
    figure = charts.forest_figure(
        table, title=title, subtitle=subtitle, panels=fr.ENDPOINT, look=look
    )
    note = "Cross-trial comparison: populations, doses and definitions differ."
    notes = speaker_notes("chosen cohorts side by side:", table)
    return [ChartSpec(key, title, figure, table, tables.RESULT_DISPLAY, slug(title), note, notes)]
