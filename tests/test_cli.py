"""Command-line tests: ``python -m evidence validate FILE...``, ``convert IN OUT``, ``schema``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUNDLED, FIXTURES, MINIMAL, ROOT, position

from evidence.__main__ import main
from evidence.loader import load_evidence

# FILE:LINE:COL: location: message [code]  (the location part is absent for file-level problems)
PROBLEM_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+):(?: (?P<loc>\S+):)? .+ \[\w+\]$"
)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as a reader would, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "evidence", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_validate_valid_files_exits_0_with_one_summary_line_each() -> None:
    done = run_cli("validate", "data/evidence.yaml", "tests/fixtures/valid_minimal.yaml")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("data/evidence.yaml: OK: ")
    assert lines[1] == (
        "tests/fixtures/valid_minimal.yaml: OK: 'Zetamab in two imaginary settings': "
        "3 settings, 2 regimens, 3 endpoints, 2 sources, 3 cohorts, 5 results, "
        "1 comparisons, 1 findings, 1 verdicts"
    )


def test_cli_validate_bad_file_exits_1_with_located_problem_lines() -> None:
    done = run_cli("validate", "tests/fixtures/bad_several_problems.yaml")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 8
    for line in lines:
        assert PROBLEM_LINE.match(line), line
    at = position(FIXTURES / "bad_several_problems.yaml", "source: series_c")
    assert (
        f"tests/fixtures/bad_several_problems.yaml:{at}: cohorts[2].source: "
        "no source has id 'series_c' [unknown_reference]"
    ) in lines
    assert "bad_several_problems.yaml: INVALID, 8 problems" in done.stderr


def test_cli_validate_mixed_files_exits_1_and_still_reports_the_valid_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["validate", str(FIXTURES / "bad_unknown_source.yaml"), str(MINIMAL)])
    out, err = capsys.readouterr()
    assert status == 1
    at = position(FIXTURES / "bad_unknown_source.yaml", "source: series_c")
    assert out.splitlines() == [
        f"{FIXTURES / 'bad_unknown_source.yaml'}:{at}: cohorts[2].source: "
        "no source has id 'series_c' [unknown_reference]",
        f"{MINIMAL}: OK: 'Zetamab in two imaginary settings': 3 settings, 2 regimens, "
        "3 endpoints, 2 sources, 3 cohorts, 5 results, 1 comparisons, 1 findings, 1 verdicts",
    ]
    assert err.strip() == f"{FIXTURES / 'bad_unknown_source.yaml'}: INVALID, 1 problem"


def test_cli_validate_missing_file_exits_1_with_file_not_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.yaml"
    assert main(["validate", str(missing)]) == 1
    out = capsys.readouterr().out
    assert out == f"{missing}:0:0: there is no file at {missing} [file_not_found]\n"


def test_cli_validate_syntax_error_line_has_no_location_part(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = FIXTURES / "bad_tab_indentation.yaml"
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    at = position(path, '\tlabel: "Zetamab"')
    assert (
        out == f"{path}:{at}: a tab is used for indentation; YAML needs spaces [tab_indentation]\n"
    )


@pytest.mark.parametrize(
    "argv",
    [[], ["frobnicate"], ["validate"], ["schema", "extra"]],
    ids=["no-arguments", "unknown-command", "validate-without-files", "schema-with-argument"],
)
def test_cli_usage_error_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_cli_no_arguments_subprocess_exits_2() -> None:
    done = run_cli()
    assert done.returncode == 2
    assert done.stdout == ""
    assert "usage: python -m evidence" in done.stderr


def test_cli_schema_prints_json_with_the_format_lists() -> None:
    done = run_cli("schema")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert {"results", "settings", "verdicts", "format"} <= set(schema["properties"])
    assert set(schema["required"]) >= {"format", "title", "settings"}
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


# --------------------------------------------------------------------------- workbooks

# FILE:sheet!F12: location: message [code]  (the cell part is only the sheet when no cell)
CELL_LINE = re.compile(r"^(?P<file>.+?):(?P<sheet>[^:!]+)(?:!(?P<cell>[A-Z]+\d+))?: .+ \[\w+\]$")


def _bad_workbook(path: Path) -> Path:
    """valid_minimal.yaml's workbook with two bad cells: results!C3 and results!A4."""
    from test_workbook import edited, set_cell

    path.write_bytes(
        edited(
            lambda book: [
                set_cell("results", "C3", "abc")(book),
                set_cell("results", "A4", "nobody")(book),
            ]
        )
    )
    return path


def test_cli_convert_yaml_to_workbook_and_back_loads_equal(tmp_path: Path) -> None:
    # The "done when": convert data/evidence.yaml x.xlsx && convert x.xlsx y.yaml.
    workbook, back = tmp_path / "x.xlsx", tmp_path / "y.yaml"
    there = run_cli("convert", "data/evidence.yaml", str(workbook))
    assert there.returncode == 0, there.stderr
    settings = len(load_evidence(BUNDLED).settings)
    assert there.stdout.startswith(
        f"{workbook}: written from data/evidence.yaml: {settings} settings"
    )
    again = run_cli("convert", str(workbook), str(back))
    assert again.returncode == 0, again.stderr
    assert load_evidence(back) == load_evidence(BUNDLED)
    assert again.stderr == ""


@pytest.mark.parametrize(
    "fixture", ["valid_minimal.yaml", "valid_sparse.yaml", "valid_every_field.yaml"]
)
def test_cli_convert_round_trips_test_files(fixture: str, tmp_path: Path) -> None:
    workbook, back = tmp_path / "e.xlsx", tmp_path / "e.yml"
    assert main(["convert", str(FIXTURES / fixture), str(workbook)]) == 0
    assert main(["convert", str(workbook), str(back)]) == 0
    assert load_evidence(back) == load_evidence(FIXTURES / fixture)


def test_cli_convert_bad_workbook_exits_1_naming_each_cell(tmp_path: Path) -> None:
    bad, out = _bad_workbook(tmp_path / "bad.xlsx"), tmp_path / "out.yaml"
    done = run_cli("convert", str(bad), str(out))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines == [
        f"{bad}:results!C3: results[1].value: expected a number, got 'abc' [wrong_type]",
        f"{bad}:results!A4: results[2].cohort: no cohort has id 'nobody' [unknown_reference]",
    ]
    assert all(CELL_LINE.match(line) for line in lines)
    assert done.stderr == f"{bad}: INVALID, 2 problems\n"
    assert not out.exists()


def test_cli_validate_takes_workbooks_and_yaml_together(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    assert main(["convert", str(MINIMAL), str(good)]) == 0
    bad = _bad_workbook(tmp_path / "bad.xlsx")
    done = run_cli("validate", str(good), str(bad), "tests/fixtures/valid_minimal.yaml")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{good}: OK: 'Zetamab in two imaginary settings'")
    assert lines[1].startswith(f"{bad}:results!C3: ")
    assert lines[3].startswith("tests/fixtures/valid_minimal.yaml: OK: ")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("a.yaml", "b.yml"),
        ("a.xlsx", "b.xlsx"),
        ("a.txt", "b.xlsx"),
        ("a.yaml", "b.csv"),
        ("a", "b.xlsx"),
        ("a.yaml", "b.xlsm"),
    ],
)
def test_cli_convert_needs_one_yaml_and_one_xlsx(
    source: str, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["convert", source, target])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m evidence convert" in err
    assert "convert .yaml or .yml to .xlsx, or .xlsx to .yaml or .yml" in err


def test_cli_convert_usage_error_subprocess_exits_2() -> None:
    done = run_cli("convert", "data/evidence.yaml", "out.yaml")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "cannot convert .yaml to .yaml" in done.stderr


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("text.xlsx", b"format: 1\ntitle: not a workbook\n", "not_xlsx"),
        ("macros.xlsm", None, "macro_workbook"),
        ("missing.xlsx", "absent", "file_not_found"),
    ],
)
def test_cli_convert_refused_workbook_is_one_line_never_a_traceback(
    name: str, content: bytes | str | None, code: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if content is None:
        assert main(["convert", str(MINIMAL), str(tmp_path / "good.xlsx")]) == 0
        path.write_bytes((tmp_path / "good.xlsx").read_bytes())
    elif isinstance(content, bytes):
        path.write_bytes(content)
    done = run_cli("convert", str(path), str(tmp_path / "out.yaml"))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    [line] = done.stdout.splitlines()
    assert line.startswith(f"{path}:0:0: ")
    assert line.endswith(f"[{code}]")


def test_cli_convert_unwritable_target_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no" / "such" / "dir" / "e.xlsx"
    assert main(["convert", str(MINIMAL), str(target)]) == 1
    err = capsys.readouterr().err
    assert err == f"{target}: cannot write it: No such file or directory\n"


def test_cli_convert_unstorable_text_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bell.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    source.write_text(text.replace('"Zetamab in two imaginary settings"', '"Zetamab\\a"'))
    assert main(["convert", str(source), str(tmp_path / "e.xlsx")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{source}:0:0: title: the text holds the character U+0007")
    assert not (tmp_path / "e.xlsx").exists()
