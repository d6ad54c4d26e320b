"""Within-study effects (evidence/effects/) and ``python -m evidence effects``."""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from typing import Any

import pandas as pd
import pytest
from conftest import BUNDLED, FIXTURES, ROOT, position
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import run_cli

from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary
from evidence.loader import load_evidence
from evidence.models import Evidence


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return fx.effect_table(load_evidence(BUNDLED))


# ---------- tiny hand-built evidence ----------

ENDPOINTS = {
    "resp": ("response", "percent", "higher"),
    "tox": ("toxicity", "percent", "lower"),
    "slice": ("response", "percent", "none"),
    "os_2yr": ("time_to_event", "percent", "higher"),
    "os_median": ("time_to_event", "months", "higher"),
    "deaths": ("toxicity", "patients", "lower"),
}


def tiny(
    arms: list[dict[str, Any]],
    results: list[dict[str, Any]],
    *,
    design: str = "randomized_phase3",
    comparisons: tuple[dict[str, Any], ...] = (),
) -> Evidence:
    """An Evidence of one source whose cohorts are ``arms`` (id, regimen, n)."""
    return Evidence.model_validate(
        {
            "format": 1,
            "title": "Tiny",
            "summary": "A hand-built file for one test.",
            "settings": [{"id": "s", "label": "Setting", "short": "S", "disease": "d"}],
            "regimens": [
                {"id": "drug", "label": "Drug", "short": "D", "role": "investigational"},
                {"id": "drug2", "label": "Drug 2", "short": "D2", "role": "investigational"},
                {"id": "control", "label": "Control", "short": "C", "role": "comparator"},
                {"id": "control2", "label": "Control 2", "short": "C2", "role": "comparator"},
            ],
            "endpoints": [
                {"id": e, "label": e, "category": c, "unit": u, "better": b}
                for e, (c, u, b) in ENDPOINTS.items()
            ],
            "sources": [{"id": "trial", "citation": "A trial", "short": "T", "design": design}],
            "cohorts": [
                {"source": "trial", "setting": "s", "label": arm["id"], **arm} for arm in arms
            ],
            "results": [{"endpoint": "resp", "reported_by": "primary", **r} for r in results],
            "comparisons": list(comparisons),
        }
    )


def two_arms(
    drug: dict[str, Any],
    control: dict[str, Any],
    *,
    endpoint: str = "resp",
    n: tuple[int | None, int | None] = (100, 100),
    design: str = "randomized_phase3",
) -> pd.Series:
    """The single effect row of a drug arm against a control arm on one endpoint."""
    ev = tiny(
        [
            {"id": "a", "regimen": "drug", "n": n[0]},
            {"id": "b", "regimen": "control", "n": n[1]},
        ],
        [
            {"cohort": "a", "endpoint": endpoint, **drug},
            {"cohort": "b", "endpoint": endpoint, **control},
        ],
        design=design,
    )
    table = fx.effect_table(ev)
    assert len(table) == 1
    return table.iloc[0]


# ---------- the published worked example ----------


def test_newcombe_worked_example_56_of_70_vs_48_of_80():
    # Newcombe (1998), Stat Med 17:873, Table II example (a), method 10 (hybrid score):
    # 0.8 - 0.6 = 0.2000, 95% CI 0.0524 to 0.3339. (The issue quotes the point estimate as
    # 0.1833; 56/70 - 48/80 is 0.2 exactly, and the published interval is the one below.)
    row = two_arms({"value": 80, "events": 56}, {"value": 60, "events": 48}, n=(70, 80))
    assert row[fx.BASIS] == fx.BASIS_EVENTS
    assert round(row[fx.DIFFERENCE], 2) == 20.00
    assert round(row[fx.DIFFERENCE_LOW], 2) == 5.24
    assert round(row[fx.DIFFERENCE_HIGH], 2) == 33.39
    assert (row[fx.RISK], row[fx.VERSUS_RISK]) == (80.0, 60.0)


def test_mm009_response_difference_matches_a_hybrid_built_from_our_own_wilson(bundled):
    # Independent of statsmodels: Newcombe's hybrid from frames.wilson_interval, and Katz's
    # log interval for the ratio, written out here.
    row = bundled[(bundled[fx.COHORT] == "mm009_rd") & (bundled[fx.ENDPOINT] == "orr")].iloc[0]
    p1, p2 = 100 * 108 / 177, 100 * 35 / 176
    l1, u1 = fr.wilson_interval(108, 177)
    l2, u2 = fr.wilson_interval(35, 176)
    assert row[fx.DIFFERENCE] == pytest.approx(p1 - p2, abs=1e-9)
    assert row[fx.DIFFERENCE_LOW] == pytest.approx(p1 - p2 - math.hypot(p1 - l1, u2 - p2), 1e-9)
    assert row[fx.DIFFERENCE_HIGH] == pytest.approx(p1 - p2 + math.hypot(p2 - l2, u1 - p1), 1e-9)
    ratio = (108 / 177) / (35 / 176)
    se = math.sqrt(1 / 108 - 1 / 177 + 1 / 35 - 1 / 176)
    assert row[fx.RATIO] == pytest.approx(ratio, rel=1e-12)
    assert row[fx.RATIO_LOW] == pytest.approx(ratio * math.exp(-fr.Z95 * se), rel=1e-9)
    assert row[fx.RATIO_HIGH] == pytest.approx(ratio * math.exp(fr.Z95 * se), rel=1e-9)


# ---------- the done-when, through the command line ----------


@pytest.mark.slow  # a command in a subprocess
def test_cli_csv_gives_mm009_response_difference_with_newcombe_ci_and_nntb():
    done = run_cli("effects", "data/evidence.yaml", "--csv")
    assert done.returncode == 0, done.stderr
    reader = csv.DictReader(io.StringIO(done.stdout))
    assert reader.fieldnames == fx.EFFECT_COLUMNS
    rows = [r for r in reader if r["cohort"] == "mm009_rd" and r["endpoint"] == "orr"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["versus"], row["basis"], row["randomised"]) == ("mm009_dex", "events", "True")
    assert (row["events"], row["n"], row["versus_events"], row["versus_n"]) == (
        "108",
        "177",
        "35",
        "176",
    )
    assert round(float(row["risk"]), 1) == 61.0
    assert round(float(row["versus_risk"]), 1) == 19.9
    assert round(float(row["difference"]), 2) == 41.13
    assert round(float(row["difference_low"]), 2) == 31.31
    assert round(float(row["difference_high"]), 2) == 49.77
    assert row["nnt_kind"] == "benefit"
    assert round(float(row["nnt"]), 2) == 2.43
    assert round(float(row["nnt_low"]), 2) == 2.01  # 100 / 49.77
    assert round(float(row["nnt_high"]), 2) == 3.19  # 100 / 31.31
    assert row["why"] == ""


@pytest.mark.slow  # a command in a subprocess
def test_cli_text_table_shows_the_mm009_row_rounded_for_reading():
    done = run_cli("effects", "data/evidence.yaml")
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if " mm009_rd " in x and " orr " in x)
    pieces = ("61% (108/177)", "19.9% (35/176)", "+41.1 (31.3 to 49.8)", "RR 3.07 (2.23 to 4.22)")
    for piece in pieces:
        assert piece in line
    assert "NNTB 2.4 (2.0 to 3.2)" in line
    assert "24 effects: 18 computed from the file's proportions, 6 reported" in done.stdout


def test_cli_effects_on_an_invalid_file_prints_problems_and_exits_1():
    done = run_cli("effects", "tests/fixtures/bad_several_problems.yaml", "--csv")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 8
    at = position(FIXTURES / "bad_several_problems.yaml", "source: series_c")
    assert (
        f"tests/fixtures/bad_several_problems.yaml:{at}: cohorts[2].source: "
        "no source has id 'series_c' [unknown_reference]"
    ) in lines
    assert "bad_several_problems.yaml: INVALID, 8 problems" in done.stderr


# ---------- import cost ----------


def test_importing_effects_does_not_import_statsmodels_or_scipy():
    code = (
        "import sys, evidence.effects, evidence.__main__\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'statsmodels', 'scipy'})\n"
        "print(','.join(heavy) or 'none')\n"
        "from evidence.loader import load_evidence\n"
        "evidence.effects.effect_table(load_evidence('data/evidence.yaml'))\n"
        "print('statsmodels' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    # Nothing heavy on import; statsmodels only once effects are computed (the probe works).
    assert done.stdout.split() == ["none", "True"]


# ---------- which pairs, which way round ----------


def test_three_arm_trial_gives_three_pairs_with_the_comparator_always_versus(bundled):
    orr = bundled[(bundled[fx.SOURCE] == "palumbo2012") & (bundled[fx.ENDPOINT] == "orr")]
    assert list(zip(orr[fx.COHORT], orr[fx.VERSUS], strict=True)) == [
        ("mm015_mprr", "mm015_mpr"),
        ("mm015_mprr", "mm015_mp"),
        ("mm015_mpr", "mm015_mp"),
    ]
    assert orr[fx.NNT_KIND].tolist() == ["benefit"] * 3
    assert orr[fx.RANDOMISED].all()
    # MPR-R vs MPR: 117/152 vs 104/153, a CI that crosses 0.
    first = orr.iloc[0]
    assert (first[fx.EVENTS], first[fx.VERSUS_EVENTS]) == (117, 104)
    assert first[fx.DIFFERENCE_LOW] < 0 < first[fx.DIFFERENCE_HIGH]


def test_comparator_listed_first_in_the_file_is_still_the_versus():
    ev = tiny(
        [{"id": "ctrl", "regimen": "control", "n": 50}, {"id": "new", "regimen": "drug", "n": 50}],
        [{"cohort": "ctrl", "value": 20}, {"cohort": "new", "value": 40}],
    )
    row = fx.effect_table(ev).iloc[0]
    assert (row[fx.COHORT], row[fx.VERSUS]) == ("new", "ctrl")
    assert row[fx.DIFFERENCE] == pytest.approx(20.0)
    assert row[fx.NNT_KIND] == fx.NNT_BENEFIT


@pytest.mark.parametrize(
    ("regimens", "expected"),
    [
        (("control", "control2"), ("first", "second")),  # both comparators: file order
        (("drug", "drug2"), ("first", "second")),  # both investigational: file order
        (("drug", "control"), ("first", "second")),
        (("control", "drug"), ("second", "first")),
    ],
)
def test_orientation_by_role_then_file_order(regimens, expected):
    ev = tiny(
        [
            {"id": "first", "regimen": regimens[0], "n": 40},
            {"id": "second", "regimen": regimens[1], "n": 40},
        ],
        [{"cohort": "first", "value": 25}, {"cohort": "second", "value": 50}],
    )
    row = fx.effect_table(ev).iloc[0]
    assert (row[fx.COHORT], row[fx.VERSUS]) == expected


def test_landmarks_medians_and_patient_counts_are_never_turned_into_differences():
    ev = tiny(
        [{"id": "a", "regimen": "drug", "n": 100}, {"id": "b", "regimen": "control", "n": 100}],
        [
            {"cohort": "a", "endpoint": "os_2yr", "value": 80},
            {"cohort": "b", "endpoint": "os_2yr", "value": 60},
            {"cohort": "a", "endpoint": "os_median", "value": 30},
            {"cohort": "b", "endpoint": "os_median", "value": 20},
            {"cohort": "a", "endpoint": "deaths", "value": 3},
            {"cohort": "b", "endpoint": "deaths", "value": 1},
        ],
    )
    assert fx.effect_table(ev).empty


def test_bundled_time_to_event_endpoints_appear_only_as_reported(bundled):
    survival = bundled[bundled[fx.CATEGORY] == "time_to_event"]
    assert not survival.empty
    assert (survival[fx.BASIS] == fx.BASIS_REPORTED).all()
    computed = bundled[bundled[fx.BASIS] != fx.BASIS_REPORTED]
    # Only proportions have a difference to compute: the categories the vocabulary flags so.
    assert set(computed[fx.CATEGORY]) <= set(vocabulary.CATEGORY.with_flag("proportion"))


def test_bundled_row_counts_and_stable_order(bundled):
    assert (bundled[fx.BASIS] != fx.BASIS_REPORTED).sum() == 18
    assert (bundled[fx.BASIS] == fx.BASIS_REPORTED).sum() == 6
    keys = list(
        zip(
            bundled[fx.SOURCE_ORDER],
            bundled[fx.ENDPOINT_ORDER],
            bundled[fx.COHORT_ORDER],
            bundled[fx.VERSUS_ORDER],
            strict=True,
        )
    )
    assert keys == sorted(keys)
    assert bundled[fx.SOURCE].drop_duplicates().tolist()[:3] == [
        "weber2007",
        "dimopoulos2007",
        "mm010_ash2005",
    ]


def test_contract_columns_and_dtypes(bundled):
    assert list(bundled.columns) == fx.EFFECT_COLUMNS
    for column in ("events", "n", "versus_events", "versus_n"):
        assert str(bundled[column].dtype) == "Int64"
    for column in ("risk", "difference", "difference_low", "ratio_high", "nnt", "nnt_high"):
        assert bundled[column].dtype == "float64"
    assert bundled[fx.RANDOMISED].dtype == bool
    computed = bundled[bundled[fx.BASIS] != fx.BASIS_REPORTED]
    diff = computed[fx.RISK] - computed[fx.VERSUS_RISK]
    assert (diff - computed[fx.DIFFERENCE]).abs().max() < 1e-9


# ---------- signs and directions ----------


@pytest.mark.parametrize(
    ("endpoint", "drug", "control", "sign", "kind"),
    [
        ("resp", 60, 40, 1, "benefit"),  # more responses with the drug
        ("resp", 40, 60, -1, "harm"),  # fewer responses with the drug
        ("tox", 30, 10, 1, "harm"),  # more toxicity with the drug: NNTH
        ("tox", 10, 30, -1, "benefit"),  # less toxicity with the drug
    ],
)
def test_sign_of_difference_and_nnt_kind_follow_better(endpoint, drug, control, sign, kind):
    row = two_arms({"value": drug}, {"value": control}, endpoint=endpoint, n=(200, 200))
    assert row[fx.DIFFERENCE] == pytest.approx(sign * 20.0)
    assert row[fx.RATIO] == pytest.approx(drug / control)
    assert row[fx.NNT] == pytest.approx(5.0)
    assert row[fx.NNT_KIND] == kind
    # The CI excludes 0 here: the NNT's CI is the inverted difference CI, ordered.
    low, high = sorted(abs(row[c]) for c in (fx.DIFFERENCE_LOW, fx.DIFFERENCE_HIGH))
    assert row[fx.NNT_LOW] == pytest.approx(100 / high)
    assert row[fx.NNT_HIGH] == pytest.approx(100 / low)
    assert row[fx.NNT_LOW] < row[fx.NNT] < row[fx.NNT_HIGH]


def test_bundled_toxicity_with_more_events_on_the_regimen_is_nnth(bundled):
    vte = bundled[(bundled[fx.COHORT] == "mm009_rd") & (bundled[fx.ENDPOINT] == "vte")].iloc[0]
    assert vte[fx.BETTER] == "lower"
    assert vte[fx.DIFFERENCE] > 0
    assert vte[fx.NNT_KIND] == fx.NNT_HARM
    g4 = bundled[(bundled[fx.COHORT] == "mm015_mprr") & (bundled[fx.VERSUS] == "mm015_mp")]
    g4 = g4[g4[fx.ENDPOINT] == "g4_neutropenia"].iloc[0]  # 35% vs 8%, randomised
    assert g4[fx.NNT_KIND] == fx.NNT_HARM


def test_ci_spanning_zero_keeps_point_nnt_and_gives_altmans_two_pieces():
    row = two_arms({"value": 55}, {"value": 50}, n=(100, 100))
    low, high = row[fx.DIFFERENCE_LOW], row[fx.DIFFERENCE_HIGH]
    assert low < 0 < high
    assert row[fx.NNT] == pytest.approx(20.0)
    assert row[fx.NNT_KIND] == fx.NNT_BENEFIT
    assert pd.isna(row[fx.NNT_LOW])
    assert pd.isna(row[fx.NNT_HIGH])
    assert f"NNTH {100 / abs(low):.1f} to ∞ to NNTB {100 / high:.1f}" in row[fx.WHY]
    assert "Altman" in row[fx.WHY]


def test_better_none_gives_an_nnt_without_a_kind_and_says_why():
    row = two_arms({"value": 60}, {"value": 30}, endpoint="slice")
    assert row[fx.NNT] == pytest.approx(100 / 30)
    assert pd.isna(row[fx.NNT_KIND])
    assert "no better direction" in row[fx.WHY]


def test_difference_of_exactly_zero_has_no_nnt():
    row = two_arms({"value": 30}, {"value": 30}, n=(50, 50))
    assert row[fx.DIFFERENCE] == 0
    assert row[fx.RATIO] == pytest.approx(1.0)
    assert pd.isna(row[fx.NNT])
    assert pd.isna(row[fx.NNT_KIND])
    assert "difference is 0: no NNT" in row[fx.WHY]


# ---------- where the counts come from ----------


def test_back_calculation_rounds_to_the_nearest_patient_and_says_so():
    row = two_arms({"value": 14.1}, {"value": 0.6}, n=(177, 176))
    assert (row[fx.EVENTS], row[fx.VERSUS_EVENTS]) == (25, 1)  # 24.96 and 1.06
    assert row[fx.BASIS] == fx.BASIS_PERCENT_N
    assert row[fx.RISK] == pytest.approx(100 * 25 / 177)  # the count's risk, not 14.1
    assert row[fx.VALUE] == 14.1
    assert "back-calculated from percent x n" in row[fx.WHY]
    assert "a 25/177 from 14.1%, b 1/176 from 0.6%" in row[fx.WHY]


def test_back_calculation_rounds_halves_up_not_to_even():
    row = two_arms({"value": 50}, {"value": 30}, n=(5, 5))  # 2.5 patients and 1.5 patients
    assert (row[fx.EVENTS], row[fx.VERSUS_EVENTS]) == (3, 2)


def test_reported_events_are_used_and_mixed_with_a_back_calculated_arm():
    row = two_arms({"value": 39.1, "events": 9}, {"value": 10}, n=(23, 30))
    assert (row[fx.EVENTS], row[fx.VERSUS_EVENTS]) == (9, 3)
    assert row[fx.BASIS] == fx.BASIS_PERCENT_N  # one arm back-calculated
    assert "b 3/30 from 10%" in row[fx.WHY]
    assert "a 9/23" not in row[fx.WHY]


def test_a_results_own_n_overrides_its_cohorts():
    row = two_arms({"value": 44, "n": 63}, {"value": 20}, n=(82, 80))
    assert (row[fx.EVENTS], row[fx.N]) == (28, 63)  # 27.7 of 63, not 36.1 of 82


# ---------- when to compute nothing ----------


@pytest.mark.parametrize(
    ("qualifier", "wording", "text"),
    [
        ("up_to", "up to 77%", "up to 77%"),
        ("more_than", "a majority", "more than 77% (a majority)"),
        ("approximately", "about three quarters", "about 77% (about three quarters)"),
    ],
)
@pytest.mark.parametrize("arm", ["cohort", "versus"])
def test_qualified_value_gives_no_effect_and_says_why(qualifier, wording, text, arm):
    qualified = {"value": 77, "qualifier": qualifier, "wording": wording}
    plain = {"value": 40}
    drug, control = (qualified, plain) if arm == "cohort" else (plain, qualified)
    row = two_arms(drug, control, n=(100, 100))
    for column in (fx.DIFFERENCE, fx.DIFFERENCE_LOW, fx.RATIO, fx.RATIO_HIGH, fx.NNT):
        assert pd.isna(row[column]), column
    assert pd.isna(row[fx.NNT_KIND])
    assert row[fx.BASIS] == fx.BASIS_PERCENT
    qualified_id = "a" if arm == "cohort" else "b"
    assert f"{qualified_id} is stated as '{text}'" in row[fx.WHY]
    assert "no effect is computed" in row[fx.WHY]
    # The exact arm keeps its risk; the qualified one has none.
    risks = (row[fx.RISK], row[fx.VERSUS_RISK])
    assert [pd.isna(r) for r in risks] == ([True, False] if arm == "cohort" else [False, True])


def test_unknown_n_gives_point_estimates_without_intervals():
    row = two_arms({"value": 58}, {"value": 22}, n=(None, 150))
    assert row[fx.BASIS] == fx.BASIS_PERCENT
    assert row[fx.DIFFERENCE] == pytest.approx(36.0)
    assert row[fx.RATIO] == pytest.approx(58 / 22)
    assert row[fx.NNT] == pytest.approx(100 / 36)
    assert row[fx.NNT_KIND] == fx.NNT_BENEFIT
    for column in (fx.DIFFERENCE_LOW, fx.DIFFERENCE_HIGH, fx.RATIO_LOW, fx.NNT_LOW, fx.NNT_HIGH):
        assert pd.isna(row[column]), column
    assert pd.isna(row[fx.EVENTS])  # nothing back-calculated for an unused count
    assert pd.isna(row[fx.VERSUS_EVENTS])
    assert "n not reported for a: no confidence intervals" in row[fx.WHY]


def test_zero_count_in_one_arm_uses_the_continuity_corrected_ratio():
    row = two_arms({"value": 0, "events": 0}, {"value": 25, "events": 5}, n=(20, 20))
    assert row[fx.DIFFERENCE] == pytest.approx(-25.0)
    assert row[fx.RATIO] == pytest.approx((0.5 / 20.5) / (5.5 / 20.5))
    assert 0 < row[fx.RATIO_LOW] < row[fx.RATIO] < row[fx.RATIO_HIGH] < math.inf
    assert "add 0.5 to each arm's events and n" in row[fx.WHY]


def test_zero_counts_in_both_arms_leave_the_ratio_and_nnt_empty():
    row = two_arms({"value": 0, "events": 0}, {"value": 0, "events": 0}, n=(20, 20))
    assert row[fx.DIFFERENCE] == 0
    assert row[fx.DIFFERENCE_LOW] < 0 < row[fx.DIFFERENCE_HIGH]
    assert pd.isna(row[fx.RATIO])
    assert pd.isna(row[fx.RATIO_LOW])
    assert pd.isna(row[fx.NNT])
    assert "No events in either arm: the risk ratio is undefined." in row[fx.WHY]


def test_bundled_zero_comparator_rate_without_n_leaves_the_ratio_undefined(bundled):
    vte = bundled[(bundled[fx.SOURCE] == "stewart2013") & (bundled[fx.ENDPOINT] == "vte")]
    row = vte.iloc[0]
    assert row[fx.DIFFERENCE] == pytest.approx(7.3)
    assert pd.isna(row[fx.RATIO])
    assert "The risk in my10_obs is 0: the risk ratio is undefined." in row[fx.WHY]


# ---------- randomised or not ----------


@pytest.mark.parametrize(
    ("design", "randomised", "words"),
    [
        ("randomized_phase3", True, None),
        ("randomized_phase2", True, None),
        ("pooled_analysis", False, "Not randomised (pooled analysis)"),
        ("retrospective", False, "Not randomised (retrospective)"),
        ("phase2", False, "Not randomised (phase 2)"),
    ],
)
def test_randomised_flag_follows_the_design_vocabulary(design, randomised, words):
    row = two_arms({"value": 60, "events": 60}, {"value": 40, "events": 40}, design=design)
    assert bool(row[fx.RANDOMISED]) is randomised
    if words is None:
        assert pd.isna(row[fx.WHY])
    else:
        assert words in row[fx.WHY]


def test_bundled_pooled_arms_are_randomised_as_recorded_and_coman_groups_post_treatment(bundled):
    pooled = bundled[bundled[fx.SOURCE] == "dimopoulos2009"]
    assert len(pooled) == 2
    assert pooled[fx.RANDOMISED].all()  # the file says the pooled arms were randomised
    assert pooled[fx.WHY].str.contains(r"Randomised arms, as the file records them \(pooled").all()
    assert pooled[fx.NNT].notna().all()
    coman = bundled[bundled[fx.SOURCE] == "coman2013"].iloc[0]
    assert (coman[fx.COHORT], coman[fx.VERSUS]) == ("coman2013_cont", "coman2013_stop")
    assert not coman[fx.RANDOMISED]
    assert coman[fx.ALLOCATION] == "post_treatment"
    assert "Same regimen (Len ± dex) in both groups" in coman[fx.WHY]
    assert bundled[bundled[fx.SOURCE] == "weber2007"][fx.RANDOMISED].all()


# ---------- reported effects ----------


def test_bundled_reported_effects_appear_unchanged(bundled):
    ev = load_evidence(BUNDLED)
    reported = bundled[bundled[fx.BASIS] == fx.BASIS_REPORTED]
    assert len(reported) == len(ev.comparisons)
    for cmp in ev.comparisons:
        same = reported[
            (reported[fx.COHORT] == cmp.cohort)
            & (reported[fx.VERSUS] == cmp.versus)
            & (reported[fx.ENDPOINT] == cmp.endpoint)
        ]
        assert len(same) == 1
        row = same.iloc[0]
        assert row[fx.MEASURE] == cmp.measure == "hazard_ratio"
        assert row[fx.RATIO] == cmp.value
        if cmp.ci is None:
            assert pd.isna(row[fx.RATIO_LOW])
        else:
            assert (row[fx.RATIO_LOW], row[fx.RATIO_HIGH]) == cmp.ci
        assert row[fx.P] == cmp.p
        assert pd.isna(row[fx.DIFFERENCE])
        assert pd.isna(row[fx.NNT])
    mm010 = reported[reported[fx.SOURCE] == "dimopoulos2007"].iloc[0]
    assert (mm010[fx.RATIO], mm010[fx.RATIO_LOW], mm010[fx.RATIO_HIGH]) == (0.66, 0.45, 0.96)


def test_reported_effects_keep_their_orientation_and_a_difference_fills_difference_columns():
    ev = tiny(
        [{"id": "ctrl", "regimen": "control", "n": 50}, {"id": "new", "regimen": "drug", "n": 50}],
        [],
        comparisons=(
            {
                "cohort": "ctrl",
                "versus": "new",
                "endpoint": "os_median",
                "measure": "hazard_ratio",
                "value": 1.5,
                "ci": [1.1, 2.0],
                "p": "0.01",
                "reported_by": "primary",
            },
            {
                "cohort": "new",
                "versus": "ctrl",
                "endpoint": "resp",
                "measure": "difference",
                "value": 12.5,
                "reported_by": "secondary",
            },
        ),
    )
    table = fx.effect_table(ev)
    hr = table[table[fx.ENDPOINT] == "os_median"].iloc[0]
    assert (hr[fx.COHORT], hr[fx.VERSUS]) == ("ctrl", "new")  # not turned round, not inverted
    assert (hr[fx.RATIO], hr[fx.RATIO_LOW], hr[fx.RATIO_HIGH], hr[fx.P]) == (1.5, 1.1, 2.0, "0.01")
    diff = table[table[fx.ENDPOINT] == "resp"].iloc[0]
    assert diff[fx.BASIS] == fx.BASIS_REPORTED
    assert diff[fx.DIFFERENCE] == 12.5
    assert pd.isna(diff[fx.RATIO])
    assert "No CI reported." in diff[fx.WHY]
    assert diff[fx.REPORTED_BY] == "secondary"


def test_computed_row_comes_before_the_reported_one_for_the_same_arms_and_endpoint():
    ev = tiny(
        [{"id": "a", "regimen": "drug", "n": 100}, {"id": "b", "regimen": "control", "n": 100}],
        [{"cohort": "a", "value": 60}, {"cohort": "b", "value": 40}],
        comparisons=(
            {
                "cohort": "a",
                "versus": "b",
                "endpoint": "resp",
                "measure": "odds_ratio",
                "value": 2.25,
                "reported_by": "primary",
            },
        ),
    )
    table = fx.effect_table(ev)
    assert table[fx.BASIS].tolist() == [fx.BASIS_PERCENT_N, fx.BASIS_REPORTED]
    assert table[fx.MEASURE].tolist() == [fx.COMPUTED_MEASURE, "odds_ratio"]
    assert table[fx.RATIO].tolist() == pytest.approx([1.5, 2.25])


def test_no_pairs_gives_an_empty_frame_with_the_contract():
    ev = tiny([{"id": "a", "regimen": "drug", "n": 10}], [{"cohort": "a", "value": 50}])
    table = fx.effect_table(ev)
    assert table.empty
    assert list(table.columns) == fx.EFFECT_COLUMNS


@pytest.mark.slow  # property-based: many generated examples
@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 400).flatmap(lambda n1: st.tuples(st.integers(0, n1), st.just(n1))),
    st.integers(1, 400).flatmap(lambda n2: st.tuples(st.integers(0, n2), st.just(n2))),
    st.sampled_from(["resp", "tox"]),
)
def test_any_counts_give_intervals_around_their_estimates(arm1, arm2, endpoint):
    (e1, n1), (e2, n2) = arm1, arm2
    row = two_arms(
        {"value": 100 * e1 / n1, "events": e1},
        {"value": 100 * e2 / n2, "events": e2},
        endpoint=endpoint,
        n=(n1, n2),
    )
    assert row[fx.DIFFERENCE] == pytest.approx(100 * (e1 / n1 - e2 / n2))
    assert -100 <= row[fx.DIFFERENCE_LOW] <= row[fx.DIFFERENCE] + 1e-9
    assert row[fx.DIFFERENCE] - 1e-9 <= row[fx.DIFFERENCE_HIGH] <= 100
    if e1 == e2 == 0:
        assert pd.isna(row[fx.RATIO])
    else:
        assert 0 < row[fx.RATIO_LOW] <= row[fx.RATIO] <= row[fx.RATIO_HIGH] < math.inf
    if row[fx.DIFFERENCE] != 0:
        better_first = (row[fx.DIFFERENCE] > 0) == (endpoint == "resp")
        assert row[fx.NNT_KIND] == (fx.NNT_BENEFIT if better_first else fx.NNT_HARM)
        excludes_zero = row[fx.DIFFERENCE_LOW] > 0 or row[fx.DIFFERENCE_HIGH] < 0
        assert pd.notna(row[fx.NNT_LOW]) == excludes_zero
        if excludes_zero:
            assert row[fx.NNT_LOW] <= row[fx.NNT] <= row[fx.NNT_HIGH]


def test_nested_cohorts_are_never_two_arms(bundled):
    # A subgroup shares its patients with the cohort it is part of: no effect between them.
    pairs = set(zip(bundled[fx.COHORT], bundled[fx.VERSUS], strict=True))
    for nested in (
        ("kastritis2012_rdc", "kastritis2012_rdc_6mo"),
        ("disp2007_len", "disp2007_lendex"),
        ("mm015_mprr", "mm015_mprr_6575"),
    ):
        assert nested not in pairs
        assert nested[::-1] not in pairs
    # Two disjoint subgroups of one cohort are still compared (not randomised).
    row = bundled[
        (bundled[fx.COHORT] == "coman2013_cont") & (bundled[fx.VERSUS] == "coman2013_stop")
    ]
    assert len(row) == 1
    assert not row[fx.RANDOMISED].iloc[0]


def test_rate_at_a_time_point_gets_no_risk_difference(bundled):
    # "Second primary cancers at 3 years" is an estimate from follow-up, not events of n.
    assert "second_primary_3yr" not in set(bundled[fx.ENDPOINT])
