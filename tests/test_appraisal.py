"""Compare regimens: baseline risks in the URL, and a journal club's appraisal in the session."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import APP, BUNDLED, ROOT, shown
from streamlit.testing.v1 import AppTest

from components import compare, state
from components.loaded import LoadedEvidence, load_bytes
from evidence.loader import EvidenceError

MM009 = "mm009_rd~mm009_dex"
ORR = "Overall response rate (myeloma)"
PER_1000 = compare.PER_1000
BEFORE = "⊕⊕⊕◯ at most moderate"
REASON = "Open label after unblinding; allocation concealment not described"


def open_compare(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/comparisons.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def sof(at: AppTest, group: str = "Efficacy") -> dict[str, dict[str, str]]:
    """One group of the summary of findings, by outcome (the page draws groups in order)."""
    titles = [m.value.strip("*") for m in at.markdown if m.value.startswith("**")]
    tables, shown_tables = [], [shown(t.value) for t in at.table]
    while shown_tables:  # a computed group's footnotes are the table beneath it
        table = shown_tables.pop(0)
        if shown_tables and "Why this certainty" in shown_tables[0].columns:
            table = table.merge(shown_tables.pop(0), on="Outcome")
        tables.append(table)
    groups = dict(zip(titles[: len(tables)], tables, strict=False))
    return groups[group].set_index("Outcome").to_dict("index")


def pictograph_sentence(at: AppTest) -> str:
    return next(c.value for c in at.caption if "Out of 100 patients treated" in c.value).replace(
        "\\", ""
    )


def record(at: AppTest, domain: str, rating: str, reason: str, **more: str | None) -> AppTest:
    at.selectbox(key=state.appraisal_key(state.KEY_APPRAISAL_RATING, domain)).set_value(rating)
    at.text_input(key=state.appraisal_key(state.KEY_APPRAISAL_REASON, domain)).input(reason)
    if "endpoint" in more:
        at.selectbox(key=state.KEY_APPRAISAL_OUTCOME).set_value(more["endpoint"])
    if "by" in more:
        at.text_input(key=state.KEY_APPRAISAL_BY).input(more["by"] or "")
    return at.button(key=state.KEY_APPRAISAL_RECORD).click().run()


def session_evidence(at: AppTest) -> LoadedEvidence:
    loaded = at.session_state[state.SESSION_UPLOADED]
    assert isinstance(loaded, LoadedEvidence)
    return loaded


@pytest.fixture
def bundled_app(evidence_file):
    evidence_file(BUNDLED)


# --------------------------------------------------------------------------- baseline risk


def test_baseline_in_url_sets_per_1000_cell_and_pictograph_sentence(bundled_app):
    at = open_compare({state.baseline_key("orr"): "10"})
    assert not at.exception
    assert at.selectbox(key=state.KEY_COMPARISON).value == MM009
    assert at.number_input(key=state.baseline_key("orr")).value == 10.0
    cell = sof(at)[ORR][PER_1000]
    assert cell.startswith("100 → 307 (223 to 422), your baseline")  # 1000 x 0.10 x RR 3.07
    sentence = pictograph_sentence(at)
    assert "at your baseline risk of 10 in 100, 31 instead of 10 have overall response" in sentence
    # The other outcomes keep the comparator's risk.
    assert "your baseline" not in sof(at, "Safety")["Grade 3-4 neutropenia"][PER_1000]


def test_baseline_cleared_returns_to_the_comparators_risk(bundled_app):
    at = open_compare({state.baseline_key("orr"): "10"})
    at.number_input(key=state.baseline_key("orr")).set_value(None).run()
    assert not at.exception
    cell = sof(at)[ORR][PER_1000]
    assert cell.startswith("199 → 611 (444 to 840)")  # MM-009's placebo arm: 19.9%
    assert "your baseline" not in cell
    assert "at your baseline risk" not in pictograph_sentence(at)


def test_baseline_set_in_the_widget_reaches_the_table(bundled_app):
    at = open_compare()
    assert sof(at)[ORR][PER_1000].startswith("199 → 611")
    at.number_input(key=state.baseline_key("orr")).set_value(50.0).run()
    assert sof(at)[ORR][PER_1000].startswith("500 → 1000 (1000 to 1000), your baseline; capped")


def test_baseline_offered_only_for_outcomes_with_a_computed_ratio(bundled_app):
    at = open_compare()
    assert state.KEY_APPRAISAL_RECORD in [b.key for b in at.button]
    offered = {n.key for n in at.number_input}
    assert offered == {
        state.baseline_key(e)
        for e in ("orr", "cr", "g34_neutropenia", "vte", "g34_any", "discontinuation_ae")
    }
    assert "Your patients' baseline risk" in " ".join(m.value for m in at.markdown)
    # MM-015 MPR-R vs MPR: its medians, its landmark and the neutropenia of the phase both
    # arms shared get none; only response has a computed ratio.
    at.selectbox(key=state.KEY_COMPARISON).set_value("mm015_mprr~mm015_mpr").run()
    assert not at.exception
    assert [n.key for n in at.number_input] == [state.baseline_key("orr")]
    # Groups formed after treatment began: no ratio, no baseline at all.
    at.selectbox(key=state.KEY_COMPARISON).set_value("coman2013_cont~coman2013_stop").run()
    assert not at.exception
    assert not at.number_input
    assert "Your patients' baseline risk" not in " ".join(m.value for m in at.markdown)
    # Nor a certainty to appraise.
    assert state.KEY_APPRAISAL_RECORD not in [b.key for b in at.button]


def test_baseline_out_of_range_in_the_url_is_ignored(bundled_app):
    at = open_compare({state.baseline_key("orr"): "150"})
    assert not at.exception
    assert sof(at)[ORR][PER_1000].startswith("199 → 611")


# --------------------------------------------------------------------------- appraisal


def test_recorded_risk_of_bias_lowers_the_certainty_of_that_comparison(bundled_app):
    at = open_compare()
    before = sof(at)[ORR]
    assert before[compare.CERTAINTY] == BEFORE
    assert (
        not at.session_state[state.SESSION_UPLOADED]
        if state.SESSION_UPLOADED in at.session_state
        else True
    )
    at = record(at, "risk_of_bias", "serious", REASON, by="Haematology journal club")
    assert not at.exception
    assert not at.error
    after = sof(at)[ORR]
    assert after[compare.CERTAINTY] == "⊕⊕◯◯ at most low"
    assert (
        "risk of bias: serious (judged by Haematology journal club: Open label"
        in (after["Why this certainty"])
    )
    # Stored as this session's evidence, the way an upload is; the sidebar offers the way back.
    loaded = session_evidence(at)
    assert loaded.name == "evidence.yaml + appraisal"
    assert [a.rating for a in loaded.evidence.appraisals] == ["serious"]
    assert "clear_upload" in [b.key for b in at.button]
    keys = {d.key for d in at.get("download_button")}
    assert {state.KEY_APPRAISAL_YAML, state.KEY_APPRAISAL_WORKBOOK} <= keys
    judged = shown(next(t.value for t in at.table if "Judgement" in t.value.columns))
    assert judged.to_dict("records") == [
        {
            "Domain": "Risk of bias",
            "Outcome": "all outcomes",
            "Comparison": "this one",
            "Judgement": "Serious",
            "Reason": REASON,
            "By": "Haematology journal club",
        }
    ]


def test_recording_again_replaces_the_judgement(bundled_app):
    at = record(open_compare(), "risk_of_bias", "serious", REASON)
    at = record(at, "risk_of_bias", "very_serious", "Half the patients crossed over")
    assert not at.exception
    assert not at.error  # no duplicate_result problem
    appraisals = session_evidence(at).evidence.appraisals
    assert [(a.domain, a.rating) for a in appraisals] == [("risk_of_bias", "very_serious")]
    assert sof(at)[ORR][compare.CERTAINTY] == "⊕◯◯◯ at most very low"


def test_one_outcome_judgement_leaves_the_others(bundled_app):
    at = record(open_compare(), "indirectness", "serious", "Older trial population", endpoint="orr")
    assert not at.exception
    assert sof(at)[ORR][compare.CERTAINTY] == "⊕⊕◯◯ at most low"
    assert sof(at)["Complete response (myeloma)"][compare.CERTAINTY] == BEFORE


def test_rating_without_a_reason_is_refused_and_nothing_changes(bundled_app):
    at = record(open_compare(), "publication_bias", "serious", "   ")
    assert not at.exception
    assert "publication bias has none" in " ".join(e.value for e in at.error)
    assert state.SESSION_UPLOADED not in at.session_state
    assert sof(at)[ORR][compare.CERTAINTY] == BEFORE


def test_rate_up_offers_only_up_words(bundled_app):
    at = open_compare()
    up = at.selectbox(key=state.appraisal_key(state.KEY_APPRAISAL_RATING, "rate_up")).options
    down = at.selectbox(key=state.appraisal_key(state.KEY_APPRAISAL_RATING, "risk_of_bias")).options
    assert up == ["Not assessed", "No reason to rate up", "Rate up one level", "Rate up two levels"]
    assert down == ["Not assessed", "Not serious", "Serious", "Very serious"]


def test_downloads_carry_the_appraisal_and_load_back_to_the_same_ratings(bundled_app):
    at = record(open_compare(), "risk_of_bias", "serious", REASON)
    shown_ratings = {o: r[compare.CERTAINTY] for o, r in sof(at).items()}
    loaded = session_evidence(at)
    text = state.evidence_yaml(loaded)  # what the YAML download button holds
    assert b"appraisals:" in text
    assert REASON.encode() in text
    for data, name in ((text, "back.yaml"), (state.evidence_workbook(loaded), "back.xlsx")):
        back = load_bytes(data, name)
        assert back.evidence.appraisals == loaded.evidence.appraisals
        mm009 = next(c for c in compare.comparisons(back.effects) if c.key == MM009)
        groups = dict(compare.sof_groups(back, back.effects, mm009))
        ratings = groups["Efficacy"].set_index("Outcome")[compare.CERTAINTY].to_dict()
        assert ratings == shown_ratings
        assert ratings[ORR] == "⊕⊕◯◯ at most low"


def test_another_session_does_not_see_the_appraisal(bundled_app):
    first = record(open_compare(), "risk_of_bias", "serious", REASON)
    assert sof(first)[ORR][compare.CERTAINTY] == "⊕⊕◯◯ at most low"
    second = open_compare()
    assert not second.exception
    assert sof(second)[ORR][compare.CERTAINTY] == BEFORE
    assert state.SESSION_UPLOADED not in second.session_state
    assert not [t for t in second.table if "Judgement" in t.value.columns]


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
    }


def test_recording_writes_nothing_to_disk(bundled_app, tmp_path, monkeypatch):
    # Anything written through tempfile would land in an empty folder of its own.
    spare = tmp_path / "tmp"
    spare.mkdir()
    monkeypatch.setenv("TMPDIR", str(spare))
    monkeypatch.setattr(tempfile, "tempdir", str(spare))
    at = open_compare()
    data_before = _snapshot(ROOT / "data")
    root_before = sorted(p.name for p in ROOT.iterdir())
    at = record(at, "risk_of_bias", "serious", REASON)
    assert sof(at)[ORR][compare.CERTAINTY] == "⊕⊕◯◯ at most low"  # it was recorded
    assert _snapshot(ROOT / "data") == data_before
    assert sorted(p.name for p in ROOT.iterdir()) == root_before
    assert list(spare.iterdir()) == []


def _judgement(**fields: str | None) -> dict[str, str | None]:
    return {
        "source": "weber2007",
        "cohort": "mm009_rd",
        "versus": "mm009_dex",
        "endpoint": None,
        "domain": "risk_of_bias",
        "rating": "serious",
        "reason": REASON,
        "by": None,
    } | fields


def test_with_appraisals_replaces_a_judgement_stated_the_other_way_round(bundled):
    # A file's judgement of the same comparison names its arms the other way round.
    first = state.with_appraisals(bundled, [_judgement(cohort="mm009_dex", versus="mm009_rd")])
    second = state.with_appraisals(first, [_judgement(rating="not_serious", reason="Blinded")])
    assert [(a.cohort, a.rating) for a in second.evidence.appraisals] == [
        ("mm009_rd", "not_serious")
    ]
    assert second.name == "evidence.yaml + appraisal"  # not "+ appraisal + appraisal"
    assert second.data_version != bundled.data_version
    assert bundled.evidence.appraisals == ()  # the bundled evidence itself is untouched


def test_with_appraisals_refuses_what_the_format_refuses_with_every_problem(bundled):
    wrong = [
        _judgement(rating="rate_up_one"),  # a rating up for a domain that rates down
        _judgement(domain="indirectness", endpoint="no_such_endpoint"),
    ]
    with pytest.raises(EvidenceError) as refused:
        state.with_appraisals(bundled, wrong)
    found = {(p.location, str(p.code)) for p in refused.value.problems}
    assert found == {
        ("appraisals[0].rating", "invalid_value"),
        ("appraisals[1].endpoint", "unknown_reference"),
    }


def test_refused_recording_shows_its_problems_not_a_traceback(bundled_app, bundled):
    with pytest.raises(EvidenceError) as refused:
        state.with_appraisals(bundled, [_judgement(rating="rate_up_one")])
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/comparisons.py")
    at.session_state[state.SESSION_APPRAISAL_ERROR] = refused.value
    at.run()
    assert not at.exception
    assert "the evidence would not be valid" in " ".join(e.value for e in at.error)
    problems = shown(next(t.value for t in at.table if "Problem" in t.value.columns))
    assert problems["Location"].tolist() == ["appraisals[0].rating"]
