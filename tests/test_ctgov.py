"""Importing a ClinicalTrials.gov results record (evidence/ctgov), with hand-written records.

The fixtures in tests/fixtures/ctgov have the shape of real registry records (API v2 JSON
and classic XML) but are our own small files: each mapping and each kind of bad record has
its case. Real records are never read here.
"""

from __future__ import annotations

import json
import time

import pytest
from conftest import FIXTURES

from evidence import effects as fx
from evidence.__main__ import effects_text, main
from evidence.ctgov import import_record
from evidence.ctgov.mapping import back_calculated
from evidence.loader import EvidenceError, load_evidence
from evidence.models import Comparison
from evidence.reader import read_evidence_path

CTGOV = FIXTURES / "ctgov"
JSON_RECORD = CTGOV / "v2_record.json"
XML_RECORD = CTGOV / "classic_record.xml"


@pytest.fixture(scope="module")
def v2():
    return import_record(JSON_RECORD.read_bytes(), str(JSON_RECORD))


@pytest.fixture(scope="module")
def classic():
    return import_record(XML_RECORD.read_bytes(), str(XML_RECORD))


def result(imported, cohort, endpoint):
    prefix = imported.evidence.sources[0].id
    key = (f"{prefix}-{cohort}", f"{prefix}-{endpoint}")
    found = [r for r in imported.evidence.results if (r.cohort, r.endpoint) == key]
    return found[0] if found else None


def cohort(imported, slug):
    prefix = imported.evidence.sources[0].id
    return next(c for c in imported.evidence.cohorts if c.id == f"{prefix}-{slug}")


def endpoint(imported, slug):
    prefix = imported.evidence.sources[0].id
    return next(e for e in imported.evidence.endpoints if e.id == f"{prefix}-{slug}")


# --------------------------------------------------------------------------- the study


def test_import_json_source_is_the_registry_record_with_link_design_and_dates(v2):
    source = v2.evidence.sources[0]
    assert (source.id, source.nct) == ("nct01234567", "NCT01234567")
    assert source.url == "https://clinicaltrials.gov/study/NCT01234567"
    assert source.design == "randomized_phase3"
    assert "registry record" in source.citation
    assert "registry record" in source.short
    assert "2021-03-04" in source.note  # last update posted
    assert "2024-01-15" in source.note  # the API's record version
    assert source.year == 2020  # results first posted


def test_import_xml_source_dates_and_design(classic):
    source = classic.evidence.sources[0]
    assert source.design == "randomized_phase3"
    assert "July 27, 2017" in source.note
    assert "May 2, 2019" in source.note  # the classic record's processing date
    assert source.trial == "DB-302"


# --------------------------------------------------------------------------- groups


def test_import_role_comes_from_interventions_not_the_arm_type(v2):
    # The fixture types its placebo arm EXPERIMENTAL, as some real records do.
    regimens = {r.id: r for r in v2.evidence.regimens}
    assert regimens[cohort(v2, "placebo-daily").regimen].role == "comparator"
    assert regimens[cohort(v2, "drug-a-10-mg").regimen].role == "investigational"
    assert regimens[cohort(v2, "drug-a-10-mg").regimen].agents == ("Drug A",)


def test_import_xml_arm_named_with_placebo_in_a_combination_is_not_the_comparator(classic):
    regimens = {r.id: r for r in classic.evidence.regimens}
    assert regimens[cohort(classic, "drug-b").regimen].role == "investigational"
    assert regimens[cohort(classic, "placebo").regimen].role == "comparator"


def test_import_groups_matched_by_title_when_ids_change_meaning_between_measures(v2):
    # OG000 is the active arm in measure 1 and placebo in measure 2.
    assert (result(v2, "drug-a-10-mg", "om1").events, result(v2, "drug-a-10-mg", "om1").n) == (
        43,
        158,
    )
    assert result(v2, "drug-a-10-mg", "om2-1").value == 25.0
    assert result(v2, "placebo-daily", "om2-1").value == 40.0
    note = cohort(v2, "drug-a-10-mg").note
    assert "OG000 in outcome measure 1" in note
    assert "OG001 in outcome measure 2" in note
    assert "FG001" in note
    assert "EG001" in note


def test_import_extension_and_subset_groups_are_kept_apart_from_the_arms(v2):
    arms = [cohort(v2, "placebo-daily"), cohort(v2, "drug-a-10-mg")]
    assert [(c.n, c.allocation, c.subgroup_of) for c in arms] == [
        (80, "randomised", None),
        (160, "randomised", None),
    ]
    extension = cohort(v2, "extension-drug-a")
    assert (extension.allocation, extension.subgroup_of, extension.n) == (
        "post_treatment",
        None,
        150,
    )
    switched = cohort(v2, "placebo-drug-a")
    assert switched.allocation == "post_treatment"
    assert switched.subgroup_of == "nct01234567-placebo-daily"
    assert "Kept apart from the randomised arms" in switched.note


# --------------------------------------------------------------------------- outcomes


def test_import_count_uses_the_analysed_n_not_the_arm_n(v2):
    r = result(v2, "drug-a-10-mg", "om1")
    assert (r.events, r.n, r.value) == (43, 158, 27.22)
    assert cohort(v2, "drug-a-10-mg").n == 160


def test_import_percentage_back_calculates_events_only_when_a_whole_count_fits(v2):
    week12 = result(v2, "placebo-daily", "om2-1")
    assert (week12.value, week12.events, week12.n) == (40.0, 36, 90)
    assert "back-calculated" in week12.note
    week24 = result(v2, "drug-a-10-mg", "om2-2")  # 30.4% of 60: no whole count gives it
    assert (week24.value, week24.events, week24.n) == (30.4, None, 60)


@pytest.mark.parametrize(
    ("percent", "n", "events"),
    [("26.9", 160, 43), ("2.5", 79, 2), ("30.4", 58, None), ("90", 160, 144), ("NA", 10, None)],
)
def test_back_calculated_respects_the_records_rounding(percent, n, events):
    assert back_calculated(percent, n) == events


def test_import_keeps_time_points_as_separate_endpoints(v2):
    week12, week24 = endpoint(v2, "om2-1"), endpoint(v2, "om2-2")
    assert week12.label.endswith("Week 12")
    assert week24.label.endswith("Week 24")
    assert "Time frame: Weeks 12 and 24." in week12.definition
    assert "Participants with data at each week." in week12.definition


def test_import_median_in_months_kept_and_na_kept_out_with_its_comment(v2):
    os_ = endpoint(v2, "om3")
    assert (os_.category, os_.unit) == ("time_to_event", "months")
    drug = result(v2, "drug-a-10-mg", "om3")
    assert (drug.value, drug.ci) == (14.2, None)  # its upper limit is "NA": no interval
    assert result(v2, "placebo-daily", "om3") is None
    assert "too few deaths at the data cut-off" in os_.definition
    assert any("'NA'" in s and "too few deaths" in s for s in v2.skipped)
    assert "not reached" not in json.dumps([os_.definition, *v2.skipped]).lower()


def test_import_concentration_is_skipped_with_why(v2):
    skipped = [s for s in v2.skipped if "Plasma Concentration" in s]
    assert len(skipped) == 1
    assert "geometric_mean" in skipped[0]
    assert "no unit" in skipped[0]
    assert not any("Concentration" in e.label for e in v2.evidence.endpoints)


def test_import_xml_median_in_weeks_and_unposted_measure_are_skipped(classic):
    assert any("Duration of Response" in s and "weeks" in s for s in classic.skipped)
    assert any("Resource Use" in s and "05/2017" in s for s in classic.skipped)
    progression = result(classic, "drug-b", "om2")
    assert (progression.value, progression.ci, progression.n) == (3.1, (2.2, 4.0), 160)


# --------------------------------------------------------------------------- analyses


def comparisons(imported, endpoint_slug):
    prefix = imported.evidence.sources[0].id
    return [c for c in imported.evidence.comparisons if c.endpoint == f"{prefix}-{endpoint_slug}"]


def test_import_difference_keeps_its_90_percent_ci_method_and_direction(v2):
    (cmp,) = comparisons(v2, "om2-1")  # the analysis names Week 12
    assert (cmp.measure, cmp.value, cmp.ci, cmp.ci_level) == (
        "difference",
        -15.0,
        (-25.0, -5.0),
        90,
    )
    assert cmp.method == "Cochran-Mantel-Haenszel"
    assert (cmp.cohort, cmp.versus) == ("nct01234567-drug-a-10-mg", "nct01234567-placebo-daily")
    assert "Direction: Drug A 10 mg versus Placebo daily" in cmp.note
    assert comparisons(v2, "om2-2") == []


def test_import_ratios_reported_as_stated_never_recomputed(v2):
    (rr,) = comparisons(v2, "om1")
    assert (rr.measure, rr.value, rr.ci, rr.ci_level, rr.p) == (
        "risk_ratio",
        10.75,
        (2.672, 43.242),
        95,
        "<0.001",
    )
    (hr,) = comparisons(v2, "om3")
    assert (hr.measure, hr.value, hr.method) == ("hazard_ratio", 0.75, "Regression, Cox")
    assert "not recomputed" in hr.note


def test_import_ratio_of_zero_without_upper_limit_is_not_estimable(v2):
    assert comparisons(v2, "om5") == []
    assert any("'0'" in s and "no responder in the placebo group" in s for s in v2.skipped)


def test_effects_reproduce_the_registry_risk_ratio_from_the_counts(v2, classic):
    for imported, reported in ((v2, 10.75), (classic, 10.0)):
        table = fx.effect_table(imported.evidence)
        prefix = imported.evidence.sources[0].id
        rows = table[(table[fx.ENDPOINT] == f"{prefix}-om1") & (table[fx.MEASURE] == "risk_ratio")]
        computed = rows[rows[fx.BASIS] != fx.BASIS_REPORTED][fx.RATIO].iloc[0]
        shown = rows[rows[fx.BASIS] == fx.BASIS_REPORTED][fx.RATIO].iloc[0]
        assert round(computed, 3) == round(shown, 3) == reported


def test_effects_text_names_a_reported_90_percent_ci(v2):
    lines = effects_text(fx.effect_table(v2.evidence))
    assert any("diff -15 (90% CI -25.0 to -5.0)" in line for line in lines)
    assert any("RR 10.75 (2.67 to 43.24)" in line for line in lines)  # 95%: not named


def test_comparison_hover_and_compare_text_name_the_ci_level(v2):
    from components import charts
    from components.compare import difference_text
    from evidence import frames as fr

    frame = fr.comparison_table(v2.evidence)
    row = frame[frame[fr.MEASURE] == "difference"].iloc[0]
    assert "90% CI -25–-5, as reported" in charts.comparison_hover(row)
    effects = fx.effect_table(v2.evidence)
    reported = effects[
        (effects[fx.BASIS] == fx.BASIS_REPORTED) & (effects[fx.MEASURE] == "difference")
    ]
    assert "(90% CI " in difference_text(reported.iloc[0])


def test_rests_on_lines_and_comparison_table_name_the_ci_level(v2):
    from components import content, tables
    from components.loaded import load

    loaded = load(v2.evidence, "x.json", "v")
    lines = content.describe_key("nct01234567-drug-a-10-mg/nct01234567-om2-1", loaded)
    (line,) = [x for x in lines if " vs " in x]  # the comparison's line, beside the result's
    assert "difference -15, 90% CI -25–-5, p 0.03" in line
    shown = tables.display(loaded.comparisons, tables.COMPARISON_DISPLAY)
    assert sorted(shown["CI level (%)"]) == [90.0, 95.0, 95.0]


def test_comparison_ci_level_defaults_to_95_and_must_be_a_percent():
    base = {"cohort": "a", "versus": "b", "endpoint": "e", "measure": "odds_ratio", "value": 2.0}
    assert Comparison(**base, reported_by="primary").ci_level == 95
    with pytest.raises(ValueError, match="ci_level"):
        Comparison(**base, reported_by="primary", ci_level=100)


# --------------------------------------------------------------------------- adverse events


def test_import_adverse_events_one_endpoint_per_term_and_kind(v2):
    labels = {e.id: e.label for e in v2.evidence.endpoints if e.category == "toxicity"}
    assert labels == {
        "nct01234567-sae-pneumonia": "serious: Pneumonia",
        "nct01234567-sae-bronchopneumonia": "serious: Bronchopneumonia",
        "nct01234567-sae-anaemia": "serious: Anaemia",
        "nct01234567-oae-pneumonia": "other: Pneumonia",
        "nct01234567-oae-nausea": "other: Nausea",
        "nct01234567-sae-any": "serious: any serious adverse event",
        "nct01234567-oae-any": "other: any other adverse event",
    }


def test_import_adverse_event_counts_equal_the_records_for_every_group_and_term(v2):
    record = json.loads(JSON_RECORD.read_text())["resultsSection"]["adverseEventsModule"]
    titles = {g["id"]: g["title"] for g in record["eventGroups"]}
    by_title = {c.label.split(": ", 1)[1]: c.id for c in v2.evidence.cohorts}
    found = {(r.cohort, r.endpoint): (r.events, r.n) for r in v2.evidence.results}
    checked = 0
    for kind, short in (("seriousEvents", "sae"), ("otherEvents", "oae")):
        for event in record[kind]:
            eid = f"nct01234567-{short}-{event['term'].lower()}"
            for stat in event["stats"]:
                title = titles[stat["groupId"]].removesuffix(" (SS)")
                key = (by_title[title], eid)
                assert found[key] == (stat["numAffected"], stat["numAtRisk"])
                checked += 1
    assert checked == 20


def test_import_xml_upper_case_terms_and_totals(classic):
    assert endpoint(classic, "sae-pneumonia").label == "serious: Pneumonia"
    assert endpoint(classic, "oae-pneumonia").label == "other: Pneumonia"
    total = result(classic, "drug-b", "sae-any")
    assert (total.events, total.n) == (40, 160)
    assert (result(classic, "placebo", "sae-bronchopneumonia").events) == 0


# --------------------------------------------------------------------------- bad records


@pytest.mark.parametrize(
    ("name", "code", "location", "words"),
    [
        ("bad_not_json_or_xml.txt", "record_syntax", "", "neither JSON nor XML"),
        ("bad_truncated.json", "record_syntax", "", "ends early (truncated?) at line 9"),
        ("bad_truncated.xml", "record_syntax", "", "ends early (truncated?)"),
        ("bad_not_a_record.json", "not_a_record", "", "no protocolSection"),
        ("bad_not_a_record.xml", "not_a_record", "search_results", "<search_results>"),
        ("bad_no_results.json", "no_results", "resultsSection", "no results section"),
        ("bad_no_results.xml", "no_results", "clinical_study/clinical_results", "no clinical_"),
        (
            "bad_wrong_type.json",
            "wrong_type",
            "resultsSection.outcomeMeasuresModule.outcomeMeasures[1].classes",
            "expected a list, got an object",
        ),
        (
            "bad_count_type.json",
            "wrong_type",
            "resultsSection.adverseEventsModule.seriousEvents[0].stats[0].numAffected",
            "expected a whole number of participants",
        ),
        ("bad_doctype.xml", "unsafe_xml", "", "declares a DOCTYPE"),
    ],
)
def test_bad_record_names_what_is_wrong_and_where(name, code, location, words):
    with pytest.raises(EvidenceError) as caught:
        import_record((CTGOV / name).read_bytes(), name)
    (problem,) = caught.value.problems
    assert (problem.code, problem.location) == (code, location)
    assert words in problem.message


def test_bad_xml_count_names_the_element_and_attribute():
    data = XML_RECORD.read_text().replace('subjects_affected="9"', 'subjects_affected="nine"')
    with pytest.raises(EvidenceError) as caught:
        import_record(data.encode(), "x.xml")
    (problem,) = caught.value.problems
    assert problem.code == "wrong_type"
    assert problem.location == (
        "clinical_study/clinical_results/reported_events/serious_events/category_list/"
        "category[2]/event_list/event[1]/counts[2]/@subjects_affected"
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"\x00\x01{}", "binary_file"),
        (b'{"a": "\xff"}', "not_utf8"),
        (b"<clinical_study>\xff</clinical_study>", "not_utf8"),
    ],
)
def test_bad_bytes_are_refused_with_a_code(data, code):
    with pytest.raises(EvidenceError) as caught:
        import_record(data, "x.json")
    assert [p.code for p in caught.value.problems] == [code]


def test_huge_record_refused_before_parsing():
    data = JSON_RECORD.read_bytes()
    start = time.process_time()
    with pytest.raises(EvidenceError) as caught:
        import_record(data * 50, "x.json", max_bytes=len(data) * 10)
    assert [p.code for p in caught.value.problems] == ["too_large"]
    assert time.process_time() - start < 1.0


def test_entity_expansion_refused_unread_in_little_cpu_time():
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    data = f"<?xml version='1.0'?><!DOCTYPE x [{laughs}]><clinical_study>&l9;</clinical_study>"
    start = time.process_time()
    with pytest.raises(EvidenceError) as caught:
        import_record(data.encode(), "x.xml")
    assert [p.code for p in caught.value.problems] == ["unsafe_xml"]
    assert time.process_time() - start < 1.0


# --------------------------------------------------------------------------- command line


def test_cli_import_writes_valid_yaml_and_lists_what_it_skipped(tmp_path, capsys):
    out = tmp_path / "trial.yaml"
    assert main(["import-ctgov", str(JSON_RECORD), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{out}: NCT01234567 imported" in printed
    assert "skipped (3), with why:" in printed
    assert "Plasma Concentration" in printed
    assert load_evidence(out) == import_record(JSON_RECORD.read_bytes(), "x").evidence


def test_cli_import_writes_a_workbook_equal_to_the_yaml(tmp_path, capsys):
    book, text = tmp_path / "trial.xlsx", tmp_path / "trial.yaml"
    assert main(["import-ctgov", str(XML_RECORD), "--out", str(book)]) == 0
    assert main(["import-ctgov", str(XML_RECORD), "--out", str(text)]) == 0
    assert read_evidence_path(book).evidence == load_evidence(text)


def test_cli_bad_record_prints_its_problem_and_exits_1(tmp_path, capsys):
    out = tmp_path / "x.yaml"
    assert main(["import-ctgov", str(CTGOV / "bad_truncated.json"), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "[record_syntax]" in captured.out
    assert "Traceback" not in captured.err
    assert "INVALID" in captured.err
    assert not out.exists()


def test_cli_refuses_an_output_that_is_not_yaml_or_a_workbook(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["import-ctgov", str(JSON_RECORD), "--out", str(tmp_path / "x.csv")])
    assert caught.value.code == 2
    assert "write a .yaml, .yml or .xlsx file" in capsys.readouterr().err


def test_cli_into_keeps_the_file_and_reports_where_the_registry_disagrees(tmp_path, capsys):
    existing = load_evidence(CTGOV / "existing.yaml")
    out = tmp_path / "merged.yaml"
    into = ["--into", str(CTGOV / "existing.yaml")]
    assert main(["import-ctgov", str(JSON_RECORD), *into, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    merged = load_evidence(out)
    for kind in ("settings", "regimens", "endpoints", "sources", "cohorts", "results"):
        old = getattr(existing, kind)
        assert getattr(merged, kind)[: len(old)] == old
    assert merged.title == existing.title
    assert "disagree (2)" in printed
    assert "paper_drug_a has n 150; the registry's 'NCT01234567: Drug A 10 mg' has n 160" in printed
    assert "paper_drug_a / response is 35%; the registry gives 27.22% (43 of 158)" in printed
    assert "paper_placebo" not in printed  # n 80 and 2.5% agree


def test_cli_into_a_file_that_already_has_the_record_is_a_clash(tmp_path, capsys):
    once = tmp_path / "once.yaml"
    assert main(["import-ctgov", str(JSON_RECORD), "--out", str(once)]) == 0
    twice = tmp_path / "twice.yaml"
    assert main(["import-ctgov", str(JSON_RECORD), "--into", str(once), "--out", str(twice)]) == 1
    assert "[duplicate_id]" in capsys.readouterr().out
    assert not twice.exists()


def test_cli_effects_csv_of_an_import_holds_the_reported_and_computed_ratio(tmp_path, capsys):
    out = tmp_path / "trial.yaml"
    assert main(["import-ctgov", str(XML_RECORD), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["effects", str(out), "--csv"]) == 0
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    ratios = {
        (r["basis"], round(float(r["ratio"]), 3))
        for r in rows
        if r["endpoint"] == "nct07654321-om1" and r["measure"] == "risk_ratio"
    }
    assert ratios == {("events", 10.0), ("reported", 10.0)}


def edited(change) -> bytes:
    """The JSON fixture with one edit made by ``change(record)``."""
    record = json.loads(JSON_RECORD.read_text())
    change(record)
    return json.dumps(record).encode()


def test_bad_nct_id_is_refused_at_its_path():
    def change(record):
        record["protocolSection"]["identificationModule"]["nctId"] = "NCT 123"

    with pytest.raises(EvidenceError) as caught:
        import_record(edited(change), "x.json")
    (problem,) = caught.value.problems
    assert (problem.code, problem.location) == (
        "bad_nct",
        "protocolSection.identificationModule.nctId",
    )


def test_values_the_format_cannot_hold_are_skipped_not_fatal():
    def change(record):
        measures = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"]
        measures[0]["denoms"][0]["counts"][1]["value"] = "0"  # placebo: none analysed
        measures[4]["classes"][0]["categories"][0]["measurements"][1]["value"] = "105.0"
        measures[3]["groups"][0]["title"] = ""  # a group without a title

    imported = import_record(edited(change), "x.json")
    assert result(imported, "placebo-daily", "om1") is None
    assert result(imported, "drug-a-10-mg", "om5") is None
    assert any("Placebo daily (OG001): no participants analysed" in s for s in imported.skipped)
    assert any("'105.0' is not a percentage" in s for s in imported.skipped)


def test_two_groups_of_one_title_in_a_measure_keep_the_first_figure():
    def change(record):
        measure = record["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]
        measure["groups"].append({"id": "OG002", "title": "Placebo daily (SS)"})
        measure["denoms"][0]["counts"].append({"groupId": "OG002", "value": "80"})
        values = measure["classes"][0]["categories"][0]["measurements"]
        values.append({"groupId": "OG002", "value": "3"})

    imported = import_record(edited(change), "x.json")
    kept = result(imported, "placebo-daily", "om1")
    assert (kept.events, kept.n) == (2, 79)
    assert any("(OG002): a second group with the same title" in s for s in imported.skipped)


def test_cli_import_piped_into_a_reader_that_stops_early_ends_without_traceback(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    # The reader closes the pipe before anything is written, as `| head -1` does.
    out = tmp_path / "trial.yaml"
    args = ["-m", "evidence", "import-ctgov", str(JSON_RECORD), "--out", str(out)]
    process = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0
    assert b"Traceback" not in err
    assert load_evidence(out).sources[0].nct == "NCT01234567"
