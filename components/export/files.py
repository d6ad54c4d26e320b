"""Everything for a view as files, and a ZIP of it all.

Each chart as PNG, SVG and PDF with its context printed on it, the CSV behind each, the
journal-club deck, the offline journal-club page (HTML) and a README with citations.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import textwrap
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from components import content, registry
from components.compare import Baselines
from components.export.dress import with_footer
from components.export.html import view_html
from components.export.names import DECK_NAME, EFFECTS_NAME, HTML_NAME, README_NAME
from components.export.render import (
    DEFAULT_WIDTH,
    IMAGE_FORMATS,
    PNG_SCALE,
    Batch,
    ExportServer,
    RenderJob,
    default_server,
)
from components.loaded import Filters, LoadedEvidence
from components.looks import FILE, SLIDE, SLIDE_PNG_SCALE, Look
from components.specs import ChartSpec
from evidence import frames as fr
from evidence.effects import EFFECT_COLUMNS, with_baseline

FORMATS = (*IMAGE_FORMATS, "pptx", "csv", "html")
"""Every format of the exports, in the order the command line's help lists them."""
ALL_FORMATS = frozenset(FORMATS)
CHART_FORMATS = (*IMAGE_FORMATS, "csv")
"""The files written for each chart, in the order export_all writes them: images, then rows."""
NEEDS_CHROMIUM = frozenset({*IMAGE_FORMATS, "pptx"})
NEEDS_FILE_SPECS = frozenset({*IMAGE_FORMATS, "csv", "html"})
"""The formats drawn from the file look's specs (the deck draws its own)."""

C = TypeVar("C")  # a chart's page choice (components/choices.py)
Say = Callable[[float, str], None]
"""``say(fraction_done, what_now)``: an export's progress, called in the caller's thread."""

SPEC_CACHE_SIZE = 8  # views kept (each look and use counts once): about 2 MB each
_spec_cache: OrderedDict[tuple[object, ...], list[ChartSpec]] = OrderedDict()
_spec_lock = threading.Lock()


def _quiet(fraction: float, text: str) -> None:
    """The progress of an export nobody watches."""


def _view_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    use: str,
    look: Look,
    each: Callable[[list[ChartSpec]], None] | None = None,
    keep: bool = True,
) -> list[ChartSpec]:
    """registry.view_specs, kept per process for the SPEC_CACHE_SIZE views used last.

    Keyed by the data version (a hash of the file's content), the file's name, the filters,
    the use and the look: an export after a download of the same view draws nothing again.
    ``each`` is called with each chart's specs as soon as they are drawn (all at once when
    they were kept), so that their images can render while the next chart is drawn. The
    specs are shared: callers copy a figure before changing it (dress.with_footer does).
    ``keep=False`` neither reads nor fills the cache: a session's upload stays its own.
    """
    key = (loaded.data_version, loaded.name, filters, use, look.name)
    with _spec_lock:
        found = _spec_cache.get(key) if keep else None
        if found is not None:
            _spec_cache.move_to_end(key)
    if found is not None:
        if each is not None:
            each(found)
        return found
    built: list[ChartSpec] = []
    for decl in registry.view_charts(use):
        drawn = decl.specs(loaded, filters, look=look, split=use in registry.SPLIT_USES)
        built += drawn
        if each is not None and drawn:
            each(drawn)
    if not keep:
        return built
    with _spec_lock:
        _spec_cache[key] = built
        while len(_spec_cache) > SPEC_CACHE_SIZE:
            _spec_cache.popitem(last=False)
    return built


def file_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    each: Callable[[list[ChartSpec]], None] | None = None,
    keep: bool = True,
) -> list[ChartSpec]:
    """Every chart of the view that goes into the file exports, drawn for a file.

    ``each`` hears each chart's specs as they are drawn; ``keep``: see _view_specs.
    """
    return _view_specs(loaded, filters, "exports", FILE, each, keep)


def deck_specs(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    each: Callable[[list[ChartSpec]], None] | None = None,
    keep: bool = True,
) -> list[ChartSpec]:
    """Every chart of the view that goes into the deck, drawn for a slide and split to fit.

    ``each`` hears each chart's specs as they are drawn; ``keep``: see _view_specs.
    """
    return _view_specs(loaded, filters, "deck", SLIDE, each, keep)


def _deck_pptx(
    loaded: LoadedEvidence,
    filters: Filters,
    specs: Sequence[ChartSpec],
    *,
    images: Mapping[str, bytes] | None,
    exported: dt.date | None,
    baselines: Baselines = (),
) -> bytes:
    # python-pptx is imported only for a deck (0.14 s): the offline page alone needs none.
    from components.export import deck

    return deck.deck_pptx(
        loaded, filters, specs, images=images, exported=exported, baselines=baselines
    )


def _deck_jobs(specs: Sequence[ChartSpec]) -> list[RenderJob]:
    return [RenderJob(spec.figure, "png", SLIDE_PNG_SCALE) for spec in specs]


class _Renders:
    """Images asked for while figures are still being drawn, in the order asked.

    Jobs wait here until Chromium runs (it starts in the background meanwhile), then go to
    it in batches, one per chart: a chart renders while the next is drawn. ``wait`` returns
    every image in order.
    """

    def __init__(self, engine: ExportServer, *, keep: bool = True) -> None:
        self.engine = engine
        self.keep = keep
        self._pending: list[RenderJob] = []
        self._batches: list[Batch] = []

    def add(self, jobs: Sequence[RenderJob]) -> None:
        self._pending += jobs
        if self.engine.running:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._batches.append(self.engine.submit(self._pending, keep=self.keep))
            self._pending = []

    def wait(self, say: Say, start: float, end: float) -> list[bytes]:
        """Every image, in the order asked; progress from ``start`` to ``end`` of the export."""
        self.flush()
        total = sum(batch.total for batch in self._batches)
        out: list[bytes] = []
        before = 0
        for batch in self._batches:

            def progress(done: int, _: int, before: int = before) -> None:
                count = before + done
                share = count / total if total else 1.0
                say(start + (end - start) * share, f"Rendering images: {count} of {total}")

            out += batch.wait(progress)
            before += batch.total
        return out


def deck_images(
    specs: Sequence[ChartSpec], engine: ExportServer, *, say: Say = _quiet
) -> dict[str, bytes]:
    """The PNG of each slide figure at SLIDE_PNG_SCALE (one batch); the slide prints its context."""
    renders = _Renders(engine)
    renders.add(_deck_jobs(specs))
    pngs = renders.wait(say, 0.0, 1.0)
    return {spec.key: png for spec, png in zip(specs, pngs, strict=True)}


def spec_image(
    loaded: LoadedEvidence,
    filters: Filters,
    fmt: str,
    *,
    chart: registry.Chart[C],
    spec: str,
    choice: C | None = None,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
) -> bytes:
    """One chart of a view as PNG, SVG or PDF, drawn for a file with its context printed on it.

    ``spec`` is the key of the spec (a chart may draw several) and ``choice`` the page's
    (the chart's default without one), so the image shows what the page shows. Raises
    ExportUnavailable without Chromium.
    """
    chosen = chart.default if choice is None else choice
    if chosen == chart.default and chart.exports:  # the view's own specs, drawn once for all
        drawn = [s for s in file_specs(loaded, filters) if s.chart == chart.key]
    else:
        drawn = chart.specs(loaded, filters, look=FILE, choice=chosen)
    found = next(s for s in drawn if s.key == spec)
    fig = with_footer(found, data_version=loaded.data_version, exported=exported)
    return (server or default_server()).render(fig, fmt)


def view_deck(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    images: bool = True,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
    say: Say = _quiet,
    keep: bool = True,
    baselines: Baselines = (),
) -> bytes:
    """The journal-club deck of the view; ``images=False`` makes it without Chromium.

    With images (the default) ExportUnavailable is raised when Chromium is missing; a deck
    without them says on each chart slide how to add them. ``say`` hears the progress;
    ``keep=False`` keeps nothing in the process's caches (a session's upload).
    """
    say(0.0, "Drawing the charts for the slides")
    if not images:
        specs = deck_specs(loaded, filters, keep=keep)
        say(0.9, "Writing the deck")
        return _deck_pptx(
            loaded, filters, specs, images=None, exported=exported, baselines=baselines
        )
    engine = server or default_server()
    engine.start_in_background()  # Chromium starts while the slides' charts are drawn
    renders = _Renders(engine, keep=keep)
    specs = deck_specs(
        loaded, filters, each=lambda drawn: renders.add(_deck_jobs(drawn)), keep=keep
    )
    engine.start()  # raises ExportUnavailable
    pngs = renders.wait(say, 0.2, 0.9)
    say(0.9, "Writing the deck")
    by_key = {spec.key: png for spec, png in zip(specs, pngs, strict=True)}
    data = _deck_pptx(loaded, filters, specs, images=by_key, exported=exported, baselines=baselines)
    say(1.0, "Deck ready")
    return data


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


def _wrap(text: str, indent: str) -> list[str]:
    """README lines of at most 96 characters; words, names with hyphens and links kept whole."""
    return textwrap.wrap(
        text,
        96,
        initial_indent=indent,
        subsequent_indent="    ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def readme_text(
    loaded: LoadedEvidence,
    filters: Filters,
    specs: Sequence[ChartSpec],
    files: Sequence[str],
    *,
    exported: dt.date | None = None,
) -> str:
    """README.txt of an export: what the files are, the view, the data version, the citations."""
    ev = loaded.evidence
    day = (exported or dt.date.today()).isoformat()
    used = {name for spec in specs for name in spec.sources()}
    sources = loaded.sources[loaded.sources[fr.SOURCE_SHORT].isin(list(used))]
    out = [
        ev.title,
        "=" * min(len(ev.title), 100),
        "",
        f"Evidence file: {Path(loaded.name).name}",
        f"Data version: {loaded.data_version} (content hash and review date)",
        f"Exported: {day}",
        f"View: {filters.describe(ev)}",
    ]
    if ev.editorial:
        out.append(f"Editorial: {ev.editorial.citation}")
    out += ["", "Files", "-----"]
    out += [f"  {name}" for name in files]
    png_width = round((FILE.width or DEFAULT_WIDTH) * PNG_SCALE)
    out += [
        "",
        *textwrap.wrap(
            f"Each chart comes as PNG ({png_width} px wide), SVG and PDF with its sources, the "
            "data version and the export date printed in the image, and as a CSV of exactly the "
            f"rows it shows. {content.READING_KEY}",
            88,
        ),
    ]
    if HTML_NAME in files:
        out += [
            f"{HTML_NAME} is the whole view on one page (interactive charts, the rows behind",
            "them, verdicts, caveats, sources): it opens in any web browser with no network and",
            "no other software, and prints one section per page.",
        ]
    out += ["", f"Sources used ({len(sources)})", "-" * 16]
    for entry in content.source_entries(loaded, sources):
        details = " · ".join(d for d in (entry.fact_line, *(k.text for k in entry.links)) if d)
        for text, indent in ((f"[{entry.name}] {entry.citation}", ""), (details, "    ")):
            out += _wrap(text, indent)
        out += _wrap(entry.note, "    ") if entry.note else []
    return "\n".join(out) + "\n"


def export_all(
    loaded: LoadedEvidence,
    filters: Filters,
    out_dir: str | os.PathLike[str],
    *,
    formats: Collection[str] = ALL_FORMATS,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
    say: Say = _quiet,
    keep: bool = True,
    baselines: Baselines = (),
) -> list[Path]:
    """Write every chart of the view in ``formats``, the deck, the page, the CSVs, a README.txt.

    Files are named from spec.filename (``response-....png``), plus journal-club.pptx,
    journal-club.html (the offline page) and README.txt (always written). Returns the paths
    written, in order. When a format that needs Chromium (png, svg, pdf, pptx) is asked for
    and none can start, ExportUnavailable is raised before anything is written; csv and html
    need none. Only what ``formats`` need is drawn: the file look's charts for images, CSVs
    and the page, the slide look's for the deck. Every image is handed to Chromium in one
    batch as soon as its figure exists, and rendered while the next figures are drawn.
    ``say`` hears the progress; ``keep=False`` keeps nothing in the process's caches.
    """
    chosen = parse_formats(formats)
    out = Path(out_dir)
    engine: ExportServer | None = None
    if chosen & NEEDS_CHROMIUM:
        engine = server or default_server()
        engine.start_in_background()  # Chromium starts while the charts are drawn
    image_formats = [fmt for fmt in IMAGE_FORMATS if fmt in chosen]
    file_renders = _Renders(engine, keep=keep) if engine is not None and image_formats else None
    deck_renders = _Renders(engine, keep=keep) if engine and "pptx" in chosen else None

    def file_images(drawn: list[ChartSpec]) -> None:
        if file_renders is not None:
            for spec in drawn:
                fig = with_footer(spec, data_version=loaded.data_version, exported=exported)
                file_renders.add([RenderJob(fig, fmt) for fmt in image_formats])

    def slide_images(drawn: list[ChartSpec]) -> None:
        if deck_renders is not None:
            deck_renders.add(_deck_jobs(drawn))

    say(0.0, "Drawing the charts")
    needs_specs = chosen & NEEDS_FILE_SPECS
    specs = file_specs(loaded, filters, each=file_images, keep=keep) if needs_specs else []
    slides: list[ChartSpec] = []
    if deck_renders is not None:
        say(0.1, "Drawing the charts for the slides")
        slides = deck_specs(loaded, filters, each=slide_images, keep=keep)
    if engine is not None:
        engine.start()  # raises ExportUnavailable before anything is written
    file_share = 0.5 if file_renders and deck_renders else 0.7
    images = iter(file_renders.wait(say, 0.2, 0.2 + file_share) if file_renders else [])
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, data: bytes) -> None:
        path = out / name
        path.write_bytes(data)
        written.append(path)

    for spec in specs:
        for fmt in (fmt for fmt in CHART_FORMATS if fmt in chosen):
            if fmt in IMAGE_FORMATS:
                data = next(images)
            else:  # csv
                data = spec.display_table().to_csv(index=False).encode()
            write(f"{spec.filename}.{fmt}", data)
    if "csv" in chosen:
        effects = with_baseline(filters.apply(loaded.effects), dict(baselines) or None)
        write(EFFECTS_NAME, effects.to_csv(index=False, columns=EFFECT_COLUMNS).encode())
    if deck_renders is not None:
        pngs = deck_renders.wait(say, 0.2 + file_share if file_renders else 0.2, 0.9)
        say(0.9, "Writing the deck")
        by_key = {spec.key: png for spec, png in zip(slides, pngs, strict=True)}
        deck = _deck_pptx(
            loaded, filters, slides, images=by_key, exported=exported, baselines=baselines
        )
        write(DECK_NAME, deck)
    if "html" in chosen:
        say(0.95, "Writing the offline page")
        write(HTML_NAME, view_html(loaded, filters, exported=exported, specs=specs))
    names = [path.name for path in written] + [README_NAME]
    # Without the file look's charts, the deck's name the same sources (the deck splits the
    # charts but keeps every row) and are drawn already.
    cited = specs if chosen & NEEDS_FILE_SPECS else slides
    write(README_NAME, readme_text(loaded, filters, cited, names, exported=exported).encode())
    say(1.0, "Files ready")
    return written


def everything_zip(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
    say: Say = _quiet,
    keep: bool = True,
    baselines: Baselines = (),
) -> bytes:
    """A ZIP of every figure (PNG, SVG, PDF), the CSVs, the deck, the page and the README.txt.

    ``say`` hears the progress; ``keep=False`` keeps nothing in the process's caches;
    ``baselines`` as for export_all.
    """
    with tempfile.TemporaryDirectory(prefix="evidence-export-") as tmp:
        paths = export_all(
            loaded,
            filters,
            tmp,
            server=server,
            exported=exported,
            say=say,
            keep=keep,
            baselines=baselines,
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, arcname=path.name)
    return buffer.getvalue()
