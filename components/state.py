"""The cached evidence loader, filter state and the keys every widget uses."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import streamlit as st

from components.bundle import Bundle, Filters, bundle_from_path

__all__ = ["Bundle", "Filters"]

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


def evidence_path() -> str:
    """The evidence file to show: $EVIDENCE_FILE, then ``-- --evidence PATH``, then the bundled."""
    env = os.environ.get(EVIDENCE_ENV)
    if env:
        return env
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--evidence")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return str(known.evidence) if known.evidence else str(BUNDLED_EVIDENCE)


@st.cache_data(show_spinner=False, max_entries=8)
def _cached_bundle(path: str, mtime_ns: int, size: int) -> Bundle:
    # mtime and size are part of the cache key so that editing the file invalidates it.
    del mtime_ns, size
    return bundle_from_path(path)


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
