"""The blocks that are not charts, composed once for every medium.

A verdict card, a source entry, a finding and the caveats of a view are built here from the
evidence and the filters, as frozen values holding every sentence they say. The page
(``components/panels.py``), the offline page (``export/html.py``), the deck and its speaker
notes (``export/deck.py``) and the export's README (``export/files.py``) only lay them out:
none of them writes a sentence of its own about a verdict, a source or a finding.

No Streamlit. A source entry's facts are generic: a new one is a line in ``_facts`` (and the
model's field), and every medium shows it. A verdict card is laid out field by field: a new
field is listed in ``VerdictCard.texts()`` here and placed by each medium
(tests/test_content.py names the medium that does not show it).
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from components import compare, tables
from components.loaded import Filters, LoadedEvidence
from components.words import (
    agree,
    editorial_only,
    n_text,
    plural,
    verdict_colour,
    verdict_label,
)
from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary
from evidence.ctgov.mapping import STUDY_URL
from evidence.models import Source

NO_FIGURES = "No number behind this judgement in the evidence file."
EFFECTS_HEADING = "Within-study effects of these figures:"
PARAPHRASED = "Paraphrased in our words, not quoted."


# Figures as sentences: what a verdict rests on, and their within-study effects.


def _ci_phrase(row: Mapping[Hashable, Any], *, reported_only: bool) -> str:
    if pd.isna(row[fr.CI_LOW]) or (reported_only and row.get(fr.CI_KIND) != fr.CI_REPORTED):
        return ""
    low, high = fr.format_number(row[fr.CI_LOW]), fr.format_number(row[fr.CI_HIGH])
    return f", {fr.ci_words(row.get(fr.CI_LEVEL, 95))} {low}–{high}"


def _result_line(row: Mapping[Hashable, Any]) -> str:
    where = f", {row[fr.LOCATOR]}" if isinstance(row[fr.LOCATOR], str) else ""
    who = vocabulary.REPORTED_BY.phrase(row[fr.REPORTED_BY])
    return (
        f"{row[fr.COHORT_LABEL]} · {row[fr.ENDPOINT_LABEL]}: {row[fr.VALUE_TEXT]}"
        f"{_ci_phrase(row, reported_only=True)} "
        f"({n_text(row[fr.N]).replace('n = ', 'n=')}; {row[fr.SOURCE_SHORT]}{where}; "
        f"reported by {who})"
    )


def _comparison_line(row: Mapping[Hashable, Any]) -> str:
    if isinstance(row.get(fr.HELD_BACK), str):
        return (
            f"{row[fr.COHORT_LABEL]} vs {row[fr.VERSUS_LABEL]} · {row[fr.ENDPOINT_LABEL]}: the "
            f"source reports a {vocabulary.MEASURE.phrase(row[fr.MEASURE])}, not shown. "
            f"{row[fr.HELD_BACK]} ({row[fr.SOURCE_SHORT]})"
        )
    p = f", p {row[fr.P]}" if isinstance(row[fr.P], str) else ""
    return (
        f"{row[fr.COHORT_LABEL]} vs {row[fr.VERSUS_LABEL]} · {row[fr.ENDPOINT_LABEL]}: "
        f"{vocabulary.MEASURE.phrase(row[fr.MEASURE])} {fr.format_number(row[fr.VALUE])}"
        f"{_ci_phrase(row, reported_only=False)}{p} ({row[fr.SOURCE_SHORT]})"
    )


def _finding_line(row: Mapping[Hashable, Any]) -> str:
    return finding_card(row).line


_KEY_LINES: weakref.WeakKeyDictionary[LoadedEvidence, dict[str, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def describe_key(key: str, loaded: LoadedEvidence) -> list[str]:
    """A ``rests_on`` key as readable figures with n, CI, source and who reported them.

    The lines of every key are built once per loaded file: verdict panels ask for dozens per
    run.
    """
    lines = _KEY_LINES.get(loaded)
    if lines is None:
        lines = {}
        for frame, line in (
            (loaded.results, _result_line),
            (loaded.comparisons, _comparison_line),
            (loaded.findings, _finding_line),
        ):
            for row in frame.to_dict("records"):
                lines.setdefault(str(row[fr.KEY]), []).append(line(row))
        _KEY_LINES[loaded] = lines
    return lines.get(key) or [f"{key} (not found in the evidence file)"]


_EFFECT_LINES: weakref.WeakKeyDictionary[LoadedEvidence, dict[str, list[str]]] = (
    weakref.WeakKeyDictionary()
)


def effect_lines(key: str, loaded: LoadedEvidence) -> list[str]:
    """The within-study effects of a ``rests_on`` figure (``cohort/endpoint``), in words.

    Every comparison of that cohort with another arm of its source on that endpoint: computed
    differences with their CIs (marked as ours), and effects as the source reports them.
    Built once per loaded file, for every key at once (filtering the effect table per key
    cost 2 ms a key, 160 ms a run of the verdict page).
    """
    lines = _EFFECT_LINES.get(loaded)
    if lines is None:
        lines = {}
        for _, row in loaded.effects.iterrows():
            line = _effect_line(row)
            if line:
                for cohort in (row[fx.COHORT], row[fx.VERSUS]):
                    lines.setdefault(f"{cohort}/{row[fx.ENDPOINT]}", []).append(line)
        _EFFECT_LINES[loaded] = lines
    return lines.get(key, [])


def _effect_line(row: pd.Series) -> str:
    parts = [
        compare.difference_text(row) and f"{compare.difference_text(row)} per 100",
        compare.ratio_text(row),
        compare.nnt_text(row),
    ]
    said = "; ".join(p for p in parts if p)
    if not row[fx.CONTRASTED]:
        risks = (  # a reported effect has no risks of its own
            f"{row[fx.VALUE_TEXT]} vs {row[fx.VERSUS_VALUE_TEXT]}; "
            if row[fx.BASIS] != fx.BASIS_REPORTED
            else ""
        )
        return (  # the two risks, and why no contrast
            f"{row[fx.COHORT_LABEL]} vs {row[fx.VERSUS_LABEL]} · {row[fx.ENDPOINT_LABEL]}: "
            f"{risks}not contrasted. {row[fx.HELD_BACK]}"
        )
    if not said:
        return ""
    who = (
        "as reported"
        if row[fx.BASIS] == fx.BASIS_REPORTED
        else "computed by us"
        + ("" if row[fx.RANDOMISED] else f", {vocabulary.ALLOCATION.label(row[fx.ALLOCATION])}")
    )
    return (
        f"{row[fx.COHORT_LABEL]} vs {row[fx.VERSUS_LABEL]} · {row[fx.ENDPOINT_LABEL]}: "
        f"{said} ({who})"
    )


READING_KEY = (
    f"Open markers are figures stated only by the editorial; † marks n under "
    f"{fr.SMALL_N_THRESHOLD} or not reported. Verdicts are our paraphrases of the editorial, "
    "not its words."
)
"""How to read markers and verdicts: the offline page and the export's read-me say it."""


def caveat_lines(loaded: LoadedEvidence, filters: Filters) -> list[str]:
    """What to keep in mind before comparing the figures in view.

    The deck's caveats slide and the offline page's caveats.
    """
    results = filters.apply(loaded.results)
    lines = [
        "Cross-trial comparisons: cohorts from different trials sit side by side; populations, "
        "doses, follow-up and definitions differ. Only within-trial ratios (hazard ratios) "
        "are randomised contrasts."
    ]
    if results.empty:
        return [*lines, "No figures in view."]
    unknown, small, editorial = tables.caveat_counts(results)
    lines.append(
        f"{plural(len(results), 'figure')} in view: {small} from cohorts under "
        f"{fr.SMALL_N_THRESHOLD} patients, {unknown} with n not reported (marked † on the charts)."
    )
    lines.append(
        f"{editorial_only(editorial)} (open markers), with no trial report behind them in this "
        "file."
    )
    designs = results.drop_duplicates(fr.SOURCE)[fr.DESIGN].value_counts(sort=False)
    if len(designs) > 1:
        lines.append(
            "Designs differ: "
            + ", ".join(
                f"{vocabulary.DESIGN.phrase(d)} ({plural(int(n), 'source')})"
                for d, n in designs.items()
            )
            + "."
        )
    response = results[results[fr.CATEGORY] == "response"]
    criteria = [str(c) for c in dict.fromkeys(response[fr.CRITERIA].dropna())]
    if len(criteria) > 1:
        lines.append(
            "Different response criteria (not comparable on one axis): " + "; ".join(criteria) + "."
        )
    return lines


@dataclass(frozen=True)
class VerdictCard:
    """One verdict of the editorial with everything every medium says about it.

    ``asides`` are what to read beside the statement, each a sentence every medium shows as a
    side note under it: our note on the verdict, then how many of its figures are weak (a new
    aside is one more item here, and every medium shows it). ``figures`` are the results it
    rests on as sentences (n, CI, source, who reported them); ``effects`` are the within-study
    effects of those figures; ``reference`` is where the editorial says it and that the
    statement is ours.
    """

    label: str
    icon: str
    colour: str
    setting: str
    regimens: str
    efficacy: str
    safety: str
    statement: str
    asides: tuple[str, ...]
    figures: tuple[str, ...]
    effects: tuple[str, ...]
    reference: str

    @property
    def heading(self) -> str:
        """``AL amyloidosis: Ld``: the setting and the regimens judged."""
        return f"{self.setting}: {self.regimens}"

    @property
    def rating(self) -> str:
        """The verdict word with its efficacy and safety ratings, in one line."""
        return f"{self.label} · Efficacy: {self.efficacy} · Safety: {self.safety}"

    @property
    def rests_heading(self) -> str:
        """``Rests on 3 figures:``, or that it rests on none."""
        return f"Rests on {plural(len(self.figures), 'figure')}:" if self.figures else NO_FIGURES

    def texts(self) -> tuple[str, ...]:
        """Every sentence of the card, in reading order (what a medium must show)."""
        return (
            self.heading,
            self.rating,
            self.statement,
            *self.asides,
            self.rests_heading,
            *self.figures,
            *((EFFECTS_HEADING, *self.effects) if self.effects else ()),
            self.reference,
        )


def _weak_caveat(loaded: LoadedEvidence, keys: Iterable[str]) -> str:
    rested = loaded.results[loaded.results[fr.KEY].isin(list(keys))]
    unknown, small, editorial = tables.caveat_counts(rested)
    weak = unknown + small
    parts = []
    if weak:
        parts.append(
            f"{weak} of these figures {agree(weak, 'comes', 'come')} from cohorts under "
            f"{fr.SMALL_N_THRESHOLD} patients or with n not reported"
        )
    if editorial:
        parts.append(editorial_only(editorial))
    return ("Caveat: " + "; ".join(parts) + ".") if parts else ""


def verdict_card(verdict: Mapping[Hashable, Any], loaded: LoadedEvidence) -> VerdictCard:
    """The card of one row of ``loaded.verdicts``."""
    word = str(verdict[fr.VERDICT])
    keys = [str(key) for key in verdict[fr.RESTS_ON]]
    ref = verdict[fr.EDITORIAL_REF]
    note = verdict.get(fr.NOTE)
    return VerdictCard(
        label=verdict_label(word),
        icon=vocabulary.VERDICT.icon(word),
        colour=verdict_colour(word),
        setting=str(verdict[fr.SETTING_LABEL]),
        regimens=str(verdict[fr.REGIMEN_LABELS]),
        efficacy=vocabulary.EFFICACY.label(verdict[fr.EFFICACY]),
        safety=vocabulary.SAFETY.label(verdict[fr.SAFETY]),
        statement=str(verdict[fr.STATEMENT]),
        asides=tuple(
            aside
            for aside in (
                f"Our note: {note}" if isinstance(note, str) and note else "",
                _weak_caveat(loaded, keys),
            )
            if aside
        ),
        figures=tuple(line for key in keys for line in describe_key(key, loaded)),
        effects=tuple(line for key in keys for line in effect_lines(key, loaded)),
        reference=(
            f"Editorial reference {ref}. {PARAPHRASED}"
            if isinstance(ref, str) and ref
            else f"The editorial. {PARAPHRASED}"
        ),
    )


_CARDS: weakref.WeakKeyDictionary[LoadedEvidence, dict[str, VerdictCard]] = (
    weakref.WeakKeyDictionary()
)


def verdict_cards(loaded: LoadedEvidence, filters: Filters) -> tuple[VerdictCard, ...]:
    """The cards of every verdict in view, in setting order.

    Every verdict's card is built once per file; a view only picks its verdicts' cards.
    """
    cards = _CARDS.get(loaded)
    if cards is None:
        rows = loaded.verdicts.to_dict("records")
        cards = _CARDS[loaded] = {str(r[fr.VERDICT_ID]): verdict_card(r, loaded) for r in rows}
    verdicts = filters.apply(loaded.verdicts).sort_values(fr.SETTING_ORDER, kind="stable")
    return tuple(cards[str(key)] for key in verdicts[fr.VERDICT_ID])


@dataclass(frozen=True)
class Fact:
    """One fact of a source entry: its column header, its value, and how prose says it."""

    label: str
    value: str | int
    said: str


@dataclass(frozen=True)
class Link:
    """A link of a source entry: its kind (the column header), its text and its address."""

    kind: str
    text: str
    url: str


@dataclass(frozen=True)
class SourceEntry:
    """One source: its short name, its citation, its facts, its links and our note."""

    key: str
    name: str
    citation: str
    facts: tuple[Fact, ...]
    links: tuple[Link, ...]
    note: str

    @property
    def fact_line(self) -> str:
        """The facts in one line: ``Randomised phase 3 · n = 704 · trial MM-009 · ...``."""
        return " · ".join(fact.said for fact in self.facts)

    def texts(self) -> tuple[str, ...]:
        """Every sentence of the entry (what a medium must show)."""
        return (
            self.name,
            self.citation,
            *(fact.said for fact in self.facts),
            *(link.text for link in self.links),
            self.note,
        )


LINK_KINDS = ("DOI", "PubMed", "Registry", "Link")
"""The kinds of link a source entry may have, in the order they are shown."""


def _facts(source: Source, row: Mapping[Hashable, Any]) -> tuple[Fact, ...]:
    """A source's facts: add a line here for a new optional source field."""
    design = vocabulary.DESIGN.label(source.design)
    facts = [Fact("Design", design, design)]
    if fr.present(row[fr.N_TOTAL]):
        facts.append(Fact("n", int(row[fr.N_TOTAL]), n_text(row[fr.N_TOTAL])))
    if source.trial:
        facts.append(Fact("Trial", source.trial, f"trial {source.trial}"))
    if source.year is not None:
        facts.append(Fact("Year", source.year, str(source.year)))
    if source.editorial_ref:
        ref = source.editorial_ref
        facts.append(Fact("Editorial ref.", ref, f"editorial ref. {ref}"))
    figures = int(row[fr.NUMBERS])
    facts.append(Fact("Figures", figures, plural(figures, "figure") + " in this file"))
    return tuple(facts)


def _links(source: Source) -> tuple[Link, ...]:
    links = []
    if source.doi:
        links.append(Link("DOI", f"doi:{source.doi}", f"https://doi.org/{source.doi}"))
    if source.pmid:
        url = f"https://pubmed.ncbi.nlm.nih.gov/{source.pmid}"
        links.append(Link("PubMed", f"PubMed {source.pmid}", url))
    if source.nct:
        url = STUDY_URL.format(nct=source.nct)
        links.append(Link("Registry", source.nct, url))
    if source.url:
        links.append(Link("Link", source.url, source.url))
    return tuple(links)


def source_entries(loaded: LoadedEvidence, sources: pd.DataFrame) -> tuple[SourceEntry, ...]:
    """The entries of the rows of ``sources`` (a slice of ``loaded.sources``), in its order."""
    models = {source.id: source for source in loaded.evidence.sources}
    out = []
    for row in sources.to_dict("records"):
        source = models[str(row[fr.SOURCE])]
        out.append(
            SourceEntry(
                key=source.id,
                name=source.short,
                citation=source.citation,
                facts=_facts(source, row),
                links=_links(source),
                note=source.note or "",
            )
        )
    return tuple(out)


def sources_in_view(loaded: LoadedEvidence, filters: Filters) -> pd.DataFrame:
    """The rows of ``loaded.sources`` with a cohort in view (all of them when unfiltered)."""
    if not filters.is_active():
        return loaded.sources
    return fr.sources_in_view(loaded.sources, filters.apply(loaded.cohorts))


def source_table(entries: Iterable[SourceEntry]) -> pd.DataFrame:
    """The entries as a table: name, each fact, each kind of link (its address), citation, note.

    The Sources page's grid and its CSV; a fact or link kind no entry has gets no column.
    """
    rows = []
    for entry in entries:
        row: dict[str, object] = {"Source": entry.name}
        row.update({fact.label: fact.value for fact in entry.facts})
        row.update({link.kind: link.url for link in entry.links})
        row.update({"Citation": entry.citation, "Note": entry.note or None})
        rows.append(row)
    table = pd.DataFrame(rows)
    links = [kind for kind in LINK_KINDS if kind in table.columns]
    rest = [c for c in table.columns if c not in (*links, "Citation", "Note")]
    return table[[*rest, *links, "Citation", "Note"]] if rows else table


@dataclass(frozen=True)
class FindingCard:
    """A finding without a number: its direction, what it is about, the statement, who says it."""

    mark: str
    direction: str
    endpoint: str
    cohort: str
    versus: str
    statement: str
    reported_by: str
    locator: str
    source: str

    @property
    def heading(self) -> str:
        """``↑ better · Quality of life · Rd (MM-015)``, with `` vs ...`` when compared."""
        versus = f" vs {self.versus}" if self.versus else ""
        return f"{self.mark} {self.direction} · {self.endpoint} · {self.cohort}{versus}".strip()

    @property
    def line(self) -> str:
        """The finding in one line, as a verdict's list of what it rests on shows it."""
        return (
            f"{self.cohort} · {self.endpoint}: {self.statement} "
            f"({self.direction}; {self.source}; finding without a number)"
        )

    @property
    def byline(self) -> str:
        """Who reported it, and where in the source."""
        where = f", {self.locator}" if self.locator else ""
        return f"Finding without a number · reported by {self.reported_by}{where}"


def finding_card(row: Mapping[Hashable, Any]) -> FindingCard:
    """The card of one row of ``loaded.findings``."""
    direction = row[fr.DIRECTION]
    versus, locator = row[fr.VERSUS_LABEL], row[fr.LOCATOR]
    return FindingCard(
        mark=vocabulary.DIRECTION.mark(direction),
        direction=vocabulary.DIRECTION.phrase(direction),
        endpoint=str(row[fr.ENDPOINT_LABEL]),
        cohort=str(row[fr.COHORT_LABEL]),
        versus=versus if isinstance(versus, str) else "",
        statement=str(row[fr.STATEMENT]),
        reported_by=vocabulary.REPORTED_BY.phrase(row[fr.REPORTED_BY]),
        locator=locator if isinstance(locator, str) else "",
        source=str(row[fr.SOURCE_SHORT]),
    )
