"""Time static export on the bundled evidence: the deck, the ZIP, and single figures.

Run from the repository root:  .venv/bin/python benchmarks/bench_export.py [--repeat 5]

Targets (2 cores): the whole deck under 15 s including Chromium's start; one figure after
warm-up under 0.3 s per format.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# Runnable as a plain script from anywhere: the repository root goes on the import path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from components import export, views
from components.bundle import Filters, bundle_from_path


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def deck(bundle, filters, specs, server):
    subtitle = views.filter_subtitle(bundle, filters)
    images = {
        spec.key: server.render(
            export.export_figure(spec, data_version=bundle.data_version, subtitle=subtitle),
            "png",
        )
        for spec in specs
    }
    return export.deck_pptx(bundle, filters, specs, images=images)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per single-figure timing")
    args = parser.parse_args()

    rows: list[tuple[str, float, str]] = []
    load_s, bundle = timed(bundle_from_path, export.DEFAULT_EVIDENCE)
    filters = Filters()
    views_s, specs = timed(views.all_views, bundle, filters)
    rows += [("load evidence + frames", load_s, ""), ("all_views", views_s, f"{len(specs)} charts")]

    server = export.ExportServer()
    try:
        cold_s, data = timed(deck, bundle, filters, specs, server)  # includes Chromium's start
        rows.append(("deck, cold (Chromium start + PNGs + pptx)", cold_s, f"{len(data):,} B"))
        warm_s, data = timed(deck, bundle, filters, specs, server)
        rows.append(("deck, warm", warm_s, f"{len(specs)} PNGs"))
        zip_s, data = timed(export.everything_zip, bundle, filters, server=server)
        rows.append(("everything_zip, warm", zip_s, f"{len(data):,} B"))

        subtitle = views.filter_subtitle(bundle, filters)
        # The smallest, a typical and the tallest chart of the bundled evidence.
        for key in ("tte_ratios", "benefit_risk", "response_forest"):
            spec = next(s for s in specs if s.key == key)
            fig_s, fig = timed(
                export.export_figure, spec, data_version=bundle.data_version, subtitle=subtitle
            )
            rows.append((f"export_figure {key}", fig_s, f"{fig.layout.height} px tall"))
            for fmt in export.IMAGE_FORMATS:
                server.render(fig, fmt)  # warm-up
                runs = [timed(server.render, fig, fmt)[0] for _ in range(args.repeat)]
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
