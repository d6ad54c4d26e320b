"""Real browser: a journal club records its appraisal on Compare regimens and downloads it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ARTIFACTS
from playwright.sync_api import Page, expect
from serving import LIVE_CHART
from test_accessibility import AXE, AXE_OPTIONS, FULL_HEIGHT, report, run_axe, wait_drawn
from test_browser import open_dropdown

from components import state

pytestmark = pytest.mark.browser

BASELINE_BOX = f".st-key-{state.KEY_BASELINE_BOX}"
EXPANDER = f".st-key-{state.KEY_APPRAISAL_EXPANDER}"
ORR = "Overall response rate (myeloma)"
REASON = "Open label after unblinding; allocation concealment not described"


def test_appraisal_recorded_in_the_browser_changes_certainty_and_downloads(
    page: Page, app_url: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_url + "comparisons?baseline_orr=10")
    expect(page.locator(LIVE_CHART).first).to_be_visible(timeout=60_000)
    wait_drawn(page)
    main = page.get_by_test_id("stMain")
    open_dropdown(page, main.get_by_test_id("stSelectbox").first)
    page.get_by_role("option", name=re.compile(r"^MM-009, Rd arm vs MM-009, placebo")).click()
    wait_drawn(page)
    sof = main.get_by_test_id("stTable").first
    orr = sof.get_by_role("row").filter(has_text=ORR)
    # The table's footnotes (why this certainty, sources) are the table beneath it.
    why = main.get_by_test_id("stTable").nth(1).get_by_role("row").filter(has_text=ORR)
    expect(orr).to_contain_text("100 → 307 (223 to 422), your baseline")  # from the URL
    expect(orr).to_contain_text("⊕⊕⊕◯ at most moderate")

    main.locator(EXPANDER).get_by_text("Record your appraisal (this session only)").click()
    form = main.get_by_test_id("stForm")
    expect(form).to_be_visible()
    open_dropdown(page, form.get_by_test_id("stSelectbox").filter(has_text="Risk of bias"))
    page.get_by_role("option", name="Serious", exact=True).click()
    form.get_by_label("Why this judgement (risk of bias)").fill(REASON)
    form.get_by_label("By (optional)").fill("Haematology journal club")
    form.get_by_role("button", name=re.compile("Record")).click()

    expect(orr).to_contain_text("⊕⊕◯◯ at most low", timeout=30_000)
    expect(why).to_contain_text("risk of bias: serious (judged by Haematology journal club")
    wait_drawn(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("evidence.yaml + appraisal")

    with page.expect_download(timeout=60_000) as yaml_download:
        main.get_by_role("button", name=re.compile(r"Download with the appraisal \(YAML\)")).click()
    assert yaml_download.value.suggested_filename == "evidence-appraisal.yaml"
    text = Path(yaml_download.value.path()).read_text(encoding="utf-8")
    assert "appraisals:" in text
    assert REASON in text

    # What this feature adds (the baseline risks, the open form, its table and downloads):
    # no axe violation of any impact.
    expect(page.locator(BASELINE_BOX)).to_have_count(1)
    expect(page.locator(EXPANDER)).to_have_count(1)
    added = {"include": [[BASELINE_BOX], [EXPANDER]]}
    page.set_viewport_size({"width": 1400, "height": page.evaluate(FULL_HEIGHT)})
    wait_drawn(page)
    own = AXE.run(page, context=added, options=AXE_OPTIONS).response["violations"]
    page.set_viewport_size({"width": 1400, "height": 1000})
    assert not own, report(own)
    # The whole page, summary tables included (their footnote columns sit beneath them).
    violations = run_axe(page, "compare regimens appraisal")
    assert not violations, report(violations)

    # Clearing the baseline takes it out of the URL and back to the comparator's risk; the
    # appraisal stays (this session's evidence).
    assert "baseline_orr=10" in page.url
    box = main.locator(BASELINE_BOX).get_by_label(f"{ORR} (%)")
    box.fill("")
    box.press("Enter")
    expect(orr).to_contain_text("199 → 611 (444 to 840)", timeout=30_000)
    expect(page).not_to_have_url(re.compile(r"baseline_orr="))
    expect(orr).to_contain_text("⊕⊕◯◯ at most low")
