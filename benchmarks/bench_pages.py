"""Benchmark: server-side run time of every page, and time to the landing page's first chart.

Run from anywhere:  .venv/bin/python benchmarks/bench_pages.py [--reruns 15] [--samples 8]

Part A runs each page in-process with Streamlit's AppTest on the evidence file: a new session's
first run (the evidence is already cached, as on a server that has served anyone before), one
untimed warm-up rerun, then ``--reruns`` timed reruns. Target: warm median < 150 ms per page.
The baseline app (benchmarks/baseline_app.py, one chart) is timed the same way as a floor.
AppTest slightly overstates a server's time: every run recompiles the scripts and, because it
resets PagesManager.uses_pages_directory, first starts the page file alone until
state.route_through_shell reruns it through dashboard.py (a few ms).

Part B serves the dashboard and the baseline app side by side on free 127.0.0.1 ports and opens
each in a fresh Chromium context per sample (an empty HTTP cache, as for a first visit),
alternating the two apps. It times page.goto's
start to the moment a live chart's SVG is visible (old elements linger as data-stale="true"
after a rerun, so only data-stale="false" ones count). Target: dashboard / baseline <= 1.10.
One untimed visit per server comes first; the first visitor after a start pays the imports.

Only 127.0.0.1 is contacted: the servers listen there and Chromium resolves no other host.
The script exits 0 once it has measured, whether or not the targets are met.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the app's own packages, as `streamlit run` would provide
sys.path.insert(0, str(ROOT / "tests"))  # serving: the tests' server helpers
sys.path.insert(0, str(ROOT / "benchmarks"))  # common: shared benchmark helpers
import serving  # noqa: E402
from common import load_average, machine_state, parse_stoppable, percentile  # noqa: E402
from serving import CHROME, CHROME_ARGS, LIVE_CHART  # noqa: E402

from components import registry  # noqa: E402

APP = ROOT / "dashboard.py"
BASELINE = ROOT / "benchmarks" / "baseline_app.py"
BUNDLED = ROOT / "data" / "evidence.yaml"
PAGES = tuple(page.key for page in registry.PAGES)  # every page, as the app declares them
RERUN_TARGET_MS = 150.0
RATIO_TARGET = 1.10  # issue 19: "a landing page as fast as an empty one", within 10%

SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
WAIT_MS = 60_000


# ---------------------------------------------------------------------------------------------
# Small helpers


@contextlib.contextmanager
def serve(script: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run script` on a free 127.0.0.1 port (headless); yields the URL."""
    with tempfile.TemporaryFile() as log:
        proc, url = serving.launch(
            str(script.relative_to(ROOT)), {**os.environ, **(env or {})}, log
        )
        try:
            yield url
        finally:
            serving.stop(proc)


# ---------------------------------------------------------------------------------------------
# Part A: server-side run time per page (AppTest)


def _timed(run: Callable[[], Any], cpu: list[float] | None = None) -> float:
    """Wall ms of ``run()``; appends this process's CPU ms (all threads) to ``cpu``."""
    start, start_cpu = time.perf_counter(), time.process_time()
    run()
    if cpu is not None:
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (time.perf_counter() - start) * 1000


def _problems(at: Any) -> list[str]:
    return [f"exception: {e.message}" for e in at.exception] + [
        f"error: {e.value}" for e in at.error
    ]


def _title(at: Any) -> str:
    return str(at.title[0].value) if len(at.title) else ""


def bench_one(script: Path, page: str | None, reruns: int) -> dict[str, Any]:
    """First run of a new session, one warm-up rerun, then ``reruns`` timed reruns."""
    from streamlit.testing.v1 import AppTest  # noqa: TID251 (AppTest drives the app)

    at = AppTest.from_file(str(script), default_timeout=60)
    if page is not None:
        at.switch_page(f"pages/{page}.py")
    first = _timed(at.run)
    problems = _problems(at)
    title = _title(at)
    charts = len(at.get("plotly_chart"))
    at.run()  # warm-up
    warm: list[float] = []
    cpu: list[float] = []
    for _ in range(reruns):
        warm.append(_timed(at.run, cpu))
        if _title(at) != title:  # a rerun must redraw the same page
            problems.append(f"rerun drew {_title(at)!r}, expected {title!r}")
        problems.extend(_problems(at))
    return {
        "first": first,
        "median": statistics.median(warm) if warm else math.nan,
        "p90": percentile(warm, 90),
        "max": max(warm, default=math.nan),
        "cpu": statistics.median(cpu) if cpu else math.nan,
        "charts": charts,
        "problems": list(dict.fromkeys(problems)),
    }


def part_a(evidence: Path, reruns: int) -> dict[str, Any]:
    import streamlit as st  # noqa: TID251 (to clear its evidence cache)

    os.environ["EVIDENCE_FILE"] = str(evidence)
    st.cache_resource.clear()
    # The process's very first run imports the app's modules and loads the evidence.
    process_first = bench_one(APP, "overview", 0)["first"]
    rows = {page: bench_one(APP, page, reruns) for page in PAGES}
    baseline = bench_one(BASELINE, None, reruns)
    return {"process_first": process_first, "rows": rows, "baseline": baseline}


def print_part_a(result: dict[str, Any], reruns: int) -> None:
    print(f"\nA. Server-side run time per page (AppTest, {reruns} warm reruns each), ms")
    print(f"   process's first run (imports + evidence load): {result['process_first']:.0f} ms")
    print(
        "   first run = a new session's first run (evidence cached); median/p90/max = wall "
        "time of warm reruns; cpu = CPU time of this process per warm rerun (less sensitive "
        "to other load on the machine)"
    )
    head = (
        f"   {'page':<20} {'charts':>6} {'first run':>10} {'median':>8} {'p90':>8} "
        f"{'max':>8} {'cpu median':>10}  target<{RERUN_TARGET_MS:.0f}"
    )
    print(head)
    print("   " + "-" * (len(head) - 3))
    items = [*result["rows"].items(), ("(baseline app)", result["baseline"])]
    for name, r in items:
        verdict = "ok" if r["median"] < RERUN_TARGET_MS else "MISS"
        if name.startswith("("):
            verdict = "floor"
        print(
            f"   {name:<20} {r['charts']:>6} {r['first']:>10.0f} {r['median']:>8.0f} "
            f"{r['p90']:>8.0f} {r['max']:>8.0f} {r['cpu']:>10.0f}  {verdict}"
        )
    for name, r in items:
        for problem in r["problems"][:3]:
            print(f"   ! {name}: {problem[:200]}")


# ---------------------------------------------------------------------------------------------
# Part B: time to the first drawn chart in a real browser


def _visit(browser: Any, url: str, outside: list[str]) -> tuple[float, float, int] | str:
    """Fresh context: (ms to first live chart, ms to script done, stException count).

    Returns a message instead when the page fails (a timeout or a navigation error).
    """
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:"))
                else outside.append(r.url)
            ),
        )
        stage = "navigation"
        try:
            start = time.perf_counter()
            page.goto(url, wait_until="commit", timeout=WAIT_MS)
            stage = "live chart"
            page.wait_for_selector(LIVE_CHART, state="visible", timeout=WAIT_MS)
            chart = (time.perf_counter() - start) * 1000
            stage = "end of run"
            page.wait_for_selector(SCRIPT_DONE, state="attached", timeout=WAIT_MS)
            done = (time.perf_counter() - start) * 1000
            return chart, done, page.locator('[data-testid="stException"]').count()
        except PlaywrightError as error:
            first = (str(error).strip().splitlines() or [""])[0][:120]
            seen = page.evaluate(
                """() => [...document.querySelectorAll(
                    '[data-testid="stException"], [data-testid="stMain"] h1')]
                    .map(e => e.textContent.trim().slice(0, 80)).join(' | ')"""
            )
            return f"{stage}: {first} (page shows: {seen or 'nothing'})"
    finally:
        context.close()


def part_b(evidence: Path, samples: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    apps = {"dashboard": APP, "baseline": BASELINE}
    times: dict[str, dict[str, list[float]]] = {a: {"chart": [], "done": []} for a in apps}
    first: dict[str, float] = {}
    exceptions = {a: 0 for a in apps}
    failures: dict[str, list[str]] = {a: [] for a in apps}
    outside: list[str] = []
    with contextlib.ExitStack() as stack:
        urls = {
            name: stack.enter_context(serve(script, {"EVIDENCE_FILE": str(evidence)}))
            for name, script in apps.items()
        }
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROME, args=CHROME_ARGS, timeout=WAIT_MS)
        stack.callback(browser.close)
        for name, url in urls.items():  # untimed: the first visitor pays imports + loading
            got = _visit(browser, url, outside)
            first[name] = math.nan if isinstance(got, str) else got[0]
            if isinstance(got, str):
                failures[name].append("first visit: " + got)
        for i in range(samples):
            order = list(apps) if i % 2 == 0 else list(reversed(apps))
            for name in order:
                got = _visit(browser, urls[name], outside)
                if isinstance(got, str):
                    failures[name].append(got)
                    continue
                chart, done, errors = got
                times[name]["chart"].append(chart)
                times[name]["done"].append(done)
                exceptions[name] += errors
    return {
        "times": times,
        "first": first,
        "exceptions": exceptions,
        "failures": failures,
        "outside": outside,
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def print_part_b(result: dict[str, Any], samples: int) -> float:
    times = result["times"]
    print(f"\nB. Landing page: page.goto -> first live chart visible ({samples} samples each), ms")
    head = (
        f"   {'app':<10} {'first visit':>11} {'median':>8} {'min':>8} {'max':>8} "
        f"{'script done (median)':>21} {'failed':>6}"
    )
    print(head)
    print("   " + "-" * (len(head) - 3))
    for name, t in times.items():
        print(
            f"   {name:<10} {result['first'][name]:>11.0f} {median(t['chart']):>8.0f} "
            f"{min(t['chart'], default=math.nan):>8.0f} {max(t['chart'], default=math.nan):>8.0f} "
            f"{median(t['done']):>21.0f} {len(result['failures'][name]):>6}"
        )
    ratio = median(times["dashboard"]["chart"]) / median(times["baseline"]["chart"])
    verdict = "ok" if ratio <= RATIO_TARGET else "MISS"
    print(
        f"   ratio dashboard/baseline (medians): {ratio:.2f}x  "
        f"target<={RATIO_TARGET:.2f}  {verdict}"
    )
    for name, t in times.items():
        print(f"   samples {name + ':':<10} " + ", ".join(f"{x:.0f}" for x in t["chart"]))
    for name, failures in result["failures"].items():
        for failure in failures[:3]:
            print(f"   ! {name}: {failure}")
    if any(result["exceptions"].values()):
        print(f"   ! stException elements seen: {result['exceptions']}")
    if result["outside"]:
        print(f"   ! requests to other hosts (refused): {sorted(set(result['outside']))[:5]}")
    return ratio


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15, help="timed reruns per page (A)")
    parser.add_argument("--samples", type=int, default=8, help="browser samples per app (B)")
    parser.add_argument("--evidence", type=Path, default=BUNDLED, help="evidence file")
    parser.add_argument("--skip-apptest", action="store_true", help="skip part A")
    parser.add_argument("--skip-browser", action="store_true", help="skip part B")
    args = parse_stoppable(parser, argv)
    evidence = args.evidence.resolve()

    print(
        f"bench_pages: {evidence.relative_to(ROOT) if evidence.is_relative_to(ROOT) else evidence}"
        f" | Python {platform.python_version()} | {machine_state()}"
    )
    summary: list[str] = []
    if not args.skip_apptest:
        a = part_a(evidence, args.reruns)
        print_part_a(a, args.reruns)
        medians = {name: r["median"] for name, r in a["rows"].items()}
        slow = [n for n, m in medians.items() if m >= RERUN_TARGET_MS]
        worst = max(medians, key=lambda n: medians[n])
        broken = [n for n, r in a["rows"].items() if r["problems"]]
        summary.append(
            f"Warm reruns: {len(PAGES) - len(slow)} of {len(PAGES)} pages have a median under "
            f"{RERUN_TARGET_MS:.0f} ms"
            + (f" (over: {', '.join(slow)})" if slow else "")
            + f"; the slowest is {worst} at {medians[worst]:.0f} ms median "
            f"(p90 {a['rows'][worst]['p90']:.0f} ms), against {a['baseline']['median']:.0f} ms "
            f"for the one-chart baseline under the same harness"
            + (f"; pages with errors: {', '.join(broken)}" if broken else "")
            + "."
        )
    if not args.skip_browser:
        b = part_b(evidence, args.samples)
        ratio = print_part_b(b, args.samples)
        dash = median(b["times"]["dashboard"]["chart"])
        base = median(b["times"]["baseline"]["chart"])
        summary.append(
            f"In Chromium the landing page shows its first chart after {dash:.0f} ms (median) "
            f"against {base:.0f} ms for the one-chart app, {ratio:.2f}x, "
            f"{'within' if ratio <= RATIO_TARGET else 'over'} the {RATIO_TARGET:.2f}x target."
        )
    print(f"\nload average at end: {load_average()}")
    print("\nSummary: " + " ".join(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
