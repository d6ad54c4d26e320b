"""The offline journal-club page: file checks, the command line, the sidebar button, a browser.

The file checks parse the page with html.parser and look for what it must hold (every chart,
verdict, caveat and source; the filters and the data version) and what it must not (anything
that fetches, markup from evidence text). One browser test opens it from disk with every
outside request blocked, hovers a point, and prints it.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import plotly.offline
import pytest
from chart_text import chart_text_problems
from conftest import (
    APP,
    ARTIFACTS,
    DAY,
    FIXTURES,
    MINIMAL,
    NO_BROWSER,
    ROOT,
    export_names,
    open_sidebar,
)
from streamlit.testing.v1 import AppTest

from components import content, registry, state, tables
from components.export import dress, files, html, names, render
from components.loaded import Filters, LoadedEvidence, load_path
from components.looks import FILE
from components.specs import ChartSpec

HOSTILE = FIXTURES / "hostile.yaml"
MAX_BYTES = 15 * 1024 * 1024
PRINTABLE = (725, 964)  # CSS px within 12 mm margins: the wider of A4/Letter, the shorter


class Page(HTMLParser):
    """Elements, attributes, headings, text and script bodies of a parsed page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self._heading: list[str] | None = None
        self._script: list[str] | None = None
        self.feed(text)
        self.close()
        self.all_text = " ".join(" ".join(self.text).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading).split())))
            self._heading = None
        if tag == "script" and self._script is not None:
            attrs = next(a for t, a in reversed(self.tags) if t == "script")
            self.scripts.append((attrs, "".join(self._script)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


@pytest.fixture(scope="module")
def bundled_specs(bundled: LoadedEvidence) -> list[ChartSpec]:
    # The charts the page holds: the registry's exports, drawn for a file.
    drawn = files.file_specs(bundled, Filters())
    assert drawn
    return drawn


@pytest.fixture(scope="module")
def page_bytes(bundled: LoadedEvidence) -> bytes:
    return html.view_html(bundled, Filters(), exported=DAY)


@pytest.fixture(scope="module")
def page(page_bytes: bytes) -> Page:
    return Page(page_bytes.decode("utf-8"))


@pytest.fixture(scope="module")
def own_markup(page_bytes: bytes) -> str:
    """The page without the inlined plotly.js: what this project wrote."""
    text = page_bytes.decode("utf-8")
    plotly_js = plotly.offline.get_plotlyjs()
    assert text.count(plotly_js) == 1
    return text.replace(plotly_js, "")


@pytest.fixture(scope="module")
def hostile_page() -> tuple[LoadedEvidence, str]:
    loaded = load_path(HOSTILE)
    return loaded, html.view_html(loaded, Filters(), exported=DAY).decode("utf-8")


# -- what the file holds ------------------------------------------------------------------------


def test_page_parses_with_language_title_and_headings_in_order(page: Page, bundled):
    assert page.find("html", lang="en")
    assert page.find("meta", charset="utf-8")
    assert page.find("meta", name="viewport")
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))  # no skipped level
    assert page.headings[0][1] == bundled.evidence.title
    assert bundled.evidence.title in page.all_text  # the <title> too


def test_every_exported_chart_is_drawn_with_its_own_figure(page: Page, bundled_specs):
    titles = [text for level, text in page.headings if level == 3]
    for spec in bundled_specs:
        assert spec.title in titles
    charts = page.find("div", **{"class": "chart", "role": "img"})
    assert len(charts) == len(bundled_specs)
    for div, spec in zip(charts, bundled_specs, strict=True):
        assert div["aria-label"] == tables.chart_summary(
            spec.title, spec.table, listed_in=html.TABLE_BELOW
        )
        assert div["aria-label"].startswith(f"Chart “{spec.title}”: ")
    blocks = [(a, body) for a, body in page.scripts if a.get("type") == "application/json"]
    assert [a["data-chart"] for a, _ in blocks] == [div["id"] for div in charts]
    for (_, body), spec in zip(blocks, bundled_specs, strict=True):
        figure = json.loads(body)
        mine = json.loads(spec.figure.to_json())
        assert figure["data"] == mine["data"]  # hover text and all: the export's own figure
        assert figure["layout"]["title"] == mine["layout"]["title"]
        assert "width" not in figure["layout"]  # it fills the page instead
        assert figure["layout"].pop("autosize") is True
        del mine["layout"]["width"]
        assert figure["layout"] == mine["layout"]  # nothing else changed


def test_each_chart_has_its_sources_note_and_rows(page: Page, own_markup: str, bundled_specs):
    for spec in bundled_specs:
        assert dress.sources_line(spec) in page.all_text
        if spec.note:
            assert spec.note in page.all_text
    tables_found = re.findall(r"<table>.*?</table>", own_markup, flags=re.S)
    assert len(tables_found) == len(bundled_specs)
    for markup, spec in zip(tables_found, bundled_specs, strict=True):
        shown = spec.display_table()
        rows = Page(markup)
        assert len(rows.find("tr")) == len(shown) + 1
        headers = re.findall(r'<th scope="col">(.*?)</th>', markup)
        assert headers == [html.esc(c) for c in shown.columns]
        cells = re.findall(r"<td>(.*?)</td>", markup)
        assert len(cells) == len(shown) * len(shown.columns)
        assert not {"None", "nan", "NaN", "<NA>", "NaT"} & set(cells)
    assert own_markup.count("<summary>Data behind this chart") == len(bundled_specs)


def test_header_names_filters_data_version_date_and_editorial(page: Page, bundled):
    assert "All settings and regimens" in page.all_text
    assert bundled.data_version in page.all_text
    assert DAY.isoformat() in page.all_text
    assert bundled.evidence.editorial is not None
    assert bundled.evidence.editorial.citation in page.all_text
    assert " ".join(bundled.evidence.summary.split()) in page.all_text


def test_every_verdict_with_what_it_rests_on(page: Page, bundled):
    verdicts = bundled.verdicts
    assert len(verdicts) > 0
    for verdict in verdicts.to_dict("records"):
        assert " ".join(str(verdict["statement"]).split()) in page.all_text
        for key in verdict["rests_on"]:
            for line in content.describe_key(key, bundled):
                assert " ".join(line.split()) in page.all_text
    assert "Verdicts" in [text for level, text in page.headings if level == 2]
    assert len(page.find("article", **{"class": "verdict"})) == len(verdicts)


def test_caveats_and_sources_with_links(page: Page, bundled):
    for line in content.caveat_lines(bundled, Filters()):
        assert " ".join(line.split()) in page.all_text
    hrefs = {a["href"] for a in page.find("a") if a.get("href")}
    for entry in content.source_entries(bundled, bundled.sources):
        assert entry.name in page.all_text
        for link in entry.links:
            assert link.url in hrefs
    # Links lead to a section of the page or to a web address; nothing else.
    assert all(h.startswith(("#", "https://", "http://")) for h in hrefs)


def test_filtered_view_names_its_filters_and_keeps_only_its_verdicts():
    loaded = load_path(MINIMAL)
    filters = Filters.of(setting=("relapsed",))
    parsed = Page(html.view_html(loaded, filters, exported=DAY).decode("utf-8"))
    assert "Settings: R/R" in parsed.all_text
    assert len(parsed.find("article", **{"class": "verdict"})) == len(
        filters.apply(loaded.verdicts)
    )
    charts = parsed.find("div", **{"class": "chart", "role": "img"})
    assert len(charts) == len(registry.view_specs(loaded, filters, use="exports", look=FILE))


# -- what the file must not do ------------------------------------------------------------------


def test_plotly_js_is_inlined_once(page_bytes: bytes, page: Page):
    text = page_bytes.decode("utf-8")
    marker = f"plotly.js v{plotly.offline.get_plotlyjs_version()}"
    assert text.count(marker) == 1
    code = [body for attrs, body in page.scripts if "type" not in attrs]
    assert len(code) == 2  # plotly.js, then the few lines that draw the charts
    assert marker in code[0]
    assert "Plotly.newPlot" in code[1]
    assert '"displaylogo": false' in code[1]
    assert '"showSendToCloud": false' in code[1]  # its "Share chart" uploads to Plotly Cloud


def test_nothing_in_the_page_fetches(page: Page, own_markup: str):
    assert not re.search(r"<script[^>]*\bsrc\s*=", own_markup, re.I)
    assert not re.search(r"<link\b", own_markup, re.I)
    assert "@import" not in own_markup
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", own_markup, re.I)
    assert not re.search(r"\bsrc\s*=\s*['\"]?\s*(https?:)?//", own_markup, re.I)
    assert not re.search(r"mathjax|cdn\.|fonts\.googleapis|@font-face", own_markup, re.I)
    for tag in ("img", "iframe", "object", "embed", "link", "video", "audio", "source"):
        assert not page.find(tag), tag
    assert not [a for _, a in page.tags if "src" in a]


def test_size_under_15_mb_and_small_beside_plotly(page_bytes: bytes):
    assert len(page_bytes) < MAX_BYTES
    own = len(page_bytes) - len(plotly.offline.get_plotlyjs().encode("utf-8"))
    assert own < 1024 * 1024


def test_figure_json_cannot_end_its_script():
    spec = files.file_specs(load_path(MINIMAL), Filters())[0]
    text = html.figure_json(spec)
    assert "<" not in text
    assert ">" not in text
    assert (
        json.loads(text)["layout"]["title"] == json.loads(spec.figure.to_json())["layout"]["title"]
    )


def test_hostile_text_stays_text(hostile_page: tuple[LoadedEvidence, str]):
    loaded, text = hostile_page
    parsed = Page(text)
    specs = files.file_specs(loaded, Filters())
    assert specs
    # The only elements are the page's own: no image, frame, style or formatting from the file.
    for tag in ("img", "iframe", "svg", "b", "i", "u", "br"):
        assert not parsed.find(tag), tag
    assert len(parsed.find("style")) == 1
    assert len(parsed.scripts) == 2 + len(specs)
    assert all(a.get("type") == "application/json" for a, _ in parsed.scripts[: len(specs)])
    assert not [name for _, a in parsed.tags for name in a if name.startswith("on")]
    hrefs = [a["href"] for a in parsed.find("a") if a.get("href")]
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    # ... and the file's text is shown as written.
    assert parsed.headings[0][1] == " ".join(loaded.evidence.title.split())
    assert "<script>window.__pwned = 1</script>" in parsed.all_text
    assert '<img src=x onerror="window.__pwned=18">' in parsed.all_text  # a result's note


# -- the command line, the file exports and the sidebar -----------------------------------------


def test_html_format_needs_no_chromium():
    assert "html" in files.ALL_FORMATS
    assert "html" not in files.NEEDS_CHROMIUM
    assert files.parse_formats("HTML") == {"html"}


@pytest.mark.slow  # an export command in a subprocess
def test_cli_html_alone_without_chromium_exits_0(tmp_path: Path):
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "components.export", "--formats", "html", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "BROWSER_PATH": NO_BROWSER},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(out / names.HTML_NAME), str(out / names.README_NAME)]
    data = (out / names.HTML_NAME).read_bytes()
    assert data.startswith(b"<!DOCTYPE html>")
    assert names.HTML_NAME in (out / names.README_NAME).read_text(encoding="utf-8")


def test_cli_help_mentions_the_offline_page():
    run = subprocess.run(
        [sys.executable, "-m", "components.export", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert names.HTML_NAME in run.stdout
    assert "--formats html" in run.stdout


def test_export_all_writes_the_page_beside_the_csvs_without_chromium(tmp_path: Path):
    loaded = load_path(MINIMAL)
    paths = files.export_all(
        loaded,
        Filters(),
        tmp_path,
        formats={"csv", "html"},
        server=render.ExportServer(browser_path=NO_BROWSER),
        exported=DAY,
    )
    specs = files.file_specs(loaded, Filters())
    assert [p.name for p in paths] == export_names(specs, {"csv", "html"})
    written = (tmp_path / names.HTML_NAME).read_bytes()
    assert written == html.view_html(loaded, Filters(), exported=DAY)


def test_sidebar_offers_the_offline_page_without_chromium(
    evidence_file, monkeypatch: pytest.MonkeyPatch
):
    evidence_file(MINIMAL)
    monkeypatch.setenv("BROWSER_PATH", NO_BROWSER)
    monkeypatch.setattr(render, "_default", None)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/response.py")
    open_sidebar(at, state.KEY_EXPORT_VIEW).run()
    assert not at.exception
    buttons = {b.key: b for b in at.button}
    assert buttons["build_html"].disabled is False
    assert buttons["build_zip"].disabled is True


# -- in a browser, offline ----------------------------------------------------------------------


def _open_offline(browser, path: Path, viewport: dict[str, int]):
    context = browser.new_context(viewport=viewport)
    outside: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith("file:"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("dialog", lambda dialog: (problems.append(dialog.message), dialog.dismiss()))
    tab.goto(path.as_uri())
    tab.wait_for_function("window.__journalClubCharts !== undefined", timeout=60_000)
    return context, tab, outside, problems


@pytest.mark.browser
def test_offline_page_in_chromium(
    browser, tmp_path: Path, page_bytes: bytes, bundled, bundled_specs
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = tmp_path / names.HTML_NAME
    path.write_bytes(page_bytes)
    context, tab, outside, problems = _open_offline(browser, path, {"width": 1280, "height": 900})

    # Every chart drawn, from the file alone.
    assert tab.locator(".js-plotly-plot").count() == len(bundled_specs)
    assert tab.locator(".js-plotly-plot .main-svg").first.is_visible()
    assert tab.locator('[data-title="Share chart..."], .modebar-btn--logo').count() == 0

    # Hovering a point shows its source.
    point = tab.locator("#chart-response-forest .scatterlayer .point").first
    point.hover(force=True)
    label = tab.locator("#chart-response-forest .hoverlayer .hovertext").first
    label.wait_for(timeout=10_000)
    assert "Source:" in label.text_content()
    tab.screenshot(path=str(ARTIFACTS / "offline_page_hover.png"))

    # The verdicts and the data version are on the page.
    assert tab.get_by_role("heading", name="Verdicts", level=2, exact=True).is_visible()
    assert tab.get_by_text(bundled.data_version).first.is_visible()
    tab.screenshot(path=str(ARTIFACTS / "offline_page.png"), full_page=True)

    # A phone: nothing scrolls the page sideways (charts and tables scroll in their frames).
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.wait_for_timeout(300)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=str(ARTIFACTS / "offline_page_390.png"))

    # Print: every chart fits the printed width and a page's height, and the PDF is made.
    tab.set_viewport_size({"width": PRINTABLE[0], "height": 900})
    tab.emulate_media(media="print")
    tab.wait_for_timeout(300)
    sizes = tab.eval_on_selector_all(
        ".chart-block",
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "const c = e.querySelector('.main-svg').getBoundingClientRect(); "
        "return [r.height, c.width, c.height]; })",
    )
    assert len(sizes) == len(bundled_specs)
    for block_height, chart_width, chart_height in sizes:
        assert chart_width <= PRINTABLE[0]
        assert chart_height <= html.PRINT_CHART_HEIGHT + 1
        assert block_height <= PRINTABLE[1] - 120  # room for the section's heading
    pdf = tab.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "offline_page_print.pdf").write_bytes(pdf)
    context.close()

    # Hostile evidence text is shown, never run (plotly draws hover labels as markup).
    hostile = load_path(HOSTILE)
    bad = tmp_path / "hostile.html"
    bad.write_bytes(html.view_html(hostile, Filters(), exported=DAY))
    context, tab, hostile_outside, hostile_problems = _open_offline(
        browser, bad, {"width": 1280, "height": 900}
    )
    points = tab.locator(".js-plotly-plot .scatterlayer .point")
    for i in range(min(points.count(), 6)):
        points.nth(i).hover(force=True, timeout=5_000)
    assert tab.evaluate("window.__pwned") is None
    assert tab.locator("img, iframe").count() == 0
    context.close()

    assert outside == []
    assert hostile_outside == []
    assert problems == []
    assert hostile_problems == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1440])
def test_offline_page_chart_text_whole_on_a_phone_and_a_wide_screen(
    browser, tmp_path: Path, page_bytes: bytes, bundled_specs, width: int
):
    # Issue 19: the offline page's charts (the file look, filling the page's width, never
    # narrower than html.SCREEN_MIN_WIDTH) keep every text whole and apart.
    path = tmp_path / names.HTML_NAME
    path.write_bytes(page_bytes)
    context, tab, _, problems = _open_offline(browser, path, {"width": width, "height": 900})
    tab.wait_for_timeout(300)  # let plotly finish laying out every chart
    plots = tab.locator(".js-plotly-plot")
    assert plots.count() == len(bundled_specs)
    widths = [plots.nth(i).bounding_box()["width"] for i in range(plots.count())]
    assert min(widths) >= html.SCREEN_MIN_WIDTH
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    assert chart_text_problems(tab, ".js-plotly-plot") == []
    assert problems == []
    context.close()


def test_offline_page_shows_stated_percents_never_the_counts_full_precision(own_markup: str):
    # Back-calculated counts' risks (117/152 = 76.97%, 108/177 = 61.02%) are computations;
    # people read the source's 77% and 61%, with the count marked approximate.
    for digits in ("76.97", "61.02", "34.87", "67.97"):
        assert digits not in own_markup
    assert "77% (≈117/152)" in own_markup
    assert "Why this certainty" in own_markup


def test_a_figures_json_does_not_depend_on_what_was_drawn_from_it_before():
    # The process keeps a view's specs; drawing a PNG's footer on a copy of a figure reorders
    # its traces' keys inside plotly. The offline page of the same view is the same bytes.
    loaded = load_path(MINIMAL)
    specs = files.file_specs(loaded, Filters(), keep=False)
    before = [html.figure_json(spec) for spec in specs]
    for spec in specs:
        dress.with_footer(spec, data_version=loaded.data_version, exported=DAY)
    assert [html.figure_json(spec) for spec in specs] == before
