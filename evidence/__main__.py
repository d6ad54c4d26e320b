"""Command line: ``python -m evidence validate FILE...``, ``convert IN OUT`` and ``schema``.

``validate`` takes YAML files and Excel workbooks (.xlsx). ``convert`` turns a YAML evidence
file into a workbook or a workbook into YAML; the direction comes from the extensions.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from evidence.loader import EvidenceError, load_evidence
from evidence.models import Evidence, count_ids, json_schema
from evidence.workbook import WORKBOOK_SUFFIXES, load_evidence_file, write_workbook
from evidence.writer import dump_yaml

YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIX = ".xlsx"


def _report(name: str, exc: EvidenceError) -> None:
    """One line per problem on stdout, the verdict on stderr."""
    for problem in exc.problems:
        print(problem.as_line(name))
    count = len(exc.problems)
    print(f"{name}: INVALID, {count} problem{'s' if count != 1 else ''}", file=sys.stderr)


def _summary(evidence: Evidence) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in count_ids(evidence).items())


def _validate(files: list[str]) -> int:
    status = 0
    for name in files:
        try:
            evidence = load_evidence_file(name)  # YAML, or a workbook by name or content
        except EvidenceError as exc:
            status = 1
            _report(name, exc)
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
        if to_workbook:
            evidence = load_evidence(source)
            data = write_workbook(evidence)
        else:
            evidence = load_evidence_file(source)
            data = dump_yaml(evidence).encode("utf-8")
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


def schema() -> dict[str, object]:
    """The JSON Schema of the evidence format, for editors and outside checks."""
    return json_schema()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid file, 2 usage)."""
    # openpyxl warns about workbook features it drops (extensions, styles): not the user's
    # problem, and never a traceback-like line on the terminal.
    warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
    parser = argparse.ArgumentParser(prog="python -m evidence", description=__doc__)
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
    args = parser.parse_args(argv)  # exits 2 on usage errors
    if args.command == "validate":
        return _validate(args.files)
    if args.command == "convert":
        return _convert(args.source, args.target, convert)
    print(json.dumps(schema(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
