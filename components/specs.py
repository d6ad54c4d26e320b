"""Chart specs: a figure with the rows behind it and what to say about it; no Streamlit.

The registry (components/registry.py) declares which charts exist and calls the builders
here; pages, the presentation view, the deck and the file exports all render the specs they
return, so a download always matches what a page shows.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd
import plotly.graph_objects as go

from components import charts, compare, tables
from components.choices import ComparisonChoice, EndpointChoice, PlaneChoice, ProfileChoice
from components.loaded import Filters, LoadedEvidence
from components.looks import SCREEN, Look
from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary

CROSS_TRIAL_NOTE = "Cross-trial comparison: populations, doses and definitions differ."
"""Under a chart that sets cohorts of different studies side by side."""


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

    def caption(self) -> str:
        """The line under the chart on a page or a presentation slide: sources, then note."""
        sources = self.sources()
        lead = ("Sources: " + "; ".join(sources) + ". ") if sources else ""
        return (lead + self.note).strip()

    def display_table(self) -> pd.DataFrame:
        """The rows behind the chart with human headers: the table and the CSV."""
        return tables.display(self.table, self.columns)


@dataclass(frozen=True)
class Ask:
    """What a view asks of a chart's builder: the chart's key and title, and the look to draw in.

    ``split`` asks that a chart too tall for the look's height (a slide) be cut into parts,
    one spec each; a builder whose chart is never cut reads only key, title and look. Every
    builder takes ``(loaded, filters, ask, choice)``: the page's choice is a frozen value of
    the chart family's own type (components/choices.py), or None for a chart without one.
    """

    key: str
    title: str
    look: Look = SCREEN
    split: bool = False


def slug(text: str, sep: str = "-") -> str:
    """Lower-case words joined by ``sep``: for file names and widget keys."""
    return sep.join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def filter_subtitle(loaded: LoadedEvidence, filters: Filters) -> str:
    """One line naming the filters in force and the data version (printed on figures)."""
    return f"{filters.describe(loaded.evidence)} · data {loaded.data_version}"


def _shown_title(title: str, look: Look) -> str:
    """The figure's own title: none in a look whose page prints it (a slide's title box)."""
    return title if look.titled else ""


def _subtitle(loaded: LoadedEvidence, filters: Filters, look: Look, lead: str = "") -> str | None:
    """``lead`` and the filter line; a look without titles (slides) keeps only the lead.

    A slide prints the view and the data version in its footer instead.
    """
    if not look.titled:
        return lead or None
    return (f"{lead} · " if lead else "") + filter_subtitle(loaded, filters)


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


@dataclass(frozen=True)
class Part:
    """Some rows of a chart, drawn; what its spec adds to the chart's key, title and filename.

    The whole chart is one part that adds nothing.
    """

    rows: pd.DataFrame
    figure: go.Figure
    key: str = ""
    title: str = ""
    filename: str = ""


def numbered(count: int) -> list[tuple[str, str]]:
    """For each of ``count`` parts: its title suffix " (2 of 3)" and its number "2".

    Both empty when the chart is one part.
    """
    if count == 1:
        return [("", "")]
    return [(f" ({i} of {count})", str(i)) for i in range(1, count + 1)]


def part_specs(
    parts: list[Part],
    *,
    key: str,
    title: str,
    filename: str,
    columns: Mapping[str, str],
    notes: str,
) -> list[ChartSpec]:
    """One spec per part of a chart: its key, title and filename extended by the part's.

    ``notes`` opens the speaker notes ("response rates:"); the part's title goes before its
    colon.
    """
    lead, _, rest = notes.partition(":")
    return [
        ChartSpec(
            key=key + part.key,
            title=title + part.title,
            figure=part.figure,
            table=part.rows,
            columns=columns,
            filename=filename + part.filename,
            speaker_notes=speaker_notes(f"{lead}{part.title}:{rest}", part.rows),
        )
        for part in parts
    ]


def fits(figure: go.Figure, look: Look) -> bool:
    """Whether a figure fits the height its look allows (any, when the look sets none)."""
    return look.height is None or int(figure.layout.height or 0) <= look.height


def label_lines(rows: pd.DataFrame, look: Look) -> list[int]:
    """The lines each row's label takes in a forest drawn in ``look``."""
    return [
        charts.row_label(row, width=look.label_width).count("<br>") + 1
        for _, row in rows.iterrows()
    ]


def fitting_parts(
    rows: pd.DataFrame,
    draw: Callable[[pd.DataFrame], go.Figure],
    look: Look,
    *,
    split: bool,
    per: str | None = fr.ENDPOINT,
) -> list[Part]:
    """A chart's rows drawn whole, or, with ``split``, cut into parts that fit ``look.height``.

    The whole chart when it fits; else one part per setting, in setting order; a setting
    that alone is taller than the look allows is cut into groups of ``per`` (endpoints) in
    their order, as many as fit on one slide, and a ``per`` group that alone does not fit
    into runs of rows (``per`` None: no cut below settings). Parts of one setting are titled
    "(1 of 3)", "(2 of 3)"... Every part is checked by drawing it: a part still too tall
    (the last resort is one row) is kept, and shows smaller.
    """

    def too_tall(part: pd.DataFrame) -> bool:  # its rows alone outgrow the look: skip a draw
        return per is not None and look.row_height * sum(label_lines(part, look)) > (
            look.height or math.inf
        )

    if not split or not too_tall(rows):
        whole = draw(rows)
        if not split or fits(whole, look):
            return [Part(rows, whole)]
    parts = []
    for setting, sub in rows.sort_values(fr.SETTING_ORDER, kind="stable").groupby(
        fr.SETTING, sort=False
    ):
        figure = draw(sub)
        if per is None or fits(figure, look):
            pieces = [(sub, figure)]
        else:
            pieces = _pieces(sub, figure, draw, look, per)
        short = str(sub[fr.SETTING_SHORT].iloc[0])
        for (piece, drawn), (of, number) in zip(pieces, numbered(len(pieces)), strict=True):
            parts.append(
                Part(
                    piece,
                    drawn,
                    key=f"_{slug(str(setting), '_')}" + (f"_{number}" if number else ""),
                    title=f": {short}{of}",
                    filename=f"-{slug(str(setting))}" + (f"-{number}" if number else ""),
                )
            )
    return parts


def _pieces(
    sub: pd.DataFrame,
    figure: go.Figure,
    draw: Callable[[pd.DataFrame], go.Figure],
    look: Look,
    per: str,
) -> list[tuple[pd.DataFrame, go.Figure]]:
    """One setting's rows in groups of ``per`` that fit ``look.height``, each drawn.

    The row budget comes from the slide's height and the look's row height: a forest panel
    is ``row_height`` per line of its row labels plus one, under a title block, a legend and
    an axis that do not grow with the rows; their height is what the setting's own figure
    (``figure``, too tall) has beyond its rows, less the note lines (a criteria warning) a
    part may not need. Each group is then checked by drawing it (fits), and a group
    that does not fit is grouped again with half its lines for a budget.
    """
    lines = label_lines(sub, look)
    fixed = int(figure.layout.height) - look.row_height * (sum(lines) + 1)
    notes = str(figure.layout.title.subtitle.text or "").count("<br>")  # beyond the first
    budget = ((look.height or 0) - fixed + notes * look.line) // look.row_height - 1
    return _fitted_groups(sub.assign(_lines=lines), draw, look, per, budget)


def _fitted_groups(
    rows: pd.DataFrame,
    draw: Callable[[pd.DataFrame], go.Figure],
    look: Look,
    per: str,
    budget: int,
) -> list[tuple[pd.DataFrame, go.Figure]]:
    out = []
    for group in _groups(rows, per, budget):
        part = group.drop(columns="_lines")
        drawn = draw(part)
        size = int(group["_lines"].sum())
        if len(group) == 1 or fits(drawn, look):
            out.append((part, drawn))
        else:
            out += _fitted_groups(group, draw, look, per, math.ceil(size / 2))
    return out


def _groups(sub: pd.DataFrame, per: str, budget: int) -> list[pd.DataFrame]:
    """Rows grouped by ``per`` in order, whole groups packed while their lines fit ``budget``.

    A group with more lines than the budget is cut into runs of rows of even size (at least
    one row each). ``sub`` has the label lines of each row in ``_lines``.
    """
    sub = sub.sort_values([fr.ENDPOINT_ORDER, fr.SOURCE_ORDER, fr.COHORT_ORDER], kind="stable")
    pieces: list[pd.DataFrame] = []
    for _, unit in sub.groupby(per, sort=False):
        lines = [int(n) for n in unit["_lines"]]
        start = 0
        while start < len(unit):
            rest = sum(lines[start:])
            target = math.ceil(rest / math.ceil(rest / max(budget, 1)))  # even runs
            end, used = start + 1, lines[start]
            while end < len(unit) and used + lines[end] <= target:
                used += lines[end]
                end += 1
            pieces.append(unit.iloc[start:end])
            start = end
    out: list[pd.DataFrame] = []
    used = budget + 1
    for piece in pieces:
        size = int(piece["_lines"].sum())
        if out and used + size <= budget:
            out[-1] = pd.concat([out[-1], piece])
            used += size
        else:
            out.append(piece)
            used = size
    return out


def runs_that_fit(
    units: Sequence[pd.DataFrame], draw: Callable[[pd.DataFrame], go.Figure], look: Look
) -> list[tuple[pd.DataFrame, go.Figure]]:
    """Consecutive units (a chart's rows in blocks) packed as many to a part as fit, drawn.

    For builders whose height is not a row height per label line (the grid, the benefit-harm
    chart): each part's size is guessed from the one before (at first, from the share of
    the slide the whole would take), then checked by drawing it, one unit less or more at a
    time. A single unit that does not fit is a part of its own, and shows smaller.
    """
    whole = draw(pd.concat(list(units)))
    guess = max(1, len(units) * (look.height or 0) // max(int(whole.layout.height), 1))
    out: list[tuple[pd.DataFrame, go.Figure]] = []
    start = 0
    while start < len(units):
        size = max(1, min(guess, len(units) - start))
        drawn = draw(pd.concat(list(units[start : start + size])))
        while size > 1 and not fits(drawn, look):
            size -= 1
            drawn = draw(pd.concat(list(units[start : start + size])))
        while start + size < len(units) and fits(drawn, look):
            bigger = draw(pd.concat(list(units[start : start + size + 1])))
            if not fits(bigger, look):
                break
            size, drawn = size + 1, bigger
        out.append((pd.concat(list(units[start : start + size])), drawn))
        start, guess = start + size, size
    return out


def category_results(
    loaded: LoadedEvidence, filters: Filters, *, category: str, endpoints: Sequence[str] = ()
) -> pd.DataFrame:
    """The filtered results of one endpoint category, narrowed to ``endpoints`` when given."""
    results = filters.apply(loaded.results)
    results = results[results[fr.CATEGORY] == category]
    return results[results[fr.ENDPOINT].isin(list(endpoints))] if endpoints else results


def coverage_specs(
    loaded: LoadedEvidence, filters: Filters, ask: Ask, choice: None = None
) -> list[ChartSpec]:
    """The regimen x setting grid, or nothing when no cohort is in view (no page choice).

    ``ask.split``: a grid taller than the look's height allows is cut into runs of regimens,
    every part with all the settings (its gaps are the point), titled "(1 of 3)"...
    """
    key, title, look = ask.key, ask.title, ask.look
    coverage = filters.apply(loaded.coverage)
    if coverage[fr.COHORTS].sum() == 0:
        return []
    results = filters.apply(loaded.results)
    draw = functools.partial(
        charts.coverage_figure,
        title=_shown_title(title, look),
        subtitle=_subtitle(
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
        title=_shown_title(title, look),
        x_title=x_title,
        subtitle=_subtitle(loaded, filters, look),
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
            title=_shown_title(unit_title, look),
            x_title=vocabulary.UNIT.label(unit),
            x_range=x_range,
            subtitle=_subtitle(loaded, filters, look),
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
        title=_shown_title(title, look),
        subtitle=_subtitle(loaded, filters, look),
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
        title=_shown_title(title, look),
        x_title=x_title,
        y_title=y_title,
        links=fr.plane_links(plane, filters.apply(loaded.cohorts)),
        subtitle=_subtitle(loaded, filters, look),
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
            "title": _shown_title(heading, look),
            "regimen": found.regimen,
            "versus": found.versus_regimen,
            "subtitle": _subtitle(loaded, filters, look, lead),
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
