"""Command-line tests: ``python -m evidence validate FILE...`` and ``python -m evidence schema``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from evidence.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
BUNDLED = ROOT / "data" / "evidence.yaml"
MINIMAL = FIXTURES / "valid_minimal.yaml"

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
    assert (
        "tests/fixtures/bad_several_problems.yaml:72:5: cohorts[2].source: "
        "no source has id 'series_c' [unknown_reference]"
    ) in lines
    assert "bad_several_problems.yaml: INVALID, 8 problems" in done.stderr


def test_cli_validate_mixed_files_exits_1_and_still_reports_the_valid_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["validate", str(FIXTURES / "bad_unknown_source.yaml"), str(MINIMAL)])
    out, err = capsys.readouterr()
    assert status == 1
    assert out.splitlines() == [
        f"{FIXTURES / 'bad_unknown_source.yaml'}:72:5: cohorts[2].source: "
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
    assert (
        out == f"{path}:21:1: a tab is used for indentation; YAML needs spaces [tab_indentation]\n"
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
