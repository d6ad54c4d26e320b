"""Static export: figures with their context, real PNG/SVG/PDF/PPTX/CSV/ZIP files, the CLI.

Files are checked for what they are (PNG signature and IHDR width, SVG that parses, the PDF
header, a deck python-pptx opens), not against pixel snapshots. One Chromium serves the whole
module; tests that need it fail in CI and skip elsewhere when it is missing.
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import BUNDLED, DAY, FIXTURES, MINIMAL, NO_BROWSER, export_names, without_chromium
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from components import compare, content, registry
from components.export import cli, deck, dress, files, names, render
from components.loaded import Filters, LoadedEvidence, load_bytes, load_path
from components.looks import CHART_BOX_PT, FILE, SLIDE, SLIDE_FONT_MIN_PT, SLIDE_PNG_SCALE
from components.specs import ChartSpec, filter_subtitle
from evidence import frames as fr
from evidence.effects import EFFECT_COLUMNS
from evidence.loader import EvidenceError

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def server() -> Iterator[render.ExportServer]:
    """One Chromium for the module (starting one costs about 2 s)."""
    if render.find_browser() is None:
        without_chromium("chromium not found; apt-get install chromium")
    engine = render.ExportServer()
    try:
        engine.start()
    except render.ExportUnavailable as exc:
        without_chromium(str(exc))
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def minimal() -> LoadedEvidence:
    return load_path(MINIMAL)


@pytest.fixture(scope="module")
def specs(minimal: LoadedEvidence) -> list[ChartSpec]:
    return files.file_specs(minimal, Filters())


@pytest.fixture(scope="module")
def slides(minimal: LoadedEvidence) -> list[ChartSpec]:
    """The minimal file's deck charts: drawn for a slide, split to fit."""
    return files.deck_specs(minimal, Filters())


@pytest.fixture(scope="module")
def hostile() -> LoadedEvidence:
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace('label: "Series B"', f'label: "{HOSTILE}"')
    text = text.replace('short: "Roe 2021"', f'short: "{HOSTILE}"')
    return load_bytes(text.encode(), "hostile.yaml")


@pytest.fixture(scope="module")
def zipped(minimal: LoadedEvidence, server: render.ExportServer) -> bytes:
    return files.everything_zip(minimal, Filters(), server=server, exported=DAY)


@pytest.fixture(scope="module")
def written(zipped: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return int(struct.unpack(">I", data[16:20])[0])


def _svg_text(data: bytes) -> tuple[ET.Element, str]:
    root = ET.fromstring(data)
    return root, " ".join(root.itertext())


# -- figures (no Chromium) ----------------------------------------------------------------------


def test_with_footer_input_figure_unchanged(specs: list[ChartSpec], minimal: LoadedEvidence):
    for spec in specs:
        before = json.dumps(spec.figure.to_dict(), sort_keys=True, default=str)
        fig = dress.with_footer(spec, data_version=minimal.data_version, exported=DAY)
        assert fig is not spec.figure
        assert json.dumps(spec.figure.to_dict(), sort_keys=True, default=str) == before


def test_with_footer_slide_size_white_with_footer(specs: list[ChartSpec], minimal: LoadedEvidence):
    subtitle = filter_subtitle(minimal, Filters())
    for spec in specs:
        fig = dress.with_footer(spec, data_version=minimal.data_version, exported=DAY)
        assert fig.layout.width == FILE.width
        assert fig.layout.height >= fig.layout.width * 9 / 16
        assert fig.layout.template.layout.paper_bgcolor == "white"
        footer = fig.layout[dress.FOOTER_LEGEND].title.text
        assert fig.layout[dress.FOOTER_LEGEND].yref == "container"  # pinned to the bottom
        assert "Source: " + "; ".join(spec.sources()) in footer
        assert f"Data version {minimal.data_version} · exported 2026-02-03" in footer
        # The filter subtitle is printed in the title block, once.
        assert html.unescape(fig.layout.title.subtitle.text).count(subtitle) == 1


def test_file_figure_prints_the_filters_in_force(minimal: LoadedEvidence):
    drawn = files.file_specs(minimal, Filters.of(setting=("relapsed",)))
    assert drawn
    for spec in drawn:
        assert "Settings: R/R" in spec.figure.layout.title.subtitle.text
    fig = dress.with_footer(drawn[0], data_version=minimal.data_version, exported=DAY)
    assert fig.layout.margin.b > drawn[0].figure.layout.margin.b  # room for the footer


def test_with_footer_hidden_legend_stays_hidden_footer_shown(specs, minimal: LoadedEvidence):
    spec = dataclasses.replace(specs[1], figure=go.Figure(specs[1].figure))
    spec.figure.update_layout(showlegend=False)
    fig = dress.with_footer(spec, data_version=minimal.data_version, exported=DAY)
    assert fig.layout.showlegend is True
    shown = [trace for trace in fig.data if trace.showlegend is not False]
    assert [trace.legend for trace in shown] == [dress.FOOTER_LEGEND]


def test_footer_lines_long_source_list_wrapped(specs: list[ChartSpec]):
    spec = specs[0]
    many = pd.concat([spec.table] * 40, ignore_index=True)
    many[fr.SOURCE_SHORT] = [f"Author{i} 20{i % 100:02d} (TRIAL-{i})" for i in range(len(many))]
    many[fr.SOURCE_ORDER] = range(len(many))
    wide = dataclasses.replace(spec, table=many)
    lines = dress.footer_lines(wide, data_version="abc (2026-01-31)", exported=DAY)
    assert len(lines) > 5
    assert all(len(line) <= dress.footer_wrap(FILE.width) for line in lines)


def test_with_footer_hostile_text_escaped(hostile: LoadedEvidence):
    for spec in files.file_specs(hostile, Filters()):
        fig = dress.with_footer(spec, data_version=hostile.data_version, exported=DAY)
        assert "<img" not in json.dumps(fig.to_dict(), default=str)


# -- rendering (Chromium) -----------------------------------------------------------------------


@pytest.mark.slow  # starts Chromium (kaleido)
def test_zip_lists_every_figure_csv_deck_readme(written: dict[str, bytes], specs):
    assert set(written) == set(export_names(specs))


@pytest.mark.slow  # starts Chromium (kaleido)
def test_png_is_at_least_1920_pixels_wide(written: dict[str, bytes], specs):
    for spec in specs:
        data = written[f"{spec.filename}.png"]
        assert _png_width(data) >= 1920
        assert Image.open(io.BytesIO(data)).size[1] >= 1080


@pytest.mark.slow  # starts Chromium (kaleido)
def test_svg_parses_with_sources_and_data_version(written: dict[str, bytes], specs, minimal):
    for spec in specs:
        root, text = _svg_text(written[f"{spec.filename}.svg"])
        assert root.tag.endswith("svg")
        assert "Source: " + "; ".join(spec.sources()) in text
        assert f"Data version {minimal.data_version}" in text
        assert spec.title in text


@pytest.mark.slow  # starts Chromium (kaleido)
def test_pdf_has_pdf_header(written: dict[str, bytes], specs):
    for spec in specs:
        assert written[f"{spec.filename}.pdf"][:4] == b"%PDF"


@pytest.mark.slow  # starts Chromium (kaleido)
def test_effects_csv_has_the_cli_columns_and_the_views_rows(written, minimal):
    effects = pd.read_csv(io.BytesIO(written[names.EFFECTS_NAME]))
    assert list(effects.columns) == EFFECT_COLUMNS
    assert len(effects) == len(minimal.effects)
    row = effects[(effects["cohort"] == "a_zeta") & (effects["endpoint"] == "orr")].iloc[0]
    assert row["versus"] == "a_ctrl"
    assert row["difference"] == pytest.approx(60 - 100 * 29 / 98, abs=0.01)


@pytest.mark.slow  # starts Chromium (kaleido)
def test_csv_rows_equal_chart_rows(written: dict[str, bytes], specs):
    for spec in specs:
        shown = spec.display_table()
        csv = pd.read_csv(io.BytesIO(written[f"{spec.filename}.csv"]))
        assert list(csv.columns) == list(shown.columns)
        assert len(csv) == len(spec.table)
        assert csv.astype(str).equals(
            pd.read_csv(io.StringIO(shown.to_csv(index=False))).astype(str)
        )
        if "Cohort" in csv.columns:
            assert csv["Cohort"].tolist() == spec.table[fr.COHORT_LABEL].tolist()


@pytest.mark.slow  # starts Chromium (kaleido)
def test_deck_slides_title_charts_sof_verdicts_caveats_with_notes(written, slides, minimal):
    pptx = Presentation(io.BytesIO(written[names.DECK_NAME]))
    verdicts = Filters().apply(minimal.verdicts)
    in_deck = slides  # drawn for slides: a chart too tall for one is split, one slide a part
    assert all(registry.chart(s.chart).deck for s in in_deck)
    summaries = deck.summaries_of_findings(minimal, Filters())
    slides = list(pptx.slides)
    assert len(slides) == 1 + len(in_deck) + len(summaries) + len(verdicts) + 1
    assert pptx.slide_width * 9 == pptx.slide_height * 16
    charts = slides[1 : 1 + len(in_deck)]
    for slide, spec in zip(charts, in_deck, strict=True):
        assert any(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
        text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert "Source: " + "; ".join(spec.sources()) in text
        assert slide.notes_slide.notes_text_frame.text.startswith(spec.speaker_notes)
    sof = slides[1 + len(in_deck) : 1 + len(in_deck) + len(summaries)]
    assert [len(summaries)] == [1]  # Trial A is the minimal file's one randomised comparison
    for slide in sof:
        table = next(shape.table for shape in slide.shapes if shape.has_table)
        assert table.cell(0, 0).text == "Outcome"
        assert "Summary of findings: Z vs SoC" in slide.shapes[0].text_frame.text
        cells = [table.cell(i, j).text for i in range(len(table.rows)) for j in range(6)]
        assert "30% (29/98)" in cells  # risk with the comparator, with its count
        assert "Newcombe" in slide.notes_slide.notes_text_frame.text
    for slide in slides[1 + len(in_deck) + len(summaries) : -1]:
        notes = slide.notes_slide.notes_text_frame.text
        for part in ("What the verdict says", "Rests on", "Ask:"):
            assert part in notes
        text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert "Zetamab doubled responses" in text
        assert "Trial A, zetamab arm · Overall response: 60%" in text
        assert "Editorial reference 1" in text
    caveats = " ".join(s.text_frame.text for s in slides[-1].shapes if s.has_text_frame)
    assert "Cross-trial" in caveats
    assert "stated only by the editorial" in caveats


@pytest.mark.slow  # starts Chromium (kaleido)
def test_readme_cites_sources_and_data_version(written: dict[str, bytes], minimal: LoadedEvidence):
    readme = written[names.README_NAME].decode()
    assert f"Data version: {minimal.data_version}" in readme
    assert "Doe J, et al. Imaginary Journal 2020;1:1-10." in readme
    assert "doi:10.1000/xyz123 · PubMed 12345678" in readme  # its links, under its citation
    assert "Roe R. Imaginary Reports 2021." in readme
    assert names.DECK_NAME in readme


@pytest.mark.slow  # starts Chromium (kaleido)
def test_hostile_label_escaped_in_svg(hostile: LoadedEvidence, server: render.ExportServer):
    spec = next(s for s in files.file_specs(hostile, Filters()) if s.key == "response_forest")
    fig = dress.with_footer(spec, data_version=hostile.data_version, exported=DAY)
    root, text = _svg_text(server.render(fig, "svg"))
    assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] in ("img", "image")]
    assert HOSTILE in text  # shown as text, in the row label and in the footer's sources


@pytest.mark.slow  # starts Chromium (kaleido)
def test_cli_writes_every_file(
    tmp_path: Path,
    specs,
    server: render.ExportServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    # In-process, on the module's Chromium (`python -m components.export` as a process is
    # run by test_export_html's command-line tests).
    monkeypatch.setattr(render, "_default", server)
    out = tmp_path / "out"
    assert cli.main(["--out", str(out), "--evidence", str(MINIMAL)]) == 0
    assert {p.name for p in out.iterdir()} == set(export_names(specs))
    assert capsys.readouterr().out.split() == [str(out / name) for name in export_names(specs)]


# -- without Chromium ---------------------------------------------------------------------------


def test_server_without_chromium_raises_with_install_hint():
    with pytest.raises(render.ExportUnavailable, match="apt-get install chromium"):
        render.ExportServer(browser_path=NO_BROWSER).start()


def test_server_broken_chromium_raises_instead_of_hanging(tmp_path: Path):
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(render.ExportUnavailable, match="did not start"):
        render.ExportServer(browser_path=str(broken)).start()


def test_export_available_without_chromium_false(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BROWSER_PATH", NO_BROWSER)
    monkeypatch.setattr(render, "_default", None)
    assert render.export_available() is False


def test_export_all_without_chromium_writes_nothing(tmp_path: Path, minimal: LoadedEvidence):
    with pytest.raises(render.ExportUnavailable):
        files.export_all(
            minimal,
            Filters(),
            tmp_path / "out",
            server=render.ExportServer(browser_path=NO_BROWSER),
        )
    assert not (tmp_path / "out").exists()


def test_export_all_csv_only_needs_no_chromium(tmp_path: Path, minimal: LoadedEvidence, specs):
    paths = files.export_all(
        minimal,
        Filters(),
        tmp_path,
        formats={"csv"},
        server=render.ExportServer(browser_path=NO_BROWSER),
    )
    assert [p.name for p in paths] == export_names(specs, {"csv"})


def test_deck_without_images_says_how_to_install(minimal: LoadedEvidence, specs):
    pptx = Presentation(io.BytesIO(deck.deck_pptx(minimal, Filters(), specs, images=None)))
    for slide in list(pptx.slides)[1 : 1 + len(specs)]:
        assert not any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert "apt-get install chromium" in text
        assert slide.notes_slide.notes_text_frame.text.strip()


def test_deck_filtered_view_only_its_verdicts(minimal: LoadedEvidence):
    filters = Filters.of(setting=("relapsed",))
    chart_specs = registry.view_specs(minimal, filters, use="deck", look=SLIDE)
    pptx = Presentation(io.BytesIO(deck.deck_pptx(minimal, filters, chart_specs, images={})))
    assert len(pptx.slides) == 1 + len(chart_specs) + 0 + 1  # v1 is a first-line verdict
    title = " ".join(s.text_frame.text for s in pptx.slides[0].shapes if s.has_text_frame)
    assert "Settings: R/R" in title


def test_cli_without_chromium_writes_csv_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], specs
):
    monkeypatch.setenv("BROWSER_PATH", NO_BROWSER)
    monkeypatch.setattr(render, "_default", None)
    assert cli.main(["--out", str(tmp_path), "--evidence", str(MINIMAL)]) == 1
    assert "apt-get install chromium" in capsys.readouterr().err
    # What needs no Chromium is written: every format but the images and the deck.
    assert {p.name for p in tmp_path.iterdir()} == set(
        export_names(specs, files.ALL_FORMATS - files.NEEDS_CHROMIUM)
    )


def test_cli_help_lists_every_format(capsys):
    # The help once spelt the formats itself: a format added to files.py was not in it.
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"from {','.join(files.FORMATS)} (default: all)" in help_text
    assert set(files.FORMATS) == files.ALL_FORMATS


def test_cli_bad_evidence_prints_problems_exits_1(tmp_path: Path, capsys):
    bad = FIXTURES / "bad_several_problems.yaml"
    assert cli.main(["--out", str(tmp_path / "out"), "--evidence", str(bad)]) == 1
    lines = capsys.readouterr().err.splitlines()
    with pytest.raises(EvidenceError) as error:
        load_path(bad)
    assert lines == [p.as_line(str(bad)) for p in error.value.problems] + [
        f"{bad}: INVALID, {len(error.value.problems)} problems"
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--out", "x", "--formats", "gif"],
        ["--out", "x", "--formats", ""],
        ["--out", "x", "--evidence", str(MINIMAL), "--settings", "nowhere"],
        ["--out", "x", "--evidence", str(MINIMAL), "--designs", "nowhere"],
    ],
)
def test_cli_usage_error_exits_2(argv: list[str], tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert not (tmp_path / "x").exists()


def test_parse_formats_known_and_unknown():
    assert files.parse_formats("png, SVG") == {"png", "svg"}
    with pytest.raises(ValueError, match="unknown format"):
        files.parse_formats("png,gif")


def test_bundled_evidence_all_views_have_sources(bundled: LoadedEvidence):
    for spec in files.file_specs(bundled, Filters()):
        assert spec.sources(), spec.key  # footer_lines would print "Source: none recorded"
        lines = dress.footer_lines(spec, data_version=bundled.data_version, exported=DAY)
        assert lines[-1].startswith("Data version ")
        assert any(line.startswith("Source: ") for line in lines)


@pytest.mark.slow  # starts Chromium (kaleido)
def test_spec_image_png_for_one_chart(minimal: LoadedEvidence, specs, server: render.ExportServer):
    data = files.spec_image(
        minimal,
        Filters(),
        "png",
        chart=registry.chart(specs[-1].chart),
        spec=specs[-1].key,
        server=server,
    )
    assert _png_width(data) >= 1920


def test_view_deck_without_images_needs_no_chromium(minimal: LoadedEvidence, slides):
    server = render.ExportServer(browser_path=NO_BROWSER)
    with pytest.raises(render.ExportUnavailable):
        files.view_deck(minimal, Filters(), server=server)
    pptx = Presentation(io.BytesIO(files.view_deck(minimal, Filters(), images=False)))
    summaries = deck.summaries_of_findings(minimal, Filters())
    verdicts = Filters().apply(minimal.verdicts)
    assert len(pptx.slides) == 1 + len(slides) + len(summaries) + len(verdicts) + 1


# -- the deck, read in a room -------------------------------------------------------------------
#
# The bundled file's deck is checked as a file: every chart slide's picture, every text run,
# every box. Its pictures are stand-in PNGs of the size Chromium renders each slide figure
# (its layout size times SLIDE_PNG_SCALE; test_slide_png_is_its_layout_size_times_the_scale
# checks that with a real render), so the layout is checked without rendering 40 charts.

SLIDE_AREA = 960 * 540  # pt²
FOOTER_SIZES = (10, 11)


def _stand_in_png(spec: ChartSpec) -> bytes:
    size = (
        round(spec.figure.layout.width * SLIDE_PNG_SCALE),
        round(spec.figure.layout.height * SLIDE_PNG_SCALE),
    )
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def bundled_slides(bundled: LoadedEvidence) -> list[ChartSpec]:
    return files.deck_specs(bundled, Filters())


@pytest.fixture(scope="module")
def bundled_deck(bundled: LoadedEvidence, bundled_slides: list[ChartSpec]):
    images = {spec.key: _stand_in_png(spec) for spec in bundled_slides}
    data = deck.deck_pptx(bundled, Filters(), bundled_slides, images=images, exported=DAY)
    return Presentation(io.BytesIO(data))


def _pt(length: int) -> float:
    return length / 12700


def _runs(shape) -> Iterator[tuple[str, float]]:
    """(text, size in pt) of every run of a text box or a table's cells."""
    frames = []
    if shape.has_text_frame:
        frames.append(shape.text_frame)
    if getattr(shape, "has_table", False) and shape.has_table:
        frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
    for frame in frames:
        for para in frame.paragraphs:
            for run in para.runs:
                if run.text.strip():
                    assert run.font.size is not None, run.text
                    yield run.text, run.font.size.pt


def _font_sizes(node: object) -> list[float]:
    """Every font size a figure sets, its template's included (plotly draws no others)."""
    found: list[float] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                size = value["size"]
                found += [float(s) for s in size] if isinstance(size, list) else [float(size)]
            found += _font_sizes(value)
    elif isinstance(node, list):
        for item in node:
            found += _font_sizes(item)
    return found


def _chart_slides(pptx, specs: list[ChartSpec]):
    charts = list(pptx.slides)[1 : 1 + len(specs)]
    assert len(charts) == len(specs)
    return zip(charts, specs, strict=True)


def _picture(slide):
    pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    return pictures[0]


@pytest.mark.slow  # starts Chromium (kaleido)
def test_slide_png_is_its_layout_size_times_the_scale(slides, server: render.ExportServer):
    spec = next(s for s in slides if s.chart == "response_forest")
    png = files.deck_images([spec], server)[spec.key]
    assert Image.open(io.BytesIO(png)).size == (
        round(spec.figure.layout.width * SLIDE_PNG_SCALE),
        round(spec.figure.layout.height * SLIDE_PNG_SCALE),
    )


@pytest.mark.slow  # starts Chromium (kaleido)
def test_deck_rendered_pictures_fill_their_slides_at_their_own_size(written, slides):
    pptx = Presentation(io.BytesIO(written[names.DECK_NAME]))
    for slide, spec in _chart_slides(pptx, slides):
        picture = _picture(slide)
        assert _pt(picture.width) == pytest.approx(spec.figure.layout.width, abs=0.01)
        assert _pt(picture.height) == pytest.approx(spec.figure.layout.height, abs=0.01)
        assert _pt(picture.width) * _pt(picture.height) / SLIDE_AREA >= 0.5


def test_slide_figures_laid_out_for_the_chart_box_with_fonts_of_14pt(bundled_slides):
    _, _, box_width, box_height = CHART_BOX_PT
    assert min(SLIDE.tick, SLIDE.value, SLIDE.subtitle, SLIDE.font) >= SLIDE_FONT_MIN_PT
    for spec in bundled_slides:
        layout = spec.figure.layout
        assert layout.width == box_width == SLIDE.width
        assert layout.height <= box_height, spec.key
        assert not (layout.title.text or "").strip()  # the slide's title says it
        sizes = _font_sizes(spec.figure.to_dict())
        assert sizes
        assert min(sizes) >= SLIDE_FONT_MIN_PT, (spec.key, min(sizes))


def test_deck_chart_pictures_take_most_of_their_slide_at_their_own_size(
    bundled_deck, bundled_slides
):
    for slide, spec in _chart_slides(bundled_deck, bundled_slides):
        picture = _picture(slide)
        share = _pt(picture.width) * _pt(picture.height) / SLIDE_AREA
        assert share >= 0.5, (spec.title, share)
        # Placed at its layout size: 1 px = 1 pt, so a 14 px label is 14 pt on the slide.
        points_per_px = _pt(picture.width) / spec.figure.layout.width
        assert points_per_px == pytest.approx(1.0, abs=0.001)
        smallest = min(_font_sizes(spec.figure.to_dict())) * points_per_px
        assert smallest >= SLIDE_FONT_MIN_PT, (spec.title, smallest)
        # Centred, under the slide's title.
        assert abs(_pt(picture.left) * 2 + _pt(picture.width) - 960) < 1
        title = slide.shapes[0]
        assert title.text_frame.text == spec.title
        assert picture.top >= title.top + title.height


def test_deck_text_at_least_12pt_and_footers_10_to_11pt_at_the_bottom(bundled_deck):
    footers = 0
    for number, slide in enumerate(bundled_deck.slides, start=1):
        for shape in slide.shapes:
            sizes = [size for _, size in _runs(shape)]
            if shape.name == deck.FOOTER_NAME:
                footers += 1
                assert set(sizes) <= set(FOOTER_SIZES), (number, sizes)
                assert _pt(bundled_deck.slide_height - shape.top - shape.height) < 6
                others = [s for s in slide.shapes if s.shape_id != shape.shape_id]
                assert all(o.top + o.height <= shape.top for o in others), number
            else:
                assert all(size >= deck.TEXT_MIN_PT for size in sizes), (number, shape.name)
    assert footers == len(bundled_deck.slides) - 1  # every slide but the title slide


def test_deck_boxes_inside_the_slide_and_apart(bundled_deck):
    width, height = bundled_deck.slide_width, bundled_deck.slide_height
    for number, slide in enumerate(bundled_deck.slides, start=1):
        shapes = list(slide.shapes)
        for shape in shapes:
            assert shape.left >= 0, (number, shape.name)
            assert shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= width, (number, shape.name)
            assert shape.top + shape.height <= height, (number, shape.name)
        for i, one in enumerate(shapes):
            for other in shapes[i + 1 :]:
                apart = (
                    one.top + one.height <= other.top
                    or other.top + other.height <= one.top
                    or one.left + one.width <= other.left
                    or other.left + other.width <= one.left
                )
                assert apart, (number, one.name, other.name)


def test_deck_split_forest_one_slide_per_setting(bundled, bundled_slides, bundled_deck):
    titles = [s.shapes[0].text_frame.text for s in list(bundled_deck.slides)[1:]]
    for key in ("response_forest", "safety_forest", "dose_forest", "tte"):
        chart = registry.chart(key)
        whole = chart.specs(bundled, Filters(), look=FILE)
        parts = [s for s in bundled_slides if s.chart == key]
        assert len(parts) > len(whole)  # too tall for one slide each
        for unit in whole:  # time to event: one chart per unit, each split
            own = [p for p in parts if p.key.startswith(unit.key)]
            settings = list(dict.fromkeys(unit.table.sort_values(fr.SETTING_ORDER)[fr.SETTING]))
            # Every part holds one setting; the settings come in order, each whole or in
            # numbered parts that hold all its rows once.
            assert [p.table[fr.SETTING].unique().tolist() for p in own] == [
                [s] for s in settings for p in own if p.table[fr.SETTING].iloc[0] == s
            ]
            assert sorted(pd.concat([p.table for p in own])[fr.KEY]) == sorted(unit.table[fr.KEY])
            for setting in settings:
                mine = [p for p in own if p.table[fr.SETTING].iloc[0] == setting]
                short = str(mine[0].table[fr.SETTING_SHORT].iloc[0])
                expected = (
                    [f"{unit.title}: {short}"]
                    if len(mine) == 1
                    else [
                        f"{unit.title}: {short} ({i} of {len(mine)})"
                        for i in range(1, len(mine) + 1)
                    ]
                )
                assert [p.title for p in mine] == expected
                assert all(title in titles for title in expected)
    dose = [s.title for s in bundled_slides if s.chart == "dose_forest"]
    assert dose == [  # one slide per setting, as the issue asks: the bundled dose forest
        "Dose reductions, interruptions and stops: RRMM",
        "Dose reductions, interruptions and stops: Post-allo relapse",
        "Dose reductions, interruptions and stops: AL amyloidosis",
    ]


@pytest.mark.slow  # every chart of the bundled file, drawn for files, decks and slides
def test_deck_specs_split_only_for_the_deck(bundled, bundled_slides):
    exports = registry.view_specs(bundled, Filters(), use="exports", look=FILE)
    whole = [
        spec.key
        for chart in registry.CHARTS
        if chart.exports
        for spec in chart.specs(bundled, Filters(), look=FILE)
    ]
    assert [spec.key for spec in exports] == whole  # files: one chart, never split
    for spec in exports:
        assert spec.figure.layout.title.text  # files keep their titles and filter line
        assert "data " in spec.figure.layout.title.subtitle.text
    unsplit = registry.view_specs(bundled, Filters(), use="deck", look=FILE)  # no height
    assert len(bundled_slides) > len(unsplit)


def test_deck_verdict_slides_short_with_the_rest_in_the_notes(bundled, bundled_deck):
    verdicts = Filters().apply(bundled.verdicts).sort_values(fr.SETTING_ORDER, kind="stable")
    slides = list(bundled_deck.slides)[-1 - len(verdicts) : -1]
    cut = 0
    for slide, (_, verdict) in zip(slides, verdicts.iterrows(), strict=True):
        body = slide.shapes[1]
        runs = list(_runs(body))
        assert runs[0] == (verdict[fr.STATEMENT], deck.STATEMENT_PT)
        assert deck.STATEMENT_PT >= 20
        bullets = [(text, size) for text, size in runs if text.startswith("• ")]
        assert len(bullets) <= deck.REST_LINES
        assert all(size >= 16 for _, size in bullets)
        figures = [
            line for key in verdict["rests_on"] for line in content.describe_key(key, bundled)
        ]
        notes = slide.notes_slide.notes_text_frame.text
        assert all(line in notes for line in figures)  # the full list
        if len(bullets) < len(figures):
            cut += 1
            assert (
                f"+{len(figures) - len(bullets)} more in the speaker notes" in body.text_frame.text
            )
    assert cut  # the bundled file has verdicts resting on more than four figures


def test_deck_summary_of_findings_tables_fit_at_12pt_or_more(bundled, bundled_deck):
    found = 0
    for slide in bundled_deck.slides:
        tables_ = [s for s in slide.shapes if getattr(s, "has_table", False) and s.has_table]
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        if text.startswith("Summary of findings") and not tables_:
            assert "Also reported (not computed by us):" in text  # never an empty slide
        for shape in tables_:
            found += 1
            sizes = {size for _, size in _runs(shape)}
            assert min(sizes) >= 12
            assert sizes <= set(deck.SOF_SIZES)
            rows = sum(row.height for row in shape.table.rows)
            assert rows == shape.height  # every row as tall as its text needs, all counted
            below = [s for s in slide.shapes if s.top >= shape.top + shape.height]
            assert below  # the footnote and the footer, under the table
    with_table = [
        groups
        for _, groups in deck.summaries_of_findings(bundled, Filters())
        if any(list(g.columns) == compare.SOF_COLUMNS for _, g in groups)
    ]
    assert found == len(with_table)  # MM-010 reports a hazard ratio only: no table


def test_cli_has_every_sidebar_filter(tmp_path: Path, monkeypatch):
    """Each filter of FILTERS is an option of the export command, and reaches the export."""
    from components.loaded import FILTERS

    loaded = load_path(MINIMAL)
    asked = {}

    def export_all(loaded, filters, out, *, formats, baselines=()):
        asked["filters"] = filters
        return []

    monkeypatch.setattr(files, "export_all", export_all)
    argv = ["--out", str(tmp_path), "--evidence", str(MINIMAL), "--formats", "csv"]
    chosen = {}
    for spec in FILTERS:
        first = next(iter(spec.options(loaded.evidence)))
        argv += [f"--{spec.option}", first]
        chosen[spec.key] = (first,)
    assert cli.main(argv) == 0
    assert asked["filters"] == Filters.of(**chosen)


# -- batch rendering and the image cache (issue 19) ----------------------------------------------


def _svg_shape(data: bytes) -> list[tuple[str, list[tuple[str, str]], str | None]]:
    """An SVG's elements with their attributes, plotly's random 6-hex ids and order aside."""
    import re

    root = ET.fromstring(re.sub(rb"[0-9a-f]{6}(?=[^0-9a-f])", b"X", data))
    return [(e.tag, sorted(e.attrib.items()), e.text) for e in root.iter()]


@pytest.mark.slow  # starts Chromium (kaleido)
def test_reused_tab_draws_the_same_images_as_a_fresh_one(specs, minimal: LoadedEvidence):
    # The server does not reload its tab after each image (RELOAD_EVERY); a tab reloaded
    # every time (kaleido's own way) must draw the same PNGs and the same SVG elements.
    fig = dress.with_footer(specs[0], data_version=minimal.data_version, exported=DAY)
    other = dress.with_footer(specs[-1], data_version=minimal.data_version, exported=DAY)
    jobs = [render.RenderJob(f, fmt) for f in (fig, other, fig) for fmt in ("png", "svg")]
    jobs[4:] = [render.RenderJob(fig, "png", 1.0), render.RenderJob(fig, "svg", 1.01)]
    with render.ExportServer() as reusing:
        reused = reusing.render_many(jobs)
    old = render.RELOAD_EVERY
    try:
        render.RELOAD_EVERY = 1
        with render.ExportServer() as reloading:
            fresh = reloading.render_many(jobs)
    finally:
        render.RELOAD_EVERY = old
    for job, a, b in zip(jobs, reused, fresh, strict=True):
        if job.fmt == "png":
            assert a == b
        else:
            assert _svg_shape(a) == _svg_shape(b)


@pytest.mark.slow  # starts Chromium (kaleido)
def test_render_many_keeps_order_and_renders_each_figure_once(specs, minimal: LoadedEvidence):
    figs = [dress.with_footer(s, data_version=minimal.data_version, exported=DAY) for s in specs]
    jobs = [render.RenderJob(fig, "svg") for fig in figs]
    seen: list[tuple[int, int]] = []
    with render.ExportServer() as engine:
        first = engine.render_many(jobs + jobs[:1], progress=lambda d, t: seen.append((d, t)))
        assert engine.rendered == len(figs)  # the repeated figure once
        again = engine.render_many(list(reversed(jobs)))
        assert engine.rendered == len(figs)  # all from the cache
    assert first[-1] == first[0]
    assert again == list(reversed(first[:-1]))
    for fig, svg in zip(figs, first, strict=False):  # each image is its own figure's
        assert ET.fromstring(svg).get("height") == str(fig.layout.height)
    assert seen[0] == (0, len(figs))
    assert seen[-1] == (len(figs), len(figs))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_image_cache_is_bounded_and_drops_the_least_recently_used():
    cache = render.ImageCache(max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # a is now the most recent
    cache.put("c", b"1234")
    assert cache.get("b") is None
    assert cache.get("a") == b"1234"
    assert cache.get("c") == b"1234"
    assert len(cache) == 2


def test_cache_key_changes_with_the_figure_format_and_scale(specs):
    fig = go.Figure(specs[0].figure)
    base = render._cache_key(fig.to_json(), render.render_options(render.RenderJob(fig, "png")))
    fig2 = go.Figure(fig).update_layout(title={"text": "other"})
    for job in (
        render.RenderJob(fig, "svg"),
        render.RenderJob(fig, "png", 2.0),
        render.RenderJob(fig2, "png"),
    ):
        assert render._cache_key(job.figure.to_json(), render.render_options(job)) != base


@pytest.mark.slow  # starts Chromium (kaleido)
def test_second_deck_of_the_same_view_renders_nothing(minimal: LoadedEvidence):
    with render.ExportServer() as engine:
        first = files.view_deck(minimal, Filters(), server=engine, exported=DAY)
        count = engine.rendered
        assert count == len(files.deck_specs(minimal, Filters()))
        second = files.view_deck(minimal, Filters(), server=engine, exported=DAY)
        assert engine.rendered == count
    assert _pptx_parts(first) == _pptx_parts(second)


def _pptx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # core.xml holds the save time
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


@pytest.mark.slow  # starts Chromium (kaleido)
def test_export_pptx_alone_draws_no_file_figures(
    tmp_path: Path, minimal: LoadedEvidence, monkeypatch: pytest.MonkeyPatch
):
    looks: list[str] = []
    real = registry.Chart.specs

    def spy(self: registry.Chart, *args: object, **kwargs: object) -> list[ChartSpec]:
        looks.append(kwargs["look"].name)  # type: ignore[union-attr]
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(registry.Chart, "specs", spy)
    files._spec_cache.clear()
    steps: list[tuple[float, str]] = []
    with render.ExportServer() as engine:
        written = files.export_all(
            minimal,
            Filters(),
            tmp_path,
            formats="pptx",
            server=engine,
            exported=DAY,
            say=lambda f, t: steps.append((f, t)),
        )
    assert [p.name for p in written] == export_names([], {"pptx"})  # no file per chart
    assert set(looks) == {SLIDE.name}
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert any(t.startswith("Rendering images") for _, t in steps)


def test_view_specs_kept_per_view_and_bounded(minimal: LoadedEvidence):
    files._spec_cache.clear()
    first = files.file_specs(minimal, Filters())
    assert files.file_specs(minimal, Filters()) is first
    other = files.file_specs(minimal, Filters.of(setting=("relapsed",)))
    assert other is not first
    for i in range(files.SPEC_CACHE_SIZE):  # older views than the next one drawn
        files._spec_cache[("filler", i)] = []
    files.deck_specs(minimal, Filters())  # the oldest views make room
    assert len(files._spec_cache) == files.SPEC_CACHE_SIZE
    assert files.file_specs(minimal, Filters()) is not first  # dropped, drawn again


@pytest.mark.slow  # starts Chromium (kaleido)
def test_zip_after_the_deck_renders_only_the_file_images(minimal: LoadedEvidence):
    # The ZIP holds the deck: its slide PNGs come from the deck's renders, not new ones.
    with render.ExportServer() as engine:
        files.view_deck(minimal, Filters(), server=engine, exported=DAY)
        after_deck = engine.rendered
        files.everything_zip(minimal, Filters(), server=engine, exported=DAY)
        file_images = len(files.file_specs(minimal, Filters())) * len(render.IMAGE_FORMATS)
        assert engine.rendered - after_deck == file_images


@pytest.mark.browser
def test_exported_chart_text_whole_in_the_file_and_slide_looks(page, tmp_path: Path):
    """Issue 19: the PNG exports' figures (the file look with its footnote) and the deck's
    (the slide look, split to fit): no chart text cut or overlapping another.

    Drawn by plotly.js in Chromium at the look's own size, as kaleido draws the images.
    """
    import plotly.offline
    from chart_text import chart_text_problems

    bundled = load_path(BUNDLED)
    figures = [
        dress.with_footer(spec, data_version=bundled.data_version, exported=DAY)
        for spec in files.file_specs(bundled, Filters(), keep=False)
    ] + [spec.figure for spec in files.deck_specs(bundled, Filters(), keep=False)]
    static = "{staticPlot: true}"  # as kaleido draws them: no toolbar, nothing to hover
    blocks = "".join(
        f"<div id='f{i}' style='width:{fig.layout.width}px;height:{fig.layout.height}px'></div>"
        f"<script>var f = {fig.to_json()}; Plotly.newPlot('f{i}', f.data, f.layout, {static});"
        "</script>"
        for i, fig in enumerate(figures)
    )
    path = tmp_path / "figures.html"
    path.write_text(
        f"<html><body><script>{plotly.offline.get_plotlyjs()}</script>{blocks}</body></html>",
        encoding="utf-8",
    )
    page.goto(path.as_uri())
    assert page.locator(".js-plotly-plot").count() == len(figures) > 40
    assert all(fig.layout.width for fig in figures)  # a fixed width, the image's
    assert chart_text_problems(page, ".js-plotly-plot") == []
