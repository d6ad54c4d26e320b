"""Benchmark: the within-study effect table, for the bundled file and a 1000x copy.

Run from anywhere:  python benchmarks/bench_effects.py [--runs 20] [--quick]

The first call in a fresh process pays statsmodels' import (about a second): it is timed
once, on its own, in a child process, and is a cost only the pages that show effects pay.
Warm times are medians of ``--runs`` calls after one untimed call, on an Evidence already
loaded (loading is bench_loader.py's business). The 1000x file is grown as bench_loader.py
grows it (sources, cohorts, results, comparisons and findings replicated under suffixed ids)
and is built in memory; its load time is shown for scale.

Targets: bundled <= 50 ms warm, 1000x < 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the evidence package importable

import yaml  # noqa: E402
from bench_loader import grown  # noqa: E402
from common import report_missed, warm_times  # noqa: E402

from evidence.effects import BASIS, BASIS_REPORTED, effect_table  # noqa: E402
from evidence.loader import load_evidence  # noqa: E402
from evidence.models import Evidence  # noqa: E402

BUNDLED = ROOT / "data" / "evidence.yaml"
TARGETS = {1: 0.050, 1000: 10.0}  # seconds

COLD = """
import sys, time
sys.path.insert(0, {root!r})
from evidence.loader import load_evidence
ev = load_evidence({path!r})
import evidence.effects
assert "statsmodels" not in sys.modules
start = time.perf_counter()
evidence.effects.effect_table(ev)
print(time.perf_counter() - start)
"""


def cold_first_call() -> float:
    """Seconds of the first effect_table call in a fresh process (statsmodels import included)."""
    code = COLD.format(root=str(ROOT), path=str(BUNDLED))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return float(done.stdout.strip())


def warm_median(ev: Evidence, runs: int) -> tuple[float, float, float]:
    """(median, min, max) seconds of effect_table after one untimed call."""
    times = warm_times(lambda: effect_table(ev), runs)
    return statistics.median(times), min(times), max(times)


def rows_text(ev: Evidence) -> str:
    table = effect_table(ev)
    reported = int((table[BASIS] == BASIS_REPORTED).sum())
    return f"{len(table)} rows ({len(table) - reported} computed, {reported} reported)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed warm runs (default 20)")
    parser.add_argument("--quick", action="store_true", help="skip the 1000x file")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}; bundled file: {BUNDLED.relative_to(ROOT)}")
    missed = []

    cold = cold_first_call()
    print(f"bundled, first call in a fresh process (statsmodels import included): {cold:.3f} s")
    ev = load_evidence(BUNDLED)
    median, low, high = warm_median(ev, args.runs)
    ok = median <= TARGETS[1]
    missed += [] if ok else ["bundled"]
    print(
        f"bundled, warm: median {median * 1000:.1f} ms of {args.runs} "
        f"(min {low * 1000:.1f}, max {high * 1000:.1f}); {rows_text(ev)}; "
        f"target <= {TARGETS[1] * 1000:.0f} ms {'ok' if ok else 'MISSED'}"
    )

    if not args.quick:
        raw = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
        if raw.get("updated") is not None:
            raw["updated"] = str(raw["updated"])
        with tempfile.TemporaryDirectory(prefix="bench_effects_") as tmp:
            path = Path(tmp) / "evidence_1000x.yaml"
            dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
            path.write_text(
                yaml.dump(grown(raw, 1000), Dumper=dumper, allow_unicode=True, sort_keys=False),
                encoding="utf-8",
            )
            start = time.perf_counter()
            big = load_evidence(path)
            load = time.perf_counter() - start
        runs = max(3, args.runs // 4)
        median, low, high = warm_median(big, runs)
        ok = median < TARGETS[1000]
        missed += [] if ok else ["1000x"]
        print(
            f"1000x, warm: median {median:.3f} s of {runs} (min {low:.3f}, max {high:.3f}); "
            f"{rows_text(big)}; target < {TARGETS[1000]:.0f} s {'ok' if ok else 'MISSED'}"
            f"  [load + validate of the file, for scale: {load:.1f} s]"
        )
    return report_missed(missed)


if __name__ == "__main__":
    sys.exit(main())
