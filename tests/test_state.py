"""What pages draw is cached once per process for the file on disk, per session otherwise."""

from __future__ import annotations

import pytest
import streamlit as st
from conftest import APP, BUNDLED, FIXTURES, open_sidebar
from streamlit.testing.v1 import AppTest

from components import compare, registry, state
from components.choices import is_personal

UPLOAD = "mine.yaml"


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(f"pages/{page}.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The key of every chart drawn (each Chart.specs call that is not a cache hit)."""
    st.cache_resource.clear()  # no chart of another test's view is kept
    drawn: list[str] = []
    specs = registry.Chart.specs

    def counted(self, *args, **kwargs):
        drawn.append(self.key)
        return specs(self, *args, **kwargs)

    monkeypatch.setattr(registry.Chart, "specs", counted)
    return drawn


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, object]]:
    """(chart, evidence name, choice) of every request to the process-wide spec cache."""
    asked: list[tuple[str, str, object]] = []
    cached = state._shared_specs

    def spy(**asked_for):
        asked.append((asked_for["chart_key"], asked_for["loaded"].name, asked_for["choice"]))
        return cached(**asked_for)

    monkeypatch.setattr(state, "_shared_specs", spy)
    return asked


def test_state_bundled_file_specs_are_drawn_once_for_every_session(
    evidence_file, builds, app_session
):
    evidence_file(BUNDLED)
    first = open_page("overview")
    assert builds == ["coverage"]
    first.run()
    app_session.id = "another reader"
    assert open_page("overview").get("plotly_chart")
    assert builds == ["coverage"]  # the second session drew nothing


def test_state_upload_specs_never_reach_the_process_wide_cache(
    evidence_file, builds, shared, app_session
):
    evidence_file(BUNDLED)
    at = open_sidebar(AppTest.from_file(APP, default_timeout=60), state.KEY_OWN_EVIDENCE).run()
    at.file_uploader[0].set_value((UPLOAD, (FIXTURES / "valid_minimal.yaml").read_bytes(), ""))
    at.run()
    drawn = 0
    for page in registry.PAGES:
        at.switch_page(page.path).run()
        assert not at.exception, page.key
        drawn += len(at.get("plotly_chart"))
    assert drawn  # the upload's charts were drawn...
    assert builds
    assert not [name for _, name, _ in shared if name == UPLOAD]  # ...never shared
    # Another session on the same process draws the file on disk, not the upload.
    app_session.id = "another reader"
    assert open_page("overview").title[0].value != "Zetamab in two imaginary settings"


def test_state_baseline_risks_keep_their_specs_in_the_session(
    evidence_file, builds, shared, app_session
):
    evidence_file(BUNDLED)
    query = {state.baseline_key("orr"): "12.5"}
    at = open_page("comparisons", query)
    assert not at.exception
    assert "pictograph" in builds
    assert not [choice for _, _, choice in shared if is_personal(choice)]
    at.run()
    assert builds.count("pictograph") == 1  # kept in the session
    app_session.id = "another reader"
    open_page("comparisons", query)
    assert builds.count("pictograph") == 2  # that session's own
    assert builds.count("benefit_harm") == 1  # no baseline in it: shared


def test_state_page_tables_are_built_once_per_session(evidence_file, monkeypatch, app_session):
    evidence_file(BUNDLED)
    built = []
    sof_groups = compare.sof_groups

    def counted(*args, **kwargs):
        built.append(args[2].key)
        return sof_groups(*args, **kwargs)

    monkeypatch.setattr(compare, "sof_groups", counted)
    at = open_page("comparisons")
    at.run()
    at.run()
    assert len(built) == 1
    app_session.id = "another reader"
    open_page("comparisons")
    assert len(built) == 2  # never another session's
