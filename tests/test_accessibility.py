"""Accessibility in Chromium: axe-core (WCAG 2.1 A/AA), heading order and the keyboard.

One server on the bundled evidence and one browser tab for the whole module: every page of
the registry, the presentation view, a refused upload's problem table and Compare regimens
with two cohorts chosen. Each run's violations (every impact) are written to
``artifacts/axe_<view>.json`` so that a change can be compared before and after.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Iterator

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from conftest import ARTIFACTS, BUNDLED, FIXTURES, open_sidebar_section
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from components import registry

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    # Not a WCAG-tagged rule (best practice), but the issue asks for headings in order.
    "rules": {"heading-order": {"enabled": True}},
    "resultTypes": ["violations"],
}
AXE = Axe()
BUNDLED_TITLE = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))["title"]

# The app has drawn: the fonts are in (text is invisible until then), the script is idle, no
# stale element lingers, no widget is still a skeleton (their code loads lazily: the sidebar's
# toggle and buttons come last), and every chart has its SVG.
DRAWN = """() => {
  if (document.fonts.status !== 'loaded') return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .every((chart) => chart.querySelector('.main-svg'));
}"""

# Levels of the visible headings of the main area, in document order.
HEADINGS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3,'
    + '[data-testid="stMain"] h4, [data-testid="stMain"] h5, [data-testid="stMain"] h6')]
  .filter((h) => h.checkVisibility())
  .map((h) => [Number(h.tagName[1]), h.innerText.trim().slice(0, 60)])"""

# Mark every visible, enabled, focusable control of the sidebar and main area; return them.
MARK_CONTROLS = r"""() => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary,'
    + ' [tabindex]';
  const roots = ['[data-testid="stSidebar"]', '[data-testid="stMain"]']
    .map((s) => document.querySelector(s)).filter(Boolean);
  const found = [];
  for (const root of roots) {
    for (const el of root.querySelectorAll(selector)) {
      if (el.getAttribute('tabindex') === '-1' || el.disabled) continue;
      if (el.closest('[aria-hidden="true"], [inert]')) continue;
      if (!el.checkVisibility({visibilityProperty: true})) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      el.dataset.a11yControl = String(found.length);
      found.push(describe(el));
    }
  }
  return found;
  function describe(el) {
    const name = el.getAttribute('aria-label') || el.innerText || el.getAttribute('title')
      || el.getAttribute('placeholder') || '';
    const widget = el.closest('[data-testid^="st"]');
    return `${el.tagName.toLowerCase()} "${name.replace(/\s+/g, ' ').trim().slice(0, 40)}"`
      + ` in ${widget ? widget.dataset.testid : '?'}`;
  }
}"""

# Where the focus is: the marked control it is in (-1 for none) and a description.
FOCUSED = r"""() => {
  const el = document.activeElement;
  if (!el || el === document.body) return [-2, 'body'];
  const marked = el.closest('[data-a11y-control]');
  const widget = el.closest('[data-testid^="st"]');
  const name = (el.getAttribute('aria-label') || el.innerText || '')
    .replace(/\s+/g, ' ').trim().slice(0, 40);
  return [marked ? Number(marked.dataset.a11yControl) : -1,
          `${el.tagName.toLowerCase()} "${name}" in ${widget ? widget.dataset.testid : '?'}`];
}"""


@pytest.fixture(scope="module")
def tab(browser: Browser, app_url: str) -> Iterator[Page]:
    """One tab (one Streamlit session) for the whole module, on the landing page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app_url)
    wait_drawn(page)
    yield page
    context.close()


def wait_drawn(page: Page) -> None:
    page.wait_for_function(DRAWN, timeout=60_000, polling=200)


def open_page(page: Page, title: str) -> None:
    """Open a page by its sidebar link; wait for its own title (not the last page's) and charts."""
    entry = next(p for p in registry.PAGES if p.title == title)
    page.get_by_test_id("stSidebar").get_by_role("link", name=title, exact=True).click()
    path = "" if entry is registry.PAGES[0] else entry.key
    expect(page).to_have_url(re.compile(rf"/{path}(\?|$)"), timeout=30_000)
    heading = title if entry.shell_title else BUNDLED_TITLE
    expect(page.get_by_test_id("stMain").get_by_role("heading", level=1).first).to_have_text(
        heading, timeout=60_000
    )
    wait_drawn(page)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


# The height that shows the whole main area and the whole sidebar without scrolling.
FULL_HEIGHT = """() => Math.max(...['stMain', 'stSidebarContent']
  .map((id) => document.querySelector(`[data-testid="${id}"]`))
  .filter(Boolean).map((el) => el.scrollHeight))"""


def run_axe(page: Page, view: str) -> list[dict]:
    """Axe's WCAG 2.1 A/AA violations of the page; all of them saved under artifacts/.

    The window is made as tall as the page first: axe checks the contrast of text on screen
    only, and Streamlit's main area scrolls inside the window.
    """
    viewport = page.viewport_size
    assert viewport is not None
    page.set_viewport_size({"width": viewport["width"], "height": page.evaluate(FULL_HEIGHT)})
    wait_drawn(page)
    try:
        violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
        page.screenshot(path=str(ARTIFACTS / f"axe_{slug(view)}.png"))
    finally:
        page.set_viewport_size(viewport)
    summary = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "count": len(v["nodes"]),
            "help": v["help"],
            "targets": [", ".join(map(str, n["target"])) for n in v["nodes"]],
        }
        for v in violations
    ]
    (ARTIFACTS / f"axe_{slug(view)}.json").write_text(json.dumps(summary, indent=1))
    return violations


def report(violations: list[dict], impacts: set[str] | None = None) -> str:
    """Rule, impact, help, and up to five nodes (target, snippet, why) of each violation."""
    lines = []
    for v in violations:
        if impacts is not None and v["impact"] not in impacts:
            continue
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)")
        for node in v["nodes"][:5]:
            why = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            lines.append(f"    {', '.join(map(str, node['target']))}")
            lines.append(f"        {node['html'][:160]}")
            lines.append(f"        {why}")
    return "\n".join(lines)


def assert_no_blocking(violations: list[dict]) -> None:
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "serious or critical axe violations:\n" + report(blocking)


def assert_headings_in_order(page: Page) -> None:
    """The main area starts at h1 and never skips a level going down."""
    levels = page.evaluate(HEADINGS)
    assert levels, "no heading in the main area"
    assert levels[0][0] == 1, f"the first heading is not an h1: {levels}"
    skips = [
        f"h{before[0]} {before[1]!r} -> h{after[0]} {after[1]!r}"
        for before, after in itertools.pairwise(levels)
        if after[0] > before[0] + 1
    ]
    assert not skips, "heading levels skipped: " + "; ".join(skips)


@pytest.mark.parametrize("title", [p.title for p in registry.PAGES])
def test_page_has_no_serious_axe_violation_and_headings_in_order(tab: Page, title: str) -> None:
    open_page(tab, title)
    violations = run_axe(tab, title)
    assert_no_blocking(violations)
    assert not [v for v in violations if v["id"] == "heading-order"], report(violations)
    assert_headings_in_order(tab)


def choose_options(page: Page, picker: Locator, count: int) -> None:
    """Choose the first ``count`` options (not "Select all") of a multiselect.

    Right after a page switch or a rerun, an ArrowDown is now and then lost: each choice is
    checked by its chip and retried.
    """
    combobox = picker.get_by_role("combobox")
    chips = picker.locator("[data-tag]")
    option = page.get_by_role("option").filter(has_not_text="Select all").first
    for _ in range(3 * count):
        if chips.count() >= count:
            break
        combobox.focus()
        page.keyboard.press("ArrowDown")
        with contextlib.suppress(PlaywrightTimeoutError):
            option.click(timeout=5_000)
        page.keyboard.press("Escape")
        wait_drawn(page)
    expect(chips).to_have_count(count)


def test_compare_regimens_with_two_cohorts_chosen(tab: Page) -> None:
    open_page(tab, "Compare regimens")
    main = tab.get_by_test_id("stMain")
    choose_options(tab, main.get_by_test_id("stMultiSelect").filter(has_text="Cohorts to"), 2)
    expect(main.get_by_text("What differs between these cohorts")).to_be_visible(timeout=30_000)
    wait_drawn(tab)
    violations = run_axe(tab, "compare regimens two cohorts")
    expect(tab.get_by_test_id("stException")).to_have_count(0)
    profile = main.get_by_test_id("stPlotlyChart").filter(has_text="Chosen cohorts side by side")
    expect(profile).to_have_count(1)
    assert_no_blocking(violations)
    assert_headings_in_order(tab)


def test_refused_upload_problem_table(tab: Page) -> None:
    open_page(tab, "Response")
    open_sidebar_section(tab, "Use your own evidence")
    tab.get_by_test_id("stSidebar").locator('input[type="file"]').set_input_files(
        str(FIXTURES / "bad_for_app.yaml")
    )
    main = tab.get_by_test_id("stMain")
    try:
        expect(main.get_by_text("was not loaded")).to_be_visible(timeout=30_000)
        wait_drawn(tab)
        # The problems are a real table: read by a screen reader, searchable, copyable.
        problems = main.locator("table").filter(has_text="percent_out_of_range")
        expect(problems).to_have_count(1)
        expect(problems.get_by_role("columnheader", name="Problem")).to_have_count(1)
        violations = run_axe(tab, "refused upload")
        assert_no_blocking(violations)
        assert_headings_in_order(tab)
    finally:
        main.get_by_role("button", name="Dismiss").click()
        expect(main.get_by_text("was not loaded")).to_have_count(0, timeout=30_000)
        wait_drawn(tab)


@contextlib.contextmanager
def presentation(tab: Page, app_url: str) -> Iterator[None]:
    """The presentation view, drawn; the usual page again afterwards for the next test."""
    tab.goto(app_url + "?mode=present")
    try:
        expect(tab.get_by_role("button", name="Next")).to_be_visible(timeout=60_000)
        wait_drawn(tab)
        yield
    finally:
        tab.goto(app_url)
        wait_drawn(tab)


def test_presentation_view(tab: Page, app_url: str) -> None:
    with presentation(tab, app_url):
        assert_no_blocking(run_axe(tab, "presentation"))


def tab_walk(page: Page, limit: int = 300) -> tuple[list[str], list[tuple[int, str]]]:
    """Press Tab until the focus comes back round; the page's controls and every stop.

    Fails when the focus does not come back within ``limit`` presses (a trap), or when a
    visible, enabled control of the sidebar or main area is never focused.
    """
    controls = page.evaluate(MARK_CONTROLS)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops: list[tuple[int, str]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(tuple(page.evaluate(FOCUSED)))
        if len(stops) > 1 and stops[-1] == stops[0]:
            break
    else:
        pytest.fail(f"focus did not come back round in {limit} Tabs; last stops: {stops[-8:]}")
    reached = {i for i, _ in stops}
    missing = [c for i, c in enumerate(controls) if i not in reached]
    assert not missing, f"never reached with Tab: {missing}\nstops: {[s for _, s in stops]}"
    return controls, stops


def reached(stops: list[tuple[int, str]], *names: str) -> None:
    said = " | ".join(s for _, s in stops)
    for name in names:
        assert name in said, f"{name!r} not among the Tab stops: {said}"


def test_keyboard_reaches_every_control_of_a_page_and_no_chart_traps_it(tab: Page) -> None:
    open_page(tab, "Response")
    sections = ("Use your own evidence", "Filters", "Export this view")
    _, stops = tab_walk(tab)
    reached(stops, *sections)  # the sidebar's lazily drawn parts, closed
    # Opened from the keyboard, their controls are reached too.
    for section in sections:
        summary = tab.get_by_test_id("stSidebar").locator("summary").filter(has_text=section)
        summary.focus()
        tab.keyboard.press("Enter")
        wait_drawn(tab)
    expect(tab.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect")).to_have_count(5)
    _, stops = tab_walk(tab)
    reached(
        stops,
        "Safety",  # sidebar navigation
        "Presentation view",
        "Upload",
        "Template",
        "Settings",  # the filters
        "Deck",
        "All (ZIP)",
        "Endpoints",  # the page's picker
        "Download plot as a PNG",  # plotly's toolbar: reached, and left again
        "CSV",
        "PDF",
        "Data behind this",
    )
    # The chart's data table opens from the keyboard, and Tab leaves the grid again.
    summary = tab.get_by_test_id("stMain").locator("summary").filter(has_text="Data behind")
    summary.first.focus()
    tab.keyboard.press("Enter")
    expect(tab.get_by_test_id("stDataFrame")).to_have_count(1, timeout=30_000)
    wait_drawn(tab)
    _, stops = tab_walk(tab)
    assert any("stDataFrame" in s for _, s in stops), [s for _, s in stops]
    summary.first.focus()
    tab.keyboard.press("Enter")  # closed again: the next test starts from the usual page
    expect(tab.get_by_test_id("stDataFrame")).to_have_count(0, timeout=30_000)
    wait_drawn(tab)
    for section in sections:  # the sidebar as it starts, too
        tab.get_by_test_id("stSidebar").locator("summary").filter(has_text=section).click()
        wait_drawn(tab)


def test_keyboard_drives_the_presentation_view(tab: Page, app_url: str) -> None:
    with presentation(tab, app_url):
        _, stops = tab_walk(tab)
        reached(stops, "Next", "Exit", "Download plot as a PNG")
        tab.get_by_role("button", name="Next").focus()
        tab.keyboard.press("Enter")
        expect(tab).to_have_url(re.compile(r"slide=2"), timeout=30_000)
        wait_drawn(tab)
        expect(tab.get_by_role("button", name="Previous")).to_be_enabled()
