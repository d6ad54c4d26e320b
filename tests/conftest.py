"""Shared test setup: paths, a clean Streamlit cache per test, and the real-browser fixtures."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BUNDLED = ROOT / "data" / "evidence.yaml"
APP = str(ROOT / "dashboard.py")
ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", ROOT / "artifacts"))

CHROME = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Without the networking flags Chromium keeps calling hosts this machine cannot reach.
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _clear_streamlit_cache() -> Iterator[None]:
    # st.cache_data survives across AppTest instances in one process.
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def evidence_file(monkeypatch: pytest.MonkeyPatch):
    """Point the app at an evidence file for one test: ``evidence_file(path)``."""

    def use(path: Path | str) -> None:
        monkeypatch.setenv("EVIDENCE_FILE", str(path))

    return use


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium; Playwright cannot download a browser here."""
    if not Path(CHROME).exists():
        message = f"chromium not found at {CHROME}; apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROME, "args": CHROME_ARGS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run dashboard.py` on a free loopback port; return (process, url)."""
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / f"streamlit-{port}.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=1) as response:
                if response.read() == b"ok":
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"streamlit did not start; see {log.name}")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by start_server."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """A dashboard server on the bundled evidence for the whole session."""
    proc, url = start_server({"EVIDENCE_FILE": str(BUNDLED)})
    yield url
    stop_server(proc)
