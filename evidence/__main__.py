"""Command line for evidence files.

``python -m evidence validate FILE...``
    check files (YAML or Excel .xlsx workbooks); one line per problem, exit 1 when any file
    is invalid.
``python -m evidence convert IN OUT``
    a YAML evidence file to a workbook, or a workbook to YAML; the extensions give the
    direction (.yaml/.yml and .xlsx).
``python -m evidence schema``
    print the JSON Schema of the format.
``python -m evidence effects FILE [--csv]``
    the within-study effects (risk differences with Newcombe CIs, risk ratios, NNTs, and the
    reported hazard ratios beside them) as a readable table, or as CSV with a header row of
    exactly the columns of ``evidence.effects.effect_table``; an invalid file prints its
    problems as ``validate`` does and exits 1.
``python -m evidence import-ctgov RECORD [--into FILE] --out OUT``
    a ClinicalTrials.gov results record (API v2 JSON or classic XML) as evidence, written
    to OUT (.yaml or .xlsx); with ``--into``, added to an existing evidence file, which is
    left as it is. Prints what was skipped and why, and where the record disagrees with a
    source of the same trial in FILE; exits 1 on a bad record.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary
from evidence.ctgov import RECORD_MAX_BYTES, import_record
from evidence.ctgov.merge import disagreements, merged
from evidence.grade import baseline_percent
from evidence.loader import read_evidence_file
from evidence.models import Evidence, count_ids, json_schema
from evidence.problems import EvidenceError
from evidence.reader import read_evidence_path
from evidence.workbook import (
    WORKBOOK_SUFFIXES,
    YAML_SUFFIXES,
    write_workbook,
)
from evidence.writer import dump_yaml

WORKBOOK_SUFFIX = ".xlsx"


def _report(name: str, exc: EvidenceError) -> None:
    """One line per problem on stdout, the verdict on stderr."""
    for problem in exc.problems:
        print(problem.as_line(name))
    count = len(exc.problems)
    print(f"{name}: INVALID, {count} problem{'s' if count != 1 else ''}", file=sys.stderr)


def _load(name: str) -> Evidence | None:
    """The file's evidence, or None after printing its problems (one line each).

    The file is YAML, or a workbook (told by its name or its content).
    """
    try:
        return read_evidence_path(name).evidence
    except EvidenceError as exc:
        _report(name, exc)
        return None


def _summary(evidence: Evidence) -> str:
    # Appraisals are a journal club's own addition: named only when a file has some.
    counts = count_ids(evidence)
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n or kind != "appraisals")


def _validate(files: list[str]) -> int:
    status = 0
    for name in files:
        evidence = _load(name)
        if evidence is None:
            status = 1
            continue
        print(f"{name}: OK: {evidence.title!r}: {_summary(evidence)}")
    return status


def _convert(source: str, target: str, parser: argparse.ArgumentParser) -> int:
    """Convert YAML to a workbook or a workbook to YAML; 1 if the input is invalid."""
    into, out_of = Path(target).suffix.lower(), Path(source).suffix.lower()
    to_workbook = out_of in YAML_SUFFIXES and into == WORKBOOK_SUFFIX
    if not to_workbook and not (out_of in WORKBOOK_SUFFIXES and into in YAML_SUFFIXES):
        parser.error(
            f"cannot convert {out_of or 'a file without extension'} to "
            f"{into or 'a file without extension'}: convert .yaml or .yml to .xlsx, "
            "or .xlsx to .yaml or .yml"
        )
    try:
        evidence = read_evidence_path(source).evidence
        data = write_workbook(evidence) if to_workbook else dump_yaml(evidence).encode("utf-8")
    except EvidenceError as exc:
        _report(source, exc)
        return 1
    try:
        Path(target).write_bytes(data)
    except OSError as exc:
        print(f"{target}: cannot write it: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{target}: written from {source}: {_summary(evidence)}")
    return 0


def _with_ci(text: str, low: float, high: float, digits: int, level: object = 95) -> str:
    """The value with its interval; a level other than 95 (a reported 90% CI) is named."""
    if fr.is_missing(low) or fr.is_missing(high):
        return text
    words = fr.ci_words(level)
    named = "" if words == fr.ci_words(95) else f"{words} "
    return f"{text} ({named}{float(low):.{digits}f} to {float(high):.{digits}f})"


def _per_1000(row: Mapping[Any, Any]) -> str:
    if fr.is_missing(row[fx.CORRESPONDING]):
        return ""
    text = _with_ci(
        f"{float(row[fx.ASSUMED]):.0f} -> {float(row[fx.CORRESPONDING]):.0f}",
        row[fx.CORRESPONDING_LOW],
        row[fx.CORRESPONDING_HIGH],
        0,
    )
    return text + (" capped at 1000" if row[fx.CAPPED] else "")


def _effect_cells(row: Mapping[Any, Any]) -> list[str]:
    """One row of the text table, every figure rounded for reading (the CSV keeps all)."""

    def number(column: str, digits: int, suffix: str = "") -> str:
        value = row[column]
        return "" if fr.is_missing(value) else f"{float(value):.{digits}f}{suffix}"

    measure = vocabulary.MEASURE.mark(row[fx.MEASURE]) or str(row[fx.MEASURE])
    difference = ""
    if not fr.is_missing(row[fx.DIFFERENCE]):
        sign = f"{float(row[fx.DIFFERENCE]):+.1f}"
        if row[fx.BASIS] == fx.BASIS_REPORTED:  # as reported: no unit is implied
            sign = f"diff {float(row[fx.DIFFERENCE]):g}"
        difference = _with_ci(
            sign, row[fx.DIFFERENCE_LOW], row[fx.DIFFERENCE_HIGH], 1, row[fx.CI_LEVEL]
        )
    ratio = ""
    if not fr.is_missing(row[fx.RATIO]):
        ratio = _with_ci(
            f"{measure} {float(row[fx.RATIO]):.2f}",
            row[fx.RATIO_LOW],
            row[fx.RATIO_HIGH],
            2,
            row[fx.CI_LEVEL],
        )
    nnt = ""
    if not fr.is_missing(row[fx.NNT]):
        kind = fx.nnt_words(row[fx.NNT_KIND])
        nnt = _with_ci(f"{kind} {number(fx.NNT, 1)}", row[fx.NNT_LOW], row[fx.NNT_HIGH], 1)
    return [
        str(row[fx.SOURCE]),
        str(row[fx.ENDPOINT]),
        str(row[fx.COHORT]),
        str(row[fx.VERSUS]),
        str(row[fx.ALLOCATION]),
        str(row[fx.BASIS]),
        "" if fr.is_missing(row[fx.VALUE_TEXT]) else str(row[fx.VALUE_TEXT]),
        "" if fr.is_missing(row[fx.VERSUS_VALUE_TEXT]) else str(row[fx.VERSUS_VALUE_TEXT]),
        difference,
        ratio,
        nnt,
        "" if fr.is_missing(row[fx.P]) else f"p {row[fx.P]}",
        _per_1000(row),
        "" if fr.is_missing(row[fx.CERTAINTY]) else fx.certainty_words(row),
    ]


_EFFECT_HEADER = [
    "source",
    "endpoint",
    "cohort",
    "versus",
    "groups",
    "basis",
    "as stated",
    "vs as stated",
    "difference, pp (95% CI)",
    "ratio (95% CI)",
    "NNT (95% CI)",
    "p",
    "per 1000: assumed -> with regimen (95% CI)",
    "certainty",
]


def effects_text(frame: pd.DataFrame) -> list[str]:
    """The effect table as aligned text lines, each row's ``why`` indented beneath it."""
    records = frame.to_dict("records")
    cells = [_effect_cells(row) for row in records]
    widths = [max(len(r[i]) for r in [_EFFECT_HEADER, *cells]) for i in range(len(_EFFECT_HEADER))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    lines = [line(_EFFECT_HEADER)]
    for row, record in zip(cells, records, strict=True):
        lines.append(line(row))
        if not fr.is_missing(record[fx.WHY]):
            lines.append(f"    why: {record[fx.WHY]}")
    computed = int((frame[fx.BASIS] != fx.BASIS_REPORTED).sum())
    lines.append("")
    lines.append(
        f"{len(frame)} effects: {computed} computed from the file's proportions, "
        f"{len(frame) - computed} reported by the sources. Each arm as its source states it "
        "(≈: a count back-calculated from the percent); differences in percentage points, "
        "Newcombe 95% CIs for differences, Katz log CIs for risk ratios; an NNT only for "
        "randomised groups; no contrast for groups formed after treatment began or for arms "
        "treated alike during the phase a figure covers (the why line says which)."
    )
    return lines


def _percent(text: str) -> float:
    """A baseline risk for argparse: grade.baseline_percent's rule, or a usage error."""
    value = baseline_percent(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage between 0 and 100")
    return value


def _quiet_stdout() -> None:
    """After ``... | head`` closed the pipe: the reader has what they wanted, no traceback."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _print_lines(lines: list[str]) -> None:
    try:
        print("\n".join(lines))
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()


def _effects(name: str, *, csv: bool, baseline: float | None = None) -> int:
    evidence = _load(name)
    if evidence is None:
        return 1
    frame = fx.effect_table(evidence, baseline=baseline)
    if csv:
        try:
            frame.to_csv(sys.stdout, index=False, columns=fx.EFFECT_COLUMNS, lineterminator="\n")
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
    else:
        _print_lines(effects_text(frame))
    return 0


def _write(target: str, evidence: Evidence) -> bool:
    """Write the evidence as YAML or as a workbook (by the suffix); False after a message."""
    try:
        if Path(target).suffix.lower() == WORKBOOK_SUFFIX:
            data = write_workbook(evidence)
        else:
            data = dump_yaml(evidence).encode("utf-8")
        Path(target).write_bytes(data)
    except EvidenceError as exc:
        _report(target, exc)
        return False
    except OSError as exc:
        print(f"{target}: cannot write it: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def _import_ctgov(record: str, into: str | None, target: str) -> int:
    """Import a registry record (into an existing file); 1 on a bad record or file."""
    try:
        imported = import_record(read_evidence_file(record, max_bytes=RECORD_MAX_BYTES), record)
    except EvidenceError as exc:
        _report(record, exc)
        return 1
    evidence = imported.evidence
    differ: list[str] = []
    if into is not None:
        existing = _load(into)
        if existing is None:
            return 1
        try:
            evidence = merged(existing, imported.evidence, f"{into} + {record}")
        except EvidenceError as exc:
            _report(f"{into} + {record}", exc)
            return 1
        differ = disagreements(existing, imported.evidence)
    if not _write(target, evidence):
        return 1
    where = f" into {into}" if into else ""
    lines = [f"{target}: {imported.record.nct} imported from {record}{where}: "
             f"{_summary(imported.evidence)}"]  # fmt: skip
    if imported.skipped:
        lines.append(f"skipped ({len(imported.skipped)}), with why:")
        lines.extend(f"  - {line}" for line in imported.skipped)
    if differ:
        lines.append(f"the registry and {into} disagree ({len(differ)}):")
        lines.extend(f"  - {line}" for line in differ)
    _print_lines(lines)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid file, 2 usage)."""
    # openpyxl warns about workbook features it drops (extensions, styles): not the user's
    # problem, and never a traceback-like line on the terminal.
    warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
    parser = argparse.ArgumentParser(
        prog="python -m evidence",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser(
        "validate", help="check evidence files (YAML or .xlsx); one line per problem"
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    convert = sub.add_parser(
        "convert",
        help="convert YAML to an Excel workbook or back; the extensions give the direction",
    )
    convert.add_argument("source", metavar="IN", help="a .yaml/.yml file or an .xlsx workbook")
    convert.add_argument("target", metavar="OUT", help="the .xlsx or .yaml/.yml file to write")
    sub.add_parser("schema", help="print the JSON Schema of the format")
    effects = sub.add_parser(
        "effects",
        help="within-study effects: risk differences, risk ratios, NNTs, reported HRs",
        description="Every pair of arms of one source on one proportion endpoint, with the "
        "risk difference (Newcombe 95% CI), the risk ratio and the NNT, and every reported "
        "effect beside them, as stated. See evidence/effects/ for the rules.",
    )
    effects.add_argument("file", metavar="FILE")
    effects.add_argument(
        "--csv", action="store_true", help="CSV with a header row instead of the text table"
    )
    effects.add_argument(
        "--baseline-risk",
        type=_percent,
        metavar="PCT",
        help="the assumed risk (percent, 0-100) of your patients, applied to every risk ratio "
        "for the absolute effects per 1000 (default: each study's comparator arm)",
    )
    ctgov = sub.add_parser(
        "import-ctgov",
        help="import a ClinicalTrials.gov results record (API v2 JSON or classic XML)",
        description="A registry record as evidence: its arms as cohorts, outcome counts and "
        "adverse events as results (with the analysed n), its own analyses as reported "
        "comparisons. What does not fit the format is listed as skipped, with why.",
    )
    ctgov.add_argument("record", metavar="RECORD", help="the record: a .json or .xml file")
    ctgov.add_argument(
        "--into", metavar="FILE", help="an evidence file to add it to (left unchanged)"
    )
    ctgov.add_argument("--out", metavar="OUT", required=True, help="the .yaml or .xlsx to write")
    args = parser.parse_args(argv)  # exits 2 on usage errors
    if args.command == "import-ctgov":
        if Path(args.out).suffix.lower() not in (*YAML_SUFFIXES, WORKBOOK_SUFFIX):
            ctgov.error(f"--out {args.out}: write a .yaml, .yml or .xlsx file")
        return _import_ctgov(args.record, args.into, args.out)
    if args.command == "validate":
        return _validate(args.files)
    if args.command == "effects":
        return _effects(args.file, csv=args.csv, baseline=args.baseline_risk)
    if args.command == "convert":
        return _convert(args.source, args.target, convert)
    print(json.dumps(json_schema(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
