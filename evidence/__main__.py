"""Command line: ``python -m evidence validate FILE...`` and ``python -m evidence schema``."""

from __future__ import annotations

import argparse
import json
import sys

from evidence.loader import EvidenceError, load_evidence
from evidence.models import count_ids, json_schema


def _validate(files: list[str]) -> int:
    status = 0
    for name in files:
        try:
            evidence = load_evidence(name)
        except EvidenceError as exc:
            status = 1
            for problem in exc.problems:
                print(problem.as_line(name))
            count = len(exc.problems)
            print(f"{name}: INVALID, {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
            continue
        counts = count_ids(evidence)
        parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        print(f"{name}: OK: {evidence.title!r}: {parts}")
    return status


def schema() -> dict[str, object]:
    """The JSON Schema of the evidence format, for editors and outside checks."""
    return json_schema()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid file, 2 usage)."""
    parser = argparse.ArgumentParser(prog="python -m evidence", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check evidence files; one line per problem")
    validate.add_argument("files", nargs="+", metavar="FILE")
    sub.add_parser("schema", help="print the JSON Schema of the format")
    args = parser.parse_args(argv)  # exits 2 on usage errors
    if args.command == "validate":
        return _validate(args.files)
    print(json.dumps(schema(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
