"""The cached evidence loader, filter state and the keys every widget uses."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from evidence import frames as fr
from evidence.loader import load_evidence
from evidence.models import Evidence

ROOT = Path(__file__).resolve().parents[1]
BUNDLED_EVIDENCE = ROOT / "data" / "evidence.yaml"
EVIDENCE_ENV = "EVIDENCE_FILE"

# Widget keys. Filter keys double as URL query parameter names (bind="query-params").
KEY_SETTINGS = "setting"
KEY_REGIMENS = "regimen"
KEY_ROLES = "role"
KEY_DESIGNS = "design"
KEY_REPORTED = "reported"
FILTER_KEYS = (KEY_SETTINGS, KEY_REGIMENS, KEY_ROLES, KEY_DESIGNS, KEY_REPORTED)


@dataclass(frozen=True)
class Bundle:
    """A loaded evidence file with every frame the pages draw from (read-only)."""

    evidence: Evidence
    path: str
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


def evidence_path() -> str:
    """The evidence file to show: $EVIDENCE_FILE, then ``-- --evidence PATH``, then the bundled."""
    env = os.environ.get(EVIDENCE_ENV)
    if env:
        return env
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--evidence")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return str(known.evidence) if known.evidence else str(BUNDLED_EVIDENCE)


def data_version(data: bytes, updated: dt.date | None) -> str:
    """Short content hash plus the file's review date, e.g. ``3f2a9c1e (2026-11-25)``."""
    digest = hashlib.sha256(data).hexdigest()[:8]
    return f"{digest} ({updated.isoformat()})" if updated else digest


def build_bundle(evidence: Evidence, path: str, version: str) -> Bundle:
    """Build every frame once for a loaded evidence file."""
    return Bundle(
        evidence=evidence,
        path=path,
        data_version=version,
        results=fr.result_table(evidence),
        comparisons=fr.comparison_table(evidence),
        findings=fr.finding_table(evidence),
        verdicts=fr.verdict_table(evidence),
        sources=fr.source_table(evidence),
        cohorts=fr.cohort_table(evidence),
        coverage=fr.coverage_table(evidence),
        cohort_verdict={k: v.verdict for k, v in fr.cohort_verdicts(evidence).items()},
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_bundle(path: str, mtime_ns: int, size: int) -> Bundle:
    # mtime and size are part of the cache key so that editing the file invalidates it.
    del mtime_ns, size
    evidence = load_evidence(path)
    return build_bundle(evidence, path, data_version(Path(path).read_bytes(), evidence.updated))


def get_bundle() -> Bundle:
    """The evidence of this session, loaded once per file version (raises EvidenceError)."""
    path = evidence_path()
    try:
        stat = Path(path).stat()
        key = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (0, 0)  # the loader reports the missing file with a clear message
    return _cached_bundle(path, *key)


def current_filters() -> Filters:
    """The filters as the sidebar widgets hold them."""
    state = st.session_state
    return Filters(
        settings=tuple(state.get(KEY_SETTINGS) or ()),
        regimens=tuple(state.get(KEY_REGIMENS) or ()),
        roles=tuple(state.get(KEY_ROLES) or ()),
        designs=tuple(state.get(KEY_DESIGNS) or ()),
        reported_by=tuple(state.get(KEY_REPORTED) or ()),
    )


def reset_filters() -> None:
    """Clear every filter (a button callback)."""
    for key in FILTER_KEYS:
        st.session_state[key] = []
