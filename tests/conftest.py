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


class Session:
    """Which browser session AppTest runs as: ``app_session.id = "bob"`` opens another one."""

    def __init__(self, first: str) -> None:
        self.used = [first]

    @property
    def id(self) -> str:
        return self.used[-1]

    @id.setter
    def id(self, value: str) -> None:
        self.used.append(value)


@pytest.fixture(autouse=True)
def app_session(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Session]:
    """A browser session of its own for each test, as each AppTest would be on a server.

    AppTest runs every session under one id, so Streamlit's session-scoped caches (the
    specs of an upload, a page's tables; components/state.py) would be shared by the
    sessions a test opens and outlive the test. Here the session id is the test's own, or
    the one a test sets to open a second session; each is ended at the end of the test, as
    a disconnect ends it on a server. Outside a script run Streamlit still refuses.
    """
    from streamlit.runtime.caching import cache_resource_api, clear_session_resource_cache

    current = Session(request.node.nodeid)
    real = cache_resource_api.get_session_id_or_throw

    def session_id() -> str:
        real()  # raises outside a script run, as Streamlit does
        return current.id

    monkeypatch.setattr(cache_resource_api, "get_session_id_or_throw", session_id)
    yield current
    for used in dict.fromkeys(current.used):
        clear_session_resource_cache(used)


def line_of(path: Path, text: str | bytes, nth: int | None = None) -> int:
    """The number of the line of ``path`` that holds ``text`` (the ``nth`` one, when several do).

    Tests name a fixture's line by what it says: a line added to a fixture moves nothing.
    Without ``nth`` the text must be on exactly one line.
    """
    needle = text if isinstance(text, bytes) else text.encode()
    hits = [i for i, line in enumerate(path.read_bytes().split(b"\n"), 1) if needle in line]
    if nth is None:
        assert len(hits) == 1, f"{text!r} is on lines {hits} of {path.name}: give nth"
        return hits[0]
    return hits[nth - 1]


def position(path: Path, text: str, nth: int | None = None) -> str:
    """``line:column`` where ``text`` starts in ``path``, as a problem line prints it."""
    line = line_of(path, text, nth)
    raw = path.read_bytes().split(b"\n")[line - 1]
    return f"{line}:{raw.index(text.encode()) + 1}"


def charts_drawn(page: str, loaded) -> int:
    """How many of a page's registry charts draw something at their default choice.

    ``page`` is its key (components/registry.py PAGES). The Compare regimens page draws the
    first comparison where the default draws every randomised one: either draws or neither.
    """
    from components import registry
    from components.loaded import Filters

    return sum(1 for chart in registry.charts_on(page) if chart.specs(loaded, Filters()))


def export_names(specs, formats=None) -> list[str]:
    """The files export_all writes for ``formats`` (default: all), in the order it writes them.

    Each chart's files (files.CHART_FORMATS: its images, its CSV), then the effects CSV, the
    deck, the offline page, and the README that is always written; names from
    components/export/names.py.
    """
    from components.export import files, names

    formats = files.parse_formats(formats if formats is not None else files.ALL_FORMATS)
    per_chart = [fmt for fmt in files.CHART_FORMATS if fmt in formats]
    out = [f"{spec.filename}.{fmt}" for spec in specs for fmt in per_chart]
    out += [names.EFFECTS_NAME] if "csv" in formats else []
    out += [names.DECK_NAME] if "pptx" in formats else []
    out += [names.HTML_NAME] if "html" in formats else []
    return [*out, names.README_NAME]


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
