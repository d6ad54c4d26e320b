"""Rendering figures to PNG, SVG and PDF with kaleido and one reused Chromium.

Chromium starts on first use and is reused (starting it costs about 2 s, a render after that
about 0.2 s). Without Chromium every render raises ExportUnavailable, whose message says how
to install it. kaleido is imported only when a browser starts, never on a page's run.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import plotly.graph_objects as go

IMAGE_MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
"""The image formats, with the media type a download of each gets."""
IMAGE_FORMATS = tuple(IMAGE_MIME)
PNG_SCALE = 1.5  # a 1280 px layout becomes a 1920 px wide PNG
DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 720

START_TIMEOUT = 60.0  # seconds for Chromium to start
RENDER_TIMEOUT = 90.0  # seconds for one image (kaleido's own default)

INSTALL_HINT = (
    "Static export needs Chromium: install it with `apt-get install chromium` (Debian/Ubuntu), "
    "or point BROWSER_PATH at a Chrome or Chromium executable. The dashboard itself works "
    "without it; CSV downloads do too."
)
EXPORT_INSTALL = (
    "Image export needs Chromium on the server (`apt-get install chromium`); "
    "the camera icon on each chart still saves a PNG."
)
"""What a page says when images cannot be exported here."""
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

_T = TypeVar("_T")


class ExportUnavailable(RuntimeError):  # noqa: N818 -- the name says what the caller may show
    """Images cannot be rendered here: no Chromium, or it would not start or stopped."""


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_browser() -> str | None:
    """The Chrome/Chromium kaleido will drive: $BROWSER_PATH, then PATH, then /usr/bin."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if _is_executable(chosen) else None
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _BROWSER_PATHS if _is_executable(p)), None)


class ExportServer:
    """One kaleido/Chromium reused for every render; started on first use, thread-safe.

    kaleido's own ``start_sync_server`` is not used: when Chromium is missing or fails to
    start, its worker thread dies and every later call blocks forever. Here the browser runs
    on an event loop in a thread this object owns, so start-up failures and timeouts surface
    as ExportUnavailable.
    """

    def __init__(self, *, browser_path: str | None = None, timeout: float = RENDER_TIMEOUT) -> None:
        self._browser_path = browser_path
        self._timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None

    def __enter__(self) -> ExportServer:
        """Start Chromium (raises ExportUnavailable)."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop Chromium."""
        self.close()

    @property
    def running(self) -> bool:
        """Whether Chromium has been started and not closed."""
        return self._kaleido is not None

    def start(self) -> None:
        """Start Chromium unless it runs already; raises ExportUnavailable if it cannot."""
        with self._lock:
            if self._kaleido is not None:
                return
            path = self._browser_path or find_browser()
            if path is None or not _is_executable(path):
                where = f" at {path}" if path else ""
                raise ExportUnavailable(f"No Chromium found{where}. {INSTALL_HINT}")
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="export-chromium", daemon=True)
            thread.start()
            from kaleido.errors import BrowserFailedError, ChromeNotFoundError

            try:
                self._kaleido = _wait(loop, _open_kaleido(path), START_TIMEOUT)
            except (ChromeNotFoundError, BrowserFailedError, OSError, TimeoutError) as exc:
                _stop_loop(loop, thread)
                # The first line only: choreographer goes on to suggest downloading a browser.
                reason = str(exc.args[0]) if exc.args else type(exc).__name__
                raise ExportUnavailable(
                    f"Chromium at {path} did not start ({reason}). {INSTALL_HINT}"
                ) from exc
            self._loop, self._thread = loop, thread
            atexit.register(self.close)

    def render(self, fig: go.Figure, fmt: str, *, scale: float | None = None) -> bytes:
        """The figure as PNG, SVG or PDF bytes at its layout size.

        ``scale`` defaults to PNG_SCALE for PNG (1920 px wide for an exported figure) and 1 for
        the vector formats. Raises ExportUnavailable when Chromium is missing or fails.
        """
        if fmt not in IMAGE_FORMATS:
            raise ValueError(f"format must be one of {', '.join(IMAGE_FORMATS)}, not {fmt!r}")
        self.start()
        opts = {
            "format": fmt,
            "width": fig.layout.width or DEFAULT_WIDTH,
            "height": fig.layout.height or DEFAULT_HEIGHT,
            "scale": scale if scale is not None else (PNG_SCALE if fmt == "png" else 1),
        }
        from kaleido.errors import BrowserClosedError, BrowserFailedError

        loop, engine = self._loop, self._kaleido
        if loop is None or engine is None:  # closed by another thread meanwhile
            raise ExportUnavailable(f"The export browser was stopped. {INSTALL_HINT}")
        try:
            data = _wait(loop, engine.calc_fig(fig.to_dict(), opts=opts), self._timeout)
        except (BrowserClosedError, BrowserFailedError, OSError, TimeoutError) as exc:
            # Chromium died or hung: drop it, so that the next call starts a fresh one.
            self.close()
            raise ExportUnavailable(f"Chromium failed while rendering ({exc}).") from exc
        return bytes(data)

    def close(self) -> None:
        """Stop Chromium (safe to call twice; a later render starts it again)."""
        with self._lock:
            loop, thread, engine = self._loop, self._thread, self._kaleido
            self._loop = self._thread = self._kaleido = None
            if loop is None or thread is None:
                return
            atexit.unregister(self.close)
            from kaleido.errors import BrowserClosedError

            with contextlib.suppress(BrowserClosedError, OSError, RuntimeError, TimeoutError):
                _wait(loop, engine.close(), 30)
            _stop_loop(loop, thread)


async def _open_kaleido(path: str) -> Any:  # noqa: ANN401 -- kaleido is untyped
    import kaleido  # only when a browser starts

    engine = kaleido.Kaleido(n=1, mathjax=False, path=path)  # mathjax=False: no CDN request
    await engine.open()
    return engine


def _wait(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, _T], timeout: float) -> _T:
    future = asyncio.run_coroutine_threadsafe(coro, loop)
    try:
        return future.result(timeout)
    except TimeoutError:
        future.cancel()
        raise


async def _cancel_pending() -> None:
    # choreographer leaves a watchdog task behind when Chromium fails to start.
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    with contextlib.suppress(RuntimeError, TimeoutError):
        _wait(loop, _cancel_pending(), 5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    if not thread.is_alive():
        loop.close()


_default: ExportServer | None = None
_default_lock = threading.Lock()


def default_server() -> ExportServer:
    """The process-wide ExportServer (not started until the first render)."""
    global _default  # one browser per process is the point
    with _default_lock:
        if _default is None:
            _default = ExportServer()
        return _default


def export_available() -> bool:
    """Whether images can be exported: Chromium runs already, or one is installed.

    A cheap check for deciding which buttons to show; a broken install is still reported by
    ExportUnavailable at render time.
    """
    return (_default is not None and _default.running) or find_browser() is not None
