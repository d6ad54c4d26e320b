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
import zipfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from components import registry, tables
from components.export import deck
from components.export.dress import with_footer
from components.export.html import view_html
from components.export.names import DECK_NAME, EFFECTS_NAME, HTML_NAME, README_NAME
from components.export.render import (
    DEFAULT_WIDTH,
    IMAGE_FORMATS,
    PNG_SCALE,
    ExportServer,
    default_server,
)
from components.loaded import Filters, LoadedEvidence
from components.looks import FILE, SLIDE, SLIDE_PNG_SCALE
from components.specs import ChartSpec
from evidence import frames as fr
from evidence.effects import EFFECT_COLUMNS

ALL_FORMATS = frozenset({*IMAGE_FORMATS, "pptx", "csv", "html"})
NEEDS_CHROMIUM = frozenset({*IMAGE_FORMATS, "pptx"})


def file_specs(loaded: LoadedEvidence, filters: Filters) -> list[ChartSpec]:
    """Every chart of the view that goes into the file exports, drawn for a file."""
    return registry.view_specs(loaded, filters, use="exports", look=FILE)


def deck_specs(loaded: LoadedEvidence, filters: Filters) -> list[ChartSpec]:
    """Every chart of the view that goes into the deck, drawn for a slide and split to fit."""
    return registry.view_specs(loaded, filters, use="deck", look=SLIDE)


def deck_images(specs: Sequence[ChartSpec], engine: ExportServer) -> dict[str, bytes]:
    """The PNG of each slide figure at SLIDE_PNG_SCALE; the slide prints its context."""
    return {spec.key: engine.render(spec.figure, "png", scale=SLIDE_PNG_SCALE) for spec in specs}


def spec_image(
    loaded: LoadedEvidence,
    filters: Filters,
    fmt: str,
    *,
    chart: str,
    spec: str,
    choices: Mapping[str, object] | None = None,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
) -> bytes:
    """One chart of a view as PNG, SVG or PDF, drawn for a file with its context printed on it.

    ``chart`` is the registry key, ``spec`` the key of the spec (a chart may draw several)
    and ``choices`` the page's widget choices, so the image shows what the page shows.
    Raises ExportUnavailable without Chromium.
    """
    drawn = registry.chart(chart).specs(loaded, filters, look=FILE, choices=choices)
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
) -> bytes:
    """The journal-club deck of the view; ``images=False`` makes it without Chromium.

    With images (the default) ExportUnavailable is raised when Chromium is missing; a deck
    without them says on each chart slide how to add them.
    """
    specs = deck_specs(loaded, filters)
    pngs = deck_images(specs, server or default_server()) if images else None
    return deck.deck_pptx(loaded, filters, specs, images=pngs, exported=exported)


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
            f"rows it shows. {tables.READING_KEY}",
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
    loaded: LoadedEvidence,
    filters: Filters,
    out_dir: str | os.PathLike[str],
    *,
    formats: Collection[str] = ALL_FORMATS,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
) -> list[Path]:
    """Write every chart of the view in ``formats``, the deck, the page, the CSVs, a README.txt.

    Files are named from spec.filename (``response-....png``), plus journal-club.pptx,
    journal-club.html (the offline page) and README.txt (always written). Returns the paths
    written, in order. When a format that needs Chromium (png, svg, pdf, pptx) is asked for
    and none can start, ExportUnavailable is raised before anything is written; csv and html
    need none.
    """
    chosen = parse_formats(formats)
    out = Path(out_dir)
    specs = file_specs(loaded, filters)
    engine: ExportServer | None = None
    if chosen & NEEDS_CHROMIUM:
        engine = server or default_server()
        engine.start()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(name: str, data: bytes) -> None:
        path = out / name
        path.write_bytes(data)
        written.append(path)

    for spec in specs:
        if engine is not None:
            fig = with_footer(spec, data_version=loaded.data_version, exported=exported)
            for fmt in IMAGE_FORMATS:
                if fmt in chosen:
                    write(f"{spec.filename}.{fmt}", engine.render(fig, fmt))
        if "csv" in chosen:
            write(f"{spec.filename}.csv", spec.display_table().to_csv(index=False).encode())
    if "csv" in chosen:
        effects = filters.apply(loaded.effects)
        write(EFFECTS_NAME, effects.to_csv(index=False, columns=EFFECT_COLUMNS).encode())
    if "pptx" in chosen and engine is not None:
        slides = deck_specs(loaded, filters)
        images = deck_images(slides, engine)
        write(DECK_NAME, deck.deck_pptx(loaded, filters, slides, images=images, exported=exported))
    if "html" in chosen:
        write(HTML_NAME, view_html(loaded, filters, exported=exported, specs=specs))
    names = [path.name for path in written] + [README_NAME]
    write(README_NAME, readme_text(loaded, filters, specs, names, exported=exported).encode())
    return written


def everything_zip(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    server: ExportServer | None = None,
    exported: dt.date | None = None,
) -> bytes:
    """A ZIP of every figure (PNG, SVG, PDF), the CSVs, the deck, the page and the README.txt."""
    with tempfile.TemporaryDirectory(prefix="evidence-export-") as tmp:
        paths = export_all(loaded, filters, tmp, server=server, exported=exported)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, arcname=path.name)
    return buffer.getvalue()
