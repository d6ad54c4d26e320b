"""Loader tests: every bad fixture reports exactly its (location, line, code) rows.

Each ``tests/fixtures/bad_*.yaml`` is ``valid_minimal.yaml`` with one defect, named on its first
line (the ``.bin`` ones are tiny files of their own). Hostile inputs (alias bombs, deep nesting,
over-size files) are generated into ``tmp_path`` so that no editor or linter trips on them.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import BUNDLED, FIXTURES, MINIMAL, line_of, position

from evidence.loader import (
    DEFAULT_MAX_BYTES,
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_PROBLEMS,
    EvidenceError,
    LoadProblem,
    load_evidence,
    load_evidence_bytes,
    parse_evidence,
)
from evidence.models import Evidence

# Local on purpose: tests/conftest.py belongs to the app tests and may change under us.

# "Well under a second" of CPU time for hostile input: process time, not wall-clock time, so a
# busy machine (another job beside the suite) cannot fail it; wall-clock targets live in
# benchmarks/.
HOSTILE_SECONDS = 1.0

Row = tuple[str, int | None, str]


def rows(exc: EvidenceError) -> list[Row]:
    """Flatten an EvidenceError into (location, line, code) rows, in reported order."""
    return [(p.location, p.line, p.code) for p in exc.problems]


def load_rows(path: Path) -> list[Row]:
    with pytest.raises(EvidenceError) as info:
        load_evidence(path)
    return rows(info.value)


def minimal_with(old: str, new: str) -> bytes:
    """valid_minimal.yaml with one exact text replaced (which must occur exactly once)."""
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in valid_minimal.yaml"
    return text.replace(old, new).encode()


# --------------------------------------------------------------------------- fixture table

# Where each problem is: the text of its line (the nth line holding it, when several do), so
# that a line added to a fixture moves nothing; a number only for the start of a file.
Where = int | str | bytes | tuple[str, int]
BAD_FIXTURES: list[tuple[str, list[tuple[str, Where, str]]]] = [
    # Bytes and YAML syntax: refused before any field is looked at.
    ("bad_empty.yaml", [("", 1, "empty_file")]),
    ("bad_comment_only.yaml", [("", 1, "empty_file")]),
    ("bad_not_utf8.bin", [("", b'title: "Caf\xe9 study"', "not_utf8")]),
    ("bad_binary.bin", [("", b"IHDR", "binary_file")]),
    ("bad_yaml_syntax.yaml", [("", "role: investigational", "yaml_syntax")]),
    ("bad_tab_indentation.yaml", [("", 'label: "Zetamab"', "tab_indentation")]),
    ("bad_multi_document.yaml", [("", "---", "yaml_syntax")]),
    ("bad_top_level_list.yaml", [("", "- format: 1", "not_a_mapping")]),
    ("bad_top_level_scalar.yaml", [("", "format 1 title Zetamab", "not_a_mapping")]),
    # Plain YAML only.
    (
        "bad_python_tag.yaml",
        [
            (
                "regimens[0].agents",
                'agents: !!python/object/apply:os.system ["touch evidence_tag_marker"]',
                "unsafe_tag",
            )
        ],
    ),
    (
        "bad_custom_tag.yaml",
        [("title", 'title: !shout "Zetamab in two imaginary settings"', "unsafe_tag")],
    ),
    ("bad_key_tag.yaml", [("cohorts[0]", "!count n: 100", "unsafe_tag")]),
    ("bad_merge_key.yaml", [("regimens[1]", "<<: *zeta_fields", "merge_key")]),
    ("bad_duplicate_key.yaml", [("regimens[0].label", 'label: "Zetamab again"', "duplicate_key")]),
    # Fields and types.
    (
        "bad_unknown_field.yaml",
        [
            ("settings[0].label", "- id: first_line", "missing_field"),
            ("settings[0].lable", 'lable: "First-line disease X"', "unknown_field"),
        ],
    ),
    ("bad_missing_field.yaml", [("results[1].reported_by", "- cohort: a_ctrl", "missing_field")]),
    ("bad_string_for_number.yaml", [("results[4].value", "value: twenty-four", "wrong_type")]),
    ("bad_string_for_count.yaml", [("results[1].events", 'events: "29"', "wrong_type")]),
    ("bad_unquoted_pmid.yaml", [("sources[0].pmid", "pmid: 12345678", "wrong_type")]),
    ("bad_sexagesimal.yaml", [("results[4].value", "value: 1:30", "wrong_type")]),
    ("bad_nan_value.yaml", [("results[4].value", "value: .nan", "wrong_type")]),
    ("bad_not_allowed.yaml", [("endpoints[0].unit", "unit: percentage", "not_allowed")]),
    ("bad_out_of_range.yaml", [("cohorts[0].median_age", "median_age: 150", "out_of_range")]),
    ("bad_format_2.yaml", [("format", "format: 2", "unsupported_format")]),
    ("bad_date.yaml", [("updated", "updated: 2026-02-30", "wrong_type")]),
    ("bad_doi.yaml", [("sources[0].doi", 'doi: "doi.org/10.1000/xyz123"', "bad_doi")]),
    ("bad_url_javascript.yaml", [("sources[0].url", 'url: "javascript:alert(1)"', "bad_url")]),
    ("bad_bad_id.yaml", [("settings[2].id", "- id: Empty Setting", "bad_id")]),
    ("bad_ci_length.yaml", [("results[4].ci", "ci: [20.1]", "wrong_length")]),
    (
        "bad_settings_empty.yaml",
        [
            ("settings", "settings: []", "wrong_length"),
            # The cohorts and the verdict still name settings that are now nowhere.
            ("cohorts[0].setting", ("setting: first_line", 1), "unknown_reference"),
            ("cohorts[1].setting", ("setting: first_line", 2), "unknown_reference"),
            ("cohorts[2].setting", "setting: relapsed", "unknown_reference"),
            ("verdicts[0].setting", ("setting: first_line", 3), "unknown_reference"),
        ],
    ),
    # Ids and references.
    ("bad_duplicate_id.yaml", [("settings[2].id", ("- id: relapsed", 2), "duplicate_id")]),
    ("bad_unknown_source.yaml", [("cohorts[2].source", "source: series_c", "unknown_reference")]),
    ("bad_unknown_cohort.yaml", [("results[2].cohort", "- cohort: b_zeta2", "unknown_reference")]),
    (
        "bad_unknown_endpoint.yaml",
        [("results[3].endpoint", "endpoint: toxicity", "unknown_reference")],
    ),
    (
        "bad_unknown_setting.yaml",
        [("verdicts[0].setting", "setting: first-line", "unknown_reference")],
    ),
    (
        "bad_unknown_regimen.yaml",
        [("verdicts[0].regimens[1]", "regimens: [zeta, zeta_dex]", "unknown_reference")],
    ),
    (
        "bad_unknown_versus.yaml",
        [("comparisons[0].versus", "versus: a_control", "unknown_reference")],
    ),
    (
        "bad_unknown_rests_on.yaml",
        [("verdicts[0].rests_on[1]", 'rests_on: ["a_zeta/orr", "a_ctrl/os"]', "unknown_reference")],
    ),
    (
        "bad_bad_rests_on.yaml",
        [("verdicts[0].rests_on[1]", 'rests_on: ["a_zeta/orr", "a_zeta os"]', "bad_rests_on")],
    ),
    # Rules across fields.
    ("bad_percent_out_of_range.yaml", [("results[2].value", "value: 170", "percent_out_of_range")]),
    ("bad_events_exceed_n.yaml", [("results[1].events", "events: 129", "events_exceed_n")]),
    (
        "bad_value_disagrees.yaml",
        [("results[1].value", "value: 40.0", "value_disagrees_with_events")],
    ),
    ("bad_ci_order.yaml", [("results[4].ci", "ci: [30.0, 20.1]", "ci_order")]),
    ("bad_ci_excludes_value.yaml", [("results[4].ci", "ci: [25.0, 30.0]", "ci_excludes_value")]),
    ("bad_duplicate_result.yaml", [("results[3]", ("- cohort: b_zeta", 2), "duplicate_result")]),
    (
        "bad_cross_source_comparison.yaml",
        [("comparisons[0].versus", "versus: b_zeta", "cross_source_comparison")],
    ),
    ("bad_self_comparison.yaml", [("comparisons[0].versus", "versus: a_zeta", "self_comparison")]),
    (
        "bad_ratio_not_positive.yaml",
        [("comparisons[0].value", "value: -0.7", "ratio_not_positive")],
    ),
    # All problems at once: field errors and cross-reference errors in one report.
    (
        "bad_several_problems.yaml",
        [
            ("settings[0].label", "- id: first_line", "missing_field"),
            ("settings[0].lable", 'lable: "First-line disease X"', "unknown_field"),
            ("cohorts[2].source", "source: series_c", "unknown_reference"),
            ("results[1].reported_by", "- cohort: a_ctrl", "missing_field"),
            ("results[2].value", "value: 170", "percent_out_of_range"),
            ("results[3].endpoint", "endpoint: toxicity", "unknown_reference"),
            ("comparisons[0].versus", "versus: a_zeta", "self_comparison"),
            (
                "verdicts[0].rests_on[1]",
                'rests_on: ["a_zeta/orr", "a_ctrl/os"]',
                "unknown_reference",
            ),
        ],
    ),
]


@pytest.mark.parametrize(
    ("fixture", "expected"), BAD_FIXTURES, ids=[name for name, _ in BAD_FIXTURES]
)
def test_load_evidence_bad_fixture_reports_exact_rows(
    fixture: str, expected: list[tuple[str, Where, str]]
) -> None:
    path = FIXTURES / fixture

    def line(where: Where) -> int:
        if isinstance(where, int):
            return where
        return line_of(path, *where) if isinstance(where, tuple) else line_of(path, where)

    assert load_rows(path) == [(location, line(where), code) for location, where, code in expected]


def test_bad_fixtures_every_file_is_in_the_table() -> None:
    on_disk = {p.name for p in FIXTURES.glob("bad_*")} - {"bad_for_app.yaml"}  # the app's own
    assert on_disk == {name for name, _ in BAD_FIXTURES}


@pytest.mark.parametrize("fixture", [name for name, _ in BAD_FIXTURES])
def test_load_evidence_bad_fixture_problems_have_message_and_position(fixture: str) -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / fixture)
    assert info.value.name == str(FIXTURES / fixture)
    for problem in info.value.problems:
        assert problem.message.strip(), problem
        assert problem.line is not None, problem
        assert problem.line >= 1, problem


def test_load_evidence_several_problems_messages_name_the_cause() -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / "bad_several_problems.yaml")
    messages = [p.message for p in info.value.problems]
    assert "unknown field 'lable'; did you mean 'label'?" in messages
    assert "no source has id 'series_c'" in messages
    assert "170.0 is not a percentage between 0 and 100" in messages
    assert str(info.value).endswith(": 8 problems")


def test_parse_evidence_list_of_only_invalid_items_is_not_also_too_short() -> None:
    # The one setting lacks its label: that is the problem, not an empty settings list.
    text = (FIXTURES / "valid_sparse.yaml").read_text(encoding="utf-8")
    data = text.replace('    label: "First-line disease W"\n', "").encode()
    with pytest.raises(EvidenceError) as info:
        parse_evidence(data)
    assert rows(info.value) == [("settings[0].label", 6, "missing_field")]


def test_parse_evidence_rests_on_an_invalid_result_is_not_also_unknown() -> None:
    # results[0] (a_zeta/orr) has a bad value; the verdict resting on it names a real result.
    with pytest.raises(EvidenceError) as info:
        parse_evidence(minimal_with("    value: 60.0", '    value: "sixty"'))
    assert rows(info.value) == [("results[0].value", 79, "wrong_type")]


def test_load_evidence_unknown_field_suggests_the_spelling() -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / "bad_unknown_field.yaml")
    unknown = [p for p in info.value.problems if p.code == "unknown_field"]
    assert unknown[0].message == "unknown field 'lable'; did you mean 'label'?"


def test_load_evidence_syntax_error_says_where_the_list_began() -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / "bad_yaml_syntax.yaml")
    assert "starts on line 23" in info.value.problems[0].message


def test_load_evidence_unquoted_pmid_suggests_quotes() -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / "bad_unquoted_pmid.yaml")
    assert info.value.problems[0].message.endswith("(put it in quotes)")


def test_load_problem_as_line_renders_file_line_column_location_code() -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / "bad_unknown_source.yaml")
    at = position(FIXTURES / "bad_unknown_source.yaml", "source: series_c")
    assert info.value.problems[0].as_line("f.yaml") == (
        f"f.yaml:{at}: cohorts[2].source: no source has id 'series_c' [unknown_reference]"
    )


def test_load_problem_as_line_without_position_uses_zeros() -> None:
    problem = LoadProblem("", None, None, "too_large", "too big")
    assert problem.as_line("f.yaml") == "f.yaml:0:0: too big [too_large]"


# --------------------------------------------------------------------------- unsafe YAML

PAYLOAD_MARKER = "evidence_tag_marker"  # what bad_python_tag.yaml's os.system call would touch


def test_load_evidence_python_tag_is_refused_and_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / "bad_python_tag.yaml")
    assert [p.code for p in info.value.problems] == ["unsafe_tag"]
    assert "!!python/object/apply:os.system" in info.value.problems[0].message
    assert not (tmp_path / PAYLOAD_MARKER).exists()


def test_python_tag_fixture_payload_is_live_under_an_unsafe_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The control for the test above: the payload really runs when constructed, so its
    # absence there means the loader never constructed it.
    monkeypatch.chdir(tmp_path)
    yaml.unsafe_load((FIXTURES / "bad_python_tag.yaml").read_text())
    assert (tmp_path / PAYLOAD_MARKER).exists()


def billion_laughs(levels: int = 9, width: int = 9) -> bytes:
    """The classic alias bomb: ``width ** levels`` strings from a file of under 1 KB."""
    lines = ["a: &a [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        name, previous = f"l{i}", "a" if i == 1 else f"l{i - 1}"
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
    return ("format: 1\n" + "\n".join(lines) + "\n").encode()


def test_parse_evidence_alias_bomb_stops_at_alias_limit_quickly() -> None:
    data = billion_laughs()
    assert len(data) < 1024
    start = time.process_time()
    with pytest.raises(EvidenceError) as info:
        parse_evidence(data)
    elapsed = time.process_time() - start
    # The line is the anchor's (the expanded node's), the location the alias that overflowed.
    assert rows(info.value) == [("l4[0][2][0][6][7]", 2, "alias_limit")]
    assert elapsed < HOSTILE_SECONDS


def test_parse_evidence_long_text_repeated_by_alias_hits_alias_limit_quickly() -> None:
    # A long scalar repeated by alias costs its length every time it is validated.
    refs = ", ".join(["*t"] * (MAX_ALIAS_NODES // 2))
    data = f"format: 1\ntitle: &t {'x' * 50_000}\nsummary: [{refs}]\n".encode()
    start = time.process_time()
    with pytest.raises(EvidenceError) as info:
        parse_evidence(data)
    # 50,000 characters weigh 51 nodes: the 197th alias passes MAX_ALIAS_NODES.
    assert rows(info.value) == [("summary[196]", 2, "alias_limit")]
    assert time.process_time() - start < HOSTILE_SECONDS


def test_parse_evidence_aliases_within_the_limit_load() -> None:
    data = minimal_with('    agents: ["standard care"]', "    agents: *zeta_agents").replace(
        b'agents: ["zetamab"]', b'agents: &zeta_agents ["zetamab"]'
    )
    evidence = parse_evidence(data)
    assert evidence.regimens[1].agents == ("zetamab",)


def nested_flow(depth: int, opener: str = "[", closer: str = "]") -> bytes:
    return f"format: 1\ntitle: {opener * depth}{closer * depth}\n".encode()


def nested_block(depth: int) -> bytes:
    lines = [" " * i + "k:" for i in range(depth)] + [" " * depth + "v"]
    return ("format: 1\ntitle:\n" + "\n".join(" " + line for line in lines) + "\n").encode()


@pytest.mark.parametrize(
    "data",
    [
        nested_flow(MAX_DEPTH + 1),
        nested_flow(100_000),
        nested_flow(5_000, "{a: ", "}"),
        nested_block(MAX_DEPTH + 1),
        nested_block(3_000),
    ],
    ids=["flow-65", "flow-100000", "flow-mapping-5000", "block-65", "block-3000"],
)
def test_parse_evidence_deep_nesting_is_too_deep_quickly(data: bytes) -> None:
    start = time.process_time()
    with pytest.raises(EvidenceError) as info:
        parse_evidence(data)
    assert [p.code for p in info.value.problems] == ["too_deep"]
    assert time.process_time() - start < HOSTILE_SECONDS


def test_parse_evidence_nesting_at_the_limit_is_not_too_deep() -> None:
    # 63 levels under `title` stays within MAX_DEPTH: the only complaint is the type.
    with pytest.raises(EvidenceError) as info:
        parse_evidence(minimal_with('title: "Zetamab in two imaginary settings"', "title: [[1]]"))
    assert rows(info.value) == [("title", 3, "wrong_type")]
    depth_ok = nested_flow(MAX_DEPTH - 1)
    with pytest.raises(EvidenceError) as info:
        parse_evidence(depth_ok)
    assert "too_deep" not in [p.code for p in info.value.problems]


# --------------------------------------------------------------------------- size and files


def test_load_evidence_over_max_bytes_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"\x00not yaml at all: [" * 100)  # would be binary_file if it were read
    with pytest.raises(EvidenceError) as info:
        load_evidence(path, max_bytes=1000)
    assert rows(info.value) == [("", None, "too_large")]


def test_load_evidence_over_default_cap_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.truncate(DEFAULT_MAX_BYTES + 1)  # sparse: nothing is written, the size is real
    start = time.process_time()
    with pytest.raises(EvidenceError) as info:
        load_evidence(path)
    assert rows(info.value) == [("", None, "too_large")]
    assert time.process_time() - start < HOSTILE_SECONDS


def test_load_evidence_at_max_bytes_is_read(tmp_path: Path) -> None:
    data = MINIMAL.read_bytes()
    path = tmp_path / "exact.yaml"
    path.write_bytes(data)
    assert load_evidence(path, max_bytes=len(data)).title == "Zetamab in two imaginary settings"


def test_load_evidence_bytes_over_max_bytes_is_too_large() -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence_bytes(b"\x00" * 101, name="upload.yaml", max_bytes=100)
    assert rows(info.value) == [("", None, "too_large")]
    assert info.value.name == "upload.yaml"


def test_load_evidence_bytes_within_max_bytes_validates() -> None:
    data = MINIMAL.read_bytes()
    evidence = load_evidence_bytes(data, name="upload.yaml", max_bytes=len(data))
    assert len(evidence.results) == 5


def test_load_evidence_missing_file_is_file_not_found(tmp_path: Path) -> None:
    assert load_rows(tmp_path / "nowhere.yaml") == [("", None, "file_not_found")]


def test_load_evidence_directory_is_not_a_file(tmp_path: Path) -> None:
    assert load_rows(tmp_path) == [("", None, "not_a_file")]


def test_parse_evidence_too_many_problems_lists_the_first_and_counts_the_rest() -> None:
    bad = "".join(
        f"  - {{cohort: nobody{i}, endpoint: orr, value: 1, reported_by: primary}}\n"
        for i in range(MAX_PROBLEMS + 20)
    )
    data = minimal_with("results:\n", "results:\n" + bad)
    with pytest.raises(EvidenceError) as info:
        parse_evidence(data)
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].code == "too_many"
    assert problems[-1].message.startswith("20 more problems")


# --------------------------------------------------------------------------- YAML 1.2 values


def test_parse_evidence_yes_no_on_off_are_strings() -> None:
    data = (
        minimal_with('    short: "SoC"', "    short: no")
        .replace(b'    short: "Z"', b"    short: yes")
        .replace(b'    disease: "disease Y"', b"    disease: off")
        .replace(b'    label: "Zetamab"', b"    label: On")
    )
    evidence = parse_evidence(data)
    assert evidence.regimens[1].short == "no"
    assert evidence.regimens[0].short == "yes"
    assert evidence.regimens[0].label == "On"
    assert evidence.settings[2].disease == "off"


def test_parse_evidence_true_is_still_a_boolean() -> None:
    with pytest.raises(EvidenceError) as info:
        parse_evidence(minimal_with('    short: "SoC"', "    short: true"))
    assert rows(info.value) == [("regimens[1].short", 27, "wrong_type")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [("98", 98), ("+98", 98), ("0x62", 98), ("!!int 0o142", 98), ("!!int 98", 98)],
)
def test_parse_evidence_integers_follow_yaml_1_2(written: str, expected: int) -> None:
    evidence = parse_evidence(minimal_with("    n: 98", f"    n: {written}"))
    assert evidence.cohorts[1].n == expected


def test_parse_evidence_leading_zero_is_decimal_not_octal() -> None:
    evidence = parse_evidence(minimal_with("    n: 100", "    n: 0100"))
    assert evidence.cohorts[0].n == 100  # YAML 1.1 would read 64 and flag events/n


@pytest.mark.parametrize(
    ("written", "expected"), [("24.5", 24.5), ("2.45e1", 24.5), ("245e-1", 24.5), (".245e2", 24.5)]
)
def test_parse_evidence_floats_in_any_notation_load(written: str, expected: float) -> None:
    evidence = parse_evidence(minimal_with("    value: 24.5", f"    value: {written}"))
    assert evidence.results[4].value == pytest.approx(expected)


@pytest.mark.parametrize(
    "written",
    ["!!int abc", "!!float abc", "0b11000", "1" * 5000, "0x" + "f" * 5000],
    ids=["int-tag-on-a-word", "float-tag-on-a-word", "yaml-1.1-binary", "5000-digits", "5000-hex"],
)
def test_parse_evidence_odd_numbers_are_wrong_type_not_a_crash(written: str) -> None:
    with pytest.raises(EvidenceError) as info:
        parse_evidence(minimal_with("    value: 24.5", f"    value: {written}"))
    assert rows(info.value) == [("results[4].value", 101, "wrong_type")]


def test_parse_evidence_dates_stay_text_outside_updated() -> None:
    evidence = parse_evidence(minimal_with('    locator: "abstract"', "    locator: 2020-01-01"))
    assert evidence.results[0].locator == "2020-01-01"
    assert evidence.updated == dt.date(2026, 1, 31)


def test_parse_evidence_utf8_bom_is_accepted() -> None:
    evidence = parse_evidence(b"\xef\xbb\xbf" + MINIMAL.read_bytes())
    assert evidence.format == 1


def test_parse_evidence_utf16_is_refused_as_binary() -> None:
    data = MINIMAL.read_text(encoding="utf-8").encode("utf-16")
    with pytest.raises(EvidenceError) as info:
        parse_evidence(data)
    assert [p.code for p in info.value.problems] == ["binary_file"]


# --------------------------------------------------------------------------- garbage collector


def test_parse_evidence_leaves_the_garbage_collector_enabled() -> None:
    assert gc.isenabled()
    parse_evidence(MINIMAL.read_bytes())
    with pytest.raises(EvidenceError):
        parse_evidence(b"- a list\n")
    assert gc.isenabled()


def test_parse_evidence_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        parse_evidence(MINIMAL.read_bytes())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_parse_evidence_concurrent_loads_reenable_the_collector_once_all_end() -> None:
    # Streamlit runs each session in a thread: overlapping loads must not leave it off.
    data = MINIMAL.read_bytes()
    errors: list[BaseException] = []

    def load_many() -> None:
        try:
            for _ in range(20):
                parse_evidence(data)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=load_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert gc.isenabled()


# --------------------------------------------------------------------------- valid files


def test_load_evidence_bundled_file_loads() -> None:
    evidence = load_evidence(BUNDLED)
    assert evidence.format == 1
    assert evidence.title
    assert len(evidence.settings) >= 1
    assert len(evidence.results) >= 1
    assert len(evidence.verdicts) >= 1


def test_load_evidence_valid_minimal_loads_every_list() -> None:
    evidence = load_evidence(MINIMAL)
    counts = {
        kind: len(getattr(evidence, kind))
        for kind in ("settings", "regimens", "endpoints", "sources", "cohorts")
    }
    assert counts == {"settings": 3, "regimens": 2, "endpoints": 3, "sources": 2, "cohorts": 3}
    assert evidence.results[3].wording == "a majority"
    assert evidence.comparisons[0].ci == (0.5, 0.9)


@pytest.mark.parametrize("path", [MINIMAL, BUNDLED], ids=["valid_minimal", "bundled"])
def test_parse_evidence_dump_and_reload_round_trips(path: Path) -> None:
    evidence = load_evidence(path)
    dumped = yaml.safe_dump(evidence.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    again = parse_evidence(dumped.encode("utf-8"))
    assert isinstance(again, Evidence)
    assert again == evidence
