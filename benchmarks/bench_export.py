"""Time static export on the bundled evidence: the export command per format, and single figures.

Run from the repository root:  .venv/bin/python benchmarks/bench_export.py [--runs 3] [--figures]

Part A (always) runs the command a user runs, ``python -m components.export --out DIR``, in a
fresh process each time (Chromium's start, imports and drawing included) for the deck alone
(``--formats pptx``), every format, and the offline page alone (``--formats html``), ``--runs``
times each, the three interleaved so that a change in the machine's load hits all alike. It
prints each run's wall and CPU time (the command's own process, not Chromium's) with the load
average at its start, then the median per case. Targets (issue 19, a quiet 2-core machine):
deck <= 8 s, everything <= 15 s, offline page <= 3 s.

Part B (``--figures``) times single renders in one warm Chromium, as before: the smallest, a
typical and the tallest chart of the bundled evidence in each format.

Only 127.0.0.1 and the local Chromium are involved. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import load_average, machine_state, report_missed, warm_times

ROOT = Path(__file__).resolve().parents[1]
# Runnable as a plain script from anywhere: the repository root goes on the import path.
sys.path.insert(0, str(ROOT))

CASES = (
    ("deck (--formats pptx)", "pptx", 8.0),
    ("everything (all formats)", "png,svg,pdf,pptx,csv,html", 15.0),
    ("offline page (--formats html)", "html", 3.0),
)
"""(name, --formats, target seconds)."""


def run_command(formats: str) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -m components.export`` in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="bench-export-") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "components.export", "--formats", formats, "--out", out],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commands(runs: int) -> list[str]:
    """Part A: time each case ``runs`` times, interleaved; names the targets missed."""
    walls: dict[str, list[float]] = {name: [] for name, _, _ in CASES}
    print(f"{'run':>3}  {'case':<30} {'wall s':>7} {'cpu s':>6}  load average at start")
    for i in range(1, runs + 1):
        for name, formats, _ in CASES:
            load = load_average()
            wall, cpu = run_command(formats)
            walls[name].append(wall)
            print(f"{i:>3}  {name:<30} {wall:7.2f} {cpu:6.2f}  {load}", flush=True)
    missed = []
    print(f"\nmedian of {runs}:")
    for name, _, target in CASES:
        median = statistics.median(walls[name])
        ok = median <= target
        print(f"  {name:<30} {median:6.2f} s  (target <= {target:.0f} s{'' if ok else ', MISSED'})")
        if not ok:
            missed.append(name)
    return missed


def figures(repeat: int) -> None:
    """Part B: single renders in one warm Chromium."""
    from components.export import files, render
    from components.export.dress import with_footer
    from components.loaded import BUNDLED_EVIDENCE, Filters, load_path

    loaded = load_path(BUNDLED_EVIDENCE)
    specs = files.file_specs(loaded, Filters())
    rows: list[tuple[str, float, str]] = []
    server = render.ExportServer()
    try:
        server.start()
        for key in ("tte_ratios", "benefit_risk", "response_forest"):
            spec = next(s for s in specs if s.key == key)
            fig = with_footer(spec, data_version=loaded.data_version)
            for fmt in render.IMAGE_FORMATS:

                def fresh(fig: object = fig, fmt: str = fmt) -> bytes:
                    server.cache.clear()  # a render each time, not a cache hit
                    return server.render(fig, fmt)  # type: ignore[arg-type]

                runs = warm_times(fresh, repeat)
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
    print(f"\n{'step'.ljust(width)}  seconds  note")
    for name, seconds, note in rows:
        print(f"{name.ljust(width)}  {seconds:7.3f}  {note}")


def compiled() -> str:
    """Compile the project's modules to bytecode first, as installing a package does.

    An editable install writes its .pyc files on first import, unless PYTHONDONTWRITEBYTECODE
    is set (as on the reference machine): then every run compiled the project's modules
    again, about 0.2 s of each command, which a user's installed copy does not pay.
    """
    import compileall

    ok = all(
        compileall.compile_dir(ROOT / package, quiet=1) for package in ("components", "evidence")
    )
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"
    return (
        f"project bytecode compiled first ({'ok' if ok else 'FAILED'}); "
        f"PYTHONDONTWRITEBYTECODE={setting}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (median)")
    parser.add_argument("--figures", action="store_true", help="also time single renders")
    parser.add_argument("--repeat", type=int, default=5, help="runs per single-figure timing")
    args = parser.parse_args()
    print(f"{machine_state()}; pid {os.getpid()}")
    print(compiled())
    missed = commands(args.runs)
    if args.figures:
        figures(args.repeat)
    return report_missed(missed)


if __name__ == "__main__":
    sys.exit(main())
