"""Time static export on the bundled evidence: the deck, the ZIP, and single figures.

Run from the repository root:  .venv/bin/python benchmarks/bench_export.py [--repeat 5]

Targets (2 cores): the whole deck under 15 s including Chromium's start; one figure after
warm-up under 0.3 s per format.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

# Runnable as a plain script from anywhere: the repository root goes on the import path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import warm_times

from components.export import files, render
from components.export.dress import with_footer
from components.loaded import BUNDLED_EVIDENCE, Filters, load_path


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def deck(loaded, filters, server):
    return files.view_deck(loaded, filters, server=server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per single-figure timing")
    args = parser.parse_args()

    rows: list[tuple[str, float, str]] = []
    load_s, loaded = timed(load_path, BUNDLED_EVIDENCE)
    filters = Filters()
    specs_s, specs = timed(files.file_specs, loaded, filters)
    rows += [
        ("load evidence + frames", load_s, ""),
        ("file specs", specs_s, f"{len(specs)} charts"),
    ]

    server = render.ExportServer()
    try:
        cold_s, data = timed(deck, loaded, filters, server)  # includes Chromium's start
        rows.append(("deck, cold (Chromium start + PNGs + pptx)", cold_s, f"{len(data):,} B"))
        warm_s, data = timed(deck, loaded, filters, server)
        slides = len(files.deck_specs(loaded, filters))
        rows.append(("deck, warm", warm_s, f"{slides} chart slides, one PNG each"))
        zip_s, data = timed(files.everything_zip, loaded, filters, server=server)
        rows.append(("everything_zip, warm", zip_s, f"{len(data):,} B"))

        # The smallest, a typical and the tallest chart of the bundled evidence.
        for key in ("tte_ratios", "benefit_risk", "response_forest"):
            spec = next(s for s in specs if s.key == key)
            fig_s, fig = timed(with_footer, spec, data_version=loaded.data_version)
            rows.append((f"with_footer {key}", fig_s, f"{fig.layout.height} px tall"))
            for fmt in render.IMAGE_FORMATS:
                runs = warm_times(functools.partial(server.render, fig, fmt), args.repeat)
                rows.append(
                    (
                        f"render {key} {fmt}",
                        statistics.median(runs),
                        f"min {min(runs):.3f} s, max {max(runs):.3f} s",
                    )
                )
    finally:
        server.close()

    width = max(len(name) for name, _, _ in rows)
    print(f"{'step'.ljust(width)}  seconds  note")
    for name, seconds, note in rows:
        print(f"{name.ljust(width)}  {seconds:7.3f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
