"""Spec builders of the result charts: the evidence grid, forests, time to event, ratios."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import pandas as pd

from components import charts, tables
from components.choices import EndpointChoice
from components.loaded import FILTERS, Filters, LoadedEvidence
from components.specs.fitting import fits, fitting_parts, numbered, part_specs, runs_that_fit
from components.specs.spec import Ask, ChartSpec, shown_title, slug, speaker_notes, subtitle
from evidence import frames as fr
from evidence import vocabulary


def category_results(
    loaded: LoadedEvidence, filters: Filters, *, category: str, endpoints: Sequence[str] = ()
) -> pd.DataFrame:
    """The filtered results of one endpoint category, narrowed to ``endpoints`` when given."""
    results = filters.apply(loaded.results)
    results = results[results[fr.CATEGORY] == category]
    return results[results[fr.ENDPOINT].isin(list(endpoints))] if endpoints else results


def coverage_in_view(loaded: LoadedEvidence, filters: Filters) -> pd.DataFrame:
    """The grid's cells for a view: every filter in force narrows them.

    The coverage frame holds a pair's setting, regimen and role, which select its rows. A
    filter on anything else (a design, who reported a figure) selects the cohorts that count,
    and the pairs' counts and headlines are made again from those and the figures in view:
    the grid never shows evidence that its subtitle's filters leave out.
    """
    others = [s for s in FILTERS if filters.get(s.key) and s.column not in loaded.coverage]
    if not others:
        return filters.apply(loaded.coverage)
    results = filters.apply(loaded.results)
    cohorts = set(filters.apply(loaded.cohorts)[fr.COHORT])
    if any(spec.column not in loaded.cohorts for spec in others):  # a filter on the figures
        cohorts &= {
            str(c)
            for frame in (loaded.results, loaded.comparisons, loaded.findings)
            for c in filters.apply(frame)[fr.COHORT]
        }
    return filters.apply(fr.coverage_table(loaded.evidence, results, cohorts=cohorts))


def coverage_specs(
    loaded: LoadedEvidence, filters: Filters, ask: Ask, choice: None = None
) -> list[ChartSpec]:
    """The regimen x setting grid, or nothing when no cohort is in view (no page choice).

    ``ask.split``: a grid taller than the look's height allows is cut into runs of regimens,
    every part with all the settings (its gaps are the point), titled "(1 of 3)"...
    """
    key, title, look = ask.key, ask.title, ask.look
    coverage = coverage_in_view(loaded, filters)
    if coverage[fr.COHORTS].sum() == 0:
        return []
    results = filters.apply(loaded.results)
    draw = functools.partial(
        charts.coverage_figure,
        title=shown_title(title, look),
        subtitle=subtitle(
            loaded, filters, look, "Cohorts per regimen and setting, with the first response figure"
        ),
        look=look,
    )
    whole = draw(coverage)
    if not ask.split or fits(whole, look):
        parts = [(coverage, whole)]
    else:
        held = coverage.groupby(fr.REGIMEN)[fr.COHORTS].transform("sum") > 0
        shown = coverage[held].sort_values(fr.REGIMEN_ORDER, kind="stable")
        parts = runs_that_fit([r for _, r in shown.groupby(fr.REGIMEN, sort=False)], draw, look)
    specs = []
    for (cells, figure), (of, number) in zip(parts, numbered(len(parts)), strict=True):
        table = results[results[fr.REGIMEN].isin(set(cells[fr.REGIMEN]))]
        specs.append(
            ChartSpec(
                key=key + (f"_{number}" if number else ""),
                title=title + of,
                figure=figure,
                table=table,
                columns=tables.RESULT_DISPLAY,
                filename="evidence-grid" + (f"-{number}" if number else ""),
                speaker_notes=speaker_notes("the regimen x setting grid of", table),
            )
        )
    return specs


def forest_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    ask: Ask,
    choice: EndpointChoice,
    *,
    category: str,
    x_title: str = "Patients (%)",
) -> list[ChartSpec]:
    """A forest chart of one category's percentage results (nothing when none is in view).

    Narrowed to the chosen endpoints, when any are chosen.

    ``ask.split``: when the chart is taller than the look's height allows (a slide), one chart
    per setting instead, and per endpoint group when a setting alone is too tall (see
    ``fitting_parts``).
    """
    title, look = ask.title, ask.look
    results = category_results(loaded, filters, category=category, endpoints=choice.endpoints)
    table = results[results[fr.UNIT] == "percent"]
    if table.empty:
        return []

    draw = functools.partial(
        charts.forest_figure,
        title=shown_title(title, look),
        x_title=x_title,
        subtitle=subtitle(loaded, filters, look),
        look=look,
    )
    return part_specs(
        fitting_parts(table, draw, look, split=ask.split),
        key=ask.key,
        title=title,
        filename=slug(title),
        columns=tables.RESULT_DISPLAY,
        notes=f"{title.lower()}:",
    )


def time_to_event_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    ask: Ask,
    choice: None = None,
    *,
    unit_titles: Mapping[str, str],
) -> list[ChartSpec]:
    """One chart per unit of the time-to-event results: medians, landmark rates (no choice).

    ``unit_titles`` names the chart of each unit; a unit without one is "<title> (<unit>)".
    ``ask.split`` cuts a unit's chart that is too tall for the look's height as forest_specs
    does; its parts share one axis.
    """
    title, look, split = ask.title, ask.look, ask.split
    results = category_results(loaded, filters, category="time_to_event")
    specs = []
    for unit in dict.fromkeys(results.sort_values(fr.ENDPOINT_ORDER)[fr.UNIT]):
        table = results[results[fr.UNIT] == unit]
        unit_title = unit_titles.get(unit) or f"{title} ({vocabulary.UNIT.label(unit).lower()})"
        x_range: tuple[float, float] | None = (0.0, 100.0) if unit == "percent" else None
        if split and x_range is None:  # every part on the axis the whole chart would have
            x_range = (0.0, float(table[fr.VALUE].max()) * 1.15)
        draw = functools.partial(
            charts.forest_figure,
            title=shown_title(unit_title, look),
            x_title=vocabulary.UNIT.label(unit),
            x_range=x_range,
            subtitle=subtitle(loaded, filters, look),
            look=look,
        )
        specs += part_specs(
            fitting_parts(table, draw, look, split=split),
            key=f"{ask.key}_{unit}",
            title=unit_title,
            filename=f"{slug(title)}-{slug(unit)}",
            columns=tables.RESULT_DISPLAY,
            notes=f"{unit_title.lower()}:",
        )
    return specs


def ratio_specs(
    loaded: LoadedEvidence, filters: Filters, ask: Ask, choice: None = None
) -> list[ChartSpec]:
    """The reported within-trial ratios (hazard ratios and the like) on a log axis (no choice).

    ``ask.split``: one chart per setting when the whole is taller than the look's height.
    """
    title, look = ask.title, ask.look
    comparisons = filters.apply(loaded.comparisons)
    is_ratio = [vocabulary.MEASURE.has_flag(m, "ratio") for m in comparisons[fr.MEASURE]]
    allowed = comparisons[fr.HELD_BACK].isna().to_numpy()  # the design allows no effect: not drawn
    comparisons = comparisons[pd.Series(is_ratio, index=comparisons.index, dtype=bool) & allowed]
    if comparisons.empty:
        return []
    draw = functools.partial(
        charts.ratio_forest_figure,
        title=shown_title(title, look),
        subtitle=subtitle(loaded, filters, look),
        look=look,
    )
    return part_specs(
        fitting_parts(comparisons, draw, look, split=ask.split, per=None),
        key=ask.key,
        title=title,
        filename=slug(title),
        columns=tables.COMPARISON_DISPLAY,
        notes="within-trial ratios (left of 1 favours the first arm):",
    )
