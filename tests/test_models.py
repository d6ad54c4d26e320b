"""Model tests: the rules of consistency_problems at their boundaries, and model invariants."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import MINIMAL
from pydantic import ValidationError

from evidence.models import (
    PERCENT_TOLERANCE,
    ConsistencyError,
    Evidence,
    consistency_problems,
    count_ids,
    result_key,
)


@pytest.fixture
def minimal() -> Evidence:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    return Evidence.model_validate(data)


def with_result(ev: Evidence, index: int, **changes: Any) -> Evidence:
    """A copy of ``ev`` with one result changed, skipping validation (model_copy)."""
    results = list(ev.results)
    results[index] = results[index].model_copy(update=changes)
    return ev.model_copy(update={"results": tuple(results)})


def problem_rows(ev: Evidence) -> list[tuple[tuple[str | int, ...], str]]:
    return [(p.path, p.code) for p in consistency_problems(ev)]


def test_evidence_valid_minimal_has_no_consistency_problems(minimal: Evidence) -> None:
    assert problem_rows(minimal) == []
    assert count_ids(minimal) == {
        "settings": 3,
        "regimens": 2,
        "endpoints": 3,
        "sources": 2,
        "cohorts": 3,
        "results": 5,
        "comparisons": 1,
        "findings": 1,
        "verdicts": 1,
        "appraisals": 0,
    }


@pytest.mark.parametrize(("value", "flagged"), [(0.0, False), (100.0, False), (100.5, True)])
def test_consistency_problems_percent_bounds_are_inclusive(
    minimal: Evidence, value: float, flagged: bool
) -> None:
    ev = with_result(minimal, 2, value=value)  # b_zeta/orr: percent, no events
    expected = [(("results", 2, "value"), "percent_out_of_range")] if flagged else []
    assert problem_rows(ev) == expected


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        (29.6, False),
        (29.6 + PERCENT_TOLERANCE - 0.05, False),
        (29.6 + PERCENT_TOLERANCE + 0.1, True),
    ],
)
def test_consistency_problems_events_tolerance_is_one_point(
    minimal: Evidence, value: float, flagged: bool
) -> None:
    ev = with_result(minimal, 1, value=value)  # a_ctrl/orr: 29 of 98 = 29.59%
    expected = [(("results", 1, "value"), "value_disagrees_with_events")] if flagged else []
    assert problem_rows(ev) == expected


def test_consistency_problems_non_exact_qualifier_skips_the_events_check(
    minimal: Evidence,
) -> None:
    ev = with_result(minimal, 1, value=45.0, qualifier="approximately")
    assert problem_rows(ev) == []


def test_consistency_problems_result_n_overrides_cohort_n(minimal: Evidence) -> None:
    # 60 events of the cohort's 100 agree with 60%; of a result-level n of 50 they exceed it.
    assert problem_rows(with_result(minimal, 0, n=50)) == [
        (("results", 0, "events"), "events_exceed_n")
    ]


def test_consistency_problems_difference_may_be_negative(minimal: Evidence) -> None:
    cmp = minimal.comparisons[0].model_copy(
        update={"measure": "difference", "value": -2.0, "ci": (-3.0, -1.0)}
    )
    ev = minimal.model_copy(update={"comparisons": (cmp,)})
    assert problem_rows(ev) == []


def test_consistency_problems_rests_on_may_name_a_comparison_or_finding(
    minimal: Evidence,
) -> None:
    verdict = minimal.verdicts[0].model_copy(update={"rests_on": ("a_zeta/os", "a_zeta/tox")})
    ev = minimal.model_copy(update={"verdicts": (verdict,)})
    assert problem_rows(ev) == []
    assert result_key("a_zeta", "tox") == "a_zeta/tox"


def test_evidence_validate_raises_every_consistency_problem_at_once() -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["cohorts"][2]["source"] = "nowhere"
    data["results"][4]["ci"] = [30.0, 20.0]
    with pytest.raises(ValidationError) as info:
        Evidence.model_validate(data)
    error = info.value.errors()[0]["ctx"]["error"]
    assert isinstance(error, ConsistencyError)
    assert [(p.path, p.code) for p in error.problems] == [
        (("cohorts", 2, "source"), "unknown_reference"),
        (("results", 4, "ci"), "ci_order"),
    ]


def test_evidence_models_are_frozen(minimal: Evidence) -> None:
    with pytest.raises(ValidationError):
        minimal.results[0].value = 1.0  # type: ignore[misc]


def test_evidence_ids_are_strict_strings() -> None:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["settings"][2]["id"] = 7
    with pytest.raises(ValidationError) as info:
        Evidence.model_validate(data)
    assert [e["loc"] for e in info.value.errors()] == [("settings", 2, "id")]


def with_subgroup(ev: Evidence, index: int, parent: str) -> Evidence:
    cohorts = list(ev.cohorts)
    cohorts[index] = cohorts[index].model_copy(update={"subgroup_of": parent})
    return ev.model_copy(update={"cohorts": tuple(cohorts)})


@pytest.mark.parametrize(
    ("index", "parent", "code"),
    [
        (2, "a_zeta", "cross_source_comparison"),  # series_b's cohort, trial_a's parent
        (1, "nobody", "unknown_reference"),
        (1, "a_ctrl", "self_comparison"),
    ],
)
def test_subgroup_must_be_of_a_cohort_of_its_own_source(minimal, index, parent, code):
    assert problem_rows(with_subgroup(minimal, index, parent)) == [
        (("cohorts", index, "subgroup_of"), code)
    ]


def test_subgroup_of_a_cohort_of_its_own_source_is_valid(minimal):
    assert problem_rows(with_subgroup(minimal, 1, "a_zeta")) == []
