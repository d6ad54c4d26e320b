"""Certainty of evidence and absolute effects (evidence/grade.py), rule by rule.

Hand-built files of our own for each domain; the bundled file for the cases the issue names
(MM-009 response at a 10% baseline, MM-015 MPR-R vs MPR response, nothing authored).
"""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from typing import Any

import pytest
from conftest import BUNDLED, ROOT

from evidence import effects as fx
from evidence import grade
from evidence.models import Appraisal, Evidence


def file_with(
    results: list[dict[str, Any]],
    *,
    design: str = "randomized_phase3",
    appraisals: list[dict[str, Any]] | None = None,
    n: int = 500,
) -> Evidence:
    """One source, a drug arm 'a' against a control arm 'b', n patients each."""
    return Evidence.model_validate(
        {
            "format": 1,
            "title": "Grade",
            "summary": "A hand-built file for the certainty rules.",
            "settings": [{"id": "s", "label": "S", "short": "S", "disease": "d"}],
            "regimens": [
                {"id": "drug", "label": "Drug", "short": "D", "role": "investigational"},
                {"id": "control", "label": "Control", "short": "C", "role": "comparator"},
            ],
            "endpoints": [
                {"id": e, "label": e, "category": "response", "unit": "percent", "better": "higher"}
                for e in ("resp", "cr")
            ],
            "sources": [{"id": "t", "citation": "A trial", "short": "T", "design": design}],
            "cohorts": [
                {"id": "a", "source": "t", "setting": "s", "regimen": "drug", "label": "a", "n": n},
                {
                    "id": "b",
                    "source": "t",
                    "setting": "s",
                    "regimen": "control",
                    "label": "b",
                    "n": n,
                },
            ],
            "results": [{"reported_by": "primary", **r} for r in results],
            "appraisals": appraisals or [],
        }
    )


def arms(a: int, b: int, endpoint: str = "resp", n: int = 500) -> list[dict[str, Any]]:
    """Events a and b out of n each."""
    return [
        {"cohort": "a", "endpoint": endpoint, "value": 100 * a / n, "events": a},
        {"cohort": "b", "endpoint": endpoint, "value": 100 * b / n, "events": b},
    ]


def row_of(ev: Evidence, endpoint: str = "resp", **kwargs: Any):
    table = fx.effect_table(ev, **kwargs)
    return table[table[fx.ENDPOINT] == endpoint].iloc[0]


# ---------------------------------------------------------------- start and imprecision


def test_a_precise_randomised_comparison_with_nothing_judged_is_at_most_high():
    row = row_of(file_with(arms(300, 150)))  # 450 events, CI far from 0
    assert row[fx.CERTAINTY] == "high"
    assert row[fx.CERTAINTY_AT_MOST]
    assert "imprecision: not serious (computed" in row[fx.CERTAINTY_REASONS]
    for domain in ("risk of bias", "indirectness", "publication bias"):
        assert f"{domain}: not assessed" in row[fx.CERTAINTY_REASONS]
    assert "inconsistency: not applicable (one study)" in row[fx.CERTAINTY_REASONS]
    assert fx.certainty_words(row) == "⊕⊕⊕⊕ at most high"


@pytest.mark.parametrize(
    ("a", "b", "level", "said"),
    [
        (300, 150, "high", "not serious"),  # 450 events; CI excludes 0
        (60, 30, "moderate", "serious"),  # 90 events < 300; CI excludes 0
        (160, 150, "moderate", "serious"),  # 310 events; CI includes 0
        (22, 20, "low", "very serious"),  # RR CI 0.61-1.98 spans 0.75 and 1.25
        (140, 120, "moderate", "serious"),  # CI includes 0, 260 events: one level, not two
    ],
)
def test_imprecision_is_rated_down_by_the_ci_and_the_300_event_rule(a, b, level, said):
    row = row_of(file_with(arms(a, b)))
    assert row[fx.CERTAINTY] == level
    assert f"imprecision: {said} (computed" in row[fx.CERTAINTY_REASONS]


def test_a_non_randomised_pair_starts_low():
    row = row_of(file_with(arms(300, 150), design="phase2"))
    assert row[fx.CERTAINTY] == "low"
    assert row[fx.CERTAINTY_REASONS].startswith("starts low (not randomised)")


def test_without_an_interval_imprecision_is_rated_down_never_rewarded():
    results = [
        {"cohort": "a", "endpoint": "resp", "value": 60},
        {"cohort": "b", "endpoint": "resp", "value": 30},
    ]
    doc = file_with(results).model_dump(exclude_none=True)
    for cohort in doc["cohorts"]:
        del cohort["n"]  # n not reported: no interval
    row = row_of(Evidence.model_validate(doc))
    assert (
        "imprecision: serious (computed: no 95% CI: n not reported)" in (row[fx.CERTAINTY_REASONS])
    )
    assert row[fx.CERTAINTY] == "moderate"  # never higher than with the counts known


# ---------------------------------------------------------------- judged domains


def judged(domain: str, rating: str, **where: str) -> dict[str, Any]:
    return {"source": "t", "domain": domain, "rating": rating, "reason": "Why.", **where}


@pytest.mark.parametrize(
    ("domain", "rating", "level"),
    [
        ("risk_of_bias", "serious", "moderate"),
        ("risk_of_bias", "very_serious", "low"),
        ("indirectness", "serious", "moderate"),
        ("publication_bias", "very_serious", "low"),
        ("risk_of_bias", "not_serious", "high"),
    ],
)
def test_each_judged_domain_moves_the_level_and_says_it_was_judged(domain, rating, level):
    row = row_of(file_with(arms(300, 150), appraisals=[judged(domain, rating)]))
    assert row[fx.CERTAINTY] == level
    words = domain.replace("_", " ")
    assert f"{words}: " in row[fx.CERTAINTY_REASONS]
    assert "(judged: Why.)" in row[fx.CERTAINTY_REASONS]
    assert f"{words}: not assessed" not in row[fx.CERTAINTY_REASONS]


def test_every_domain_judged_makes_the_level_final_not_a_ceiling():
    appraisals = [judged(d, "not_serious") for d in grade.JUDGED if d != "rate_up"]
    row = row_of(file_with(arms(300, 150), appraisals=appraisals))
    assert not row[fx.CERTAINTY_AT_MOST]
    assert fx.certainty_words(row) == "⊕⊕⊕⊕ high"


def test_a_judged_domain_beyond_grades_five_rates_the_level_down_too(monkeypatch):
    # A word added to vocabulary.DOMAIN is offered by the appraisal form and accepted in a
    # file; its judgement must move the certainty, not vanish from it.
    monkeypatch.setattr(grade, "JUDGED", (*grade.JUDGED, "selective_reporting"))
    appraisal = Appraisal.model_construct(
        source="t",
        cohort=None,
        versus=None,
        endpoint=None,
        domain="selective_reporting",
        rating="very_serious",
        reason="Only responders were reported.",
        by=None,
    )
    rated = grade.rate(
        randomised=True,
        interval=(20.0, 40.0),
        null=0.0,
        events=450,
        appraisals=[appraisal],
        cohort="a",
        versus="b",
        endpoint="resp",
    )
    assert rated.level == "low"  # high, two levels down
    said = "selective reporting: very serious (judged: Only responders were reported.)"
    assert said in rated.reasons
    assert said in rated.footnote


def test_rate_up_raises_a_non_randomised_comparison_and_levels_stay_within_the_scale():
    up = row_of(file_with(arms(300, 150), design="phase2",
                          appraisals=[judged("rate_up", "rate_up_two")]))  # fmt: skip
    assert up[fx.CERTAINTY] == "high"
    assert "reasons to rate up" in up[fx.CERTAINTY_REASONS]
    down = row_of(file_with(arms(22, 20), design="phase2",
                            appraisals=[judged("risk_of_bias", "very_serious")]))  # fmt: skip
    assert down[fx.CERTAINTY] == "very_low"  # low - 2 - 2, floored


def test_the_most_specific_judgement_of_a_domain_wins():
    appraisals = [
        judged("risk_of_bias", "very_serious"),  # the whole source
        judged("risk_of_bias", "not_serious", cohort="b", versus="a", endpoint="cr"),
    ]
    ev = file_with([*arms(300, 150), *arms(300, 150, "cr")], appraisals=appraisals)
    assert row_of(ev, "cr")[fx.CERTAINTY] == "high"  # one comparison, one outcome
    assert row_of(ev, "resp")[fx.CERTAINTY] == "low"  # the source's judgement


def test_a_rating_that_does_not_fit_its_domain_is_refused():
    with pytest.raises(ValueError, match="does not fit the domain"):
        file_with(arms(300, 150), appraisals=[judged("risk_of_bias", "rate_up_one")])
    with pytest.raises(ValueError, match="does not fit the domain"):
        file_with(arms(300, 150), appraisals=[judged("rate_up", "serious")])


def test_an_appraisal_of_another_sources_cohort_or_a_half_named_pair_is_refused():
    with pytest.raises(ValueError, match="names both its cohort and its versus"):
        file_with(arms(300, 150), appraisals=[judged("risk_of_bias", "serious", cohort="a")])
    with pytest.raises(ValueError, match="a second judgement"):
        file_with(arms(300, 150), appraisals=[judged("indirectness", "serious")] * 2)


def test_groups_formed_after_treatment_get_no_rating():
    doc = file_with(arms(300, 150)).model_dump(exclude_none=True)
    doc["cohorts"][0]["allocation"] = "post_treatment"
    row = row_of(Evidence.model_validate(doc))
    assert isinstance(row[fx.CERTAINTY], float)  # NaN: not rated
    assert math.isnan(row[fx.CERTAINTY])
    assert row[fx.CERTAINTY_REASONS].startswith("not rated: The groups were formed after")
    assert math.isnan(row[fx.ASSUMED])


# ---------------------------------------------------------------- absolute effects


def test_absolute_effects_default_to_the_comparator_and_follow_a_baseline():
    ev = file_with(arms(100, 50))  # 20% vs 10%: RR 2
    row = row_of(ev)
    assert row[fx.ASSUMED_FROM] == fx.ASSUMED_COMPARATOR
    assert row[fx.ASSUMED] == pytest.approx(100.0)
    assert row[fx.CORRESPONDING] == pytest.approx(200.0)
    at = row_of(ev, baseline=30.0)
    assert at[fx.ASSUMED_FROM] == fx.ASSUMED_BASELINE
    assert at[fx.CORRESPONDING] == pytest.approx(300 * row[fx.RATIO])
    assert at[fx.CORRESPONDING_LOW] == pytest.approx(300 * row[fx.RATIO_LOW])
    assert at[fx.CORRESPONDING_HIGH] == pytest.approx(300 * row[fx.RATIO_HIGH])
    assert not at[fx.CAPPED]


def test_a_corresponding_risk_past_1000_is_capped_and_says_so():
    capped = grade.absolute(60.0, 2.0, 1.5, 2.5)
    assert (capped.corresponding, capped.low, capped.high) == (1000.0, 900.0, 1000.0)
    assert capped.capped
    within = grade.absolute(10.0, 2.0, 1.5, 2.5)
    assert (within.corresponding, within.low, within.high, within.capped) == (200, 150, 250, False)


def test_a_baseline_per_endpoint_leaves_the_other_outcomes_at_the_comparator():
    table = fx.with_baseline(
        fx.effect_table(file_with([*arms(100, 50), *arms(100, 50, "cr")])), {"cr": 5.0}
    ).set_index(fx.ENDPOINT)
    assert table.loc["cr", fx.ASSUMED] == pytest.approx(50.0)
    assert table.loc["resp", fx.ASSUMED_FROM] == fx.ASSUMED_COMPARATOR


def test_no_absolute_effect_for_reported_hazard_ratios(bundled):
    reported = bundled.effects[bundled.effects[fx.BASIS] == fx.BASIS_REPORTED]
    assert reported[fx.ASSUMED].isna().all()
    assert reported[fx.CORRESPONDING].isna().all()


# ---------------------------------------------------------------- the bundled file


def cli_rows(*args: str) -> list[dict[str, str]]:
    done = subprocess.run(
        [sys.executable, "-m", "evidence", "effects", str(BUNDLED), "--csv", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return list(csv.DictReader(io.StringIO(done.stdout)))


@pytest.mark.slow  # a command in a subprocess
def test_cli_mm009_response_at_a_10_percent_baseline_is_1000_x_010_x_rr():
    rows = cli_rows("--baseline-risk", "10")
    row = next(r for r in rows if (r["cohort"], r["endpoint"]) == ("mm009_rd", "orr"))
    assert float(row["assumed_per_1000"]) == pytest.approx(100.0)
    assert float(row["corresponding_per_1000"]) == pytest.approx(100 * float(row["ratio"]))
    assert float(row["corresponding_low"]) == pytest.approx(100 * float(row["ratio_low"]))
    assert float(row["corresponding_high"]) == pytest.approx(100 * float(row["ratio_high"]))
    assert round(float(row["corresponding_per_1000"])) == 307
    for column in ("certainty", "certainty_reasons"):
        assert column in row
    default = next(r for r in cli_rows() if (r["cohort"], r["endpoint"]) == ("mm009_rd", "orr"))
    assert float(default["assumed_per_1000"]) == pytest.approx(199.0)  # stated 19.9%


def test_cli_refuses_a_baseline_outside_0_to_100():
    done = subprocess.run(
        [sys.executable, "-m", "evidence", "effects", str(BUNDLED), "--baseline-risk", "120"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "120 is not a percentage between 0 and 100" in done.stderr


def test_mm015_response_with_a_ci_through_zero_is_not_high_and_names_imprecision(bundled):
    effects = bundled.effects.set_index([fx.COHORT, fx.VERSUS, fx.ENDPOINT])
    row = effects.loc[("mm015_mprr", "mm015_mpr", "orr")]
    assert row[fx.CERTAINTY] != "high"
    assert (
        "imprecision: serious (computed: the 95% CI includes no effect"
        in (row[fx.CERTAINTY_REASONS])
    )


def test_bundled_ratings_all_say_which_domains_were_not_assessed(bundled):
    assert not bundled.evidence.appraisals  # nothing is made up for the bundled file
    rated = bundled.effects[bundled.effects[fx.CERTAINTY].notna()]
    assert len(rated) >= 15
    assert rated[fx.CERTAINTY_AT_MOST].all()
    for reasons in rated[fx.CERTAINTY_REASONS]:
        for domain in ("risk of bias", "indirectness", "publication bias"):
            assert f"{domain}: not assessed" in reasons


def test_an_appraisal_round_trips_through_yaml_and_the_workbook():
    from evidence.loader import parse_evidence
    from evidence.workbook import read_workbook, write_workbook
    from evidence.writer import dump_yaml

    ev = file_with(arms(300, 150), appraisals=[judged("risk_of_bias", "serious", by="Club")])
    again = parse_evidence(dump_yaml(ev).encode("utf-8"), "again.yaml")
    assert again.appraisals == ev.appraisals
    book = read_workbook(write_workbook(ev), "again.xlsx", max_bytes=2_000_000)
    assert book.appraisals == ev.appraisals
    assert row_of(book)[fx.CERTAINTY] == row_of(ev)[fx.CERTAINTY] == "moderate"
    assert isinstance(book.appraisals[0], Appraisal)


@pytest.mark.slow  # draws the whole deck
def test_deck_summary_of_findings_shows_mm009_response_at_a_10_percent_baseline(bundled):
    import io

    from pptx import Presentation

    from components.export import files
    from components.loaded import Filters

    data = files.view_deck(bundled, Filters(), images=False, baselines=(("orr", 10.0),))
    cells = [
        cell.text
        for slide in Presentation(io.BytesIO(data)).slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    assert "100 → 307 (223 to 422), your baseline ‡" in cells
    assert any(c.startswith("⊕⊕⊕◯ at most moderate") for c in cells)


@pytest.mark.slow  # an export command end to end
def test_export_command_applies_a_baseline_to_the_effects_csv(tmp_path):
    from components.export.names import EFFECTS_NAME

    done = subprocess.run(
        [sys.executable, "-m", "components.export", "--formats", "csv", "--baseline-risk", "10",
         "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / EFFECTS_NAME).read_text("utf-8"))))
    rated = [r for r in rows if r["corresponding_per_1000"]]
    assert rated
    assert {float(r["assumed_per_1000"]) for r in rated} == {100.0}
    assert {r["assumed_from"] for r in rated} == {"baseline"}


def test_rate_up_applies_only_to_evidence_that_starts_low_and_was_not_rated_down():
    randomised = row_of(file_with(arms(300, 150), appraisals=[judged("rate_up", "rate_up_two")]))
    assert randomised[fx.CERTAINTY] == "high"
    assert "reasons to rate up" in randomised[fx.CERTAINTY_REASONS]
    assert "not applicable (only for evidence that starts low" in randomised[fx.CERTAINTY_REASONS]
    imprecise = row_of(file_with(arms(22, 20), design="phase2",
                                 appraisals=[judged("rate_up", "rate_up_two")]))  # fmt: skip
    assert imprecise[fx.CERTAINTY] == "very_low"  # rated down: rating up does not apply


def test_a_reported_ci_that_is_not_95_percent_leaves_imprecision_not_assessed():
    from evidence.grade import rate

    rated = rate(randomised=True, interval=(0.5, 0.9), null=1.0, events=None, appraisals=(),
                 cohort="a", versus="b", endpoint="e", ci_level=90.0)  # fmt: skip
    assert "imprecision: not assessed (a 90% CI, not a 95% one)" in rated.reasons
    assert rated.at_most
