"""Real-browser tests: every page in Chromium, a filter, the copied URL, downloads."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pandas as pd
import pytest
from chart_text import chart_text_problems
from conftest import (
    ARTIFACTS,
    BUNDLED,
    FIXTURES,
    charts_drawn,
    open_sidebar_section,
    start_server,
    stop_server,
)
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from serving import LIVE_CHART

pytestmark = pytest.mark.browser

SETTING_LABEL = "AL amyloidosis"


def wait_ready(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=60_000
    )


def open_dropdown(page: Page, picker: Locator) -> None:
    """Open a select's option list, as a user would: scrolled into view, then clicked.

    Playwright scrolls and clicks in one go; a click that lands while the sidebar is still
    scrolling focuses the widget without opening it, so the list is checked and reopened.
    """
    picker.scroll_into_view_if_needed()
    for _ in range(3):
        picker.get_by_role("combobox").click()
        with contextlib.suppress(PlaywrightTimeoutError):
            page.get_by_role("option").first.wait_for(timeout=3_000)
            return
        page.keyboard.press("Escape")
    expect(page.get_by_role("option").first).to_be_visible()


def test_every_page_filter_and_copied_url(page: Page, app_url: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")

    from components import registry
    from components.loaded import load_path

    bundled = load_path(BUNDLED)
    for entry in registry.PAGES:  # every page, as the navigation declares them
        title, has_chart = entry.title, charts_drawn(entry.key, bundled) > 0
        sidebar.get_by_role("link", name=title).click()
        wait_ready(page)
        expect(page.get_by_test_id("stMain").get_by_role("heading", level=1).first).to_be_visible()
        if has_chart:
            expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        slug = re.sub(r"[^a-z]+", "_", title.lower()).strip("_")
        page.screenshot(path=str(ARTIFACTS / f"browser_{slug}.png"), full_page=True)

    # Filter by one setting on the Response page; the URL records it.
    sidebar.get_by_role("link", name="Response").click()
    wait_ready(page)
    open_sidebar_section(page, "Filters")
    open_dropdown(page, sidebar.get_by_test_id("stMultiSelect").first)
    page.get_by_role("option", name=SETTING_LABEL, exact=True).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"setting="), timeout=30_000)
    wait_ready(page)
    assert parse_qs(urlparse(page.url).query)["setting"] == [SETTING_LABEL]
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=30_000)
    expect(
        page.locator('[data-stale="false"] [data-testid="stPlotlyChart"] .infolayer').first
    ).to_contain_text(SETTING_LABEL)

    # The filter survives a page change.
    sidebar.get_by_role("link", name="Safety").click()
    wait_ready(page)
    expect(page).to_have_url(re.compile(r"/safety\?.*setting="), timeout=30_000)

    # A copied link reproduces the view in a fresh tab.
    copied = page.url
    fresh = page.context.new_page()
    fresh.set_viewport_size({"width": 1400, "height": 1000})
    fresh.goto(copied)
    expect(fresh.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    # A link with a filter in force opens the filters at once.
    chips = fresh.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    expect(chips).to_be_visible()
    expect(chips).to_contain_text(SETTING_LABEL)
    expect(fresh.get_by_test_id("stException")).to_have_count(0)
    fresh.screenshot(path=str(ARTIFACTS / "browser_copied_url.png"), full_page=True)

    # The presentation view of the same filtered view: one large chart, next/previous.
    fresh.goto(copied + "&mode=present")
    expect(fresh.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    expect(fresh.get_by_text("1 / ")).to_be_visible()
    fresh.get_by_role("button", name="Next").click()
    expect(fresh).to_have_url(re.compile(r"slide=2"), timeout=30_000)
    expect(fresh.locator(LIVE_CHART).first).to_be_visible(timeout=30_000)
    assert parse_qs(urlparse(fresh.url).query)["setting"] == [SETTING_LABEL]
    expect(fresh.get_by_test_id("stException")).to_have_count(0)
    fresh.screenshot(path=str(ARTIFACTS / "browser_presentation.png"))


def test_upload_is_per_session_and_hostile_text_stays_inert(browser, app_url: str) -> None:
    from components import registry

    alice = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    bob = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    dialogs: list[str] = []
    alice.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for page in (alice, bob):
        page.goto(app_url)
        wait_ready(page)
    bundled = bob.get_by_role("heading", level=1).first.inner_text()

    open_sidebar_section(alice, "Use your own evidence")
    alice.get_by_test_id("stSidebar").locator('input[type="file"]').set_input_files(
        str(FIXTURES / "hostile.yaml")
    )
    heading = alice.get_by_test_id("stMain").get_by_role("heading", level=1).first
    expect(heading).to_contain_text("<script>window.__pwned = 1</script>", timeout=30_000)
    for title in [entry.title for entry in registry.PAGES]:
        alice.get_by_test_id("stSidebar").get_by_role("link", name=title).click()
        wait_ready(alice)
        alice.wait_for_timeout(500)  # let plotly draw what the page has
        points = alice.locator('[data-stale="false"] .js-plotly-plot .point')
        for i in range(min(points.count(), 6)):  # hover labels carry evidence text too
            points.nth(i).hover(force=True, timeout=5_000)
        assert alice.evaluate("window.__pwned") is None
        assert alice.locator('img[src="x"], iframe, a[href^="javascript"]').count() == 0
        expect(alice.get_by_test_id("stException")).to_have_count(0)
    alice.screenshot(path=str(ARTIFACTS / "browser_hostile_upload.png"), full_page=True)
    assert dialogs == []

    # Bob's session never saw Alice's file.
    bob.reload()
    wait_ready(bob)
    expect(bob.get_by_role("heading", level=1).first).to_have_text(bundled)

    alice.get_by_role("button", name="Back to the bundled evidence").click()
    wait_ready(alice)
    alice.get_by_test_id("stSidebar").get_by_role("link", name="Overview").click()
    expect(alice.get_by_role("heading", level=1).first).to_have_text(bundled, timeout=30_000)


def test_deep_link_first_after_restart_keeps_app_navigation(page: Page) -> None:
    # Streamlit runs a pages/ file on its own until st.navigation has run once per process.
    proc, url = start_server({"EVIDENCE_FILE": str(BUNDLED)})
    try:
        page.goto(url + "safety?mode=present")
        expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Next")).to_be_visible()
        page.goto(url + "safety")
        wait_ready(page)
        links = page.get_by_test_id("stSidebar").get_by_role("link")
        expect(links.filter(has_text="Benefit-risk and verdicts")).to_have_count(1)
        expect(links.filter(has_text="dashboard")).to_have_count(0)
    finally:
        stop_server(proc)


def test_compare_page_choices_live_in_the_url(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url + "comparisons")
    wait_ready(page)
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    main = page.get_by_test_id("stMain")
    open_dropdown(page, main.get_by_test_id("stSelectbox").first)
    page.get_by_role("option", name=re.compile(r"^MM-015, MPR-R arm vs MM-015, MP then")).click()
    expect(page).to_have_url(re.compile(r"comparison="), timeout=30_000)
    wait_ready(page)
    expect(main.get_by_text("MM-015, MPR-R arm (the regimen)")).to_be_visible()
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=30_000)
    # Two cohorts from different settings, side by side.
    profile = main.get_by_test_id("stMultiSelect").first
    for name in ("MM-009, Rd arm · RRMM", "Sanchorawala 2013, MLd · AL"):
        profile.click()
        page.keyboard.type(name)  # the option list is virtual: filter it to the one wanted
        page.get_by_role("option", name=name).first.click()
        page.keyboard.press("Escape")
        wait_ready(page)
    expect(page).to_have_url(re.compile(r"cohorts="), timeout=30_000)
    expect(main.get_by_text("What differs between these cohorts")).to_be_visible()
    copied = page.url
    fresh = page.context.new_page()
    fresh.set_viewport_size({"width": 1400, "height": 1000})
    fresh.goto(copied)
    wait_ready(fresh)
    fresh_main = fresh.get_by_test_id("stMain")
    expect(fresh_main.get_by_text("MM-015, MPR-R arm (the regimen)")).to_be_visible(timeout=60_000)
    expect(fresh_main.get_by_text("What differs between these cohorts")).to_be_visible()
    expect(fresh.get_by_test_id("stException")).to_have_count(0)
    fresh.screenshot(path=str(ARTIFACTS / "browser_compare.png"), full_page=True)


PHONE = {"width": 390, "height": 844}
# The data area of every chart (the horizontal extent of its subplots' drag layers), as a
# share of the chart's width: side-by-side panels count together.
DATA_SHARES = """() => [...document.querySelectorAll('[data-stale="false"] .js-plotly-plot')]
  .map(plot => {
    const box = plot.getBoundingClientRect();
    const areas = [...plot.querySelectorAll('.nsewdrag')].map(r => r.getBoundingClientRect());
    if (!areas.length) return 1;
    const left = Math.min(...areas.map(a => a.left)), right = Math.max(...areas.map(a => a.right));
    return (right - left) / box.width;
  })"""


def test_phone_no_page_scrolls_sideways_and_charts_keep_half_their_width(
    page: Page, app_url: str, bundled
) -> None:
    from components.registry import PAGES as REGISTERED

    page.set_viewport_size(PHONE)
    for registered in REGISTERED:
        page.goto(app_url + ("" if registered is REGISTERED[0] else registered.key))
        wait_ready(page)
        if charts_drawn(registered.key, bundled):  # a page without a chart waits for none
            expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
        page.wait_for_timeout(800)  # let every chart on the page draw
        width = page.evaluate("document.documentElement.scrollWidth")
        main = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
        assert width <= PHONE["width"], (registered.key, width)
        assert main <= PHONE["width"], (registered.key, main)
        shares = page.evaluate(DATA_SHARES)
        assert all(share >= 0.5 for share in shares), (registered.key, shares)
        page.screenshot(path=str(ARTIFACTS / f"phone_{registered.key}.png"), full_page=True)


def test_chart_downloads_are_the_files_they_name(page: Page, app_url: str) -> None:
    """A chart's CSV and PNG buttons, clicked as a user would.

    The CSV is built on click and holds the rows of the data table; the PNG is rendered on
    the server on click (kaleido, Chromium) at 1920 px wide.
    """
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}response")
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    wait_ready(page)
    main = page.get_by_test_id("stMain")

    from components import registry
    from components.loaded import Filters, load_path

    spec = registry.chart("response_forest").specs(load_path(BUNDLED), Filters())[0]

    with page.expect_download(timeout=60_000) as csv_download:
        main.get_by_role("button", name="CSV", exact=True).first.click()
    assert csv_download.value.suggested_filename == f"{spec.filename}.csv"
    rows = pd.read_csv(csv_download.value.path())
    assert list(rows.columns) == list(spec.display_table().columns)
    assert len(rows) == len(spec.table) > 0

    with page.expect_download(timeout=90_000) as png_download:
        main.get_by_role("button", name="PNG", exact=True).first.click()
    assert png_download.value.suggested_filename == f"{spec.filename}.png"
    with Image.open(png_download.value.path()) as image:
        assert image.format == "PNG"
        assert image.width == 1920
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_view_exports_show_progress_while_they_build(page: Page, app_url: str) -> None:
    """The sidebar's ZIP, clicked: a status line and a moving progress bar, then the download.

    Built on the bundled evidence (60 images and the deck's 39) the ZIP takes seconds; the
    bar must be seen with at least two different steps before its download button appears,
    and the deck built after it must be offered at once (its images come from the cache).
    """
    import zipfile

    from components.export import names

    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url)
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    wait_ready(page)
    sidebar = page.get_by_test_id("stSidebar")
    open_sidebar_section(page, "Export this view")
    build = sidebar.get_by_role("button", name="All (ZIP)")
    build.scroll_into_view_if_needed()
    build.click()
    bar = sidebar.get_by_test_id("stProgress")
    expect(bar).to_be_visible(timeout=30_000)
    steps: set[str] = set()
    ready = sidebar.get_by_role("button", name="Download all (ZIP)")
    for _ in range(600):  # up to 60 s, a look every 100 ms
        if ready.count():
            break
        with contextlib.suppress(PlaywrightTimeoutError):
            steps.add(bar.inner_text(timeout=100).strip())
        page.wait_for_timeout(100)
    assert len(steps - {""}) >= 2, steps  # the bar moved while the ZIP was built
    assert any(step.startswith("Rendering images") for step in steps), steps
    with page.expect_download(timeout=30_000) as download:
        ready.click()
    assert download.value.suggested_filename == names.ZIP_NAME
    with zipfile.ZipFile(download.value.path()) as archive:
        assert names.DECK_NAME in archive.namelist()
    sidebar.get_by_role("button", name="Deck").click()
    expect(sidebar.get_by_role("button", name="Download the deck (PPTX)")).to_be_visible(
        timeout=30_000
    )
    expect(page.get_by_test_id("stException")).to_have_count(0)


_WATCH_PROGRESS = """() => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    window.__progress = [];
    const look = () => {
        for (const bar of sidebar.querySelectorAll('[data-testid="stProgress"]')) {
            window.__progress.push(bar.innerText.trim());
        }
        for (const summary of sidebar.querySelectorAll('summary')) {
            const text = summary.innerText.trim();
            if (text.startsWith('Building')) window.__progress.push(text);
        }
    };
    new MutationObserver(look).observe(sidebar, {subtree: true, childList: true,
                                                 characterData: true, attributes: true});
}"""


@pytest.mark.parametrize("which", [0, 1])
def test_deck_and_offline_page_show_progress_while_they_build(
    page: Page, app_url: str, which: int, bundled
) -> None:
    """Issue 19: each long export shows its progress while it builds, not only the ZIP.

    Each is built for a view filtered to one setting that no other test exports (a view
    already built would come from the process's cache at once): the status line says what
    is being built and the bar shows at least one step of it before the download is offered.
    """
    from components.loaded import FILTERS

    export, ready = [
        ("Deck", "Download the deck (PPTX)"),
        ("Offline page", "Download the page (HTML)"),
    ][which]
    setting = FILTERS[0]
    counts = bundled.results[setting.column].value_counts()
    chosen = setting.labels(bundled.evidence)[str(counts.index[which])]
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}?{urlencode({setting.key: chosen})}")
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    wait_ready(page)
    sidebar = page.get_by_test_id("stSidebar")
    open_sidebar_section(page, "Export this view")
    build = sidebar.get_by_role("button", name=export, exact=True)
    build.scroll_into_view_if_needed()
    page.evaluate(_WATCH_PROGRESS)
    build.click()
    expect(sidebar.get_by_role("button", name=ready)).to_be_visible(timeout=90_000)
    seen = page.evaluate("() => window.__progress")
    assert f"Building {export.lower()}…" in seen, seen
    # A step of the build itself, not only the bar's first word or the size it ends with
    steps = {t for t in seen if t and not t.startswith(("Building", "Starting")) and "MB" not in t}
    assert steps, seen
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize("width", [390, 1440])
def test_no_chart_text_is_cut_or_overlaps_on_any_page(
    page: Page, app_url: str, width: int, bundled
) -> None:
    """Issue 19: on a phone and on a wide screen, every chart's text stays whole and apart
    (tests/chart_text.py says what counts)."""
    from components.registry import PAGES as REGISTERED

    page.set_viewport_size({"width": width, "height": 900})
    problems: list[str] = []
    for registered in REGISTERED:
        page.goto(app_url + ("" if registered is REGISTERED[0] else registered.key))
        wait_ready(page)
        if charts_drawn(registered.key, bundled):  # a page without a chart waits for none
            expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
        page.wait_for_timeout(800)  # let every chart on the page draw
        problems += [f"{registered.key}: {problem}" for problem in chart_text_problems(page)]
    assert problems == []


@pytest.mark.parametrize("width", [390, 1440])
def test_presentation_view_chart_text_whole_on_a_phone_and_a_wide_screen(
    page: Page, app_url: str, width: int
) -> None:
    """Every slide of the presentation view at 390 and 1440 px: chart text whole and apart.

    The projector's look (17-26 px text) fits a wide screen; a narrow one is shown each chart
    in the page's look instead (looks.PRESENT.narrow). Exactly one chart shows, in the
    look meant for the width, and the page never scrolls sideways.
    """
    from components import registry
    from components.loaded import Filters, load_path
    from components.looks import PRESENT
    from components.presentation import NARROW, WIDE

    count = len(
        registry.view_specs(load_path(BUNDLED), Filters(), use="presentation", look=PRESENT)
    )
    narrow = width < PRESENT.narrow_below
    page.set_viewport_size({"width": width, "height": 900})
    element = '[data-stale="false"] [data-testid="stPlotlyChart"]'
    shown = page.locator(element).locator("visible=true")
    meant = page.locator(f".st-key-{NARROW if narrow else WIDE}").locator(element)
    problems: list[str] = []
    for slide in range(1, count + 1):
        page.goto(f"{app_url}?mode=present&slide={slide}")
        wait_ready(page)
        expect(shown.first).to_be_visible(timeout=60_000)
        page.wait_for_timeout(500)
        expect(shown).to_have_count(1)
        expect(meant.locator("visible=true")).to_have_count(1)
        # The page never scrolls sideways (on a phone the grid scrolls in its own frame).
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        problems += [f"slide {slide}: {p}" for p in chart_text_problems(page)]
        if slide == 1:  # the controls take one row, even on a phone (columns stacked them)
            tops = {
                round(page.get_by_role("button", name=name).bounding_box()["y"])
                for name in ("Previous", "Next", "Exit")
            }
            assert max(tops) - min(tops) <= 2, tops
        if narrow and slide in (2, 9):
            page.screenshot(path=str(ARTIFACTS / f"presentation_{width}_{slide}.png"))
    assert count > 10
    assert problems == []
