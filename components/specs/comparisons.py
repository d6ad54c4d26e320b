"""Spec builders of the comparison charts.

The benefit-harm plane, the within-study comparison drawings (benefit and harm per 100, icon
arrays) and the cohort profiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import plotly.graph_objects as go

from components import charts, compare, tables
from components.choices import ComparisonChoice, PlaneChoice, ProfileChoice
from components.loaded import Filters, LoadedEvidence
from components.looks import Look
from components.specs.fitting import fits, numbered, runs_that_fit
from components.specs.spec import (
    CROSS_TRIAL_NOTE,
    Ask,
    ChartSpec,
    shown_title,
    slug,
    speaker_notes,
    subtitle,
)
from components.words import off_plane
from evidence import effects as fx
from evidence import frames as fr


def plane_specs(
    loaded: LoadedEvidence, filters: Filters, ask: Ask, choice: PlaneChoice
) -> list[ChartSpec]:
    """The benefit-harm plane for one harm and one benefit endpoint; never cut into parts.

    Without both chosen, the pair the most cohorts report. Cohorts lacking the pair are left out
    and counted in the note (the page lists them).
    """
    key, title, look = ask.key, ask.title, ask.look
    results = filters.apply(loaded.results)
    pair = (
        (choice.harm, choice.benefit)
        if choice.harm and choice.benefit
        else fr.default_plane_pair(results)
    )
    if pair is None:
        return []
    plane = fr.plane_table(results, harm=pair[0], benefit=pair[1], verdict_of=loaded.cohort_verdict)
    if plane.empty:
        return []
    labels = dict(zip(results[fr.ENDPOINT], results[fr.ENDPOINT_LABEL], strict=True))
    x_title, y_title = (f"{labels[e]} (% of patients)" for e in pair)
    missing = fr.plane_missing(results, harm=pair[0], benefit=pair[1])
    figure = charts.plane_figure(
        plane,
        title=shown_title(title, look),
        x_title=x_title,
        y_title=y_title,
        links=fr.plane_links(plane, filters.apply(loaded.cohorts)),
        subtitle=subtitle(loaded, filters, look),
        look=look,
    )
    return [
        ChartSpec(
            key=key,
            title=title,
            figure=figure,
            table=plane,
            columns=tables.PLANE_DISPLAY,
            filename=slug(f"{title} {pair[0]} {pair[1]}"),
            note=plane_note(
                plane,
                missing=len(missing),
                shared=tables.shared_patients(loaded, list(plane[fr.COHORT])),
            ),
            speaker_notes=speaker_notes(
                f"{labels[pair[1]]} against {labels[pair[0]]}, one point per cohort:", plane
            )
            + "\nColour is the editorial's verdict; size is n; arrows join the arms of one "
            "study, comparator to regimen.",
        )
    ]


def plane_note(plane: pd.DataFrame, *, missing: int = 0, shared: str = "") -> str:
    """Caveats for the benefit-harm plane: across trials, criteria, shared patients, gaps."""
    notes = [CROSS_TRIAL_NOTE]
    if shared:
        notes.append(shared)
    criteria = plane[fr.BENEFIT_CRITERIA].dropna().unique()
    if len(criteria) > 1:
        notes.append("Response criteria differ: " + "; ".join(map(str, criteria)) + ".")
    if missing:
        notes.append(off_plane(missing))
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
    paired = compare.with_pairs(effects)
    drawable = set(paired[paired[fx.DIFFERENCE].notna()][compare.PAIR])
    return effects, [c for c in found if c.randomised and c.key in drawable]


@dataclass(frozen=True)
class _Drawn:
    """One chart a drawing makes of a comparison: title, figure, rows, note and notes."""

    title: str
    figure: go.Figure
    table: pd.DataFrame
    note: str
    speaker_notes: str


class Drawing(Protocol):
    """Draws one comparison: its charts, none when there is nothing to draw, several when split.

    Takes the comparison, its benefit-harm rows, the figure's keyword options, ``split`` and
    the page's choice.
    """

    def __call__(
        self,
        found: compare.Comparison,
        rows: pd.DataFrame,
        options: dict[str, Any],
        *,
        split: bool,
        choice: ComparisonChoice,
    ) -> list[_Drawn]:
        """The charts of one comparison."""
        ...


def comparison_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    ask: Ask,
    choice: ComparisonChoice,
    *,
    drawing: Drawing,
) -> list[ChartSpec]:
    """The specs ``drawing`` makes of each within-study comparison to show.

    ``choice.comparison`` is a comparison key (components/compare.py); without one, one chart
    per randomised comparison in view (see _comparisons_in_view). ``drawing`` gets the
    comparison, its benefit-harm rows, the keyword options every such figure takes (title,
    regimen, versus, subtitle, look), ``split`` and the choice.
    """
    key, title, look = ask.key, ask.title, ask.look
    effects, chosen = _comparisons_in_view(loaded, filters, choice.comparison)
    specs = []
    for found in chosen:
        heading = f"{title}: {found.regimen} vs {found.versus_regimen} ({found.source_short})"
        lead = f"{found.cohort_label} vs {found.versus_label}"
        options: dict[str, Any] = {
            "title": shown_title(heading, look),
            "regimen": found.regimen,
            "versus": found.versus_regimen,
            "subtitle": subtitle(loaded, filters, look, lead),
            "look": look,
        }
        rows = compare.benefit_harm_rows(effects, found)
        drawn = drawing(found, rows, options, split=ask.split, choice=choice)
        for part, (of, number) in zip(drawn, numbered(len(drawn)), strict=True):
            specs.append(
                ChartSpec(
                    key=f"{key}_{slug(found.key, '_')}" + (f"_{number}" if number else ""),
                    title=heading + of,
                    figure=part.figure,
                    table=part.table,
                    columns=tables.EFFECT_DISPLAY,
                    filename=slug(heading) + (f"-{number}" if number else ""),
                    note=part.note,
                    speaker_notes=part.speaker_notes,
                )
            )
    return specs


def draw_benefit_harm(
    found: compare.Comparison,
    rows: pd.DataFrame,
    options: dict[str, Any],
    *,
    split: bool,
    choice: ComparisonChoice,
) -> list[_Drawn]:
    """The comparison's differences per 100 patients, benefits above harms.

    Every outcome of the comparison, at the study's own risks: ``choice`` adds nothing here.

    ``split``: a chart taller than ``look.height`` allows becomes one chart for its benefits
    and one for its harms (and runs of outcomes when one side alone is too tall).
    """
    if rows.empty:
        return []

    def draw(part: pd.DataFrame) -> go.Figure:
        return charts.benefit_harm_figure(part, **options)

    look: Look = options["look"]
    whole = draw(rows)
    parts = [(rows, whole)]
    if split and not fits(whole, look):
        parts = []
        for _, side in rows.groupby("side", sort=False):
            parts += runs_that_fit([side.iloc[[i]] for i in range(len(side))], draw, look)
    method = " ".join(
        filter(
            None, [found.alike_sentence, compare.METHOD_NOTE.removeprefix(compare.COMPUTED + " ")]
        )
    )
    return [
        _Drawn(
            options["title"],
            figure,
            part,
            method,
            compare.pictograph_sentence(found, [row for _, row in part.iterrows()]),
        )
        for part, figure in parts
    ]


def draw_pictograph(
    found: compare.Comparison,
    rows: pd.DataFrame,
    options: dict[str, Any],
    *,
    split: bool,
    choice: ComparisonChoice,
) -> list[_Drawn]:
    """Out of 100 patients, in pictographs with the sentence that reads them.

    The comparison's first benefit and first harm outcome, or the ``choice.outcomes``. Two
    panels always fit: the chart is never cut, whatever ``split`` asks. An outcome with a
    ``choice.baselines`` risk (the reader's patients) shows that risk and the risk with the
    regimen from the risk ratio, instead of the study's two arms.
    """
    rows = rows[rows[fx.QUALIFIER] == "exact"]
    if choice.baselines:
        rows = fx.with_baseline(rows, dict(choice.baselines))
    if choice.outcomes:
        picked = rows[rows[fx.ENDPOINT].isin(list(choice.outcomes))]
    else:
        picked = pd.concat([rows[rows["side"] == side].head(1) for side in ("benefit", "harm")])
    if picked.empty:
        return []
    sentence = " ".join(
        filter(
            None,
            [
                compare.pictograph_sentence(found, [row for _, row in picked.iterrows()]),
                found.alike_sentence,
            ],
        )
    )
    panels = [
        (str(r[fx.ENDPOINT_LABEL]), *_per_100(r), r[fx.BETTER] == "higher")
        for _, r in picked.iterrows()
    ]
    figure = charts.pictograph_figure(panels, **options)
    return [_Drawn(options["title"], figure, picked, sentence, sentence)]


def _per_100(row: pd.Series) -> tuple[float, float]:
    """(comparator, regimen) per 100: the study's arms as stated, or the reader's baseline."""
    if row.get(fx.ASSUMED_FROM) == fx.ASSUMED_BASELINE:
        return float(row[fx.ASSUMED]) / 10, float(row[fx.CORRESPONDING]) / 10
    return float(row[fx.VERSUS_VALUE]), float(row[fx.VALUE])


def profile_specs(
    loaded: LoadedEvidence, filters: Filters, ask: Ask, choice: ProfileChoice
) -> list[ChartSpec]:
    """Small multiples of the chosen cohorts' percentages, one panel per endpoint.

    Nothing is pooled and no difference is computed across studies; nothing is drawn until
    cohorts are chosen.
    """
    cohorts = choice.cohorts
    results = loaded.results
    table = results[results[fr.COHORT].isin(list(cohorts)) & (results[fr.UNIT] == "percent")]
    if table.empty or len(set(table[fr.COHORT])) < 2:
        return []
    subtitle = (
        "Each panel one endpoint; cohorts from different studies side by side, never pooled · "
        f"data {loaded.data_version}"
    )
    title = ask.title
    figure = charts.forest_figure(
        table, title=title, subtitle=subtitle, panels=fr.ENDPOINT, look=ask.look
    )
    note = " ".join(filter(None, [CROSS_TRIAL_NOTE, tables.shared_patients(loaded, cohorts)]))
    notes = speaker_notes("chosen cohorts side by side:", table)
    return [
        ChartSpec(ask.key, title, figure, table, tables.RESULT_DISPLAY, slug(title), note, notes)
    ]
