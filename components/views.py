"""What each page charts for a filtered view, as ChartSpecs; no Streamlit.

Pages render these specs; the exporter turns the same specs into images, CSVs and slides, so
a download always matches what the page shows.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from components import charts
from components.bundle import Bundle, Filters
from evidence import frames as fr

DESIGN_WORDS = {
    "randomized_phase3": "Randomised phase 3",
    "randomized_phase2": "Randomised phase 2",
    "phase2": "Phase 2",
    "phase1_2": "Phase 1/2",
    "retrospective": "Retrospective",
    "pooled_analysis": "Pooled analysis",
    "other": "Other",
}
REPORTED_WORDS = {
    "primary": "Trial report",
    "secondary": "Secondary source",
    "editorial": "Editorial only",
    "computed": "Computed by us",
}
ROLE_WORDS = {"investigational": "Investigational", "comparator": "Comparator"}

# Columns of the "data behind this chart" table and CSV, with their human headers.
RESULT_DISPLAY = {
    fr.SETTING_LABEL: "Setting",
    fr.COHORT_LABEL: "Cohort",
    fr.REGIMEN_LABEL: "Regimen",
    fr.ROLE: "Role",
    fr.ENDPOINT_LABEL: "Endpoint",
    fr.VALUE_TEXT: "Value as stated",
    fr.VALUE: "Value",
    fr.QUALIFIER: "Qualifier",
    fr.EVENTS: "Events",
    fr.N: "n",
    fr.CI_LOW: "95% CI low",
    fr.CI_HIGH: "95% CI high",
    fr.CI_KIND: "CI",
    fr.REPORTED_BY: "Reported by",
    fr.SOURCE_SHORT: "Source",
    fr.LOCATOR: "Where in source",
    fr.DESIGN: "Design",
    fr.CRITERIA: "Criteria",
    fr.NOTE: "Note",
}
COMPARISON_DISPLAY = {
    fr.SETTING_LABEL: "Setting",
    fr.COHORT_LABEL: "Cohort",
    fr.VERSUS_LABEL: "Versus",
    fr.ENDPOINT_LABEL: "Endpoint",
    fr.MEASURE: "Measure",
    fr.VALUE: "Value",
    fr.CI_LOW: "95% CI low",
    fr.CI_HIGH: "95% CI high",
    fr.P: "p",
    fr.REPORTED_BY: "Reported by",
    fr.SOURCE_SHORT: "Source",
    fr.LOCATOR: "Where in source",
    fr.NOTE: "Note",
}
PLANE_DISPLAY = {
    fr.COHORT_LABEL: "Cohort",
    fr.REGIMEN_LABEL: "Regimen",
    fr.SETTING_SHORT: "Setting",
    "x_text": "Harm",
    "y_text": "Response",
    fr.N: "n",
    "verdict": "Editorial verdict",
    "editorial_only": "Editorial-only figure",
    fr.SOURCE_SHORT: "Source",
}
UNIT_TITLES = {
    "months": "Median times (months)",
    "years": "Median times (years)",
    "percent": "Event-free at a landmark (% of patients)",
}
UNIT_AXES = {"months": "Months", "years": "Years", "percent": "Patients (%)"}
PAGE_CATEGORIES = {
    "response": "response",
    "safety": "toxicity",
    "dose": "dose_modification",
    "qol": "quality_of_life",
}


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a view: the figure, the rows behind it, and what to say about it."""

    key: str
    page: str
    title: str
    figure: go.Figure
    table: pd.DataFrame
    columns: dict[str, str]
    filename: str
    note: str = ""
    speaker_notes: str = ""

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
        return display(self.table, self.columns)


def display(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Select and rename columns for people; vocabulary words become plain words."""
    present = [c for c in columns if c in frame.columns]
    out = frame[present].rename(columns=columns)
    if "Reported by" in out.columns:
        out["Reported by"] = out["Reported by"].map(lambda v: REPORTED_WORDS.get(v, v))
    if "Design" in out.columns:
        out["Design"] = out["Design"].map(lambda v: DESIGN_WORDS.get(v, v))
    return out


def filter_subtitle(bundle: Bundle, filters: Filters) -> str:
    """One line naming the filters in force and the data version (printed on figures)."""
    ev = bundle.evidence
    names = {s.id: s.short for s in ev.settings} | {r.id: r.short for r in ev.regimens}
    parts = []
    for label, chosen in (
        ("Settings", filters.settings),
        ("Regimens", filters.regimens),
        ("Roles", filters.roles),
        ("Designs", tuple(DESIGN_WORDS.get(d, d) for d in filters.designs)),
        ("Reported by", tuple(REPORTED_WORDS.get(r, r) for r in filters.reported_by)),
    ):
        if chosen:
            parts.append(f"{label}: {', '.join(names.get(c, c) for c in chosen)}")
    scope = " · ".join(parts) if parts else "All settings and regimens"
    return f"{scope} · data {bundle.data_version}"


def _caveats(table: pd.DataFrame) -> list[str]:
    out = []
    if fr.N in table.columns:
        unknown = int(table[fr.N].isna().sum())
        small = int((table[fr.N].fillna(10**9) < fr.SMALL_N_THRESHOLD).sum())
        if unknown:
            out.append(f"{unknown} figure(s) have no reported n")
        if small:
            out.append(f"{small} come from cohorts under {fr.SMALL_N_THRESHOLD} patients")
    if fr.REPORTED_BY in table.columns:
        editorial = int((table[fr.REPORTED_BY] == "editorial").sum())
        if editorial:
            out.append(f"{editorial} figure(s) are stated only by the editorial")
    if fr.DESIGN in table.columns and len(set(table[fr.DESIGN])) > 1:
        out.append(
            "designs differ ("
            + ", ".join(DESIGN_WORDS.get(d, d) for d in dict.fromkeys(table[fr.DESIGN]))
            + ")"
        )
    return out


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
    caveats = _caveats(table)
    if caveats:
        lines.append("Caveats: " + "; ".join(caveats) + ".")
    lines.append(
        "Ask: are these populations, doses and response criteria comparable across trials? "
        "Which figures rest on small or unknown n, or on the editorial alone? "
        "Would the conclusion change without them?"
    )
    return "\n".join(lines)


def coverage_view(bundle: Bundle, filters: Filters) -> ChartSpec | None:
    """The regimen x setting grid, or None when no cohort is in view."""
    coverage = filters.apply(bundle.coverage)
    if coverage["cohorts"].sum() == 0:
        return None
    table = filters.apply(bundle.results)
    return ChartSpec(
        key="coverage",
        page="overview",
        title="Where the evidence is",
        figure=charts.coverage_figure(
            coverage,
            title="Where the evidence is",
            subtitle=f"Cohorts per regimen and setting, with the first response figure · "
            f"{filter_subtitle(bundle, filters)}",
        ),
        table=table,
        columns=RESULT_DISPLAY,
        filename="evidence-grid",
        speaker_notes=speaker_notes("the regimen x setting grid of", table),
    )


def percent_view(
    bundle: Bundle,
    filters: Filters,
    *,
    page: str,
    endpoints: Sequence[str] = (),
    title: str,
    x_title: str = "Patients (%)",
) -> ChartSpec | None:
    """A forest chart of the percentage results of one page's category."""
    results = category_results(bundle, filters, page=page, endpoints=endpoints)
    table = results[results[fr.UNIT] == "percent"]
    if table.empty:
        return None
    return ChartSpec(
        key=f"{page}_forest",
        page=page,
        title=title,
        figure=charts.forest_figure(
            table, title=title, x_title=x_title, subtitle=filter_subtitle(bundle, filters)
        ),
        table=table,
        columns=RESULT_DISPLAY,
        filename=f"{page}-{slug(title)}",
        speaker_notes=speaker_notes(f"{title.lower()}:", table),
    )


def category_results(
    bundle: Bundle, filters: Filters, *, page: str, endpoints: Sequence[str] = ()
) -> pd.DataFrame:
    """The filtered results of a page's category, narrowed to ``endpoints`` when given."""
    results = filters.apply(bundle.results)
    results = results[results[fr.CATEGORY] == PAGE_CATEGORIES[page]]
    return results[results[fr.ENDPOINT].isin(list(endpoints))] if endpoints else results


def time_to_event_views(bundle: Bundle, filters: Filters) -> list[ChartSpec]:
    """Medians and landmark rates per unit, then the ratio forest plot."""
    results = filters.apply(bundle.results)
    results = results[results[fr.CATEGORY] == "time_to_event"]
    specs = []
    for unit, title in UNIT_TITLES.items():
        part = results[results[fr.UNIT] == unit]
        if part.empty:
            continue
        specs.append(
            ChartSpec(
                key=f"tte_{unit}",
                page="time_to_event",
                title=title,
                figure=charts.forest_figure(
                    part,
                    title=title,
                    x_title=UNIT_AXES[unit],
                    x_range=(0.0, 100.0) if unit == "percent" else None,
                    subtitle=filter_subtitle(bundle, filters),
                ),
                table=part,
                columns=RESULT_DISPLAY,
                filename=f"time-to-event-{unit}",
                speaker_notes=speaker_notes(f"{title.lower()}:", part),
            )
        )
    comparisons = filters.apply(bundle.comparisons)
    if not comparisons.empty:
        title = "Within-trial comparisons (hazard ratios and other ratios)"
        specs.append(
            ChartSpec(
                key="tte_ratios",
                page="time_to_event",
                title=title,
                figure=charts.ratio_forest_figure(
                    comparisons, title=title, subtitle=filter_subtitle(bundle, filters)
                ),
                table=comparisons,
                columns=COMPARISON_DISPLAY,
                filename="hazard-ratios",
                speaker_notes=speaker_notes(
                    "within-trial ratios (left of 1 favours the first arm):", comparisons
                ),
            )
        )
    return specs


def benefit_risk_view(
    bundle: Bundle,
    filters: Filters,
    *,
    harm: Sequence[str] = (),
    benefit: Sequence[str] = (),
) -> ChartSpec | None:
    """The efficacy-versus-harm plane; empty priority lists mean every endpoint, file order."""
    percent = filters.apply(bundle.results)
    percent = percent[percent[fr.UNIT] == "percent"].sort_values(fr.ENDPOINT_ORDER)
    harm_all = list(
        dict.fromkeys(
            percent.loc[percent[fr.CATEGORY].isin(["toxicity", "dose_modification"]), fr.ENDPOINT]
        )
    )
    benefit_all = list(dict.fromkeys(percent.loc[percent[fr.CATEGORY] == "response", fr.ENDPOINT]))
    plane = fr.benefit_risk_table(
        percent,
        harm_endpoints=list(harm) or harm_all,
        benefit_endpoints=list(benefit) or benefit_all,
        verdict_of=bundle.cohort_verdict,
    )
    if plane.empty:
        return None
    title = "Efficacy against harm"
    return ChartSpec(
        key="benefit_risk",
        page="benefit_risk",
        title=title,
        figure=charts.benefit_risk_figure(
            plane,
            title=title,
            x_title="Harm (% of patients)",
            y_title="Response (% of patients)",
            subtitle=filter_subtitle(bundle, filters),
        ),
        table=plane,
        columns=PLANE_DISPLAY,
        filename="benefit-risk",
        note=plane_note(plane),
        speaker_notes=speaker_notes("response against harm, one point per cohort:", plane)
        + "\nColour is the editorial's verdict; size is n.",
    )


def plane_note(plane: pd.DataFrame) -> str:
    """Caveats for the benefit-risk plane: mixed endpoints and criteria."""
    notes = ["Cross-trial comparison: populations, doses and definitions differ."]
    if len(set(plane["y_endpoint"])) > 1 or len(set(plane["x_endpoint"])) > 1:
        notes.append("Points use different endpoints (see hover).")
    criteria = plane["criteria_y"].dropna().unique()
    if len(criteria) > 1:
        notes.append("Response criteria differ: " + "; ".join(map(str, criteria)) + ".")
    return " ".join(notes)


def all_views(bundle: Bundle, filters: Filters) -> list[ChartSpec]:
    """Every chart of every page for a filtered view, in page order (for decks and ZIPs)."""
    specs: list[ChartSpec | None] = [
        coverage_view(bundle, filters),
        percent_view(
            bundle, filters, page="response", title="Response rates by setting and regimen"
        ),
        percent_view(
            bundle,
            filters,
            page="safety",
            title="Toxicity by setting and regimen",
            x_title="Patients with the event (%)",
        ),
        percent_view(
            bundle, filters, page="dose", title="Dose reductions, interruptions and stops"
        ),
        percent_view(bundle, filters, page="qol", title="Quality-of-life figures", x_title="Value"),
        *time_to_event_views(bundle, filters),
        benefit_risk_view(bundle, filters),
    ]
    return [spec for spec in specs if spec is not None]


def slug(text: str, sep: str = "-") -> str:
    """Lower-case words joined by ``sep``: for file names and widget keys."""
    return sep.join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _n_phrase(n: object) -> str:
    return charts.n_text(n).replace("n = ", "n=")


def _result_line(row: Mapping[Hashable, Any]) -> str:
    ci = (
        f", 95% CI {fr.format_number(row[fr.CI_LOW])}–{fr.format_number(row[fr.CI_HIGH])}"
        if row[fr.CI_KIND] == fr.CI_REPORTED
        else ""
    )
    where = f", {row[fr.LOCATOR]}" if isinstance(row[fr.LOCATOR], str) else ""
    who = fr.REPORTED_BY_TEXT.get(row[fr.REPORTED_BY], str(row[fr.REPORTED_BY]))
    return (
        f"{row[fr.COHORT_LABEL]} · {row[fr.ENDPOINT_LABEL]}: {row[fr.VALUE_TEXT]}{ci} "
        f"({_n_phrase(row[fr.N])}; {row[fr.SOURCE_SHORT]}{where}; reported by {who})"
    )


def _comparison_line(row: Mapping[Hashable, Any]) -> str:
    ci = (
        f", 95% CI {fr.format_number(row[fr.CI_LOW])}–{fr.format_number(row[fr.CI_HIGH])}"
        if pd.notna(row[fr.CI_LOW])
        else ""
    )
    p = f", p {row[fr.P]}" if isinstance(row[fr.P], str) else ""
    measure = str(row[fr.MEASURE]).replace("_", " ")
    return (
        f"{row[fr.COHORT_LABEL]} vs {row[fr.VERSUS_LABEL]} · {row[fr.ENDPOINT_LABEL]}: "
        f"{measure} {fr.format_number(row[fr.VALUE])}{ci}{p} ({row[fr.SOURCE_SHORT]})"
    )


def _finding_line(row: Mapping[Hashable, Any]) -> str:
    return (
        f"{row[fr.COHORT_LABEL]} · {row[fr.ENDPOINT_LABEL]}: {row[fr.STATEMENT]} "
        f"({row[fr.DIRECTION]}; {row[fr.SOURCE_SHORT]}; finding without a number)"
    )


_KEY_LINES: weakref.WeakKeyDictionary[Bundle, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def describe_key(key: str, bundle: Bundle) -> list[str]:
    """A ``rests_on`` key as readable figures with n, CI, source and who reported them.

    The lines of every key are built once per bundle: verdict panels ask for dozens per run.
    """
    lines = _KEY_LINES.get(bundle)
    if lines is None:
        lines = {}
        for frame, line in (
            (bundle.results, _result_line),
            (bundle.comparisons, _comparison_line),
            (bundle.findings, _finding_line),
        ):
            for row in frame.to_dict("records"):
                lines.setdefault(str(row[fr.KEY]), []).append(line(row))
        _KEY_LINES[bundle] = lines
    return lines.get(key) or [f"{key} (not found in the evidence file)"]
