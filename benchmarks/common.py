"""Helpers shared by the benchmark scripts: percentiles and how busy the machine is."""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, or "n/a"."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def machine_busy_now(seconds: float = 3.0) -> float:
    """Cores the machine keeps busy over ``seconds`` (other work competes with the test)."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds


def parse_stoppable(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The parsed ``argv``; from now on SIGTERM exits through the finally blocks.

    `timeout` and `kill` send SIGTERM: a benchmark killed that way still stops its servers.
    """
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return args


def machine_state() -> str:
    """CPUs, load averages and cores busy now: what else competes with the measurement."""
    return (
        f"{os.cpu_count()} CPUs, load average {load_average()} at start, "
        f"{machine_busy_now():.2f} cores busy before starting"
    )


def warm_times(action: Callable[[], object], runs: int, *, warm: bool = True) -> list[float]:
    """Seconds each of ``runs`` calls of ``action`` takes, after one untimed call (``warm``).

    The untimed call pays imports, caches and the OS file cache, as a server's first visitor
    would; ``warm=False`` times every call.
    """
    if warm:
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def report_missed(missed: list[str]) -> int:
    """Name the targets missed, if any; the exit status: 1 when one was missed, else 0."""
    if missed:
        print(f"Missed targets: {', '.join(missed)}")
        return 1
    return 0
