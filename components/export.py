"""Static export for journal clubs: figures that carry their context, a deck, CSVs, a ZIP.

No Streamlit here (ruff bans it): the dashboard's download buttons and the command line
``python -m components.export --out DIR`` call the same functions, so a download always
matches what the pages show (both start from ``views.all_views``).

Images are rendered by kaleido through one Chromium that is started on first use and reused
(starting Chromium costs about 2 s, a render after that about 0.2 s). Without Chromium every
image function raises ExportUnavailable, whose message says how to install it; CSVs, the
README and a deck without chart images still work.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import datetime as dt
import html
import io
import os
import re
import shutil
import struct
import sys
import tempfile
import textwrap
import threading
import zipfile
from collections.abc import Collection, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import kaleido
import pandas as pd
import plotly.graph_objects as go
from kaleido.errors import BrowserClosedError, BrowserFailedError, ChromeNotFoundError
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.slide import Slide
from pptx.util import Emu, Inches, Length, Pt

from components import charts, views
from components.bundle import Bundle, Filters, bundle_from_path
from evidence import frames as fr
from evidence.loader import EvidenceError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVIDENCE = ROOT / "data" / "evidence.yaml"

IMAGE_FORMATS = ("png", "svg", "pdf")
ALL_FORMATS = frozenset({*IMAGE_FORMATS, "pptx", "csv"})
NEEDS_CHROMIUM = frozenset({*IMAGE_FORMATS, "pptx"})

# Figures are laid out at 1280 x (at least) 720 CSS pixels, a 16:9 slide, and PNGs are drawn
# at 1.5x: 1920 px wide. The charts were designed for a ~1000 px page column, so 1280 keeps
# their text legible on a projected slide (at 1600 it shrinks by a fifth).
EXPORT_WIDTH = 1280
MIN_HEIGHT = 720
PNG_SCALE = 1.5
TITLE_OFFSET = 18  # px from the top of the image to the title block (as on the pages)
FOOTER_FONT = 12
FOOTER_LINE = 17  # px per footer line at FOOTER_FONT
FOOTER_PAD = 10
FOOTER_WRAP = 180  # characters per footer line: about 1060 of the 1260 px available
TITLE_WRAP = 130
FOOTER_LEGEND = "legend2"

START_TIMEOUT = 60.0  # seconds for Chromium to start
RENDER_TIMEOUT = 90.0  # seconds for one image (kaleido's own default)

INSTALL_HINT = (
    "Static export needs Chromium: install it with `apt-get install chromium` (Debian/Ubuntu), "
    "or point BROWSER_PATH at a Chrome or Chromium executable. The dashboard itself works "
    "without it; CSV downloads do too."
)
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")

_T = TypeVar("_T")


class ExportUnavailable(RuntimeError):  # noqa: N818 -- the name says what the caller may show
    """Images cannot be rendered here: no Chromium, or it would not start or stopped."""


# ---------------------------------------------------------------------------------------------
# Rendering: one Chromium, reused
# ---------------------------------------------------------------------------------------------


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
            "width": fig.layout.width or EXPORT_WIDTH,
            "height": fig.layout.height or MIN_HEIGHT,
            "scale": scale if scale is not None else (PNG_SCALE if fmt == "png" else 1),
        }
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
            with contextlib.suppress(BrowserClosedError, OSError, RuntimeError, TimeoutError):
                _wait(loop, engine.close(), 30)
            _stop_loop(loop, thread)


async def _open_kaleido(path: str) -> Any:  # noqa: ANN401 -- kaleido is untyped
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


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes, read from the IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


# ---------------------------------------------------------------------------------------------
# Figures that carry their context
# ---------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Text as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _wrapped_lines(text: str, width: int) -> list[str]:
    # Wrap the raw text, then escape each line: an entity is never split across lines.
    return [charts.esc(line) for line in textwrap.wrap(text, width) or [""]]


def footer_lines(
    spec: views.ChartSpec, *, data_version: str, exported: dt.date | None = None
) -> list[str]:
    """The footnote printed under an exported figure, one escaped line per item.

    The chart's note (caveats) if any, "Source: A; B; C" (wrapped), then
    "Data version ... · exported YYYY-MM-DD".
    """
    day = exported or dt.date.today()
    lines = _wrapped_lines(spec.note, FOOTER_WRAP) if spec.note else []
    sources = spec.sources()
    lines += _wrapped_lines(
        "Source: " + ("; ".join(sources) if sources else "none recorded"), FOOTER_WRAP
    )
    lines.append(f"Data version {charts.esc(data_version)} · exported {day.isoformat()}")
    return lines


def export_figure(
    spec: views.ChartSpec,
    *,
    data_version: str,
    subtitle: str,
    exported: dt.date | None = None,
) -> go.Figure:
    """A copy of the spec's figure for slides and files, with its context inside the image.

    16:9 (EXPORT_WIDTH x at least MIN_HEIGHT, taller when the chart needs it), white, with the
    title, the filter subtitle (added only when the title block lacks it) and a footnote of
    the sources, the data version and the export date. ``spec.figure`` is not modified.
    """
    fig = go.Figure(spec.figure)
    layout = fig.layout
    title = layout.title.text or f"<b>{charts.esc(spec.title)}</b>"
    added_top = 0
    if subtitle and _plain(subtitle) not in _plain(title):
        lines = _wrapped_lines(subtitle, TITLE_WRAP)
        title += f"<br><span style='font-size:13px;color:{charts.GREY}'>{'<br>'.join(lines)}</span>"
        added_top = 20 * len(lines)
    footer = footer_lines(spec, data_version=data_version, exported=exported)
    footer_px = 2 * FOOTER_PAD + FOOTER_LINE * len(footer)
    margin_t = (layout.margin.t if layout.margin.t is not None else 100) + added_top
    margin_b = (layout.margin.b if layout.margin.b is not None else 80) + footer_px
    height = max(MIN_HEIGHT, int(layout.height or 450) + added_top + footer_px)
    fig.update_layout(
        width=EXPORT_WIDTH,
        height=height,
        margin={"t": margin_t, "b": margin_b},
        paper_bgcolor="white",
        plot_bgcolor="white",
        title={"text": title},
    )
    if layout.title.yref == "container":  # keep the pages' fixed pixel offset from the top
        fig.update_layout(title={"y": 1 - TITLE_OFFSET / height, "yanchor": "top"})
    if layout.legend.yref == "container":  # the chart's legend sits on top of the footer
        fig.update_layout(legend={"y": footer_px / height, "yanchor": "bottom"})
    if layout.showlegend is False:  # keep the chart's legend hidden but show the footer's
        fig.update_traces(showlegend=False)
        fig.update_layout(showlegend=True)
    # The footer is the title of a second legend, because legends are the only boxes that can
    # be pinned to the image's bottom edge ("container" coordinates); an annotation can only
    # be placed relative to the plot area, which plotly shrinks when the legend needs room.
    # The legend's one entry is an invisible marker without a name.
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name="",
            marker={"color": "rgba(0,0,0,0)", "size": 1, "line": {"width": 0}},
            legend=FOOTER_LEGEND,
            showlegend=True,
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        {
            FOOTER_LEGEND: {
                "title": {
                    "text": "<br>".join(footer),
                    "side": "left",
                    "font": {"size": FOOTER_FONT, "color": charts.GREY, "family": charts.FONT},
                },
                # Horizontal, so that plotly reserves room at the bottom, not on the left.
                "orientation": "h",
                "xref": "container",
                "yref": "container",
                "x": FOOTER_PAD / EXPORT_WIDTH,
                "xanchor": "left",
                "y": FOOTER_PAD / height,
                "yanchor": "bottom",
                "bgcolor": "rgba(0,0,0,0)",
                "itemclick": False,
                "itemdoubleclick": False,
            }
        }
    )
    return fig


# ---------------------------------------------------------------------------------------------
# The journal-club deck
# ---------------------------------------------------------------------------------------------

SLIDE_WIDTH = Emu(12_192_000)  # 13.333 in: PowerPoint's own 16:9
SLIDE_HEIGHT = Emu(6_858_000)  # 7.5 in
_MARGIN = Inches(0.4)
_DARK = "#222222"
_GREY = charts.GREY
_BLANK_LAYOUT = 6  # "Blank" in python-pptx's default template


class _Para(NamedTuple):
    """A paragraph of a text box; None fields take the box's defaults."""

    text: str
    size: int | None = None
    colour: str | None = None
    bold: bool | None = None
    space_after: int = 4


def _rgb(hex_colour: str) -> RGBColor:
    colour: RGBColor = RGBColor.from_string(hex_colour.lstrip("#").upper())  # type: ignore[no-untyped-call]
    return colour


def _text_box(
    slide: Slide,
    top: Length,
    height: Length,
    paragraphs: Sequence[str | _Para],
    *,
    size: int = 18,
    colour: str = _DARK,
    bold: bool = False,
) -> None:
    """A full-width text box of paragraphs (strings, or _Para to override the defaults)."""
    box = slide.shapes.add_textbox(_MARGIN, top, Emu(SLIDE_WIDTH - 2 * _MARGIN), height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, item in enumerate(paragraphs):
        para_style = _Para(item) if isinstance(item, str) else item
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = para_style.text
        run.font.size = Pt(para_style.size or size)
        run.font.bold = bold if para_style.bold is None else para_style.bold
        run.font.color.rgb = _rgb(para_style.colour or colour)
        para.space_after = Pt(para_style.space_after)


def _notes(slide: Slide, text: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    if frame is None:  # only a custom template without a notes body placeholder
        raise ValueError("the deck template has no speaker-notes placeholder")
    frame.text = text


def _fit(width_px: int, height_px: int, box_w: int, box_h: int) -> tuple[int, int]:
    ratio = min(box_w / width_px, box_h / height_px)
    return int(width_px * ratio), int(height_px * ratio)


def _rested_results(bundle: Bundle, keys: Sequence[str]) -> pd.DataFrame:
    return bundle.results[bundle.results[fr.KEY].isin(list(keys))]


def verdict_notes(verdict: pd.Series, bundle: Bundle) -> str:
    """Speaker notes for a verdict: what it says, what it rests on, what to ask about it."""
    word = charts.VERDICT_WORDS.get(str(verdict["verdict"]), str(verdict["verdict"]))
    keys = list(verdict["rests_on"])
    lines = [
        f"What the verdict says: {word} for {verdict['regimen_labels']} in "
        f"{verdict[fr.SETTING_LABEL]} (efficacy {verdict['efficacy']}, safety "
        f"{verdict['safety']}). {verdict[fr.STATEMENT]}",
    ]
    if keys:
        figures = [line for key in keys for line in views.describe_key(key, bundle)]
        lines.append(f"What it rests on ({len(figures)} figure(s)): " + "; ".join(figures) + ".")
        rested = _rested_results(bundle, keys)
        weak = int(rested[fr.SMALL_N].sum())
        editorial = int((rested[fr.REPORTED_BY] == "editorial").sum())
        if weak or editorial:
            lines.append(
                f"Caveats: {weak} of them come from cohorts under {fr.SMALL_N_THRESHOLD} "
                f"patients or with n not reported; {editorial} are stated only by the editorial."
            )
    else:
        lines.append("What it rests on: no figure in the evidence file; ask what it is based on.")
    lines.append(
        "Ask: is this a randomised comparison or a comparison across trials? Would the verdict "
        "survive without the small-n or editorial-only figures? Were dose, population and "
        "response criteria the same? What evidence would change it?"
    )
    ref = verdict[fr.EDITORIAL_REF]
    if isinstance(ref, str) and ref:
        lines.append(f"Editorial reference {ref}; the statement is our paraphrase, not a quote.")
    return "\n".join(lines)


def caveat_lines(bundle: Bundle, filters: Filters) -> list[str]:
    """What to keep in mind before comparing the figures in view (for the caveats slide)."""
    results = filters.apply(bundle.results)
    lines = [
        "Cross-trial comparisons: cohorts from different trials sit side by side; populations, "
        "doses, follow-up and definitions differ. Only within-trial ratios (hazard ratios) "
        "are randomised contrasts."
    ]
    if results.empty:
        return [*lines, "No figures in view."]
    unknown = int(results[fr.N].isna().sum())
    small = int((results[fr.N].fillna(10**9) < fr.SMALL_N_THRESHOLD).sum())
    lines.append(
        f"{len(results)} figures in view: {small} from cohorts under {fr.SMALL_N_THRESHOLD} "
        f"patients, {unknown} with n not reported (marked † on the charts)."
    )
    editorial = int((results[fr.REPORTED_BY] == "editorial").sum())
    lines.append(
        f"{editorial} figure(s) are stated only by the editorial (open markers), with no "
        "trial report behind them in this file."
    )
    designs = results.drop_duplicates(fr.SOURCE)[fr.DESIGN].value_counts(sort=False)
    if len(designs) > 1:
        lines.append(
            "Designs differ: "
            + ", ".join(
                f"{views.DESIGN_WORDS.get(str(d), str(d)).lower()} ({n} source(s))"
                for d, n in designs.items()
            )
            + "."
        )
    response = results[results[fr.CATEGORY] == "response"]
    criteria = [str(c) for c in dict.fromkeys(response[fr.CRITERIA].dropna())]
    if len(criteria) > 1:
        lines.append(
            "Different response criteria (not comparable on one axis): " + "; ".join(criteria) + "."
        )
    return lines


def deck_pptx(
    bundle: Bundle,
    filters: Filters,
    specs: Sequence[views.ChartSpec],
    *,
    images: Mapping[str, bytes] | None,
    exported: dt.date | None = None,
) -> bytes:
    """A 16:9 journal-club deck: title, one slide per chart, per verdict in view, caveats.

    ``images`` maps spec.key to PNG bytes (from ``render(export_figure(spec), "png")``); a
    chart without one gets a note saying how to add it. Chart and verdict slides carry
    speaker notes.
    """
    day = (exported or dt.date.today()).isoformat()
    version = f"Data version {bundle.data_version} · exported {day}"
    scope = views.filter_subtitle(bundle, filters).rsplit(" · data ", 1)[0]
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    layout = deck.slide_layouts[_BLANK_LAYOUT]
    ev = bundle.evidence

    slide = deck.slides.add_slide(layout)
    _text_box(slide, Inches(1.2), Inches(1.6), [ev.title], size=40, bold=True)
    _text_box(
        slide,
        Inches(2.9),
        Inches(4.4),
        [
            _Para(ev.summary, size=18),
            _Para(f"View: {scope}", size=16, colour=_GREY),
            _Para(version, size=16, colour=_GREY),
        ]
        + ([_Para(f"Editorial: {ev.editorial.citation}", size=14)] if ev.editorial else []),
    )
    _notes(
        slide,
        f"{ev.title}. {len(specs)} chart(s) and the editorial's verdicts for: {scope}. "
        f"{version}. Every figure's source is on its slide.",
    )

    for spec in specs:
        slide = deck.slides.add_slide(layout)
        _text_box(slide, Inches(0.2), Inches(0.6), [spec.title], size=24, bold=True)
        top, box_h = Inches(0.85), Inches(5.7)
        png = (images or {}).get(spec.key)
        if png is not None:
            width, height = _fit(*png_size(png), SLIDE_WIDTH - 2 * _MARGIN, box_h)
            picture = slide.shapes.add_picture(
                io.BytesIO(png), Emu((SLIDE_WIDTH - width) // 2), top, Emu(width), Emu(height)
            )
            # Alt text for screen readers and for search inside the deck.
            picture._element.nvPicPr.cNvPr.set("descr", f"{spec.title}. {spec.note}".strip())
        else:
            _text_box(
                slide,
                Emu(top + Inches(2)),
                Inches(1.5),
                [
                    "Chart image not rendered here. " + INSTALL_HINT,
                    f"The figure's rows are in {spec.filename}.csv.",
                ],
                size=16,
                colour=_GREY,
            )
        sources = spec.sources()
        _text_box(
            slide,
            Inches(6.6),
            Inches(0.85),
            [
                "Source: " + ("; ".join(sources) if sources else "none recorded"),
                version,
            ],
            size=10,
            colour=_GREY,
        )
        _notes(slide, spec.speaker_notes + (f"\nNote: {spec.note}" if spec.note else ""))

    verdicts = filters.apply(bundle.verdicts).sort_values(fr.SETTING_ORDER, kind="stable")
    editorial = f" · {ev.editorial.citation}" if ev.editorial else ""
    for _, verdict in verdicts.iterrows():
        slide = deck.slides.add_slide(layout)
        word = str(verdict["verdict"])
        heading = f"{verdict[fr.SETTING_LABEL]}: {verdict['regimen_labels']}"
        _text_box(
            slide,
            Inches(0.2),
            Inches(1.1),
            [
                _Para(heading, size=24 if len(heading) <= 70 else 20),
                _Para(
                    f"{charts.VERDICT_WORDS.get(word, word)} · efficacy {verdict['efficacy']} · "
                    f"safety {verdict['safety']}",
                    size=20,
                    colour=charts.VERDICT_COLOURS.get(word, _DARK),
                ),
            ],
            bold=True,
        )
        statement = str(verdict[fr.STATEMENT])
        figures = [line for key in verdict["rests_on"] for line in views.describe_key(key, bundle)]
        _text_box(
            slide,
            Inches(1.4),
            Inches(5.15),
            [_Para(statement, size=20 if len(statement) < 300 else 16, space_after=14)]
            + [_Para("It rests on:" if figures else "It rests on no figure in the file.")]
            + [_Para(f"• {line}", size=14 if len(figures) < 6 else 12) for line in figures],
            size=16,
        )
        ref = verdict[fr.EDITORIAL_REF]
        _text_box(
            slide,
            Inches(6.6),
            Inches(0.85),
            [
                (f"Editorial reference {ref}" if isinstance(ref, str) and ref else "Editorial")
                + f"; paraphrased in our words{editorial}",
                version,
            ],
            size=10,
            colour=_GREY,
        )
        _notes(slide, verdict_notes(verdict, bundle))

    slide = deck.slides.add_slide(layout)
    _text_box(slide, Inches(0.2), Inches(0.8), ["Caveats before comparing"], size=28, bold=True)
    caveats = caveat_lines(bundle, filters)
    _text_box(slide, Inches(1.2), Inches(5.4), [f"• {line}" for line in caveats], size=18)
    _text_box(slide, Inches(6.9), Inches(0.4), [version], size=10, colour=_GREY)
    _notes(slide, "Read these before any cross-trial comparison.\n" + "\n".join(caveats))

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def spec_image(
    bundle: Bundle,
    filters: Filters,
    spec: views.ChartSpec,
    fmt: str,
    *,
    server: ExportServer | None = None,
) -> bytes:
    """One chart of the view as PNG, SVG or PDF, with its context (raises ExportUnavailable)."""
    fig = export_figure(
        spec, data_version=bundle.data_version, subtitle=views.filter_subtitle(bundle, filters)
    )
    return (server or default_server()).render(fig, fmt)


def view_deck(
    bundle: Bundle,
    filters: Filters,
    *,
    images: bool = True,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
) -> bytes:
    """The journal-club deck of the view; ``images=False`` makes it without Chromium.

    With images (the default) ExportUnavailable is raised when Chromium is missing; a deck
    without them says on each chart slide how to add them.
    """
    specs = views.all_views(bundle, filters)
    pngs: dict[str, bytes] | None = None
    if images:
        engine = server or default_server()
        subtitle = views.filter_subtitle(bundle, filters)
        pngs = {
            spec.key: engine.render(
                export_figure(
                    spec, data_version=bundle.data_version, subtitle=subtitle, exported=exported
                ),
                "png",
            )
            for spec in specs
        }
    return deck_pptx(bundle, filters, specs, images=pngs, exported=exported)


# ---------------------------------------------------------------------------------------------
# Files: everything for a view, and a ZIP of it
# ---------------------------------------------------------------------------------------------

DECK_NAME = "journal-club.pptx"
README_NAME = "README.txt"


def parse_formats(text: str | Collection[str]) -> frozenset[str]:
    """``"png,svg"`` or a collection -> a checked set of formats (ValueError if unknown)."""
    items = text.split(",") if isinstance(text, str) else list(text)
    chosen = frozenset(item.strip().lower() for item in items if item.strip())
    unknown = sorted(chosen - ALL_FORMATS)
    if unknown or not chosen:
        raise ValueError(
            f"unknown format(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(sorted(ALL_FORMATS))}"
        )
    return chosen


def readme_text(
    bundle: Bundle,
    filters: Filters,
    specs: Sequence[views.ChartSpec],
    files: Sequence[str],
    *,
    exported: dt.date | None = None,
) -> str:
    """README.txt of an export: what the files are, the view, the data version, the citations."""
    ev = bundle.evidence
    day = (exported or dt.date.today()).isoformat()
    used = {name for spec in specs for name in spec.sources()}
    sources = bundle.sources[bundle.sources[fr.SOURCE_SHORT].isin(list(used))]
    out = [
        ev.title,
        "=" * min(len(ev.title), 100),
        "",
        f"Evidence file: {Path(bundle.name).name}",
        f"Data version: {bundle.data_version} (content hash and review date)",
        f"Exported: {day}",
        f"View: {views.filter_subtitle(bundle, filters).rsplit(' · data ', 1)[0]}",
    ]
    if ev.editorial:
        out.append(f"Editorial: {ev.editorial.citation}")
    out += ["", "Files", "-----"]
    out += [f"  {name}" for name in files]
    out += [
        "",
        "Each chart comes as PNG (1920 px wide), SVG and PDF with its sources, the data version",
        "and the export date printed in the image, and as a CSV of exactly the rows it shows.",
        "Open markers are figures stated only by the editorial; † marks n under 30 or not",
        "reported. Verdicts are our paraphrases of the editorial, not its words.",
        "",
        f"Sources used ({len(sources)})",
        "-" * 16,
    ]
    for _, row in sources.iterrows():
        links = [
            f"doi:{row['doi']}" if isinstance(row["doi"], str) else "",
            f"PMID {row['pmid']}" if isinstance(row["pmid"], str) else "",
            str(row["nct"]) if isinstance(row["nct"], str) else "",
            str(row["url"]) if isinstance(row["url"], str) else "",
        ]
        link_text = "; ".join(link for link in links if link)
        entry = f"[{row[fr.SOURCE_SHORT]}] {row[fr.CITATION]}" + (
            f" {link_text}" if link_text else ""
        )
        out += textwrap.wrap(entry, 96, subsequent_indent="    ")
    return "\n".join(out) + "\n"


def export_all(
    bundle: Bundle,
    filters: Filters,
    out_dir: str | os.PathLike[str],
    *,
    formats: Collection[str] = ALL_FORMATS,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
) -> list[Path]:
    """Write every chart of the view in ``formats``, the deck, the CSVs and a README.txt.

    Files are named from spec.filename (``response-....png``), plus journal-club.pptx and
    README.txt (always written). Returns the paths written, in order. When a format that
    needs Chromium (png, svg, pdf, pptx) is asked for and none can start, ExportUnavailable
    is raised before anything is written.
    """
    chosen = parse_formats(formats)
    out = Path(out_dir)
    specs = views.all_views(bundle, filters)
    engine: ExportServer | None = None
    if chosen & NEEDS_CHROMIUM:
        engine = server or default_server()
        engine.start()
    out.mkdir(parents=True, exist_ok=True)
    subtitle = views.filter_subtitle(bundle, filters)
    written: list[Path] = []
    pngs: dict[str, bytes] = {}

    def write(name: str, data: bytes) -> None:
        path = out / name
        path.write_bytes(data)
        written.append(path)

    for spec in specs:
        if engine is not None:
            fig = export_figure(
                spec, data_version=bundle.data_version, subtitle=subtitle, exported=exported
            )
            for fmt in IMAGE_FORMATS:
                if fmt in chosen or (fmt == "png" and "pptx" in chosen):
                    data = engine.render(fig, fmt)
                    if fmt == "png":
                        pngs[spec.key] = data
                    if fmt in chosen:
                        write(f"{spec.filename}.{fmt}", data)
        if "csv" in chosen:
            write(f"{spec.filename}.csv", spec.display_table().to_csv(index=False).encode())
    if "pptx" in chosen:
        write(DECK_NAME, deck_pptx(bundle, filters, specs, images=pngs, exported=exported))
    names = [path.name for path in written] + [README_NAME]
    write(README_NAME, readme_text(bundle, filters, specs, names, exported=exported).encode())
    return written


def everything_zip(
    bundle: Bundle,
    filters: Filters,
    *,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
) -> bytes:
    """A ZIP of every figure (PNG, SVG, PDF), the CSVs, the deck and the README.txt."""
    with tempfile.TemporaryDirectory(prefix="evidence-export-") as tmp:
        paths = export_all(bundle, filters, tmp, server=server, exported=exported)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, arcname=path.name)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

_EPILOG = f"""\
Writes, for the view chosen: each chart as PNG/SVG/PDF (titles, filters, sources, data
version and export date inside the image), its rows as CSV, a journal-club deck
({DECK_NAME}) and {README_NAME} with the citations of the sources used.

Exit status: 0 all written; 1 the evidence file has problems (one line each, as in
`python -m evidence validate`), or a file could not be written, or Chromium is missing;
2 usage error.

Without Chromium, png, svg, pdf and pptx cannot be made: the CSVs and {README_NAME} are still
written (when csv is asked for), the message says how to install Chromium
(apt-get install chromium), and the exit status is 1.
"""


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _formats_arg(text: str) -> frozenset[str]:
    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failed, 2 usage)."""
    parser = argparse.ArgumentParser(
        prog="python -m components.export",
        description="Export every chart, the CSVs and a journal-club deck for a view.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    parser.add_argument(
        "--evidence",
        default=str(DEFAULT_EVIDENCE),
        metavar="FILE",
        help="evidence file (default: data/evidence.yaml of this repository)",
    )
    parser.add_argument(
        "--formats",
        type=_formats_arg,
        default=ALL_FORMATS,
        metavar="LIST",
        help="comma-separated, from png,svg,pdf,pptx,csv (default: all)",
    )
    parser.add_argument(
        "--settings",
        type=_ids,
        default=(),
        metavar="IDS",
        help="comma-separated setting ids to keep (default: all)",
    )
    parser.add_argument(
        "--regimens",
        type=_ids,
        default=(),
        metavar="IDS",
        help="comma-separated regimen ids to keep (default: all)",
    )
    args = parser.parse_args(argv)  # exits 2 on usage errors

    try:
        bundle = bundle_from_path(args.evidence)
    except EvidenceError as exc:
        for problem in exc.problems:
            print(problem.as_line(args.evidence), file=sys.stderr)
        count = len(exc.problems)
        print(
            f"{args.evidence}: INVALID, {count} problem{'s' if count != 1 else ''}",
            file=sys.stderr,
        )
        return 1
    for option, chosen, known in (
        ("--settings", args.settings, [s.id for s in bundle.evidence.settings]),
        ("--regimens", args.regimens, [r.id for r in bundle.evidence.regimens]),
    ):
        unknown = [c for c in chosen if c not in known]
        if unknown:
            parser.error(f"{option}: unknown id(s) {', '.join(unknown)}; known: {', '.join(known)}")
    filters = Filters(settings=args.settings, regimens=args.regimens)

    status = 0
    try:
        try:
            paths = export_all(bundle, filters, args.out, formats=args.formats)
        except ExportUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            rest = args.formats - NEEDS_CHROMIUM  # what needs no browser: csv
            paths = export_all(bundle, filters, args.out, formats=rest) if rest else []
    except OSError as exc:
        print(f"error: could not write to {args.out}: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return status


if __name__ == "__main__":
    sys.exit(main())
