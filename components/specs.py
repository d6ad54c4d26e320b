"""Chart specs: a figure with the rows behind it and what to say about it; no Streamlit.

The registry (components/registry.py) declares which charts exist and calls the builders
here; pages, the presentation view, the deck and the file exports all render the specs they
return, so a download always matches what a page shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components import charts, tables
from components.loaded import Filters, LoadedEvidence
from components.looks import SCREEN, Look
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
    harm: Sequence[str] = (),
    benefit: Sequence[str] = (),
    look: Look = SCREEN,
) -> list[ChartSpec]:
    """The benefit-harm plane; empty priority lists mean every endpoint, in file order."""
    percent = filters.apply(loaded.results)
    percent = percent[percent[fr.UNIT] == "percent"].sort_values(fr.ENDPOINT_ORDER)
    harm_words = list(vocabulary.CATEGORY.with_flag("harm"))
    benefit_words = list(vocabulary.CATEGORY.with_flag("benefit"))
    harm_all = list(dict.fromkeys(percent.loc[percent[fr.CATEGORY].isin(harm_words), fr.ENDPOINT]))
    benefit_all = list(
        dict.fromkeys(percent.loc[percent[fr.CATEGORY].isin(benefit_words), fr.ENDPOINT])
    )
    plane = fr.plane_table(
        percent,
        harm_endpoints=list(harm) or harm_all,
        benefit_endpoints=list(benefit) or benefit_all,
        verdict_of=loaded.cohort_verdict,
    )
    if plane.empty:
        return []
    return [
        ChartSpec(
            key=key,
            title=title,
            figure=charts.plane_figure(
                plane,
                title=title,
                x_title="Harm (% of patients)",
                y_title="Response (% of patients)",
                subtitle=filter_subtitle(loaded, filters),
                look=look,
            ),
            table=plane,
            columns=tables.PLANE_DISPLAY,
            filename=slug(title),
            note=plane_note(plane),
            speaker_notes=speaker_notes("response against harm, one point per cohort:", plane)
            + "\nColour is the editorial's verdict; size is n.",
        )
    ]


def plane_note(plane: pd.DataFrame) -> str:
    """Caveats for the benefit-harm plane: mixed endpoints and criteria."""
    notes = ["Cross-trial comparison: populations, doses and definitions differ."]
    if len(set(plane[fr.BENEFIT_ENDPOINT])) > 1 or len(set(plane[fr.HARM_ENDPOINT])) > 1:
        notes.append("Points use different endpoints (see hover).")
    criteria = plane[fr.BENEFIT_CRITERIA].dropna().unique()
    if len(criteria) > 1:
        notes.append("Response criteria differ: " + "; ".join(map(str, criteria)) + ".")
    return " ".join(notes)
