from __future__ import annotations

import pandas as pd
import pytest
from conftest import FIXTURES

from evidence import frames as fr
from evidence import vocabulary
from evidence.loader import load_evidence, parse_evidence


@pytest.fixture(scope="module")
def minimal():
    return load_evidence(FIXTURES / "valid_minimal.yaml")


def with_changes(text_changes: list[tuple[str, str]]):
    text = (FIXTURES / "valid_minimal.yaml").read_text()
    for old, new in text_changes:
        assert old in text
        text = text.replace(old, new)
    return parse_evidence(text.encode())


@pytest.mark.parametrize(
    ("events", "n", "low", "high"),
    [
        (60, 100, 50.20, 69.06),  # textbook Wilson interval for 60/100
        (0, 10, 0.00, 27.75),
        (10, 10, 72.25, 100.00),
        (108, 177, 53.67, 67.90),  # MM-009 ORR, checked by hand
    ],
)
def test_wilson_interval_known_values_match(events, n, low, high):
    got_low, got_high = fr.wilson_interval(events, n)
    assert got_low == pytest.approx(low, abs=0.015)
    assert got_high == pytest.approx(high, abs=0.015)


def test_wilson_interval_zero_n_raises():
    with pytest.raises(ValueError, match="n must be positive"):
        fr.wilson_interval(0, 0)


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "wording", "expected"),
    [
        (77, "percent", "up_to", None, "up to 77%"),
        (33, "percent", "approximately", "about one third", "about 33% (about one third)"),
        (50, "percent", "more_than", "a majority", "more than 50% (a majority)"),
        (11.1, "months", "exact", None, "11.1 mo"),
        (0.66, "ratio", "exact", None, "0.66"),
        (61.0, "percent", "exact", None, "61%"),
        (1, "patients", "exact", None, "1 patient"),  # not "1 patients"
        (9, "patients", "exact", None, "9 patients"),
        (1.5, "patients", "approximately", None, "about 1.5 patients"),
    ],
)
def test_format_value_keeps_qualifier_and_unit(value, unit, qualifier, wording, expected):
    assert fr.format_value(value, unit, qualifier, wording) == expected


def test_result_table_minimal_file_expected_frame(minimal):
    table = fr.result_table(minimal)
    got = table[[fr.KEY, fr.VALUE_TEXT, fr.N, fr.CI_KIND, fr.REPORTED_BY, fr.SMALL_N]]
    expected = pd.DataFrame(
        {
            fr.KEY: ["a_zeta/orr", "a_ctrl/orr", "b_zeta/orr", "b_zeta/tox", "a_zeta/os"],
            fr.VALUE_TEXT: [
                "60%",
                "30%",
                "up to 70%",
                "more than 50% (a majority)",
                "24.5 mo",
            ],
            fr.N: pd.array([100, 98, None, None, 100], dtype="Int64"),
            fr.CI_KIND: ["computed", "computed", "none", "none", "reported"],
            fr.REPORTED_BY: ["primary", "primary", "editorial", "editorial", "primary"],
            fr.SMALL_N: [False, False, True, True, False],
        }
    )
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected)


def test_result_table_reported_ci_kept_not_recomputed(minimal):
    row = fr.result_table(minimal).set_index(fr.KEY).loc["a_zeta/os"]
    assert (row[fr.CI_LOW], row[fr.CI_HIGH]) == (20.1, 30.0)


def test_result_table_ci_computed_from_events_not_rate(minimal):
    row = fr.result_table(minimal).set_index(fr.KEY).loc["a_ctrl/orr"]
    low, high = fr.wilson_interval(29, 98)  # events 29 of the cohort's n 98, not 30%
    assert row[fr.CI_LOW] == pytest.approx(low)
    assert row[fr.CI_HIGH] == pytest.approx(high)


def test_result_table_time_to_event_percent_gets_no_computed_ci():
    ev = with_changes(
        [
            ("    unit: months\n    better: higher", "    unit: percent\n    better: higher"),
            ("    value: 24.5\n    ci: [20.1, 30.0]\n", "    value: 24.5\n"),
        ]
    )
    row = fr.result_table(ev).set_index(fr.KEY).loc["a_zeta/os"]
    assert row[fr.CI_KIND] == fr.CI_NONE
    assert pd.isna(row[fr.CI_LOW])


def test_result_table_labels_joined_from_cohort_setting_regimen(minimal):
    row = fr.result_table(minimal).set_index(fr.KEY).loc["b_zeta/tox"]
    assert row[fr.SETTING_LABEL] == "Relapsed disease X"
    assert row[fr.REGIMEN_SHORT] == "Z"
    assert row[fr.SOURCE_SHORT] == "Roe 2021"
    assert row[fr.ENDPOINT_LABEL] == "Grade 3-4 toxicity"
    assert row[fr.DESIGN] == "retrospective"


def test_coverage_table_declared_pairs_without_cohorts_present(minimal):
    grid = fr.coverage_table(minimal)
    assert len(grid) == len(minimal.settings) * len(minimal.regimens)
    empty = grid[grid[fr.SETTING] == "empty_setting"]
    assert empty["cohorts"].tolist() == [0, 0]
    assert empty["headline"].isna().all()


def test_coverage_table_headline_is_first_response_result(minimal):
    grid = fr.coverage_table(minimal).set_index([fr.SETTING, fr.REGIMEN])
    assert grid.loc[("first_line", "zeta"), "headline"] == "Overall response 60%"
    assert grid.loc[("first_line", "zeta"), "headline_source"] == "Doe 2020"
    assert grid.loc[("relapsed", "zeta"), "headline"] == "Overall response up to 70%"


def test_filter_frame_empty_selection_means_all(minimal):
    table = fr.result_table(minimal)
    assert len(fr.filter_frame(table, {fr.SETTING: [], fr.ROLE: ()})) == len(table)


def test_filter_frame_combines_selections(minimal):
    table = fr.result_table(minimal)
    got = fr.filter_frame(
        table,
        {fr.SETTING: ["first_line"], fr.REPORTED_BY: ["primary"], fr.ROLE: ["comparator"]},
    )
    assert got[fr.KEY].tolist() == ["a_ctrl/orr"]


def test_filter_frame_ignores_column_frame_lacks(minimal):
    verdicts = fr.verdict_table(minimal)
    assert len(fr.filter_frame(verdicts, {fr.DESIGN: ["retrospective"]})) == len(verdicts)


def test_plane_table_one_endpoint_per_axis(minimal):
    table = fr.result_table(minimal)
    plane = fr.plane_table(table, harm="tox", benefit="orr", verdict_of={"b_zeta": "promising"})
    assert plane[fr.COHORT].tolist() == ["b_zeta"]
    row = plane.iloc[0]
    assert (row[fr.HARM_VALUE], row[fr.BENEFIT_VALUE]) == (50.0, 70.0)
    assert row[fr.EDITORIAL_ONLY]
    assert row[fr.VERDICT] == "promising"


def test_plane_table_cohort_missing_harm_is_left_out_and_listed(minimal):
    results = fr.result_table(minimal)
    plane = fr.plane_table(results, harm="tox", benefit="orr", verdict_of={})
    assert "a_zeta" not in plane[fr.COHORT].tolist()
    missing = fr.plane_missing(results, harm="tox", benefit="orr")
    assert missing[fr.COHORT_LABEL].tolist() == ["Trial A, zetamab arm", "Trial A, control arm"]
    assert missing["reports"].tolist() == ["Overall response: 60%", "Overall response: 30%"]


def test_default_plane_pair_is_the_pair_most_cohorts_report():
    text = (FIXTURES / "valid_minimal.yaml").read_text()
    # Give both Trial A arms a toxicity figure: the (tox, orr) pair then has 3 cohorts.
    text = text.replace(
        "results:\n",
        "results:\n  - cohort: a_zeta\n    endpoint: tox\n    value: 20\n    reported_by: primary\n"
        "  - cohort: a_ctrl\n    endpoint: tox\n    value: 10\n    reported_by: primary\n",
        1,
    )
    results = fr.result_table(parse_evidence(text.encode()))
    assert fr.default_plane_pair(results) == ("tox", "orr")
    benefits = [vocabulary.CATEGORY.has_flag(c, "benefit") for c in results[fr.CATEGORY]]
    assert fr.default_plane_pair(results[benefits]) is None  # no harm to pair them with


def test_plane_links_join_comparator_to_regimen_of_one_source(minimal):
    results = fr.result_table(minimal)
    plane = fr.plane_table(results, harm="orr", benefit="orr", verdict_of={})
    assert fr.plane_links(plane, fr.cohort_table(minimal)) == [("a_ctrl", "a_zeta")]


def test_beside_response_table_puts_category_first_then_response(minimal):
    wide = fr.beside_response_table(fr.result_table(minimal), category="toxicity")
    assert wide.columns.tolist() == [
        fr.SETTING_LABEL,
        fr.COHORT_LABEL,
        fr.N,
        "Grade 3-4 toxicity",
        "Overall response",
    ]
    assert wide.iloc[0].tolist() == [
        "Relapsed disease X",
        "Series B",
        "not reported",
        "more than 50% (a majority)",
        "up to 70%",
    ]


def test_source_table_counts_numbers_and_known_n(minimal):
    sources = fr.source_table(minimal).set_index(fr.SOURCE)
    assert sources.loc["trial_a", "numbers"] == 5  # 3 results, 1 comparison, 1 finding
    assert sources.loc["trial_a", "n_total"] == 198
    assert pd.isna(sources.loc["series_b", "n_total"])


def test_cohort_verdicts_rests_on_wins_then_setting_and_regimen(minimal):
    verdicts = fr.cohort_verdicts(minimal)
    assert verdicts["a_zeta"].id == "v1"
    assert "a_ctrl" not in verdicts  # comparator regimen not named by the verdict
    assert "b_zeta" not in verdicts  # other setting


def test_comparison_table_has_versus_labels(minimal):
    row = fr.comparison_table(minimal).iloc[0]
    assert row[fr.VERSUS_REGIMEN_SHORT] == "SoC"
    assert row[fr.MEASURE] == "hazard_ratio"
    assert (row[fr.CI_LOW], row[fr.CI_HIGH]) == (0.5, 0.9)


def test_sources_in_view_keeps_sources_with_cohorts(minimal):
    cohorts = fr.cohort_table(minimal)
    view = fr.sources_in_view(fr.source_table(minimal), cohorts[cohorts[fr.SETTING] == "relapsed"])
    assert view[fr.SOURCE].tolist() == ["series_b"]


@pytest.mark.parametrize(
    ("build", "contract"),
    [
        (fr.cohort_table, fr.COHORT_FRAME),
        (fr.result_table, fr.RESULT_FRAME),
        (fr.comparison_table, fr.COMPARISON_FRAME),
        (fr.finding_table, fr.FINDING_FRAME),
        (fr.verdict_table, fr.VERDICT_FRAME),
        (fr.source_table, fr.SOURCE_FRAME),
        (fr.coverage_table, fr.COVERAGE_FRAME),
    ],
)
def test_frame_columns_are_exactly_its_contract(build, contract, minimal):
    assert build(minimal).columns.tolist() == contract.names
    assert all(meaning.strip() for meaning in contract.columns.values())


def test_plane_table_columns_are_exactly_its_contract(minimal):
    plane = fr.plane_table(fr.result_table(minimal), harm="tox", benefit="orr", verdict_of={})
    assert plane.columns.tolist() == fr.PLANE_FRAME.names


def test_wilson_interval_agrees_with_statsmodels_on_a_grid():
    # The hand-written interval (kept off statsmodels for the landing page's import time)
    # must be the library's Wilson interval, clipping at 0 and 100 included.
    from statsmodels.stats.proportion import proportion_confint

    grid = [
        (events, n)
        for n in (1, 2, 5, 13, 30, 177, 1000)
        for events in range(0, n + 1, max(1, n // 12))
    ]
    grid += [(n, n) for n in (1, 2, 5, 13, 30, 177, 1000)]
    grid += [(107.97, 177), (0.5, 3)]  # fractional events, as derived from a reported rate
    for events, n in grid:
        ours = fr.wilson_interval(events, n)
        low, high = proportion_confint(events, n, alpha=0.05, method="wilson")
        assert ours[0] == pytest.approx(100 * low, abs=1e-9), (events, n)
        assert ours[1] == pytest.approx(100 * high, abs=1e-9), (events, n)


def test_result_table_rate_at_a_time_point_gets_no_computed_ci():
    ev = with_changes(
        [
            (
                "    unit: percent\n    better: higher",
                '    unit: percent\n    better: higher\n    timepoint: "2 years"',
            )
        ]
    )
    row = fr.result_table(ev).set_index(fr.KEY).loc["a_zeta/orr"]
    assert row[fr.CI_KIND] == fr.CI_NONE
    assert pd.isna(row[fr.CI_LOW])
