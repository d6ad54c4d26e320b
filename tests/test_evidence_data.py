"""The bundled evidence file: it validates, its change log names its version, and the
corrections of the second independent audit stay made (each assertion could fail on the
previous version of the file)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import yaml
from conftest import BUNDLED, ROOT

from evidence.loader import load_evidence
from evidence.models import Evidence

CHANGELOG = ROOT / "data" / "evidence.changelog.yaml"


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return load_evidence(BUNDLED)


def result(ev: Evidence, cohort: str, endpoint: str):
    found = [r for r in ev.results if r.cohort == cohort and r.endpoint == endpoint]
    assert len(found) == 1, f"no single result {cohort}/{endpoint}"
    return found[0]


def verdict(ev: Evidence, verdict_id: str):
    found = [v for v in ev.verdicts if v.id == verdict_id]
    assert found, f"no verdict {verdict_id}"
    return found[0]


def by_id(items, item_id: str):
    return next(item for item in items if item.id == item_id)


# ---------- the file and its change log ----------


def test_bundled_file_validates(ev: Evidence) -> None:
    assert ev.format == 1
    assert ev.updated is not None


def test_changelog_newest_version_is_the_files_version(ev: Evidence) -> None:
    log = yaml.safe_load(CHANGELOG.read_text(encoding="utf-8"))
    newest = log["versions"][0]
    digest = hashlib.sha256(BUNDLED.read_bytes()).hexdigest()[:8]
    assert newest["data_version"] == f"{digest} ({ev.updated.isoformat()})", (
        "data/evidence.yaml changed: add a change-log entry with its new data version"
    )
    assert newest["date"] == ev.updated


def test_changelog_entries_are_complete_and_newest_first() -> None:
    versions = yaml.safe_load(CHANGELOG.read_text(encoding="utf-8"))["versions"]
    dates = [v["date"] for v in versions]
    assert all(isinstance(d, dt.date) for d in dates)
    assert dates == sorted(dates, reverse=True)
    labels = [v["data_version"] for v in versions]
    assert len(set(labels)) == len(labels)
    for v in versions:
        assert re.fullmatch(r"[0-9a-f]{8} \(\d{4}-\d{2}-\d{2}\)", v["data_version"])
        assert v["data_version"].endswith(f"({v['date'].isoformat()})")
        assert v["summary"].strip()
        for change in v["changes"]:
            assert {"what", "why", "source"} <= set(change), change
            assert all(str(change[k]).strip() for k in ("what", "why", "source"))
    assert labels[-1] == "c13b9e79 (2026-11-25)"  # the first audited version stays listed
    assert versions[0]["changes"], "the newest version must say what changed"


# ---------- numbers and denominators ----------


@pytest.mark.parametrize("endpoint", ["heme_cr", "heme_pr", "heme_minor", "heme_no_response"])
def test_boston_final_haematologic_results_are_of_68_evaluable(ev: Evidence, endpoint) -> None:
    r = result(ev, "sanch_ash2012_len", endpoint)
    assert r.n == 68
    assert "not stated" not in (r.note or "")
    assert r.reported_by == "primary"
    assert by_id(ev.sources, "sanchorawala_ash2012").nct == "NCT00091260"


def test_exact_percentages_agree_with_their_counts(ev: Evidence) -> None:
    # 55% is not 20 of 37 (54.1%): a shown count must round to the shown rate.
    cohorts = {c.id: c for c in ev.cohorts}
    for r in ev.results:
        n = r.n if r.n is not None else cohorts[r.cohort].n
        if r.events is not None and n and r.qualifier == "exact":
            assert abs(100 * r.events / n - r.value) <= 0.5, (r.cohort, r.endpoint, r.value)
    kastritis = result(ev, "kastritis2012_rdc", "heme_response")
    assert (kastritis.value, kastritis.events, kastritis.n) != (55, 20, 37)
    if kastritis.events is not None:
        assert kastritis.reported_by == "computed"
        assert kastritis.value == pytest.approx(54.1)
    assert "55%" in (kastritis.note or "")  # the abstract's own figure stays visible


def test_al_progression_is_not_myeloma_time_to_progression(ev: Evidence) -> None:
    endpoints = {e.id: e for e in ev.endpoints}
    cohorts = {c.id: c for c in ev.cohorts}
    kastritis_ttp = [r for r in ev.results if r.cohort == "kastritis2012_rdc" and r.value == 10]
    assert len(kastritis_ttp) == 1
    assert kastritis_ttp[0].endpoint != "ttp_median"
    assert "AL" in (endpoints[kastritis_ttp[0].endpoint].criteria or "")
    for r in ev.results:  # no AL cohort on a myeloma-criteria endpoint
        if cohorts[r.cohort].setting == "al":
            assert not (endpoints[r.endpoint].criteria or "").startswith("Myeloma"), r


def test_up_to_77_says_its_criteria_are_not_stated(ev: Evidence) -> None:
    r = next(r for r in ev.results if r.cohort == "ed_al_alkylator")
    assert (r.value, r.qualifier, r.reported_by) == (77, "up_to", "editorial")
    endpoint = by_id(ev.endpoints, r.endpoint)
    said = " ".join(filter(None, [endpoint.label, endpoint.criteria, r.note])).lower()
    assert "not stated" in said
    assert r.endpoint not in {"heme_response", "heme_response_flc"}


def test_hazard_ratios_never_sit_on_a_landmark_rate(ev: Evidence) -> None:
    # MY.10's hazard ratios cover the whole follow-up, not 4 years.
    endpoints = {e.id: e for e in ev.endpoints}
    for c in ev.comparisons:
        if c.measure == "hazard_ratio":
            assert endpoints[c.endpoint].unit != "percent", (c.cohort, c.endpoint)


def test_two_definitions_of_stopping_for_side_effects_stay_apart(ev: Evidence) -> None:
    mm009 = result(ev, "mm009_rd", "discontinuation_ae")
    boston = next(r for r in ev.results if r.cohort == "sanch_ash2012_len" and r.value == 29)
    assert boston.endpoint != mm009.endpoint


# ---------- verdicts and findings ----------


def test_no_complete_response_claim_rests_on_response_rates_alone(ev: Evidence) -> None:
    endpoints = {e.id: e for e in ev.endpoints}
    complete = {e for e, ep in endpoints.items() if "complete response" in ep.label.lower()}
    for v in ev.verdicts:
        if re.search(r"complete[- ]response", v.statement, flags=re.IGNORECASE):
            rested = {key.split("/", 1)[1] for key in v.rests_on}
            assert rested & complete, f"{v.id} claims complete responses without a CR figure"


def test_mm015_complete_response_is_the_editorials_finding(ev: Evidence) -> None:
    cr = [f for f in ev.findings if f.cohort == "mm015_mprr" and f.endpoint == "cr"]
    assert {f.versus for f in cr} == {"mm015_mpr", "mm015_mp"}
    assert all(f.reported_by == "editorial" and f.direction == "better" for f in cr)
    assert "mm015_mprr/cr" in verdict(ev, "ndmm_elderly_mprr").rests_on
    assert "mm015_mprr/orr" not in verdict(ev, "ndmm_elderly_mprr").rests_on


def test_pretreated_al_verdict_rests_on_no_partly_pretreated_cohort(ev: Evidence) -> None:
    v = verdict(ev, "al_len_pretreated")
    assert not v.rests_on or "partly pretreated" in v.statement


@pytest.mark.parametrize(
    ("verdict_id", "words"),
    [
        ("maintenance_tolerability", ["not always well tolerated"]),
        ("al_mld_age", ["may"]),
        ("allo_salvage_efficacy", ["median of two"]),
        ("allo_salvage_gvhd", ["one-third"]),
        ("al_prolonged_len", ["AL amyloidosis", "myeloma", "may"]),
    ],
)
def test_qualifiers_are_the_editorials(ev: Evidence, verdict_id, words) -> None:
    statement = verdict(ev, verdict_id).statement.lower()
    for word in words:
        assert word.lower() in statement, (verdict_id, word)


def test_qualifiers_are_neither_stronger_nor_weaker(ev: Evidence) -> None:
    texts = [v.statement for v in ev.verdicts] + [s.bottom_line or "" for s in ev.settings]
    assert not any("often" in t and "thalidomide" in t for t in texts)
    assert not any(re.search(r"about a third|roughly one|about one third", t) for t in texts)
    assert verdict(ev, "post_allo_early_data").efficacy == "high"
    assert verdict(ev, "ndmm_rd").efficacy == "unclear"  # no magnitude given for Rd first line
    gvhd = result(ev, "coman2013_all", "acute_gvhd")
    assert gvhd.wording == "one-third"


def test_our_caveats_stay_out_of_the_paraphrase(ev: Evidence) -> None:
    ours = r"randomi[sz]ed, so|not randomi[sz]ed|hypothesis|our sources|by our reading|cross-study"
    for v in ev.verdicts:
        assert not re.search(ours, v.statement, flags=re.IGNORECASE), v.id
    continued = result(ev, "coman2013_cont", "relapse")
    assert "not randomised" in (continued.note or "")


def test_the_missing_judgements_are_recorded(ev: Evidence) -> None:
    statements = {v.id: v.statement for v in ev.verdicts}
    neuro = [i for i, s in statements.items() if "neurological" in s and "thalidomide" in s]
    maint = [
        i
        for i, s in statements.items()
        if "maintenance" in s and "survival" in s and "eligible" in s
    ]
    approved = [i for i, s in statements.items() if "approved for maintenance" in s]
    assert neuro, "no verdict on neurological toxicity against thalidomide"
    assert maint, "no verdict on maintenance survival benefit with and without a transplant"
    assert approved, "no verdict on the lack of an approved maintenance agent"
    for i in (*neuro, *maint, *approved):  # no figure in the file is their population
        assert verdict(ev, i).rests_on == ()
    assert ev.editorial is not None
    assert ev.editorial.thesis
    thesis = ev.editorial.thesis.lower()
    assert all(w in thesis for w in ("efficacy", "safety", "quality of life", "survival"))


def test_maintenance_quality_of_life_names_no_comparator_the_abstract_omits(ev) -> None:
    finding = next(f for f in ev.findings if f.endpoint == "hrqol_maintenance")
    assert finding.versus is None
    assert "inference" in (finding.note or "")


# ---------- sources and tags ----------


def test_editorial_citation_and_dimopoulos_2009(ev: Evidence) -> None:
    assert ev.editorial is not None
    assert "2013;98(5)" in ev.editorial.citation
    assert "not identified" in ev.editorial.citation
    pooled = by_id(ev.sources, "dimopoulos2009")
    assert pooled.pmid == "19626046"
    assert "Long-term follow-up on overall survival" in pooled.citation


def test_figures_from_a_sources_own_abstract_are_primary(ev: Evidence) -> None:
    own = {"dimopoulos2009", "mm010_ash2005", "sanchorawala_ash2007", "sanchorawala_ash2012"}
    cohorts = {c.id: c for c in ev.cohorts}
    rows = [r for r in ev.results if cohorts[r.cohort].source in own]
    assert len(rows) >= 20
    assert {r.reported_by for r in rows} == {"primary"}
    # Every n is the source's own, but for the pooled arms: computed by us from the trials.
    n_by = {cohorts[r.cohort].id: cohorts[r.cohort].n_reported_by for r in rows}
    assert {c for c, by in n_by.items() if by != "primary"} == {"pooled_rd", "pooled_dex"}
    assert {n_by["pooled_rd"], n_by["pooled_dex"]} == {"computed"}


def test_probable_identifications_stay_probable(ev: Evidence) -> None:
    registry = by_id(ev.cohorts, "disp2007_lendex")
    assert "2006 report" not in registry.label
    assert "registry" in (registry.note or "")
    sanchorawala = by_id(ev.sources, "sanchorawala2013")
    assert sanchorawala.nct is None  # NCT00679367 is only probably this trial
    assert "NCT00679367" in (sanchorawala.note or "")
    assert "inference" in sanchorawala.note
    allo_maint = by_id(ev.settings, "mm_allo_maint")
    assert "Kneppers" in (allo_maint.note or "")
    assert "probably" in allo_maint.note


# ---------- the third audit's corrections (each also in the change log) ----------


def newest_change_items() -> set[str]:
    log = yaml.safe_load(CHANGELOG.read_text(encoding="utf-8"))
    return {item for change in log["versions"][0]["changes"] for item in change.get("items", [])}


def test_third_audit_1_approval_scope_and_no_interim_response_behind_the_verdict(ev: Evidence):
    pivotal = verdict(ev, "rrmm_rd_pivotal")
    assert "one prior therapy" in pivotal.statement
    assert "mm010int_rd/orr" not in pivotal.rests_on
    assert "one prior therapy" in (by_id(ev.settings, "rrmm").bottom_line or "")
    assert "interim" in by_id(ev.cohorts, "mm010int_rd").label  # still on the pages, labelled
    assert "verdicts: rrmm_rd_pivotal" in newest_change_items()


def test_third_audit_2_first_line_summary_keeps_the_hedge_and_says_what_no_figure_covers(ev):
    summary = verdict(ev, "ndmm_summary")
    assert "suggest" in summary.statement
    assert "young, fit" in (summary.note or "")
    assert "verdicts: ndmm_summary" in newest_change_items()


def test_third_audit_3_survival_gains_belong_to_maintenance_trials_in_general(ev: Evidence):
    line = by_id(ev.settings, "ndmm").bottom_line or ""
    assert "trials of maintenance in general" in line
    assert "maintenance (which has brought survival gains" not in line
    assert "settings: ndmm" in newest_change_items()


def test_third_audit_4_pretreated_al_toxicity_is_significant_not_marked(ev: Evidence):
    statement = verdict(ev, "al_len_pretreated").statement
    assert "significant increase in toxicity" in statement
    assert "markedly" not in statement
    assert "verdicts: al_len_pretreated" in newest_change_items()


def test_third_audit_5_coman_treatment_was_interrupted_not_paused(ev: Evidence):
    statement = verdict(ev, "allo_salvage_toxicity").statement
    assert "interrupted" in statement
    assert "pause" not in statement
    assert "verdicts: allo_salvage_toxicity" in newest_change_items()


def test_third_audit_6_mld_pr_rate_is_not_called_partial_or_better(ev: Evidence):
    figure = result(ev, "sanch2013_mld", "heme_pr_stated")
    assert figure.value == 43
    endpoint = by_id(ev.endpoints, "heme_pr_stated")
    assert "not stated" in endpoint.label
    assert not any(
        r.cohort == "sanch2013_mld" and r.endpoint == "heme_response" for r in ev.results
    )
    for v in ev.verdicts:
        assert "partial-or-better" not in v.statement
    assert "PR rate of 43%" in verdict(ev, "al_mld_phase2").statement
    assert "sanch2013_mld/heme_pr_stated" in newest_change_items()


def test_third_audit_7_cyclophosphamide_verdict_rests_on_no_death_figure(ev: Evidence):
    combos = verdict(ev, "al_cyclo_combos")
    assert not any(key.endswith("/deaths_on_study") for key in combos.rests_on)
    assert combos.safety == "concerning"
    assert "our reading" in (combos.note or "")
    assert "verdicts: al_cyclo_combos" in newest_change_items()


def test_third_audit_8_maintenance_tolerability_is_general_and_my10_not_unfavourable(ev):
    tolerability = verdict(ev, "maintenance_tolerability")
    assert tolerability.setting == "ndmm"
    assert tolerability.efficacy == "unclear"
    assert "in general" in tolerability.statement
    my10 = verdict(ev, "my10_thal_pred")
    assert my10.verdict != "unfavourable"
    assert "weigh" in my10.statement
    assert "verdicts: maintenance_tolerability, my10_thal_pred" in newest_change_items()


def test_third_audit_9_pooled_arm_sizes_are_ours_and_add_up_to_the_papers_704(ev: Evidence):
    rd, dex = by_id(ev.cohorts, "pooled_rd"), by_id(ev.cohorts, "pooled_dex")
    assert (rd.n, dex.n) == (353, 351)
    assert rd.n + dex.n == 704
    assert rd.n == by_id(ev.cohorts, "mm009_rd").n + by_id(ev.cohorts, "mm010_rd").n
    assert dex.n == by_id(ev.cohorts, "mm009_dex").n + by_id(ev.cohorts, "mm010_dex").n
    assert {rd.n_reported_by, dex.n_reported_by} == {"computed"}
    assert set(rd.contains) == {"mm009_rd", "mm010_rd"}
    assert "cohorts: pooled_rd, pooled_dex" in newest_change_items()


def test_third_audit_10_judgements_held_in_notes_are_part_of_their_verdicts(ev: Evidence):
    assert "poor prognosis" in verdict(ev, "al_len_pretreated").statement
    gvhd = verdict(ev, "allo_salvage_gvhd").statement
    assert "graft-versus-myeloma" in gvhd
    assert "shorter lenalidomide treatment" in gvhd
    assert "verdicts: allo_salvage_gvhd" in newest_change_items()
