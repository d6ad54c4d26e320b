"""Benchmark: load + validate, then build the frames, for the bundled file and 10x-1000x copies.

Run from anywhere:  python benchmarks/bench_loader.py [--quick] [--without-gc-pause]

A living review grows in studies, not in settings: the larger files replicate the sources,
cohorts, results, comparisons and findings under suffixed ids and keep the settings, regimens,
endpoints and verdicts as they are. Generated files go to a temporary folder that is removed
afterwards. Times are warm medians (one untimed run first), in seconds.

Targets: bundled < 50 ms, 100x < 1 s, 1000x < 10 s for load + validate, close to linear.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the evidence package importable

import yaml  # noqa: E402
from common import report_missed, warm_times  # noqa: E402

from components.loaded import load  # noqa: E402
from evidence.loader import load_evidence  # noqa: E402
from evidence.models import Evidence  # noqa: E402
from evidence.yaml_reader import _Loader  # noqa: E402

BUNDLED = ROOT / "data" / "evidence.yaml"
FACTORS = (1, 10, 100, 1000)
TARGETS = {1: 0.05, 100: 1.0, 1000: 10.0}  # load + validate, seconds


def grown(data: dict[str, Any], factor: int) -> dict[str, Any]:
    """The evidence ``factor`` times larger in sources, cohorts and what they report."""
    out = dict(data)
    for kind in ("sources", "cohorts", "results", "comparisons", "findings"):
        out[kind] = []
    for copy in range(factor):
        suffix = "" if copy == 0 else f"_x{copy}"
        for source in data.get("sources", []):
            out["sources"].append({**source, "id": source["id"] + suffix})
        for cohort in data.get("cohorts", []):
            moved = {**cohort, "id": cohort["id"] + suffix, "source": cohort["source"] + suffix}
            if cohort.get("subgroup_of") is not None:
                moved["subgroup_of"] = cohort["subgroup_of"] + suffix
            for refs in ("treated_alike_with", "contains"):  # lists of cohort ids
                if cohort.get(refs):
                    moved[refs] = [ref + suffix for ref in cohort[refs]]
            out["cohorts"].append(moved)
        for kind in ("results", "comparisons", "findings"):
            for item in data.get(kind, []):
                moved = {**item, "cohort": item["cohort"] + suffix}
                if item.get("versus") is not None:
                    moved["versus"] = item["versus"] + suffix
                out[kind].append(moved)
    return out


def median_time(action: Callable[[], object], runs: int, *, warm: bool = True) -> float:
    return statistics.median(warm_times(action, runs, warm=warm))


def build_frames(ev: Evidence) -> None:
    # Exactly what the dashboard builds once per evidence file (every frame, each once).
    load(ev, "benchmark", "benchmark")


def size_text(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 100x (skip 1000x)")
    parser.add_argument(
        "--without-gc-pause",
        action="store_true",
        help="load with the garbage collector running (evidence.loader pauses it): shows "
        "whether the pause is still needed",
    )
    args = parser.parse_args(argv)
    factors = [f for f in FACTORS if not (args.quick and f > 100)]
    if args.without_gc_pause:
        import contextlib

        from evidence import loader

        loader._GcPaused = contextlib.nullcontext  # type: ignore[assignment,misc]
        print("Garbage collector NOT paused while loading (compare with a plain run).")

    yaml_parser = next(c.__name__ for c in _Loader.__mro__ if c.__module__.startswith("yaml"))
    print(f"YAML parser: yaml.{yaml_parser} (libyaml: {yaml.__with_libyaml__})")
    print(f"Python {sys.version.split()[0]}; bundled file: {BUNDLED.relative_to(ROOT)}")
    raw = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    if raw.get("updated") is not None:
        raw["updated"] = str(raw["updated"])  # PyYAML reads a date; the file holds text

    header = f"{'file':>8} {'size':>9} {'results':>8} {'load+validate':>14} {'frames':>9}"
    print()
    print(header + f" {'load x/10x':>10} {'frames x/10x':>12}  target")
    print("-" * (len(header) + 32))
    previous: tuple[float, float] | None = None
    missed = []
    with tempfile.TemporaryDirectory(prefix="bench_evidence_") as tmp:
        for factor in factors:
            if factor == 1:
                path = BUNDLED
            else:
                path = Path(tmp) / f"evidence_{factor}x.yaml"
                dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # 42 MB: C is quicker
                text = yaml.dump(
                    grown(raw, factor), Dumper=dumper, allow_unicode=True, sort_keys=False
                )
                path.write_text(text, encoding="utf-8")
            runs = 7 if factor <= 10 else 5 if factor <= 100 else 3
            ev = load_evidence(path)  # also the warm-up run
            load = median_time(lambda path=path: load_evidence(path), runs, warm=False)
            frame = median_time(lambda ev=ev: build_frames(ev), runs)
            growth = (
                f"{load / previous[0]:>10.1f} {frame / previous[1]:>12.1f}"
                if previous
                else f"{'':>10} {'':>12}"
            )
            target = TARGETS.get(factor)
            verdict = ""
            if target is not None:
                ok = load < target
                verdict = f"< {target * 1000:.0f} ms {'ok' if ok else 'MISSED'}"
                if not ok:
                    missed.append(factor)
            name = "bundled" if factor == 1 else f"{factor}x"
            print(
                f"{name:>8} {size_text(path.stat().st_size):>9} {len(ev.results):>8} "
                f"{load * 1000:>11.1f} ms {frame * 1000:>6.1f} ms {growth}  {verdict}"
            )
            previous = (load, frame)
    print()
    print("Growth x/10x: time ratio to the row above; about 10 is linear.")
    return report_missed([f"{f}x" for f in missed])


if __name__ == "__main__":
    sys.exit(main())
