"""The journal-club deck (PPTX).

A title slide, one slide per chart with its sources, one per verdict with the figures it
rests on, a caveats slide, and speaker notes throughout.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.parts.image import Image
from pptx.slide import Slide
from pptx.util import Emu, Inches, Length, Pt

from components import charts, compare, tables
from components.export.render import INSTALL_HINT
from components.loaded import Filters, LoadedEvidence
from components.looks import GREY, INK
from components.specs import ChartSpec
from evidence import frames as fr
from evidence import vocabulary

SLIDE_WIDTH = Emu(12_192_000)  # 13.333 in: PowerPoint's own 16:9
SLIDE_HEIGHT = Emu(6_858_000)  # 7.5 in
_MARGIN = Inches(0.4)
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
    colour: str = INK,
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


def _fit(png: bytes, box_w: int, box_h: int) -> tuple[int, int]:
    width_px, height_px = Image.from_blob(png).size
    ratio = min(box_w / width_px, box_h / height_px)
    return int(width_px * ratio), int(height_px * ratio)


def _rested_results(loaded: LoadedEvidence, keys: Sequence[str]) -> pd.DataFrame:
    return loaded.results[loaded.results[fr.KEY].isin(list(keys))]


def verdict_notes(verdict: pd.Series, loaded: LoadedEvidence) -> str:
    """Speaker notes for a verdict: what it says, what it rests on, what to ask about it."""
    word = charts.verdict_label(str(verdict[fr.VERDICT]))
    keys = list(verdict["rests_on"])
    lines = [
        f"What the verdict says: {word} for {verdict['regimen_labels']} in "
        f"{verdict[fr.SETTING_LABEL]} (efficacy {verdict['efficacy']}, safety "
        f"{verdict['safety']}). {verdict[fr.STATEMENT]}",
    ]
    if keys:
        figures = [line for key in keys for line in tables.describe_key(key, loaded)]
        lines.append(f"What it rests on ({len(figures)} figure(s)): " + "; ".join(figures) + ".")
        rested = _rested_results(loaded, keys)
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


def caveat_lines(loaded: LoadedEvidence, filters: Filters) -> list[str]:
    """What to keep in mind before comparing the figures in view (for the caveats slide)."""
    results = filters.apply(loaded.results)
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
                f"{vocabulary.DESIGN.phrase(d)} ({n} source(s))" for d, n in designs.items()
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
    loaded: LoadedEvidence,
    filters: Filters,
    specs: Sequence[ChartSpec],
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
    version = f"Data version {loaded.data_version} · exported {day}"
    scope = filters.describe(loaded.evidence)
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    layout = deck.slide_layouts[_BLANK_LAYOUT]
    ev = loaded.evidence

    slide = deck.slides.add_slide(layout)
    _text_box(slide, Inches(1.2), Inches(1.6), [ev.title], size=40, bold=True)
    _text_box(
        slide,
        Inches(2.9),
        Inches(4.4),
        [
            _Para(ev.summary, size=18),
            _Para(f"View: {scope}", size=16, colour=GREY),
            _Para(version, size=16, colour=GREY),
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
            width, height = _fit(png, SLIDE_WIDTH - 2 * _MARGIN, box_h)
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
                colour=GREY,
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
            colour=GREY,
        )
        _notes(slide, spec.speaker_notes + (f"\nNote: {spec.note}" if spec.note else ""))

    for comparison, groups in summaries_of_findings(loaded, filters):
        _sof_slide(deck.slides.add_slide(layout), comparison, groups, version)

    verdicts = filters.apply(loaded.verdicts).sort_values(fr.SETTING_ORDER, kind="stable")
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
                    f"{charts.verdict_label(word)} · efficacy "
                    f"{vocabulary.EFFICACY.phrase(verdict[fr.EFFICACY])} · safety "
                    f"{vocabulary.SAFETY.phrase(verdict[fr.SAFETY])}",
                    size=20,
                    colour=charts.verdict_colour(word),
                ),
            ],
            bold=True,
        )
        statement = str(verdict[fr.STATEMENT])
        figures = [line for key in verdict["rests_on"] for line in tables.describe_key(key, loaded)]
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
            colour=GREY,
        )
        _notes(slide, verdict_notes(verdict, loaded))

    slide = deck.slides.add_slide(layout)
    _text_box(slide, Inches(0.2), Inches(0.8), ["Caveats before comparing"], size=28, bold=True)
    caveats = caveat_lines(loaded, filters)
    _text_box(slide, Inches(1.2), Inches(5.4), [f"• {line}" for line in caveats], size=18)
    _text_box(slide, Inches(6.9), Inches(0.4), [version], size=10, colour=GREY)
    _notes(slide, "Read these before any cross-trial comparison.\n" + "\n".join(caveats))

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


SOF_SLIDE_COLUMNS = tuple(compare.SOF_COLUMNS[:6])
"""The summary-of-findings columns a slide shows; the rest go to the speaker notes."""
SOF_WIDTHS = (2.9, 1.75, 1.75, 2.5, 2.0, 1.6)  # inches, 12.5 in all


def summaries_of_findings(
    loaded: LoadedEvidence, filters: Filters
) -> list[tuple[compare.Comparison, list[tuple[str, pd.DataFrame]]]]:
    """The summary of findings of every randomised comparison in view, for the deck."""
    effects = filters.apply(loaded.effects)
    return [
        (found, compare.sof_groups(loaded, effects, found))
        for found in compare.comparisons(effects)
        if found.randomised
    ]


def _sof_slide(
    slide: Slide,
    comparison: compare.Comparison,
    groups: Sequence[tuple[str, pd.DataFrame]],
    version: str,
) -> None:
    """One summary-of-findings slide: a GRADE-style table of the computed rows.

    The reported effects, every column, the findings and the method go to the speaker notes.
    """
    _text_box(
        slide,
        Inches(0.2),
        Inches(0.9),
        [
            _Para(
                f"Summary of findings: {comparison.regimen} vs {comparison.versus_regimen}",
                size=26,
                bold=True,
            ),
            _Para(
                f"{comparison.cohort_label} vs {comparison.versus_label} · "
                f"{comparison.source_short} · randomised",
                size=14,
                colour=GREY,
            ),
        ],
    )
    computed = [(t, g) for t, g in groups if list(g.columns) == compare.SOF_COLUMNS]
    others = [(t, g) for t, g in groups if list(g.columns) != compare.SOF_COLUMNS]
    rows = sum(len(g) + 1 for _, g in computed)
    size = 14 if rows <= 9 else 12
    top = Inches(1.35)
    if rows:
        shape = slide.shapes.add_table(
            rows + 1,
            len(SOF_SLIDE_COLUMNS),
            _MARGIN,
            top,
            Emu(SLIDE_WIDTH - 2 * _MARGIN),
            Inches(0.4),
        )
        table = shape.table
        for j, width in enumerate(SOF_WIDTHS):
            table.columns[j].width = Inches(width)
        cells = [list(SOF_SLIDE_COLUMNS)]
        for title, group in computed:
            cells.append([title] + [""] * (len(SOF_SLIDE_COLUMNS) - 1))
            cells += group[list(SOF_SLIDE_COLUMNS)].astype(str).to_numpy().tolist()
        for i, values in enumerate(cells):
            heading = i == 0 or values[1:] == [""] * (len(SOF_SLIDE_COLUMNS) - 1)
            for j, value in enumerate(values):
                cell = table.cell(i, j)
                cell.text = value
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(size)
                        run.font.bold = heading
    lines = [
        f"{title}: " + "; ".join(" · ".join(map(str, row)) for row in group.to_numpy().tolist())
        for title, group in others
    ]
    _text_box(
        slide,
        Inches(6.25),
        Inches(0.6),
        [
            _Para("‡ computed by us; the method and every column are in the notes.", size=12),
            _Para(version, size=10, colour=GREY),
        ],
        colour=GREY,
    )
    notes = [
        f"Summary of findings: {comparison.label}.",
        *[
            f"{title}: "
            + " | ".join(
                "; ".join(f"{c}: {v}" for c, v in row.items() if v) for _, row in group.iterrows()
            )
            for title, group in groups
        ],
        compare.METHOD_NOTE,
    ]
    if lines:
        notes.insert(1, "Also reported: " + " ".join(lines))
    _notes(slide, "\n".join(notes))
