"""Shared test setup: paths, a clean Streamlit cache per test, and the real-browser fixtures."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
import serving

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BUNDLED = ROOT / "data" / "evidence.yaml"
MINIMAL = FIXTURES / "valid_minimal.yaml"
DAY = dt.date(2026, 2, 3)  # a fixed export date
NO_BROWSER = "/nonexistent/chromium"
APP = str(ROOT / "dashboard.py")
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts"))

CHROME, CHROME_ARGS = serving.CHROME, serving.CHROME_ARGS


def _unescape(value):
    return value.replace("\\", "") if isinstance(value, str) else value


def shown(table):
    """An st.table's frame as people read it: panels.plain_table escapes Markdown."""
    return table.map(_unescape).rename(columns=_unescape)


@pytest.fixture(scope="module")
def bundled():
    """The bundled evidence file, loaded once per test module (a module may shadow the name)."""
    from components.loaded import load_path

    return load_path(BUNDLED)


@pytest.fixture
def evidence_file(monkeypatch: pytest.MonkeyPatch):
    """Point the app at an evidence file for one test: ``evidence_file(path)``."""

    def use(path: Path | str) -> None:
        monkeypatch.setenv("EVIDENCE_FILE", str(path))

    return use


def open_sidebar(at, *sections: str):
    """Open the sidebar's lazily drawn sections for the next run (every one when none named).

    The filters, the uploader with its templates and the view's exports are drawn only
    while their expander is open (components/sidebar.py); a test that uses them opens them
    as a user would, by the expander's state.
    """
    from components import state

    for key in sections or (state.KEY_FILTERS, state.KEY_OWN_EVIDENCE, state.KEY_EXPORT_VIEW):
        at.session_state[key] = True
    return at


def open_sidebar_section(page, label: str) -> None:
    """In a browser: open the sidebar's lazily drawn section ``label`` (a click, if closed).

    Its content is drawn by the rerun the click starts; wait for what you need of it.
    """
    section = page.get_by_test_id("stSidebar").get_by_test_id("stExpander").filter(has_text=label)
    if section.locator("details").get_attribute("open") is None:
        section.locator("summary").click()


def without_chromium(message: str) -> None:
    """A test that needs Chromium and has none: a failure under CI, else a skip."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium; Playwright cannot download a browser here."""
    if not Path(CHROME).exists():
        without_chromium(f"chromium not found at {CHROME}; apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": CHROME, "args": CHROME_ARGS}


def start_server(env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run dashboard.py` on a free loopback port; return (process, url)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / f"streamlit-{os.getpid()}-{len(_LOGS)}.log").open("w+b")
    _LOGS.append(log)
    return serving.launch("dashboard.py", {**os.environ, **(env or {})}, log)


_LOGS: list[IO[bytes]] = []
stop_server = serving.stop


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """A dashboard server on the bundled evidence for the whole session."""
    proc, url = start_server({"EVIDENCE_FILE": str(BUNDLED)})
    yield url
    stop_server(proc)
