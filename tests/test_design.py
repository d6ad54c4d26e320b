"""How groups came to differ: allocation, arms treated alike, shared patients (evidence/design.py).

Every rule is tried on hand-built files of our own, then on the bundled file where the issue
names a case (MM-015 induction, Coman continued vs stopped, the pooled MM-009/010 arms).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest
from conftest import APP, BUNDLED, ROOT
from streamlit.testing.v1 import AppTest

from components import compare, content, tables
from components.loaded import Filters, load
from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary
from evidence.design import Design, weaker_allocation
from evidence.loader import EvidenceError, format_location, load_evidence
from evidence.models import Evidence

EFFECT_NUMBERS = (*fx.DIFFERENCE_COLUMNS, *fx.RATIO_COLUMNS, fx.NNT, fx.NNT_LOW, fx.NNT_HIGH)


def document(
    cohorts: list[dict[str, Any]],
    results: list[dict[str, Any]],
    *,
    design: str = "randomized_phase3",
    comparisons: list[dict[str, Any]] | None = None,
    endpoint_phase: str | None = None,
) -> dict[str, Any]:
    """A file of two sources (``t`` of ``design``, and ``p`` a pooled analysis)."""
    return {
        "format": 1,
        "title": "Design rules",
        "summary": "A hand-built file for the design rules.",
        "settings": [{"id": "s", "label": "Setting", "short": "S", "disease": "d"}],
        "regimens": [
            {"id": "drug", "label": "Drug", "short": "D", "role": "investigational"},
            {"id": "drug2", "label": "Drug 2", "short": "D2", "role": "investigational"},
            {"id": "control", "label": "Control", "short": "C", "role": "comparator"},
        ],
        "endpoints": [
            {
                "id": "resp",
                "label": "Response",
                "category": "response",
                "unit": "percent",
                "better": "higher",
            },
            {
                "id": "tox",
                "label": "Toxicity",
                "category": "toxicity",
                "unit": "percent",
                "better": "lower",
                **({"phase": endpoint_phase} if endpoint_phase else {}),
            },
            {
                "id": "pfs",
                "label": "PFS",
                "category": "time_to_event",
                "unit": "months",
                "better": "higher",
            },
        ],
        "sources": [
            {"id": "t", "citation": "A trial", "short": "T", "design": design},
            {"id": "p", "citation": "A pooled analysis", "short": "P", "design": "pooled_analysis"},
        ],
        "cohorts": [{"source": "t", "setting": "s", "label": c["id"], **c} for c in cohorts],
        "results": [{"reported_by": "primary", **r} for r in results],
        "comparisons": comparisons or [],
    }


def evidence(*args: Any, **kwargs: Any) -> Evidence:
    return Evidence.model_validate(document(*args, **kwargs))


def arms(a: dict[str, Any] | None = None, b: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """A drug arm ``a`` and a control arm ``b`` of 100 patients each."""
    return [
        {"id": "a", "regimen": "drug", "n": 100, **(a or {})},
        {"id": "b", "regimen": "control", "n": 100, **(b or {})},
    ]


def two(endpoint: str = "resp", a: float = 60, b: float = 40, **extra: Any) -> list[dict]:
    return [
        {"cohort": "a", "endpoint": endpoint, "value": a, "events": int(a), **extra},
        {"cohort": "b", "endpoint": endpoint, "value": b, "events": int(b), **extra},
    ]


def only_row(ev: Evidence) -> pd.Series:
    table = fx.effect_table(ev)
    assert len(table) == 1, table
    return table.iloc[0]


# ---------------------------------------------------------------- allocation


def test_randomised_pair_gets_difference_ratio_nnt_and_their_intervals():
    row = only_row(evidence(arms(), two()))
    assert row[fx.ALLOCATION] == "randomised"
    assert row[fx.RANDOMISED]
    assert row[fx.CONTRASTED]
    assert row[[*EFFECT_NUMBERS]].notna().all()
    assert row[fx.NNT_KIND] == fx.NNT_BENEFIT


@pytest.mark.parametrize(
    ("design", "a", "b"),
    [
        ("phase2", {}, {}),  # the source's design decides when the cohorts do not say
        ("randomized_phase3", {"allocation": "non_randomised"}, {}),  # a cohort's own word wins
    ],
    ids=["from-design", "from-cohort"],
)
def test_groups_allocated_without_randomisation_get_difference_and_ratio_but_no_nnt(design, a, b):
    row = only_row(evidence(arms(a, b), two(), design=design))
    assert row[fx.ALLOCATION] == "non_randomised"
    assert not row[fx.RANDOMISED]
    assert row[[*fx.DIFFERENCE_COLUMNS, *fx.RATIO_COLUMNS]].notna().all()
    assert row[[fx.NNT, fx.NNT_LOW, fx.NNT_HIGH]].isna().all()
    assert pd.isna(row[fx.NNT_KIND])
    assert "Not randomised" in row[fx.WHY]
    assert "no NNT" in row[fx.WHY]


def test_groups_formed_after_treatment_get_their_two_risks_only_and_the_reason():
    row = only_row(evidence(arms({"allocation": "post_treatment"}), two()))
    assert row[fx.ALLOCATION] == "post_treatment"
    assert not row[fx.CONTRASTED]
    assert row[[*EFFECT_NUMBERS]].isna().all()
    assert pd.isna(row[fx.NNT_KIND])
    assert (row[fx.VALUE_TEXT], row[fx.VERSUS_VALUE_TEXT]) == ("60% (60/100)", "40% (40/100)")
    assert row[fx.HELD_BACK].startswith("The groups were formed after treatment began")
    assert row[fx.WHY].startswith(row[fx.HELD_BACK])
    assert "Newcombe" not in row[fx.WHY]  # nothing about arithmetic that is not shown


@pytest.mark.parametrize(
    ("first", "second", "pair"),
    [
        ("randomised", "randomised", "randomised"),
        ("randomised", "non_randomised", "non_randomised"),
        ("non_randomised", "post_treatment", "post_treatment"),
        ("post_treatment", "randomised", "post_treatment"),
    ],
)
def test_a_pair_is_as_strong_as_its_weaker_cohort(first, second, pair):
    assert weaker_allocation(first, second) == pair
    row = only_row(evidence(arms({"allocation": first}, {"allocation": second}), two()))
    assert row[fx.ALLOCATION] == pair


def test_a_reported_effect_between_groups_formed_after_treatment_is_held_back():
    hr = {"cohort": "a", "versus": "b", "endpoint": "pfs", "measure": "hazard_ratio",
          "value": 0.5, "ci": [0.3, 0.8], "reported_by": "primary"}  # fmt: skip
    ev = evidence(arms({"allocation": "post_treatment"}), [], comparisons=[hr])
    row = only_row(ev)
    assert row[fx.BASIS] == fx.BASIS_REPORTED
    assert row[[*fx.RATIO_COLUMNS]].isna().all()
    assert "The source reports a hazard ratio here; it is held back." in row[fx.WHY]


# ---------------------------------------------------------------- treated alike

ALIKE_IN_INDUCTION = {"treated_alike_with": ["b"], "treated_alike_during": ["induction"]}


@pytest.mark.parametrize(
    ("result_phase", "endpoint_phase"),
    [("induction", None), (None, "induction"), ("induction", "maintenance")],
    ids=["result-says", "endpoint-says", "result-overrides-endpoint"],
)
def test_arms_treated_alike_during_the_phase_a_figure_covers_are_not_contrasted(
    result_phase, endpoint_phase
):
    phase = {"phase": result_phase} if result_phase else {}
    ev = evidence(
        arms(ALIKE_IN_INDUCTION), two("tox", 35, 32, **phase), endpoint_phase=endpoint_phase
    )
    row = only_row(ev)
    assert row[fx.PHASE] == "induction"
    assert not row[fx.CONTRASTED]
    assert row[[*EFFECT_NUMBERS]].isna().all()
    assert "were treated alike during induction, which this figure covers" in row[fx.HELD_BACK]
    assert row[fx.RANDOMISED]  # still a randomised trial: only this endpoint is held back


@pytest.mark.parametrize(
    ("phase", "words"),
    [(None, "this figure's phase is not stated"), ("maintenance", "covers maintenance, when")],
)
def test_arms_alike_in_another_phase_are_contrasted_with_a_sentence_saying_so(phase, words):
    extra = {"phase": phase} if phase else {}
    row = only_row(evidence(arms(ALIKE_IN_INDUCTION), two("tox", 35, 20, **extra)))
    assert row[fx.CONTRASTED]
    assert row[[*EFFECT_NUMBERS]].notna().all()
    assert "treated alike during induction" in row[fx.WHY]
    assert words in row[fx.WHY]


def test_treated_alike_is_transitive_within_a_phase_and_only_within_it():
    cohorts = [
        {"id": "a", "regimen": "drug", "n": 50, **ALIKE_IN_INDUCTION},
        {"id": "b", "regimen": "drug2", "n": 50,
         "treated_alike_with": ["c"], "treated_alike_during": ["induction", "maintenance"]},
        {"id": "c", "regimen": "control", "n": 50},
    ]  # fmt: skip
    design = Design(evidence(cohorts, []))
    assert design.alike_phases("a", "c") == ("induction",)
    assert design.alike_phases("c", "b") == ("induction", "maintenance")
    assert design.alike_phases("a", "b") == ("induction",)
    lone = Design(evidence(arms(), []))
    assert lone.alike_phases("a", "b") == ()


# ---------------------------------------------------------------- checks with line numbers

BAD_COHORTS = [
    ("alike-unknown", {"treated_alike_with": ["zz"], "treated_alike_during": ["induction"]},
     ("cohorts", 0, "treated_alike_with", 0), "unknown_reference"),
    ("alike-itself", {"treated_alike_with": ["a"], "treated_alike_during": ["induction"]},
     ("cohorts", 0, "treated_alike_with", 0), "self_comparison"),
    ("alike-other-source", {"treated_alike_with": ["x"], "treated_alike_during": ["induction"]},
     ("cohorts", 0, "treated_alike_with", 0), "cross_source_comparison"),
    ("alike-without-phases", {"treated_alike_with": ["b"]},
     ("cohorts", 0, "treated_alike_during"), "missing_field"),
    ("phases-without-alike", {"treated_alike_during": ["induction"]},
     ("cohorts", 0, "treated_alike_with"), "missing_field"),
    ("contains-unknown", {"contains": ["zz"]}, ("cohorts", 0, "contains", 0), "unknown_reference"),
    ("contains-itself", {"contains": ["a"]}, ("cohorts", 0, "contains", 0), "self_comparison"),
    ("contains-same-source", {"contains": ["b"]}, ("cohorts", 0, "contains", 0), "invalid_value"),
    ("contains-each-other", {"contains": ["x"]}, ("cohorts", 0, "contains", 0), "invalid_value"),
    ("allocation-word", {"allocation": "by_chance"}, ("cohorts", 0, "allocation"), "not_allowed"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fields", "path", "code"), BAD_COHORTS, ids=lambda v: str(v))
def test_a_broken_design_field_is_named_with_its_line(tmp_path, name, fields, path, code):
    doc = document(arms(fields), [])
    # A cohort of the pooled source: another source's cohort, which contains 'a' back.
    doc["cohorts"].append({"id": "x", "source": "p", "setting": "s", "regimen": "drug",
                           "label": "x", **({"contains": ["a"]} if name == "contains-each-other"
                                            else {})})  # fmt: skip
    file = tmp_path / f"{name}.yaml"
    file.write_text(json.dumps(doc, indent=1))  # JSON is YAML: one value a line
    with pytest.raises(EvidenceError) as caught:
        load_evidence(file)
    where = format_location(path)
    found = [(p.location, p.code) for p in caught.value.problems]
    assert (where, code) in found, found
    problem = next(p for p in caught.value.problems if p.location == where)
    assert problem.line is not None
    assert problem.line > 1
    assert problem.message


# ---------------------------------------------------------------- shared patients


def shared_file() -> Evidence:
    doc = document(arms(), two())
    doc["cohorts"] += [
        {"id": "pa", "source": "p", "setting": "s", "regimen": "drug", "label": "pooled a",
         "n": 300, "contains": ["a"]},
        {"id": "pb", "source": "p", "setting": "s", "regimen": "drug", "label": "pooled again",
         "n": 250, "contains": ["a"]},
        {"id": "a_old", "source": "t", "setting": "s", "regimen": "drug", "label": "a, over 70",
         "n": 30, "subgroup_of": "a"},
    ]  # fmt: skip
    doc["results"].append(
        {"cohort": "pa", "endpoint": "resp", "value": 58, "reported_by": "primary"}
    )
    return Evidence.model_validate(doc)


def test_cohorts_share_patients_through_contains_subgroups_and_a_common_part():
    design = Design(shared_file())
    assert design.share_patients("pa", "a")  # a pooled analysis and its trial arm
    assert design.share_patients("pa", "a_old")  # ... and that arm's subgroup
    assert design.share_patients("pa", "pb")  # two analyses that both contain 'a'
    assert design.share_patients("a", "a_old")
    assert not design.share_patients("a", "b")
    assert not design.share_patients("a", "a")
    assert design.shared_pairs(["b", "a", "pa"]) == [("a", "pa")]


def test_counts_of_cohorts_and_patients_count_each_patient_once():
    ev = shared_file()
    design = Design(ev)
    assert design.counted_once(["a", "pa", "a_old", "b"]) == ["pa", "b"]
    sources = fr.source_table(ev).set_index(fr.SOURCE)
    assert sources.loc["t", fr.N_TOTAL] == 200  # a and b; a's subgroup is in a already
    assert sources.loc["t", fr.COHORTS] == 3
    cell = fr.coverage_table(ev).set_index(fr.REGIMEN).loc["drug"]
    assert (cell[fr.COHORTS], cell[fr.COHORTS_LISTED]) == (2, 4)  # pa and pb: a is in both


def test_views_that_set_cohorts_side_by_side_say_when_they_share_patients():
    loaded = load(shared_file(), "shared", "v1")
    sentence = tables.shared_patients(loaded, ["a", "pa", "b"])
    assert sentence.startswith("Shared patients: a and pooled a include some of the same")
    assert "b and" not in sentence
    assert tables.shared_patients(loaded, ["a", "b"]) == ""
    from components.choices import ProfileChoice
    from components.registry import PROFILE

    (spec,) = PROFILE.specs(loaded, Filters(), choice=ProfileChoice(cohorts=("a", "pa")))
    assert "Shared patients: a and pooled a" in spec.note


def test_compare_page_warns_when_chosen_cohorts_share_patients(evidence_file):
    evidence_file(BUNDLED)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/comparisons.py").run()
    at.multiselect(key="cohorts").set_value(["pooled_rd", "mm009_rd"]).run()
    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("Shared patients" in w and "MM-009, Rd arm" in w for w in warnings), warnings
    at.multiselect(key="cohorts").set_value(["mm009_rd", "mm010_rd"]).run()  # two trials
    assert not any("Shared patients" in w.value for w in at.warning)


def test_the_plane_says_when_two_of_its_points_share_patients():
    from components.choices import PlaneChoice
    from components.registry import PLANE

    ev = shared_file()
    doc = ev.model_dump(exclude_none=True)
    doc["results"] = [
        *doc["results"],
        *(
            {"cohort": c, "endpoint": "tox", "value": v, "reported_by": "primary"}
            for c, v in (("a", 10), ("b", 5), ("pa", 12))
        ),
    ]
    loaded = load(Evidence.model_validate(doc), "shared", "v1")
    pair = PlaneChoice(harm="tox", benefit="resp")
    (spec,) = PLANE.specs(loaded, Filters(), choice=pair)
    assert set(spec.table[fr.COHORT]) == {"a", "b", "pa"}
    assert "Shared patients: a and pooled a include some of the same patients" in spec.note
    trials_only = Filters.of(design=("randomized_phase3",))  # the pooled point filtered out
    (spec,) = PLANE.specs(loaded, trials_only, choice=pair)
    assert set(spec.table[fr.COHORT]) == {"a", "b"}
    assert "Shared patients" not in spec.note


# ---------------------------------------------------------------- the bundled file


def bundled_csv() -> list[dict[str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "evidence", "effects", str(BUNDLED), "--csv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_bundled_csv_holds_back_what_the_trial_design_does_not_allow():
    rows = bundled_csv()
    numbers = [c for c in EFFECT_NUMBERS if c in rows[0]]

    def row(cohort: str, versus: str, endpoint: str) -> dict[str, str]:
        return next(
            r
            for r in rows
            if (r["cohort"], r["versus"], r["endpoint"]) == (cohort, versus, endpoint)
        )

    induction = row("mm015_mprr", "mm015_mpr", "g4_neutropenia")
    assert all(induction[c] == "" for c in numbers)
    assert "treated alike during induction" in induction["why"]
    coman = row("coman2013_cont", "coman2013_stop", "relapse")
    assert all(coman[c] == "" for c in numbers)
    assert coman["value_text"] == "26%"
    assert coman["versus_value_text"] == "56%"
    response = row("mm015_mprr", "mm015_mpr", "orr")  # contrasted, with the sentence
    assert response["difference"] != ""
    assert "treated alike during induction and differ only after it" in response["why"]
    for r in rows:
        if r["nnt"]:
            assert vocabulary.ALLOCATION.has_flag(r["allocation"], "nnt"), r
        if r["basis"] != "reported" and not r["difference"] and not r["ratio"]:
            assert r["why"], r  # every row without numbers says why


def test_pooled_arms_have_the_computed_sizes_and_intervals_marked_ours(bundled):
    cohorts = bundled.cohorts.set_index(fr.COHORT)
    assert (cohorts.loc["pooled_rd", fr.N], cohorts.loc["pooled_dex", fr.N]) == (353, 351)
    assert set(cohorts.loc[["pooled_rd", "pooled_dex"], fr.N_REPORTED_BY]) == {"computed"}
    assert cohorts.loc["pooled_rd", fr.N] + cohorts.loc["pooled_dex", fr.N] == 704
    effects = bundled.effects
    pooled = effects[effects[fx.SOURCE] == "dimopoulos2009"]
    assert pooled[fx.DIFFERENCE_LOW].notna().all()
    assert bundled.design.share_patients("pooled_rd", "mm009_rd")
    assert bundled.design.share_patients("pooled_dex", "mm010_dex")
    assert not bundled.design.share_patients("mm009_rd", "mm010_rd")


# ---------------------------------------------------------------- figures as stated

BACK_CALCULATED = ("76.97", "61.02", "34.87", "67.97", "32.03")  # counts' risks, never shown


def test_each_arm_reads_as_stated_with_an_approximate_count_when_back_calculated(bundled):
    effects = bundled.effects.set_index([fx.COHORT, fx.VERSUS, fx.ENDPOINT])
    row = effects.loc[("mm015_mprr", "mm015_mp", "orr")]
    assert (row[fx.VALUE_TEXT], row[fx.VERSUS_VALUE_TEXT]) == ("77% (≈117/152)", "50% (≈77/154)")
    assert row[fx.RISK] == pytest.approx(100 * 117 / 152)  # full precision where computed
    exact = effects.loc[("mm009_rd", "mm009_dex", "orr")]
    assert exact[fx.VALUE_TEXT] == "61% (108/177)"  # reported counts: no ≈


def test_no_page_table_or_chart_shows_a_stated_percent_with_more_decimals(bundled):
    from components.choices import ComparisonChoice
    from components.registry import CHARTS

    shown_text = []
    for comparison in compare.comparisons(bundled.effects):
        for _, table in compare.sof_groups(bundled, bundled.effects, comparison):
            shown_text.append(table.to_csv())
        for chart in CHARTS:
            if chart.page != "comparisons" or chart.key == "profile":
                continue
            choice = ComparisonChoice(comparison=comparison.key)
            for spec in chart.specs(bundled, Filters(), choice=choice):
                shown_text.append(spec.figure.to_json())
                shown_text.append(tables.display(spec.table, spec.columns).to_csv())
    text = "\n".join(shown_text)
    assert "77% (≈117/152)" in text
    for digits in BACK_CALCULATED:
        assert digits not in text, digits


# ---------------------------------------------------------------- held back everywhere


def held_back_file() -> Evidence:
    """A hazard ratio reported between groups formed after treatment began, and subgroups."""
    doc = document(
        arms({"allocation": "post_treatment"}),
        two("tox", 30, 20, phase="induction"),
        comparisons=[{"cohort": "a", "versus": "b", "endpoint": "pfs", "measure": "hazard_ratio",
                      "value": 0.4, "ci": [0.2, 0.8], "reported_by": "primary"}],
    )  # fmt: skip
    doc["cohorts"] += [
        {"id": "c", "source": "t", "setting": "s", "regimen": "drug", "label": "c", "n": 100,
         "treated_alike_with": ["d"], "treated_alike_during": ["induction"]},
        {"id": "d", "source": "t", "setting": "s", "regimen": "control", "label": "d", "n": 100},
        {"id": "a_part", "source": "t", "setting": "s", "regimen": "drug", "label": "a part",
         "n": 50, "subgroup_of": "a"},
        {"id": "d_part", "source": "t", "setting": "s", "regimen": "control", "label": "d part",
         "n": 50, "subgroup_of": "d"},
    ]  # fmt: skip
    doc["results"] += [
        {"cohort": c, "endpoint": "tox", "value": v, "events": e, "phase": "induction",
         "reported_by": "primary"}
        for c, v, e in (("c", 40, 40), ("a_part", 30, 15), ("d_part", 20, 10))
    ]  # fmt: skip
    return Evidence.model_validate(doc)


def test_a_subgroup_is_formed_no_more_strongly_and_treated_as_its_arm():
    design = Design(held_back_file())
    assert design.allocation("a_part") == "post_treatment"  # its arm was formed after treatment
    assert design.alike_phases("c", "d_part") == ("induction",)  # d_part was treated as d
    table = fx.effect_table(held_back_file()).set_index([fx.COHORT, fx.VERSUS, fx.ENDPOINT])
    row = table.loc[("c", "d_part", "tox")]
    assert not row[fx.CONTRASTED]
    assert row[[*EFFECT_NUMBERS]].isna().all()


def test_a_held_back_reported_effect_is_drawn_nowhere_and_says_why_everywhere():
    from components.registry import CHARTS

    loaded = load(held_back_file(), "held", "v1")
    assert loaded.comparisons[fr.HELD_BACK].notna().all()
    tte = next(c for c in CHARTS if c.key == "tte")
    for spec in tte.specs(loaded, Filters()):
        assert "0.4" not in spec.figure.to_json()
    (line,) = content.describe_key("a/pfs", loaded)
    assert "not shown. The groups were formed after treatment began" in line
    assert "0.4" not in line
    shown = tables.display(tables.comparisons_shown(loaded.comparisons), tables.COMPARISON_DISPLAY)
    assert shown["Value"].isna().all()
    assert shown["Not shown because"].str.startswith("The groups were formed").all()
    comparison = next(c for c in compare.comparisons(loaded.effects) if c.cohort == "a")
    reported = dict(compare.sof_groups(loaded, loaded.effects, comparison))
    effect = reported["Effects as the source reports them"]["Effect (95% CI)"].iloc[0]
    assert effect.startswith("not shown: The groups were formed after treatment began")


def test_two_parts_of_one_arm_are_not_treated_alike_by_being_parts_of_it(bundled):
    # Coman's continued and stopped groups are both parts of the whole series; MM-015's age
    # groups both of the MPR-R arm. Neither pair shares a phase through its parent.
    assert bundled.design.alike_phases("coman2013_cont", "coman2013_stop") == ()
    assert bundled.design.alike_phases("mm015_mprr_6575", "mm015_mprr_over75") == ()
    assert bundled.design.alike_phases("mm015_mprr_6575", "mm015_mpr") == ("induction",)
    coman = bundled.effects[bundled.effects[fx.SOURCE] == "coman2013"].iloc[0]
    assert pd.isna(coman[fx.ALIKE])
    assert "treated alike" not in str(coman[fx.WHY])
