"""Loaded evidence (a validated file with every frame the pages draw from) and the filters.

No Streamlit here: the pages reach this through the cached loader in state.py, and the
exporter and the command line use it directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evidence import frames as fr
from evidence import vocabulary
from evidence.changelog import ChangeLog, changelog_path, load_changelog
from evidence.design import Design
from evidence.effects import effect_table
from evidence.loader import DEFAULT_MAX_BYTES, EvidenceError
from evidence.models import Evidence
from evidence.reader import Read, read_evidence, read_evidence_path

ROOT = Path(__file__).resolve().parents[1]
"""The repository (or installed project) root."""
BUNDLED_EVIDENCE = ROOT / "data" / "evidence.yaml"
"""The evidence the dashboard and the exports show when no other file is named."""


@dataclass(frozen=True, eq=False)  # identity hash: loaded evidence is cached and looked up as is
class LoadedEvidence:
    """A validated evidence file with every frame the pages draw from (treat as read-only)."""

    evidence: Evidence
    name: str
    data_version: str
    results: pd.DataFrame
    comparisons: pd.DataFrame
    findings: pd.DataFrame
    verdicts: pd.DataFrame
    sources: pd.DataFrame
    cohorts: pd.DataFrame
    coverage: pd.DataFrame
    cohort_verdict: dict[str, str] = field(default_factory=dict)
    changelog: ChangeLog | None = None
    changelog_error: EvidenceError | None = None
    skipped: tuple[str, ...] = ()
    """For an imported registry record: what was left out of it, one line each, with why."""

    @functools.cached_property
    def design(self) -> Design:
        """How the cohorts relate: allocation, shared treatment, shared patients."""
        return Design(self.evidence)

    @functools.cached_property
    def effects(self) -> pd.DataFrame:
        """The within-study effects, built on first use (only then is statsmodels imported)."""
        return effect_table(self.evidence)


def data_version(data: bytes, updated: dt.date | None) -> str:
    """Short content hash plus the file's review date, e.g. ``3f2a9c1e (2026-11-25)``."""
    digest = hashlib.sha256(data).hexdigest()[:8]
    return f"{digest} ({updated.isoformat()})" if updated else digest


def load(
    evidence: Evidence,
    name: str,
    version: str,
    *,
    changelog: ChangeLog | None = None,
    changelog_error: EvidenceError | None = None,
) -> LoadedEvidence:
    """Build every frame once for a validated evidence file."""
    results = fr.result_table(evidence)
    return LoadedEvidence(
        evidence=evidence,
        name=name,
        data_version=version,
        results=results,
        comparisons=fr.comparison_table(evidence),
        findings=fr.finding_table(evidence),
        verdicts=fr.verdict_table(evidence),
        sources=fr.source_table(evidence),
        cohorts=fr.cohort_table(evidence),
        coverage=fr.coverage_table(evidence, results),
        cohort_verdict={k: v.verdict for k, v in fr.cohort_verdicts(evidence).items()},
        changelog=changelog,
        changelog_error=changelog_error,
    )


def load_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedEvidence:
    """Validate evidence bytes, YAML, an .xlsx workbook or a registry record, with its frames.

    A ClinicalTrials.gov record (``.json`` / ``.xml``) is imported first (evidence.ctgov);
    what it leaves out is kept in ``skipped``. Raises EvidenceError with every problem (a
    workbook's name their cells, a record's its JSON path or XML element).
    """
    return _loaded(read_evidence(data, name, max_bytes=max_bytes), name)


def _loaded(
    read: Read,
    name: str,
    changelog: ChangeLog | None = None,
    changelog_error: EvidenceError | None = None,
) -> LoadedEvidence:
    version = data_version(read.data, read.evidence.updated)
    loaded = load(
        read.evidence, name, version, changelog=changelog, changelog_error=changelog_error
    )
    return dataclasses.replace(loaded, skipped=read.skipped) if read.skipped else loaded


def load_path(path: str | Path) -> LoadedEvidence:
    """Load an evidence file from disk (YAML, workbook or registry record) and its frames.

    The change log beside it (``X.changelog.yaml``), if any, comes too; a broken log keeps
    its problems for the Sources page and never stops the evidence from showing.
    """
    read = read_evidence_path(path)
    log: ChangeLog | None = None
    log_error: EvidenceError | None = None
    log_path = changelog_path(path)
    if log_path.is_file():
        try:
            log = load_changelog(log_path)
        except EvidenceError as error:
            log_error = error
    return _loaded(read, str(path), log, log_error)


# --------------------------------------------------------------------------- filters


def unique_labels(options: Mapping[str, str]) -> dict[str, str]:
    """Make option labels unique by adding the id to any label used twice.

    A URL-bound widget stores its displayed labels in the URL, so two options must never
    display alike.
    """
    counts: dict[str, int] = {}
    for label in options.values():
        counts[label] = counts.get(label, 0) + 1
    return {
        key: f"{label} ({key})" if counts[label] > 1 else label for key, label in options.items()
    }


def _words(vocab: vocabulary.Vocabulary, used: list[str]) -> dict[str, str]:
    return {word: vocab.label(word) for word in dict.fromkeys(used)}


@dataclass(frozen=True)
class FilterSpec:
    """One sidebar filter.

    ``key`` is the widget key and URL parameter, ``option`` the export command line's option
    (``--settings``), ``column`` the frame column it selects on, ``everything`` what an empty
    selection means, ``options`` a file's choices (id -> label) and ``short`` their short
    names for a figure's subtitle (default: the labels).
    """

    key: str
    option: str
    column: str
    title: str
    everything: str
    options: Callable[[Evidence], dict[str, str]]
    short: Callable[[Evidence], dict[str, str]] | None = None

    def labels(self, ev: Evidence) -> dict[str, str]:
        """The options for ``ev``, each label unique (the URL holds labels)."""
        return unique_labels(self.options(ev))


FILTERS = (
    FilterSpec(
        "setting",
        "settings",
        fr.SETTING,
        "Settings",
        "All settings",
        lambda ev: {s.id: s.label for s in ev.settings},
        lambda ev: {s.id: s.short for s in ev.settings},
    ),
    FilterSpec(
        "regimen",
        "regimens",
        fr.REGIMEN,
        "Regimens",
        "All regimens",
        lambda ev: {r.id: f"{r.short} — {r.label}" for r in ev.regimens},
        lambda ev: {r.id: r.short for r in ev.regimens},
    ),
    FilterSpec(
        "role",
        "roles",
        fr.ROLE,
        vocabulary.ROLE.title,
        "Both",
        lambda ev: _words(vocabulary.ROLE, [r.role for r in ev.regimens]),
    ),
    FilterSpec(
        "design",
        "designs",
        fr.DESIGN,
        vocabulary.DESIGN.title,
        "All designs",
        lambda ev: _words(vocabulary.DESIGN, [s.design for s in ev.sources]),
    ),
    FilterSpec(
        "reported",
        "reported-by",
        fr.REPORTED_BY,
        vocabulary.REPORTED_BY.title,
        "Anyone",
        lambda ev: _words(vocabulary.REPORTED_BY, [r.reported_by for r in ev.results]),
    ),
)
"""The filters, in sidebar order: the one place each is defined."""
FILTER_KEYS = tuple(spec.key for spec in FILTERS)


@dataclass(frozen=True)
class Filters:
    """The sidebar selections: for each filter key, the chosen ids; empty means "all"."""

    chosen: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(cls, **chosen: tuple[str, ...] | list[str]) -> Filters:
        """Filters from keyword selections, e.g. ``Filters.of(setting=("al",))``."""
        unknown = sorted(set(chosen) - set(FILTER_KEYS))
        if unknown:
            raise ValueError(f"unknown filter(s) {', '.join(unknown)}")
        return cls(tuple((key, tuple(chosen.get(key) or ())) for key in FILTER_KEYS))

    def get(self, key: str) -> tuple[str, ...]:
        """The ids chosen for filter ``key`` (empty: all)."""
        return dict(self.chosen).get(key, ())

    def is_active(self) -> bool:
        """Whether any filter narrows the view."""
        return any(ids for _, ids in self.chosen)

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``frame`` that pass every selection (a column it lacks is not filtered)."""
        return fr.filter_frame(frame, {spec.column: self.get(spec.key) for spec in FILTERS})

    def describe(self, ev: Evidence) -> str:
        """The filters in force in words, e.g. "Settings: AL · Reported by: Trial report"."""
        parts = []
        for spec in FILTERS:
            ids = self.get(spec.key)
            if ids:
                labels = (spec.short or spec.options)(ev)
                parts.append(f"{spec.title}: {', '.join(labels.get(i, i) for i in ids)}")
        return " · ".join(parts) if parts else "All settings and regimens"
