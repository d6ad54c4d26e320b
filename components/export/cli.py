"""Command line: ``python -m components.export --out DIR [--evidence FILE] [--formats ...]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from components.export import files, names
from components.export.render import ExportUnavailable
from components.loaded import BUNDLED_EVIDENCE, FILTERS, Filters, load_path
from evidence.grade import baseline_percent
from evidence.loader import EvidenceError

_EPILOG = f"""\
Writes, for the view chosen: each chart as PNG/SVG/PDF (titles, filters, sources, data
version and export date inside the image), its rows as CSV, a journal-club deck
({names.DECK_NAME}), the offline journal-club page ({names.HTML_NAME}: every chart
interactive, the verdicts, caveats and sources in one self-contained file that needs no
network) and {names.README_NAME} with the citations of the sources used.

  python -m components.export --formats html --out DIR    the offline page alone

Exit status: 0 all written; 1 the evidence file has problems (one line each, as in
`python -m evidence validate`), or a file could not be written, or Chromium is missing;
2 usage error.

Without Chromium, png, svg, pdf and pptx cannot be made: the CSVs, the offline page and
{names.README_NAME} are still written (when csv or html is asked for), the message says how to
install Chromium (apt-get install chromium), and the exit status is 1. csv and html alone
need no Chromium.
"""


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _formats_arg(text: str) -> frozenset[str]:
    try:
        return files.parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _percent(text: str) -> float:
    """A baseline risk for argparse: grade.baseline_percent's rule, or a usage error."""
    value = baseline_percent(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage between 0 and 100")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failed, 2 usage)."""
    parser = argparse.ArgumentParser(
        prog="python -m components.export",
        description="Export every chart, the CSVs, a deck and an offline page for a view.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    parser.add_argument(
        "--evidence",
        default=str(BUNDLED_EVIDENCE),
        metavar="FILE",
        help="evidence file (default: data/evidence.yaml of this repository)",
    )
    parser.add_argument(
        "--formats",
        type=_formats_arg,
        default=files.ALL_FORMATS,
        metavar="LIST",
        help=f"comma-separated, from {','.join(files.FORMATS)} (default: all)",
    )
    parser.add_argument(
        "--baseline-risk",
        type=_percent,
        metavar="PCT",
        help="your patients' risk (percent) for the absolute effects per 1000 of every risk "
        "ratio, in the deck's summaries of findings and the effects CSV (default: each "
        "study's comparator arm)",
    )
    for spec in FILTERS:  # the sidebar's filters, by id or word
        parser.add_argument(
            f"--{spec.option}",
            dest=spec.key,
            type=_ids,
            default=(),
            metavar="IDS",
            help=f"{spec.title}: comma-separated ids to keep (default: {spec.everything.lower()})",
        )
    args = parser.parse_args(argv)  # exits 2 on usage errors

    try:
        loaded = load_path(args.evidence)
    except EvidenceError as exc:
        for problem in exc.problems:
            print(problem.as_line(args.evidence), file=sys.stderr)
        count = len(exc.problems)
        print(
            f"{args.evidence}: INVALID, {count} problem{'s' if count != 1 else ''}",
            file=sys.stderr,
        )
        return 1
    chosen = {spec.key: getattr(args, spec.key) for spec in FILTERS}
    for spec in FILTERS:
        known = list(spec.options(loaded.evidence))
        unknown = [c for c in chosen[spec.key] if c not in known]
        if unknown:
            parser.error(
                f"--{spec.option}: unknown id(s) {', '.join(unknown)}; known: {', '.join(known)}"
            )
    filters = Filters.of(**chosen)
    baselines = (
        tuple((e.id, args.baseline_risk) for e in loaded.evidence.endpoints)
        if args.baseline_risk is not None
        else ()
    )

    status = 0
    try:
        try:
            paths = files.export_all(
                loaded, filters, args.out, formats=args.formats, baselines=baselines
            )
        except ExportUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            rest = args.formats - files.NEEDS_CHROMIUM  # what needs no browser: csv, html
            paths = (
                files.export_all(loaded, filters, args.out, formats=rest, baselines=baselines)
                if rest
                else []
            )
    except OSError as exc:
        print(f"error: could not write to {args.out}: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return status
