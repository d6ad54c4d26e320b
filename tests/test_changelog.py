"""The change log beside an evidence file: read safely, matched to the file, shown on Sources."""

from __future__ import annotations

import shutil

import pytest
from conftest import APP, BUNDLED, FIXTURES
from streamlit.testing.v1 import AppTest

from components.loaded import load_path
from evidence.changelog import changelog_path, load_changelog
from evidence.loader import EvidenceError

BUNDLED_LOG = changelog_path(BUNDLED)


def sources_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/sources.py")
    return at.run()


def test_changelog_path_sits_beside_the_evidence_file():
    assert changelog_path("data/evidence.yaml").as_posix() == "data/evidence.changelog.yaml"
    assert changelog_path("x/other.yml").as_posix() == "x/other.changelog.yaml"


def test_bundled_changelog_describes_the_bundled_file():
    loaded = load_path(BUNDLED)
    assert loaded.changelog is not None
    assert loaded.changelog.newest.data_version == loaded.data_version
    assert loaded.changelog.newest.date == loaded.evidence.updated
    assert all(change.why and change.source for change in loaded.changelog.newest.changes)


def test_broken_changelog_reports_line_and_field(tmp_path):
    log = tmp_path / "e.changelog.yaml"
    log.write_text("versions:\n  - data_version: x\n    date: 2026-13-01\n    summery: typo\n")
    with pytest.raises(EvidenceError) as error:
        load_changelog(log)
    rows = {(p.location, p.line, p.code) for p in error.value.problems}
    assert ("versions[0].date", 3, "wrong_type") in rows
    assert ("versions[0].summery", 4, "unknown_field") in rows
    assert ("versions[0].summary", 2, "missing_field") in rows


def test_sources_page_shows_what_changed_in_this_version(evidence_file):
    evidence_file(BUNDLED)
    at = sources_page()
    assert not at.exception
    assert "What changed in this version" in [h.value for h in at.header]
    expanders = at.expander
    newest = load_changelog(BUNDLED_LOG).newest
    assert expanders[0].label.startswith(f"Data version {newest.data_version}")
    changes = at.table[0].value
    assert list(changes.columns) == ["What changed", "Why", "Source"]
    assert len(changes) == len(newest.changes)
    assert not at.warning  # the log matches the file


def test_sources_page_warns_when_the_log_lags_the_file(evidence_file, tmp_path):
    copy = tmp_path / "evidence.yaml"
    copy.write_bytes(BUNDLED.read_bytes() + b"\n# edited after the last log entry\n")
    shutil.copy(BUNDLED_LOG, changelog_path(copy))
    evidence_file(copy)
    at = sources_page()
    assert not at.exception
    assert "latest changes are not recorded" in at.warning[0].value


def test_sources_page_without_a_log_says_so(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = sources_page()
    assert "has no change log" in " ".join(c.value for c in at.caption)


def test_overview_shows_the_editorials_thesis(evidence_file):
    evidence_file(BUNDLED)
    at = AppTest.from_file(APP, default_timeout=60).run()
    thesis = load_path(BUNDLED).evidence.editorial.thesis
    assert thesis
    assert any("thesis" in i.value for i in at.info)
