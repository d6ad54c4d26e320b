"""The YAML writer: what it writes loads back to an equal model, and reads like the docs' file."""

from __future__ import annotations

from pathlib import Path

import pytest
import strategies
import yaml
from conftest import FIXTURES, ROOT
from hypothesis import given, settings

from evidence import fields
from evidence.loader import load_evidence, parse_evidence
from evidence.models import Evidence
from evidence.writer import WIDTH, dump_yaml, number, quoted

VALID = {
    "bundled": ROOT / "data" / "evidence.yaml",
    "template": ROOT / "data" / "template.yaml",
    "valid_minimal": FIXTURES / "valid_minimal.yaml",
    "valid_sparse": FIXTURES / "valid_sparse.yaml",
    "valid_every_field": FIXTURES / "valid_every_field.yaml",
}
EVERY_FIELD = VALID["valid_every_field"]

FAST = settings(strategies.STEADY, max_examples=150)


def round_trip(evidence: Evidence) -> Evidence:
    return parse_evidence(dump_yaml(evidence).encode("utf-8"), "written.yaml")


@pytest.mark.parametrize("path", VALID.values(), ids=VALID.keys())
def test_dump_yaml_loads_back_to_an_equal_model(path: Path) -> None:
    evidence = load_evidence(path)
    assert round_trip(evidence) == evidence


def test_valid_every_field_fixture_sets_every_optional_field() -> None:
    # Guards the round trips: a new optional field must be added to the fixture too.
    evidence = load_evidence(EVERY_FIELD)
    unset = []
    for spec in fields.file_fields():
        value: object = evidence
        for part in spec.path:
            value = getattr(value, part)
        if value is None:
            unset.append(spec.name)
    for kind in fields.list_specs():
        items = getattr(evidence, kind.name)
        for spec in kind.fields:
            if not spec.required and not any(spec.name in i.model_fields_set for i in items):
                unset.append(f"{kind.name}.{spec.name}")
    assert unset == []


@pytest.mark.slow  # property-based: many generated examples
@given(strategies.evidence())
@FAST
def test_dump_yaml_round_trips_any_text_and_numbers(evidence: Evidence) -> None:
    assert round_trip(evidence) == evidence


def test_dump_yaml_keys_follow_the_models_field_order() -> None:
    text = dump_yaml(load_evidence(EVERY_FIELD))
    doc = yaml.safe_load(text)
    assert list(doc) == [f for f in Evidence.model_fields if f in doc]
    for kind in fields.list_specs():
        order = [spec.name for spec in kind.fields]
        for item in doc.get(kind.name, []):
            assert list(item) == [f for f in order if f in item], kind.name


def test_dump_yaml_quotes_free_text_and_leaves_ids_and_words_plain() -> None:
    text = dump_yaml(load_evidence(EVERY_FIELD))
    lines = text.splitlines()
    for expected in [
        "format: 1",
        "updated: 2026-02-28",
        '  - id: "2013"',  # digits would load as a number
        "  - id: w_first",
        '    label: "First-line disease W"',
        '    short: "2013"',
        '    pmid: "18032763"',
        "    design: randomized_phase3",
        "    regimens: [q_d, obs]",
        "    rests_on: [q_arm/orr, q_arm/pfs]",
        '    agents: ["drug Q", "dexamethasone", "an agent; with a semicolon", '
        '"a \\"quoted\\" agent"]',
        "    agents: []",  # stated in the file, so written
        "    value: 61.0",
        "    value: 0.30000000000000004",
        "    ci: [1.0e-05, 20.0]",
        "    median_age: 67.0",
        "    qualifier: exact",  # stated in the file
        '    note: "=not a formula, just text that starts with an equals sign"',
    ]:
        assert expected in lines, expected


def test_dump_yaml_leaves_out_absent_values_and_unstated_defaults() -> None:
    text = dump_yaml(load_evidence(VALID["valid_minimal"]))
    assert "null" not in text
    assert "qualifier: exact" not in text
    assert "n_reported_by" not in text
    assert "rests_on: []" not in text


def test_dump_yaml_writes_a_list_stated_empty() -> None:
    data = load_evidence(VALID["valid_sparse"]).model_dump(exclude_unset=True)
    evidence = Evidence.model_validate({**data, "sources": [], "verdicts": []})
    text = dump_yaml(evidence)
    assert "\nsources: []\n" in text
    assert round_trip(evidence) == evidence


def test_dump_yaml_folds_long_text_and_the_folds_read_as_spaces() -> None:
    evidence = load_evidence(VALID["bundled"])
    text = dump_yaml(evidence)
    assert max(len(line) for line in text.splitlines()) <= WIDTH + 40  # an unbreakable word
    assert text.startswith("# Evidence file, format 1")
    assert round_trip(evidence).summary == evidence.summary


@pytest.mark.parametrize(
    "word",
    [
        "yes",
        "no",
        "on",
        "off",
        "y",
        "null",
        "true",
        "2013",
        "1e5",
        "0o14",
        "0x1f",
        "1_000",
        "2020-01-01",
        "1-2",
        "nan",
        "inf",
        "0",
    ],
)
def test_dump_yaml_quotes_an_id_that_yaml_would_read_as_another_type(word: str) -> None:
    base = load_evidence(EVERY_FIELD)
    data = base.model_dump()
    data["settings"][1]["id"] = word
    evidence = Evidence.model_validate(data)
    text = dump_yaml(evidence)
    assert round_trip(evidence) == evidence
    # Any YAML reader, YAML 1.1 ones included, reads the same text.
    assert yaml.safe_load(text)["settings"][1]["id"] == word


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (61.0, "61.0"),
        (0.42, "0.42"),
        (1e16, "1.0e+16"),
        (1e-05, "1.0e-05"),
        (2.5e-07, "2.5e-07"),
        (-0.0, "-0.0"),
        (5e-324, "5.0e-324"),
    ],
)
def test_number_is_short_exact_and_a_yaml_1_1_float(value: float, expected: str) -> None:
    assert number(value) == expected
    assert yaml.safe_load(f"x: {expected}")["x"] == value


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'a "quote"',
        "back\\slash",
        "tab\there",
        "nel\x85",
        "ls\u2028",
        "bom\ufeff",
        "nul\x00",
        "del\x7f",
        "emoji 🙂",
    ],
)
def test_quoted_text_reads_back_unchanged(text: str) -> None:
    assert yaml.safe_load(f"x: {quoted(text)}")["x"] == text
