"""A loaded evidence file with its frames, and the filter selection; no Streamlit.

Shared by the pages (through the cached loader in state.py) and by the exporter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evidence import frames as fr
from evidence.loader import load_evidence, load_evidence_bytes, parse_evidence
from evidence.models import Evidence


@dataclass(frozen=True, eq=False)  # identity hash: a bundle is cached and looked up as is
class Bundle:
    """A loaded evidence file with every frame the pages draw from (treat as read-only)."""

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


@dataclass(frozen=True)
class Filters:
    """The sidebar selections; an empty tuple means "all"."""

    settings: tuple[str, ...] = ()
    regimens: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    designs: tuple[str, ...] = ()
    reported_by: tuple[str, ...] = ()

    def is_active(self) -> bool:
        """Whether any filter narrows the view."""
        return any((self.settings, self.regimens, self.roles, self.designs, self.reported_by))

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of ``frame`` that pass every selection."""
        return fr.filter_frame(
            frame,
            settings=self.settings,
            regimens=self.regimens,
            roles=self.roles,
            designs=self.designs,
            reported_by=self.reported_by,
        )


def data_version(data: bytes, updated: dt.date | None) -> str:
    """Short content hash plus the file's review date, e.g. ``3f2a9c1e (2026-11-25)``."""
    digest = hashlib.sha256(data).hexdigest()[:8]
    return f"{digest} ({updated.isoformat()})" if updated else digest


def build_bundle(evidence: Evidence, name: str, version: str) -> Bundle:
    """Build every frame once for a loaded evidence file."""
    results = fr.result_table(evidence)
    return Bundle(
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
    )


def bundle_from_bytes(data: bytes, name: str, *, max_bytes: int | None = None) -> Bundle:
    """Validate evidence bytes and build its bundle (raises EvidenceError)."""
    evidence = (
        load_evidence_bytes(data, name=name, max_bytes=max_bytes)
        if max_bytes is not None
        else parse_evidence(data, name)
    )
    return build_bundle(evidence, name, data_version(data, evidence.updated))


def bundle_from_path(path: str | Path) -> Bundle:
    """Load an evidence file from disk and build its bundle (raises EvidenceError)."""
    evidence = load_evidence(path)
    data = Path(path).read_bytes()
    return build_bundle(evidence, str(path), data_version(data, evidence.updated))
