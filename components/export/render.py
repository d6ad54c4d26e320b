"""Rendering figures to PNG, SVG and PDF with kaleido and one reused Chromium.

Chromium starts on first use and is reused (starting it costs about 2 s, a render after that
about 0.2 s). Figures are rendered in batches (``render_many``): every figure of a batch is
handed to kaleido at once and RENDER_TABS tabs of the one browser draw them side by side, so
the process no longer waits on the browser one figure at a time. Each server keeps the
images it has made (ImageCache, bounded): the same figure in the same format and size is
never rendered twice in a process. Without Chromium every render raises ExportUnavailable,
whose message says how to install it. kaleido is imported only when a browser starts, never
on a page's run.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import hashlib
import json
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NamedTuple, TypeVar

import plotly.graph_objects as go

IMAGE_MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
"""The image formats, with the media type a download of each gets."""
IMAGE_FORMATS = tuple(IMAGE_MIME)
PNG_SCALE = 1.5  # a 1280 px layout becomes a 1920 px wide PNG
DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 720

START_TIMEOUT = 60.0  # seconds for Chromium to start
RENDER_TIMEOUT = 90.0  # seconds for one image (kaleido's own default)
# Tabs drawing at once. One: without a reload after each image (RELOAD_EVERY) a tab draws
# the deck's 39 PNGs in about 2.3 s, and they render while Python draws the next charts on
# the other core; a second tab cut that to 1.5 s but cost 1.1 s more to start, on the same
# two cores (measured 2026-12-06).
RENDER_TABS = 1
# kaleido reloads a tab (parsing plotly.js again, ~0.15 s) after every image; plotly.js's
# toImage draws each figure in a fresh element and removes it, so the images are the same
# without it (tests/test_export.py checks PNG, SVG and PDF). A tab is reloaded after this many
# images instead, which still bounds what a long-lived tab can accumulate.
RELOAD_EVERY = 50
IMAGE_CACHE_BYTES = 96 * 2**20  # the images a server keeps: a view's ZIP and deck, twice over

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


class RenderJob(NamedTuple):
    """One image to make: a figure, a format and a scale (None: the format's default)."""

    figure: go.Figure
    fmt: str
    scale: float | None = None


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` in the caller's thread while a batch renders."""


class ImageCache:
    """Images already made, keyed by the figure's JSON and the render options; bounded by size.

    The key is the content the image is made of: the same data version, view and look give
    the same figure JSON and hit; any change to the data, the filters, the look or the date
    printed in a footer changes the JSON and misses, so an entry can never be stale. The least
    recently used images go first once ``max_bytes`` is exceeded.
    """

    def __init__(self, max_bytes: int = IMAGE_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        """How many images are kept."""
        return len(self._items)

    def get(self, key: str) -> bytes | None:
        """The image under ``key``, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, data: bytes) -> None:
        """Keep ``data``; drop the least recently used images beyond ``max_bytes``."""
        with self._lock:
            if key in self._items:
                return
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        """Forget every image."""
        with self._lock:
            self._items.clear()
            self._size = 0


def render_options(job: RenderJob) -> dict[str, Any]:
    """Kaleido's options for a job: format, the figure's layout size (or the default), scale."""
    if job.fmt not in IMAGE_FORMATS:
        raise ValueError(f"format must be one of {', '.join(IMAGE_FORMATS)}, not {job.fmt!r}")
    layout = job.figure.layout
    return {
        "format": job.fmt,
        "width": layout.width or DEFAULT_WIDTH,
        "height": layout.height or DEFAULT_HEIGHT,
        "scale": job.scale if job.scale is not None else (PNG_SCALE if job.fmt == "png" else 1),
    }


def _cache_key(fig_json: str, opts: dict[str, Any]) -> str:
    digest = hashlib.sha256(fig_json.encode("utf-8"))
    digest.update(json.dumps(opts, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


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

    def __init__(
        self,
        *,
        browser_path: str | None = None,
        timeout: float = RENDER_TIMEOUT,
        tabs: int = RENDER_TABS,
        cache: ImageCache | None = None,
    ) -> None:
        self._browser_path = browser_path
        self._timeout = timeout
        self._tabs = tabs
        self.cache = cache if cache is not None else ImageCache()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self.rendered = 0  # images Chromium has made (cache hits not counted)

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
                self._kaleido = _wait(loop, _open_kaleido(path, self._tabs), START_TIMEOUT)
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
        return self.render_many([RenderJob(fig, fmt, scale)])[0]

    def render_many(
        self, jobs: Sequence[RenderJob], *, progress: Progress | None = None, keep: bool = True
    ) -> list[bytes]:
        """The image of each job, in order: one batch, drawn by all tabs at once.

        Images made before (ImageCache) are not rendered again, and a figure that occurs
        twice in ``jobs`` is rendered once. ``progress(done, total)`` is called in this thread
        after each image. Raises ExportUnavailable when Chromium is missing or fails.
        ``keep=False``: neither read nor fill the cache (a session's own upload).
        """
        return self.submit(jobs, keep=keep).wait(progress)

    def submit(self, jobs: Sequence[RenderJob], *, keep: bool = True) -> Batch:
        """Hand a batch to Chromium and return at once; ``Batch.wait`` collects the images.

        The caller can build the next figures while these render. Starts Chromium if needed
        (raises ExportUnavailable). ``keep`` as for render_many.
        """
        opts = [render_options(job) for job in jobs]  # ValueError on an unknown format first
        keys = [_cache_key(job.figure.to_json(), o) for job, o in zip(jobs, opts, strict=True)]
        results: dict[str, bytes] = {}
        todo: dict[str, tuple[RenderJob, dict[str, Any]]] = {}
        for key, job, o in zip(keys, jobs, opts, strict=True):
            found = self.cache.get(key) if keep else None
            if found is not None:
                results[key] = found
            else:
                todo.setdefault(key, (job, o))
        futures: dict[concurrent.futures.Future[Any], str] = {}
        if todo:
            self.start()
            loop, engine = self._loop, self._kaleido
            if loop is None or engine is None:  # closed by another thread meanwhile
                raise ExportUnavailable(f"The export browser was stopped. {INSTALL_HINT}")
            # All at once: kaleido's queue of tabs hands each figure to the next free tab.
            futures = {
                asyncio.run_coroutine_threadsafe(
                    engine.calc_fig(job.figure.to_dict(), opts=o), loop
                ): key
                for key, (job, o) in todo.items()
            }
        return Batch(self, keys, results, futures, keep=keep)

    def _finish(
        self,
        futures: dict[concurrent.futures.Future[Any], str],
        results: dict[str, bytes],
        report: Callable[[], None],
        keep: bool,
    ) -> None:
        """Collect a batch's images as they come (see Batch.wait)."""
        from kaleido.errors import BrowserClosedError, BrowserFailedError

        # The batch may take as long as its images one after another would.
        timeout = self._timeout * max(1.0, len(futures) / max(1, self._tabs))
        try:
            for future in concurrent.futures.as_completed(futures, timeout=timeout):
                key = futures[future]
                data = bytes(future.result())
                if keep:
                    self.cache.put(key, data)
                results[key] = data
                self.rendered += 1
                report()
        except (BrowserClosedError, BrowserFailedError, OSError, TimeoutError) as exc:
            for future in futures:
                future.cancel()
            # Chromium died or hung: drop it, so that the next call starts a fresh one.
            self.close()
            raise ExportUnavailable(f"Chromium failed while rendering ({exc}).") from exc

    def start_in_background(self) -> None:
        """Start Chromium in a thread of its own, so that figures can be built meanwhile.

        A failure is not reported here: the next ``start`` (or render) tries again and raises.
        """
        if self.running:
            return

        def start_quietly() -> None:
            with contextlib.suppress(ExportUnavailable):
                self.start()

        threading.Thread(target=start_quietly, name="export-start", daemon=True).start()

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


def _kaleido_class() -> Any:  # noqa: ANN401 -- kaleido is untyped
    """kaleido.Kaleido, reloading a tab every RELOAD_EVERY images instead of after each."""
    import kaleido  # only when a browser starts

    class ReusingKaleido(kaleido.Kaleido):  # type: ignore[misc]
        # kaleido's own hook for giving a tab back after an image (kaleido 1.x); if a later
        # kaleido drops it, this is never called and every image reloads as before.
        async def _return_kaleido_tab(self, tab: Any) -> None:  # noqa: ANN401
            uses = getattr(tab, "evidence_uses", 0) + 1
            if uses >= RELOAD_EVERY:
                await tab.reload()
                uses = 0
            tab.evidence_uses = uses
            await self.tabs_ready.put(tab)

    return ReusingKaleido


async def _open_kaleido(path: str, tabs: int) -> Any:  # noqa: ANN401 -- kaleido is untyped
    # mathjax=False: no CDN request
    engine = _kaleido_class()(n=tabs, mathjax=False, path=path)
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


class Batch:
    """Images handed to Chromium (ExportServer.submit); ``wait`` returns them in job order."""

    def __init__(
        self,
        server: ExportServer,
        keys: list[str],
        results: dict[str, bytes],
        futures: dict[concurrent.futures.Future[Any], str],
        *,
        keep: bool = True,
    ) -> None:
        self._server = server
        self._keep = keep
        self._keys = keys
        self._results = results
        self._futures = futures
        self.total = len(set(keys))
        """Distinct images in the batch (cache hits included)."""

    def wait(self, progress: Progress | None = None) -> list[bytes]:
        """Every job's image, in order; ``progress(done, total)`` after each, in this thread.

        Raises ExportUnavailable when Chromium fails.
        """

        def report() -> None:
            if progress is not None:
                progress(len(self._results), self.total)

        report()
        pending = {f: k for f, k in self._futures.items() if k not in self._results}
        if pending:
            self._server._finish(pending, self._results, report, self._keep)
        self._futures = {}
        return [self._results[key] for key in self._keys]


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
