"""The journal-club deck (PPTX), laid out to be read when projected.

A title slide, one slide per chart with its sources, a summary of findings per randomised
comparison, one slide per verdict with the figures it rests on, a caveats slide, and
speaker notes throughout.

Every size is in points on the 13.33 x 7.5 in slide (components/looks.py defines the
geometry once). Chart pictures are drawn in the SLIDE look at the chart box's size and
placed at their native size, 1 layout px = 1 pt, so their text is as large on the slide as
the look says. No text above the footers is under TEXT_MIN_PT; footers (sources, data
version) are FOOTER_PT at the bottom edge. Text that would not fit (a long "rests on"
list, sources beyond two lines) goes to the speaker notes, and the slide says so.
Text heights are estimated from the text (``text_lines``) to place boxes one under the
other; the estimate is generous, so a box holds its text in PowerPoint and LibreOffice.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.parts.image import Image
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Pt

from components import compare, content
from components.export.render import INSTALL_HINT
from components.loaded import Filters, LoadedEvidence
from components.looks import (
    CHART_BOX_PT,
    GREY,
    INK,
    SLIDE_HEIGHT_PT,
    SLIDE_MARGIN_PT,
    SLIDE_PNG_SCALE,
    SLIDE_WIDTH_PT,
)
from components.specs import ChartSpec
from components.words import plural

SLIDE_WIDTH = Pt(SLIDE_WIDTH_PT)  # 12,192,000 EMU, 13.333 in: PowerPoint's own 16:9
SLIDE_HEIGHT = Pt(SLIDE_HEIGHT_PT)  # 7.5 in
_BLANK_LAYOUT = 6  # "Blank" in python-pptx's default template

FONT_NAME = "Arial"  # the charts' font; metric twin Liberation Sans where Arial is missing
TEXT_MIN_PT = 12  # no text above the footers is smaller
FOOTER_PT = 10  # sources, data version: small but legible
FOOTER_NAME = "Footer"  # the shape name of a slide's footer (tests find it by name)
TITLE_SIZES = (28, 24, 20)  # a chart slide's title: the largest that fits one line
REST_LINES = 4  # "rests on" figures a verdict slide shows at most; all are in the notes
REST_PT = 16
STATEMENT_PT = 20
SOF_SIZES = (14, 12)  # summary-of-findings table text: 14 where the table fits, else 12

_WIDTH = SLIDE_WIDTH_PT - 2 * SLIDE_MARGIN_PT  # a full-width box
_INSET_X, _INSET_Y = 7.2, 3.6  # python-pptx's text frame insets (0.1 in, 0.05 in)
_CELL_X, _CELL_Y = 7.2, 3.6  # a table cell's margins
_LINE = 1.2  # line pitch per point of font size (single spacing)
_EM = {False: 0.5, True: 0.55}  # average advance in ems: Arial measures 0.45 and 0.50 here
_GAP = 6.0  # between stacked boxes


class _Para(NamedTuple):
    """A paragraph of a text box; None fields take the box's defaults.

    ``mark``: a colour for a square before the text (a verdict's colour, so the words can
    stay dark and readable).
    """

    text: str
    size: int | None = None
    colour: str | None = None
    bold: bool | None = None
    space_after: int = 4
    mark: str | None = None


def _rgb(hex_colour: str) -> RGBColor:
    colour: RGBColor = RGBColor.from_string(hex_colour.lstrip("#").upper())  # type: ignore[no-untyped-call]
    return colour


def text_lines(text: str, size: float, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes at ``size`` pt in a box ``width`` pt wide (an estimate).

    Words wrap at the characters an average Arial advance allows; generous, so that the
    lines PowerPoint or LibreOffice draw are never more.
    """
    chars = max(1, int(width / (size * _EM[bold])))
    return sum(max(1, len(textwrap.wrap(part, chars))) for part in text.split("\n"))


def _para_height(item: _Para, width: float, size: int, bold: bool) -> float:
    pt = item.size or size
    strong = bold if item.bold is None else item.bold
    return text_lines(item.text, pt, width - 2 * _INSET_X, bold=strong) * pt * _LINE + (
        item.space_after
    )


def box_height(
    paragraphs: Sequence[str | _Para], *, size: int, bold: bool = False, width: float = _WIDTH
) -> float:
    """The height in pt a text box of ``paragraphs`` needs (see text_lines)."""
    items = [_Para(p) if isinstance(p, str) else p for p in paragraphs]
    return 2 * _INSET_Y + sum(_para_height(item, width, size, bold) for item in items)


def _text_box(
    slide: Slide,
    top: float,
    paragraphs: Sequence[str | _Para],
    *,
    size: int = 18,
    colour: str = INK,
    bold: bool = False,
    height: float | None = None,
    name: str | None = None,
) -> float:
    """A full-width text box of paragraphs (strings, or _Para to override the defaults).

    ``top`` in pt; the height is what the text needs unless given. Returns its bottom in pt.
    """
    height = height if height is not None else box_height(paragraphs, size=size, bold=bold)
    box = slide.shapes.add_textbox(Pt(SLIDE_MARGIN_PT), Pt(top), Pt(_WIDTH), Pt(height))
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    for i, item in enumerate(paragraphs):
        style = _Para(item) if isinstance(item, str) else item
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if style.mark:
            _run(para.add_run(), "■ ", style.size or size, True, style.mark)
        _run(
            para.add_run(),
            style.text,
            style.size or size,
            bold if style.bold is None else style.bold,
            style.colour or colour,
        )
        para.space_after = Pt(style.space_after)
    return top + height


def _run(run: object, text: str, size: float, bold: bool, colour: str) -> None:
    run.text = text  # type: ignore[attr-defined]
    font = run.font  # type: ignore[attr-defined]
    font.size = Pt(size)
    font.bold = bold
    font.name = FONT_NAME
    font.color.rgb = _rgb(colour)


def _footer_top(lines: Sequence[str]) -> float:
    """Where a footer of ``lines`` starts, in pt from the top: it ends at the bottom edge."""
    return (
        SLIDE_HEIGHT_PT
        - 2
        - box_height([_Para(line, space_after=0) for line in lines], size=FOOTER_PT)
    )


def _footer(slide: Slide, lines: Sequence[str]) -> None:
    """The slide's footer at the bottom edge, FOOTER_PT grey (added last: read last)."""
    top = _footer_top(lines)
    _text_box(
        slide,
        top,
        [_Para(line, space_after=0) for line in lines],
        size=FOOTER_PT,
        colour=GREY,
        height=SLIDE_HEIGHT_PT - 2 - top,
        name=FOOTER_NAME,
    )


def _fitting_size(text: str, sizes: Sequence[int], *, bold: bool = True) -> int:
    """The largest of ``sizes`` at which ``text`` takes one full-width line (else the last)."""
    inner = _WIDTH - 2 * _INSET_X
    return next((s for s in sizes if text_lines(text, s, inner, bold=bold) == 1), sizes[-1])


def _sources_line(sources: Sequence[str]) -> tuple[str, bool]:
    """The footer's "Source: A; B" cut to two lines; whether some are left for the notes."""
    inner = _WIDTH - 2 * _INSET_X
    for count in range(len(sources), 0, -1):
        more = len(sources) - count
        text = "Source: " + "; ".join(sources[:count])
        if more:
            text += f"; and {more} more (listed in the speaker notes)"
        if text_lines(text, FOOTER_PT, inner) <= 2:
            return text, bool(more)
    return f"Source: {plural(len(sources), 'source')}, listed in the speaker notes", True


def _notes(slide: Slide, text: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    if frame is None:  # only a custom template without a notes body placeholder
        raise ValueError("the deck template has no speaker-notes placeholder")
    frame.text = text


def picture_size(png: bytes, *, scale: float, box: tuple[float, float]) -> tuple[float, float]:
    """A chart PNG's size on the slide in pt: its layout size (pixels / scale), 1 px = 1 pt.

    Only a picture larger than ``box`` (width, height) is shrunk to fit it.
    """
    width_px, height_px = Image.from_blob(png).size
    width, height = width_px / scale, height_px / scale
    ratio = min(1.0, box[0] / width, box[1] / height)
    return width * ratio, height * ratio


ASK = (
    "Ask: is this a randomised comparison or a comparison across trials? Would the verdict "
    "survive without the small-n or editorial-only figures? Were dose, population and "
    "response criteria the same? What evidence would change it?"
)
"""The questions a presenter puts to the room about any verdict (speaker notes only)."""


def verdict_notes(card: content.VerdictCard) -> str:
    """Speaker notes for a verdict: the whole card, then what to ask about it."""
    lines = [f"What the verdict says: {card.heading} · {card.rating}", card.statement]
    lines += card.asides
    lines.append(card.rests_heading)
    lines += [f"• {line}" for line in card.figures]
    if card.effects:
        lines += [content.EFFECTS_HEADING, *(f"• {line}" for line in card.effects)]
    lines += [ASK, card.reference]
    return "\n".join(lines)


def deck_pptx(
    loaded: LoadedEvidence,
    filters: Filters,
    specs: Sequence[ChartSpec],
    *,
    images: Mapping[str, bytes] | None,
    exported: dt.date | None = None,
    scale: float = SLIDE_PNG_SCALE,
    baselines: compare.Baselines = (),
) -> bytes:
    """A 16:9 journal-club deck: title, one slide per chart, per verdict in view, caveats.

    ``specs`` are drawn for slides (the SLIDE look, split: files.deck_specs); ``images``
    maps spec.key to the PNG of its figure rendered at ``scale``, which is placed at its
    layout size in pt. A chart without one gets a note saying how to add it. Chart and
    verdict slides carry speaker notes.
    """
    day = (exported or dt.date.today()).isoformat()
    version = f"Data version {loaded.data_version} · exported {day}"
    scope = filters.describe(loaded.evidence)
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    ev = loaded.evidence

    slide = _add_slide(deck)
    bottom = _text_box(slide, 86, [ev.title], size=40, bold=True)
    _text_box(
        slide,
        bottom + 2 * _GAP,
        [
            _Para(ev.summary, size=18, space_after=10),
            _Para(f"View: {scope}", size=16, colour=GREY),
            _Para(version, size=16, colour=GREY),
        ]
        + ([_Para(f"Editorial: {ev.editorial.citation}", size=14)] if ev.editorial else []),
    )
    _notes(
        slide,
        f"{ev.title}. {plural(len(specs), 'chart')} and the editorial's verdicts for: {scope}. "
        f"{version}. Every figure's source is on its slide.",
    )

    for spec in specs:
        _chart_slide(_add_slide(deck), spec, (images or {}).get(spec.key), scale, scope, version)

    for comparison, groups in summaries_of_findings(loaded, filters, baselines):
        _sof_slides(deck, comparison, groups, version)

    cards = content.verdict_cards(loaded, filters)
    editorial = f" · {ev.editorial.citation}" if ev.editorial else ""
    for card in cards:
        _verdict_slide(_add_slide(deck), card, editorial, version)

    slide = _add_slide(deck)
    bottom = _text_box(slide, 8, ["Caveats before comparing"], size=28, bold=True)
    caveats = [_Para(f"• {line}", space_after=10) for line in content.caveat_lines(loaded, filters)]
    top = _footer_top([version])
    size = next(
        (s for s in (18, 16, 14) if bottom + _GAP + box_height(caveats, size=s) <= top - _GAP), 14
    )
    _text_box(slide, bottom + 2 * _GAP, caveats, size=size)
    _footer(slide, [version])
    _notes(
        slide,
        "Read these before any cross-trial comparison.\n" + "\n".join(p.text for p in caveats),
    )

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _add_slide(deck: PresentationType) -> Slide:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[_BLANK_LAYOUT])
    return slide


def _chart_slide(
    slide: Slide, spec: ChartSpec, png: bytes | None, scale: float, scope: str, version: str
) -> None:
    """A chart's slide: its title, the picture at its own size under it, sources at the foot."""
    size = _fitting_size(spec.title, TITLE_SIZES)
    title_bottom = _text_box(slide, 4, [_Para(spec.title, space_after=0)], size=size, bold=True)
    sources = spec.sources()
    source_line, cut = _sources_line(sources)
    footer = [source_line, f"{scope} · {version}"]
    footer_top = _footer_top(footer)
    top = max(float(CHART_BOX_PT[1]), title_bottom)
    width, height = float(CHART_BOX_PT[2]), min(float(CHART_BOX_PT[3]), footer_top - top)
    if png is not None:
        shown_w, shown_h = picture_size(png, scale=scale, box=(width, height))
        picture = slide.shapes.add_picture(
            io.BytesIO(png),
            Pt((SLIDE_WIDTH_PT - shown_w) / 2),
            Pt(top),
            Pt(shown_w),
            Pt(shown_h),
        )
        # Alt text for screen readers and for search inside the deck.
        element: Any = picture._element  # python-pptx has no API for it
        element.nvPicPr.cNvPr.set("descr", f"{spec.title}. {spec.note}".strip())
    else:
        _text_box(
            slide,
            top + 100,
            [
                "Chart image not rendered here. " + INSTALL_HINT,
                f"The figure's rows are in {spec.filename}.csv.",
            ],
            size=16,
            colour=GREY,
        )
    _footer(slide, footer)
    notes = spec.speaker_notes + (f"\nNote: {spec.note}" if spec.note else "")
    if cut:
        notes += "\nSources: " + "; ".join(sources) + "."
    _notes(slide, notes)


def _verdict_slide(slide: Slide, card: content.VerdictCard, editorial: str, version: str) -> None:
    """A verdict slide, large enough to read from the back of the room.

    Its heading, the rating, our statement and the first figures it rests on, as many as fit
    up to REST_LINES; the speaker notes hold the whole card.
    """
    footer = [card.reference.removesuffix(".") + editorial, version]
    footer_top = _footer_top(footer)
    bottom = _text_box(
        slide,
        8,
        [
            _Para(card.heading, size=_fitting_size(card.heading, (28, 24)), space_after=6),
            _Para(card.rating, size=20, mark=card.colour),
        ],
        bold=True,
    )
    figures = card.figures
    body = [_Para(card.statement, size=STATEMENT_PT, space_after=14)]
    body += [_Para(aside, colour=GREY) for aside in card.asides]
    if not figures:
        body.append(_Para(card.rests_heading))
    room = footer_top - _GAP - (bottom + 2 * _GAP)
    for shown in range(min(len(figures), REST_LINES), -1, -1):
        rests = [_Para(card.rests_heading if figures else "")]
        rests += [_Para(f"• {line}") for line in figures[:shown]]
        if shown < len(figures):
            rests.append(_Para(f"+{len(figures) - shown} more in the speaker notes", colour=GREY))
        if not figures or box_height(body + rests, size=REST_PT) <= room or shown == 0:
            break
    _text_box(slide, bottom + 2 * _GAP, body + (rests if figures else []), size=REST_PT)
    _footer(slide, footer)
    _notes(slide, verdict_notes(card))


SOF_SLIDE_COLUMNS = (
    "Outcome",
    "Risk with comparator",
    "Risk with regimen",
    compare.PER_1000,
    "Difference per 100 (95% CI)",
    "Relative effect (95% CI)",
    compare.CERTAINTY,
)
"""The summary-of-findings columns a slide shows (GRADE's order: absolute effects, relative
effect, certainty); the NNT, why each certainty and the rest go to the speaker notes."""
SOF_WIDTHS = (2.0, 1.45, 1.45, 2.05, 2.0, 1.75, 1.8)  # inches, 12.5 in all


def summaries_of_findings(
    loaded: LoadedEvidence, filters: Filters, baselines: compare.Baselines = ()
) -> list[tuple[compare.Comparison, list[tuple[str, pd.DataFrame]]]]:
    """The summary of findings of every randomised comparison in view, for the deck.

    ``baselines`` (percent by endpoint) set the assumed risk of the per-1000 column.
    """
    effects = filters.apply(loaded.effects)
    return [
        (found, compare.sof_groups(loaded, effects, found, baselines))
        for found in compare.comparisons(effects)
        if found.randomised
    ]


def _sof_slides(
    deck: PresentationType,
    comparison: compare.Comparison,
    groups: Sequence[tuple[str, pd.DataFrame]],
    version: str,
) -> None:
    """A comparison's summary of findings: a GRADE-style table of the computed rows.

    The table is set at 14 pt where it fits and 12 pt where it does not, and continues on
    another slide when even that is too tall. Under it, what the source reported and the
    findings without numbers, as many as fit; every column, every finding and the method go
    to the speaker notes.
    """
    computed = [(t, g) for t, g in groups if list(g.columns) == compare.SOF_COLUMNS]
    others = [(t, g) for t, g in groups if list(g.columns) != compare.SOF_COLUMNS]
    cells = [list(SOF_SLIDE_COLUMNS)] if computed else []
    for title, group in computed:
        cells.append([title] + [""] * (len(SOF_SLIDE_COLUMNS) - 1))
        cells += group[list(SOF_SLIDE_COLUMNS)].astype(str).to_numpy().tolist()
    also = [_also_line(row) for _, group in others for _, row in group.iterrows()]
    notes = [
        f"Summary of findings: {comparison.label}.",
        comparison.alike_sentence,
        *[
            f"{title}: "
            + " | ".join(
                "; ".join(f"{c}: {v}" for c, v in row.items() if v) for _, row in group.iterrows()
            )
            for title, group in groups
        ],
        compare.METHOD_NOTE,
        compare.CERTAINTY_NOTE,
    ]
    heading = f"Summary of findings: {comparison.regimen} vs {comparison.versus_regimen}"
    subtitle = (
        f"{comparison.cohort_label} vs {comparison.versus_label} · "
        f"{comparison.source_short} · randomised"
        + (f" · treated alike during {comparison.alike}" if comparison.alike else "")
    )
    footnote = (
        "‡ computed by us. Certainty 'at most': some domains not assessed; why, per outcome, "
        "the NNT and the method are in the notes."
    )
    title_h = box_height([_Para(heading, 26, bold=True), _Para(subtitle, 14)], size=14)
    note_h = box_height([footnote], size=12) if cells else 0.0
    room = _footer_top([version]) - note_h - _GAP - (8 + title_h + _GAP)
    size = next((s for s in SOF_SIZES if sum(_row_heights(cells, s)) <= room), SOF_SIZES[-1])
    chunks = _table_chunks(cells, size, room)
    for part, chunk in enumerate(chunks, start=1):
        slide = _add_slide(deck)
        of = f" ({part} of {len(chunks)})" if len(chunks) > 1 else ""
        bottom = _text_box(
            slide,
            8,
            [_Para(heading + of, size=26, bold=True), _Para(subtitle, size=14, colour=GREY)],
            size=14,
        )
        footer_top = _footer_top([version])
        if chunk:
            bottom = _sof_table(slide, chunk, size, bottom + _GAP) + _GAP
            _text_box(slide, footer_top - note_h, [footnote], size=12, colour=GREY)
        if part == len(chunks) and also:
            _also_box(slide, also, bottom + _GAP, footer_top - note_h - _GAP)
        _footer(slide, [version])
        _notes(slide, "\n".join(notes))


def _also_line(row: pd.Series) -> str:
    """A reported effect or a finding without numbers, in one line for under the table."""
    if "Finding" in row:
        return f"{row['Outcome']}: {row['Finding']}"
    return f"{row['Outcome']}: {row['Effect (95% CI)']} ({str(row['Reported by']).lower()})"


def _also_box(slide: Slide, lines: Sequence[str], top: float, bottom: float) -> None:
    """The "also reported" lines at 14 pt from ``top`` to ``bottom``; the rest in the notes."""
    for shown in range(len(lines), -1, -1):
        paras = [_Para("Also reported (not computed by us):", bold=True)]
        paras += [_Para(f"• {line}") for line in lines[:shown]]
        if shown < len(lines):
            paras.append(_Para(f"+{len(lines) - shown} more in the speaker notes", colour=GREY))
        if top + box_height(paras, size=14) <= bottom or shown == 0:
            break
    if top + box_height(paras, size=14) <= bottom:
        _text_box(slide, top, paras, size=14)


def _row_heights(cells: Sequence[Sequence[str]], size: int) -> list[float]:
    """Each table row's height in pt at ``size``: its tallest cell, wrapped to its column."""
    heights = []
    for i, values in enumerate(cells):
        bold = _is_heading(i, values)
        lines = max(
            text_lines(value, size, width * 72 - 2 * _CELL_X, bold=bold)
            for value, width in zip(values, SOF_WIDTHS, strict=True)
        )
        heights.append(lines * size * _LINE + 2 * _CELL_Y)
    return heights


def _is_heading(i: int, values: Sequence[str]) -> bool:
    return i == 0 or list(values[1:]) == [""] * (len(SOF_SLIDE_COLUMNS) - 1)


def _table_chunks(
    cells: Sequence[Sequence[str]], size: int, room: float
) -> list[list[Sequence[str]]]:
    """The table's rows in slides' worth that fit ``room``, each under the header row."""
    if not cells:
        return [[]]
    heights = _row_heights(cells, size)
    chunks: list[list[Sequence[str]]] = []
    current: list[Sequence[str]] = [cells[0]]
    used = heights[0]
    for values, height in zip(cells[1:], heights[1:], strict=True):
        if len(current) > 1 and used + height > room:
            chunks.append(current)
            current, used = [cells[0]], heights[0]
        current.append(values)
        used += height
    chunks.append(current)
    return chunks


def _sof_table(slide: Slide, cells: Sequence[Sequence[str]], size: int, top: float) -> float:
    """The table at ``top`` with every row as tall as its text needs; returns its bottom."""
    heights = _row_heights(cells, size)
    shape = slide.shapes.add_table(
        len(cells),
        len(SOF_SLIDE_COLUMNS),
        Pt(SLIDE_MARGIN_PT),
        Pt(top),
        Pt(sum(SOF_WIDTHS) * 72),
        Pt(sum(heights)),
    )
    table = shape.table
    for j, width in enumerate(SOF_WIDTHS):
        table.columns[j].width = Pt(width * 72)
    for i, values in enumerate(cells):
        table.rows[i].height = Pt(heights[i])
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.text = value
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(size)
                    run.font.bold = _is_heading(i, values)
                    run.font.name = FONT_NAME
    return top + sum(heights)
