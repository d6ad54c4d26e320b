"""Comparisons for people: the list, the summary of findings, sentences, profiles, the page."""

from __future__ import annotations

import json

import pytest
from conftest import APP, BUNDLED, FIXTURES, shown
from streamlit.testing.v1 import AppTest

from components import compare, state
from evidence import effects as fx


@pytest.fixture(scope="module")
def mm009(bundled):
    return next(c for c in compare.comparisons(bundled.effects) if c.key == "mm009_rd~mm009_dex")


def test_comparisons_one_per_pair_of_arms_with_reported_effects_keyed_alike(bundled):
    found = compare.comparisons(bundled.effects)
    keys = [c.key for c in found]
    assert len(keys) == len(set(keys))
    # MM-015's three arms give three comparisons; its reported HRs join them, not new ones.
    mm015 = [c for c in found if c.source == "palumbo2012"]
    assert sorted(c.key for c in mm015) == sorted(
        ["mm015_mprr~mm015_mpr", "mm015_mprr~mm015_mp", "mm015_mpr~mm015_mp"]
    )
    assert all(c.randomised for c in mm015)
    coman = next(c for c in found if c.source == "coman2013")
    assert not coman.randomised


def test_mm009_summary_of_findings_reads_as_grade_does(bundled, mm009):
    groups = dict(compare.sof_groups(bundled, bundled.effects, mm009))
    assert list(groups)[:3] == ["Efficacy", "Safety", "Dose modifications"]
    orr = groups["Efficacy"].set_index("Outcome").loc["Overall response rate (myeloma)"]
    assert orr["Risk with comparator"] == "19.9% (35/176)"
    assert orr["Risk with regimen"] == "61% (108/177)"
    assert orr["Difference per 100 (95% CI)"] == "41.1 more (31.3 more to 49.8 more) ‡"
    assert orr["Relative effect (95% CI)"] == "RR 3.07 (2.23 to 4.22) ‡"
    assert orr["NNT (95% CI)"] == "NNTB 3 (3 to 4) ‡"  # 2.43 (2.01 to 3.19), rounded up
    assert orr["Participants"] == "177 vs 176"
    assert orr["Design"] == "Randomised phase 3 (randomised)"
    neutropenia = groups["Safety"].set_index("Outcome").loc["Grade 3-4 neutropenia"]
    assert neutropenia["NNT (95% CI)"].startswith("NNTH")
    assert neutropenia["Risk with comparator"] == "4.6% (≈8/176)"  # as stated; count ours


def test_nnt_when_the_difference_spans_zero_is_altmans_form(bundled):
    effects = compare.with_pairs(bundled.effects)
    row = effects[
        (effects[compare.PAIR] == "mm015_mprr~mm015_mpr") & (effects[fx.ENDPOINT] == "orr")
    ].iloc[0]
    text = compare.nnt_text(row)
    assert text.startswith("NNTB 12 (NNTH ")
    assert "to ∞ to NNTB" in text


def test_pictograph_sentence_says_how_sure_in_words(bundled, mm009):
    rows = compare.benefit_harm_rows(bundled.effects, mm009)
    orr = rows[rows[fx.ENDPOINT] == "orr"].iloc[0]
    sentence = compare.pictograph_sentence(mm009, [orr])
    assert sentence.startswith("Out of 100 patients treated with Rd instead of Dex")
    assert "41.1 more have overall response rate (myeloma)" in sentence
    assert "between 31.3 more and 49.8 more (95% CI), a randomised comparison" in sentence
    spans = compare.benefit_harm_rows(
        bundled.effects,
        next(c for c in compare.comparisons(bundled.effects) if c.key == "mm015_mprr~mm015_mpr"),
    )
    assert "cannot be ruled out" in compare.uncertainty_words(spans.iloc[0])


def test_benefit_harm_rows_side_from_better_and_favours_from_the_difference(bundled, mm009):
    rows = compare.benefit_harm_rows(bundled.effects, mm009).set_index(fx.ENDPOINT)
    assert rows.loc["orr", "side"] == "benefit"
    assert bool(rows.loc["orr", "favours"])  # more response with Rd: better
    assert rows.loc["g34_neutropenia", "side"] == "harm"
    assert not bool(rows.loc["g34_neutropenia", "favours"])  # more neutropenia: worse


def test_profile_lists_only_what_differs_and_aligns_by_endpoint(bundled):
    differs = compare.profile_differences(bundled, ["mm009_rd", "sanch2013_mld"])
    aspects = differs["Differs in"].tolist()
    assert "Setting" in aspects
    assert "Response criteria" in aspects
    same = compare.profile_differences(bundled, ["mm015_mprr", "mm015_mpr"])
    assert "Setting" not in same["Differs in"].tolist()
    aligned = compare.profile_table(bundled, ["mm009_rd", "mm009_dex"]).set_index("Endpoint")
    assert aligned.loc["Overall response rate (myeloma)"].tolist()[0].startswith("61%")


def open_compare(query: dict[str, list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/comparisons.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_page_bundled_shows_sof_benefit_harm_and_pictograph(evidence_file):
    evidence_file(BUNDLED)
    at = open_compare()
    assert not at.exception
    assert "Summary of findings" in [s.value for s in at.subheader]
    assert at.table  # the GRADE table(s)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert any(t.startswith("Benefit and harm per 100") for t in titles)
    assert any(t.startswith("Out of 100 patients") for t in titles)


def test_page_comparison_in_the_url_is_the_one_shown(evidence_file):
    evidence_file(BUNDLED)
    at = open_compare()
    options = at.selectbox(key=state.KEY_COMPARISON).options
    chosen = next(o for o in options if o.startswith("MM-015, MPR-R arm vs MM-015, MP then"))
    at = open_compare({"comparison": [chosen]})
    assert not at.exception
    assert at.selectbox(key=state.KEY_COMPARISON).value == "mm015_mprr~mm015_mp"
    assert "MM\\-015, MPR\\-R arm (the regimen)" in " ".join(c.value for c in at.caption)


def test_page_side_by_side_profile_of_chosen_cohorts(evidence_file):
    evidence_file(BUNDLED)
    at = open_compare()
    options = at.multiselect(key=state.KEY_COHORTS).options
    at.multiselect(key=state.KEY_COHORTS).set_value(["mm009_rd", "sanch2013_mld"]).run()
    assert options
    assert not at.exception
    tables = [shown(t.value) for t in at.table]
    assert any("Differs in" in t.columns for t in tables)
    charts = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert "Chosen cohorts side by side" in charts


def test_page_second_file_renders(evidence_file):
    evidence_file(FIXTURES / "valid_minimal.yaml")
    at = open_compare()
    assert not at.exception
    assert at.selectbox(key=state.KEY_COMPARISON).value == "a_zeta~a_ctrl"


def test_page_file_without_comparisons_says_so(evidence_file):
    evidence_file(FIXTURES / "valid_sparse.yaml")
    at = open_compare()
    assert not at.exception
    assert "has no within-study comparisons" in " ".join(i.value for i in at.info)


def test_verdict_cards_show_the_within_study_effects_they_rest_on(evidence_file):
    evidence_file(BUNDLED)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/benefit_risk.py")
    at.run()
    assert not at.exception
    cards = [m.value for m in at.markdown if m.value.startswith("Within-study effects")]
    assert cards
    mm009 = next(c for c in cards if "MM\\-009, Rd arm vs MM\\-009, placebo" in c)
    assert "41\\.1 more" in mm009
    assert "NNTB 3" in mm009
    assert "computed by us" in mm009


def test_plane_page_lists_the_cohorts_it_leaves_out(evidence_file):
    evidence_file(BUNDLED)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/benefit_risk.py")
    at.run()
    assert at.selectbox(key=state.KEY_PLANE_HARM).value == "g34_neutropenia"
    assert at.selectbox(key=state.KEY_PLANE_BENEFIT).value == "orr"
    left_out = shown(at.table[0].value)
    assert list(left_out.columns) == ["Cohort", "Setting", "Source", "Reports instead"]
    assert "MM-015, MPR-R arm" in left_out["Cohort"].tolist()
    plane = json.loads(at.get("plotly_chart")[0].proto.spec)
    x_axis = plane["layout"]["xaxis"]["title"]["text"]
    assert x_axis.startswith("Grade 3-4 neutropenia")


def test_certainty_note_says_the_rules_grade_applies(monkeypatch):
    # The page's and the deck's note on certainty is built from evidence/grade.py: a changed
    # threshold or a new judged domain reaches it (it once spelt "300 events" itself).
    import importlib.util

    from evidence import grade

    monkeypatch.setattr(grade, "EVENTS_THRESHOLD", 400)
    monkeypatch.setattr(grade, "APPRECIABLE", (0.8, 1.25))
    monkeypatch.setattr(grade, "JUDGED", (*grade.JUDGED, "selective_reporting"))
    found = importlib.util.find_spec("components.compare")
    assert found is not None
    assert found.loader is not None
    fresh = importlib.util.module_from_spec(found)  # not registered: the real module stays
    found.loader.exec_module(fresh)
    note = fresh.CERTAINTY_NOTE
    assert "fewer than 400 events" in note
    assert "spans 0.8 and 1.25" in note
    assert "Risk of bias, indirectness, publication bias and selective reporting count" in note
    assert "rate up count" not in note  # rating up has its own sentence
