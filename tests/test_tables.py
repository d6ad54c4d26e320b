from __future__ import annotations

import pandas as pd
import pytest

from components import registry, tables
from components.loaded import Filters
from evidence import effects as fx
from evidence import frames as fr


def test_chart_summary_counts_figures_cohorts_sources_and_settings():
    table = pd.DataFrame(
        {
            fr.COHORT: ["a", "a", "b", "c"],
            fr.SOURCE: ["s1", "s1", "s1", "s2"],
            fr.SETTING: ["x", "x", "y", "y"],
        }
    )
    assert tables.chart_summary("Response", table, listed_in="the table below") == (
        "Chart “Response”: 4 figures from 3 cohorts, 2 sources and 2 settings; "
        "the table below lists every one."
    )


def test_chart_summary_singular_and_without_a_table_to_point_to():
    table = pd.DataFrame({fr.COHORT: ["a"], fr.SOURCE: ["s1"], fr.SETTING: ["x"]})
    assert tables.chart_summary("T", table) == (
        "Chart “T”: 1 figure from 1 cohort, 1 source and 1 setting."
    )


@pytest.mark.parametrize(
    ("title", "columns", "sentence"),
    [
        (
            "Benefit and harm",  # a comparison: both arms are cohorts, rows are outcomes
            {fr.COHORT: ["rd", "rd"], fr.VERSUS: ["dex", "dex"], fr.SOURCE: ["s1", "s1"],
             fr.SETTING: ["x", "x"], fx.DIFFERENCE: [10.0, -3.0]},
            "Chart “Benefit and harm”: 2 outcomes from 2 cohorts, 1 source and 1 setting.",
        ),
        (
            "Plane",  # the plane: one point per cohort
            {fr.COHORT: ["a", "b"], fr.SOURCE_SHORT: ["Doe 2020", "Roe 2021"],
             fr.SETTING: ["x", "x"], fr.HARM_VALUE: [10.0, 20.0]},
            "Chart “Plane”: 2 cohorts (one point each) from 2 sources and 1 setting.",
        ),
    ],
    ids=["comparison-counts-both-arms", "plane-points-are-cohorts"],
)  # fmt: skip
def test_chart_summary_names_what_each_kind_of_chart_draws(title, columns, sentence):
    assert tables.chart_summary(title, pd.DataFrame(columns)) == sentence


@pytest.mark.parametrize("chart", [c for c in registry.CHARTS if c.key != "profile"])
def test_chart_summary_of_every_bundled_chart_is_one_sentence_with_its_row_count(chart, bundled):
    for spec in chart.specs(bundled, Filters()):
        sentence = tables.chart_summary(spec.title, spec.table, listed_in="the table")
        assert sentence.startswith(f"Chart “{spec.title}”: {len(spec.table)} ")
        assert sentence.count(".") - spec.title.count(".") == 1
        assert sentence.endswith("lists every one.")


def test_chart_caption_names_sources_then_note_and_keeps_a_note_without_sources():
    from components.specs import ChartSpec

    def spec(table: pd.DataFrame, note: str) -> ChartSpec:
        return ChartSpec(
            key="k", title="T", figure=None, table=table, columns={}, filename="f", note=note
        )

    rows = pd.DataFrame({fr.SOURCE_SHORT: ["Roe 2021", "Doe 2020", "Roe 2021"]})
    assert spec(rows, "Cross-trial.").caption() == "Sources: Roe 2021; Doe 2020. Cross-trial."
    # The presentation view once dropped the note when no source was named.
    assert spec(pd.DataFrame(), "Nothing to pair.").caption() == "Nothing to pair."
    assert spec(pd.DataFrame(), "").caption() == ""


@pytest.mark.parametrize(("key", "column"), [("design", fr.DESIGN), ("reported", fr.REPORTED_BY)])
def test_evidence_grid_counts_only_what_a_filter_beyond_setting_and_regimen_keeps(
    bundled, key, column
):
    # The coverage frame has no design and no reporter: the grid once counted every cohort
    # and headlined any figure while its subtitle said "Study design: Phase 1/2".
    from components.specs import coverage_in_view

    for word in dict.fromkeys(bundled.results[column]):
        filters = Filters.of(**{key: (word,)})
        grid = coverage_in_view(bundled, filters)
        kept = grid[grid[fr.COHORTS] > 0]
        assert 0 < kept[fr.COHORTS].sum() < bundled.coverage[fr.COHORTS].sum(), word
        pairs = set(zip(kept[fr.SETTING], kept[fr.REGIMEN], strict=True))
        cohorts = filters.apply(bundled.cohorts)
        assert pairs <= set(zip(cohorts[fr.SETTING], cohorts[fr.REGIMEN], strict=True)), word
        results = filters.apply(bundled.results)
        if key == "reported":  # a filter on figures: a pair counts only with a figure in view
            figures = [filters.apply(f) for f in (results, bundled.comparisons, bundled.findings)]
            assert pairs <= {
                pair for f in figures for pair in zip(f[fr.SETTING], f[fr.REGIMEN], strict=True)
            }
        assert set(grid[fr.HEADLINE_VALUE].dropna()) <= set(results[fr.VALUE_TEXT]), word


def test_evidence_grid_without_such_a_filter_is_the_loaded_grid(bundled):
    from components.specs import coverage_in_view

    filters = Filters.of(setting=(bundled.evidence.settings[0].id,), role=("comparator",))
    assert coverage_in_view(bundled, filters).equals(filters.apply(bundled.coverage))


def test_a_results_table_shows_what_each_figure_is_and_the_figure_first(bundled):
    # A setting's long name first pushed the endpoint and the value past a laptop's right
    # edge (1440 px): the reader sees cohort, endpoint and value before scrolling.
    shown = tables.display(bundled.results, tables.RESULT_DISPLAY)
    assert list(shown.columns[:3]) == ["Cohort", "Endpoint", "Value as stated"]


def test_caveats_count_in_words_that_agree_with_the_count(bundled):
    unknown = bundled.results[~bundled.results[fr.N].map(fr.present)]
    assert len(unknown) >= 2
    assert "1 figure has no reported n" in tables.caveats(unknown.head(1))
    assert "2 figures have no reported n" in tables.caveats(unknown.head(2))
    assert not any("(s)" in line for line in tables.caveats(unknown))
    small = bundled.results[
        bundled.results[fr.N].map(lambda n: fr.present(n) and int(n) < fr.SMALL_N_THRESHOLD)
    ]
    assert "1 comes from cohorts under" in " ".join(tables.caveats(small.head(1)))
    assert "2 come from cohorts under" in " ".join(tables.caveats(small.head(2)))


def test_shared_count_sentences_agree_with_their_count():
    # One phrasing for the page, the chart notes, the verdict cards and the view's caveats
    from components import words

    assert words.editorial_only(1) == "1 figure is stated only by the editorial"
    assert words.editorial_only(3) == "3 figures are stated only by the editorial"
    assert words.off_plane(1).startswith("1 cohort reports other endpoints and is not shown")
    assert words.off_plane(2).startswith("2 cohorts report other endpoints and are not shown")
