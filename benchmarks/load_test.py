"""Load test: N concurrent browser sessions walk every page of one dashboard server.

Run from anywhere:  .venv/bin/python benchmarks/load_test.py [--sessions 12] [--seconds 60]
    [--evidence FILE] [--visit-timeout 30] [--ramp 1] [--browsers 1] [--shared-context]

1. Starts one dashboard server on a free 127.0.0.1 port (headless, no file watcher).
2. One browser session opens the landing page and visits every page through the sidebar
   links; it learns each page's heading and whether it draws a chart. The server's memory
   (VmRSS from /proc/<pid>/status, summed over the server and its children) is then read as
   "one session".
3. N sessions (a Chromium context each, spread over ``--browsers`` Chromium processes;
   ``--shared-context`` makes them tabs of one context instead, sharing the HTTP cache) start
   ``--ramp`` seconds apart. Each opens one page (page.goto), then walks all pages in a loop
   through the sidebar links, each session starting at a different page, until ``--seconds``
   have passed since the first start. A visit is timed from the click (or goto) to the
   page's live chart being visible, or, for a page without a chart, to the run being over
   (``[data-testid="stApp"][data-test-script-state="notRunning"]``), with the page's own
   heading live; the session then waits for the run to end before its next click.
   An error is a stException on the page, a timeout (``--visit-timeout``, doubled for a
   goto, which fetches and compiles the whole frontend) or a failed navigation. After an
   error the session carries on through the sidebar; it reloads only when a click failed or
   two visits in a row failed.
4. Memory is sampled every second in a background thread throughout; CPU time is split into
   the server, the load generator (Playwright + Chromium, on the same cores) and the rest.

Targets for N=12 on 2 cores: zero errors; peak memory with N sessions within 2x of one.
Only 127.0.0.1 is contacted. Everything is closed and the server terminated in finally
blocks (also on SIGTERM; the server gets SIGTERM if this script is killed); every wait has a
timeout, and the whole run is capped at --seconds plus a margin.
The script exits 0 once it has measured, whether or not the targets are met.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # serving: the tests' server helpers
sys.path.insert(0, str(ROOT / "benchmarks"))  # common: shared benchmark helpers
import serving  # noqa: E402
from common import (  # noqa: E402
    load_average,
    machine_busy_seconds,
    machine_state,
    parse_stoppable,
    percentile,
)
from serving import CHROME, CHROME_ARGS, LIVE_CHART  # noqa: E402

BUNDLED = ROOT / "data" / "evidence.yaml"
PAGES = (  # (URL path, sidebar link title)
    ("", "Overview"),
    ("response", "Response"),
    ("safety", "Safety"),
    ("dose_modifications", "Dose modifications"),
    ("quality_of_life", "Quality of life"),
    ("time_to_event", "Time to event"),
    ("benefit_risk", "Benefit-risk and verdicts"),
    ("sources", "Sources"),
)
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
MEMORY_TARGET = 2.0

# Browser-side predicates. The old page's elements linger as data-stale="true" while the new
# run draws, so only live (data-stale="false") elements count.
JS_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const h1 = document.querySelector('[data-testid="stMain"] [data-stale="false"] h1');
  const chart = document.querySelector('[data-stale="false"] [data-testid="stPlotlyChart"]');
  return {
    path: location.pathname.replace(/^\\/+|\\/+$/g, ''),
    state: app ? app.getAttribute('data-test-script-state') : null,
    heading: h1 ? h1.textContent.trim() : null,
    chart: chart !== null,
  };
}"""
JS_READY = """([path, heading, chart, needDone]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || location.pathname.replace(/^\\/+|\\/+$/g, '') !== path) return false;
  const done = app.getAttribute('data-test-script-state') === 'notRunning';
  if (needDone && !done) return false;
  const h1 = document.querySelector('[data-testid="stMain"] [data-stale="false"] h1');
  if (!h1 || h1.textContent.trim() !== heading) return false;
  if (!chart) return done;
  const svg = document.querySelector(
    '[data-stale="false"] [data-testid="stPlotlyChart"] .main-svg');
  if (!svg) return false;
  const box = svg.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}"""


# ---------------------------------------------------------------------------------------------
# Server and its memory


def start_server(evidence: Path, log: IO[bytes]) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run dashboard.py` on a free 127.0.0.1 port; returns (process, url)."""
    return serving.launch("dashboard.py", {**os.environ, "EVIDENCE_FILE": str(evidence)}, log)


stop_server = serving.stop


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def tree_rss_mb(root: int) -> float:
    """Summed VmRSS of ``root`` and its descendants, in MiB (0 if it is gone)."""
    total_kb = 0
    for pid in process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
                    break
        except OSError:
            continue
    return total_kb / 1024


def tree_cpu_seconds(root: int) -> float:
    """CPU time of ``root`` and its live descendants, in seconds.

    User + system time of each, plus that of their children that have exited and been
    reaped (cutime + cstime): Chromium's renderers come and go with their contexts.
    """
    ticks = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server: int) -> dict[str, float]:
    """CPU seconds so far: the server tree, this script's other children (Playwright's
    driver and Chromium: the load generator), and the whole machine."""
    mine = tree_cpu_seconds(os.getpid())
    server_cpu = tree_cpu_seconds(server)
    return {
        "server": server_cpu,
        "client": mine - server_cpu,
        "machine": machine_busy_seconds(),
    }


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    delta = {key: after[key] - before[key] for key in before}
    delta["other"] = delta["machine"] - delta["server"] - delta["client"]
    return delta


class MemorySampler(threading.Thread):
    """Samples the server tree's RSS every ``interval`` seconds: (monotonic time, MiB)."""

    def __init__(self, pid: int, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append((time.monotonic(), tree_rss_mb(self.pid)))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)

    def peak(self, since: float, until: float = math.inf) -> float:
        values = [mb for t, mb in self.samples if since <= t <= until]
        return max(values, default=math.nan)


# ---------------------------------------------------------------------------------------------
# Browser sessions


@dataclass
class PageInfo:
    path: str
    title: str
    heading: str = ""
    chart: bool = False


@dataclass
class Visit:
    session: int
    page: str
    how: str  # "load" (page.goto) or "nav" (sidebar link)
    ready_ms: float = math.nan  # to live chart (or run over, for pages without one)
    done_ms: float = math.nan  # to the run being over
    error: str = ""
    stage: str = ""  # what was awaited when the error happened


@dataclass
class Run:
    visits: list[Visit] = field(default_factory=list)
    outside: set[str] = field(default_factory=set)


def _note_outside(run: Run, request: Any) -> None:
    if not request.url.startswith(LOOPBACK):
        run.outside.add(request.url)


async def _new_page(browser: Any, run: Run, context: Any = None) -> tuple[Any, Any]:
    """A page in a new context (or in ``context``); returns (its own context or None, page)."""
    own = None
    if context is None:
        context = own = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.on("request", lambda request: _note_outside(run, request))
    return own, page


async def _exception_text(page: Any) -> str:
    errors = page.get_by_test_id("stException")
    if await errors.count() == 0:
        return ""
    text = await errors.first.inner_text(timeout=5_000)
    return "stException: " + " ".join(text.split())[:200]


async def visit(
    page: Any, url: str, info: PageInfo, how: str, session: int, timeout_ms: float
) -> Visit:
    """Go to ``info``'s page by page.goto or the sidebar link; time it; note any error.

    A page load (goto) gets twice the time: it fetches and compiles the whole frontend.
    """
    record = Visit(session, info.title, how)
    start = time.perf_counter()
    stage = "navigation"
    if how == "load":
        timeout_ms *= 2
    try:
        if how == "load":
            await page.goto(url + info.path, wait_until="commit", timeout=timeout_ms)
        else:
            link = page.get_by_test_id("stSidebar").get_by_role("link", name=info.title)
            await link.click(timeout=timeout_ms)
        args = [info.path, info.heading, info.chart]
        stage = "live chart" if info.chart else "end of run"
        left = max(timeout_ms - (time.perf_counter() - start) * 1000, 1)
        await page.wait_for_function(JS_READY, arg=[*args, False], timeout=left, polling=50)
        record.ready_ms = (time.perf_counter() - start) * 1000
        stage = "end of run"
        left = max(timeout_ms - (time.perf_counter() - start) * 1000, 1)
        await page.wait_for_function(JS_READY, arg=[*args, True], timeout=left, polling=50)
        record.done_ms = (time.perf_counter() - start) * 1000
        record.error = await _exception_text(page)
    except Exception as error:  # every failure is a result to report
        record.stage = stage
        name = type(error).__name__
        first_line = (str(error).strip().splitlines() or [""])[0][:160]
        if "Timeout" in name or "Timeout" in first_line:
            record.error = f"timeout after {timeout_ms / 1000:.0f} s waiting for {stage}"
        else:
            record.error = f"{how} failed ({stage}): {name}: {first_line}"
    return record


async def first_session(page: Any, url: str, timeout_ms: float) -> tuple[list[PageInfo], list[str]]:
    """Walk every page once in one session; learn headings and charts; collect problems."""
    infos: list[PageInfo] = []
    problems: list[str] = []
    previous = None
    for index, (path, title) in enumerate(PAGES):
        if index == 0:
            await page.goto(url + path, wait_until="commit", timeout=timeout_ms)
        else:
            link = page.get_by_test_id("stSidebar").get_by_role("link", name=title)
            await link.click(timeout=timeout_ms)
        # The new page's heading is live and its run is over.
        await page.wait_for_function(
            """([path, previous]) => {
              const app = document.querySelector('[data-testid="stApp"]');
              const h1 = document.querySelector('[data-testid="stMain"] [data-stale="false"] h1');
              return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && location.pathname.replace(/^\\/+|\\/+$/g, '') === path
                && h1 !== null && h1.textContent.trim() !== previous;
            }""",
            arg=[path, previous],
            timeout=timeout_ms,
        )
        # Plotly is lazy-loaded: its element appears only once plotly.js has loaded (the
        # first time, seconds after the run ended). Give every page a while to show one.
        with contextlib.suppress(Exception):
            await page.wait_for_selector(
                LIVE_CHART, state="attached", timeout=20_000 if index == 0 else 5_000
            )
        state = await page.evaluate(JS_STATE)
        info = PageInfo(path, title, state["heading"] or "", bool(state["chart"]))
        infos.append(info)
        previous = info.heading
        if error := await _exception_text(page):
            problems.append(f"{title}: {error}")
    return infos, problems


async def walker(
    session: int,
    browser: Any,
    shared: Any,
    url: str,
    infos: list[PageInfo],
    times: tuple[float, float],
    timeout_ms: float,
    run: Run,
) -> None:
    """One browser session: open a page, then follow the sidebar through all pages in turn.

    ``times`` is (when to start, when to stop starting visits). After a failed visit the
    session goes on through the sidebar; it reloads (page.goto) only when a navigation itself
    failed or two visits in a row failed.
    """
    begin, deadline = times
    await asyncio.sleep(max(0.0, begin - time.monotonic()))
    own, page = await _new_page(browser, run, shared)
    try:
        index = session % len(infos)
        how, failed_in_a_row = "load", 0
        while time.monotonic() < deadline:
            record = await visit(page, url, infos[index], how, session, timeout_ms)
            run.visits.append(record)
            failed_in_a_row = failed_in_a_row + 1 if record.error else 0
            reload = record.stage == "navigation" or failed_in_a_row >= 2
            how = "load" if reload else "nav"
            index = (index + 1) % len(infos)
    finally:
        with contextlib.suppress(Exception):
            await (own.close() if own is not None else page.close())


async def drive(args: argparse.Namespace, url: str, pid: int, sampler: MemorySampler) -> dict:
    from playwright.async_api import async_playwright

    timeout_ms = args.visit_timeout * 1000
    run = Run()
    result: dict[str, Any] = {"run": run}
    async with async_playwright() as pw:
        browsers = []
        try:
            for _ in range(max(1, args.browsers)):
                browsers.append(
                    await pw.chromium.launch(
                        executable_path=CHROME, args=CHROME_ARGS, timeout=60_000
                    )
                )
            # Phase 1: one session, every page.
            result["idle_mb"] = tree_rss_mb(pid)
            context, page = await _new_page(browsers[0], run)
            try:
                infos, problems = await first_session(page, url, timeout_ms)
                samples = []
                for _ in range(3):  # settle, then the highest of three readings a second apart
                    await asyncio.sleep(1)
                    samples.append(tree_rss_mb(pid))
                result["one_mb"] = max(samples)
            finally:
                await context.close()
            result["infos"], result["problems"] = infos, problems

            # Phase 2: N sessions for the given time, started --ramp seconds apart.
            shared = [None] * len(browsers)
            if args.shared_context:  # tabs of one context: one HTTP and code cache
                shared = [
                    await b.new_context(viewport={"width": 1400, "height": 1000}) for b in browsers
                ]
            cpu_start = cpu_snapshot(pid)
            start = time.monotonic()
            deadline = start + args.seconds
            walkers = [
                walker(
                    i,
                    browsers[i % len(browsers)],
                    shared[i % len(browsers)],
                    url,
                    infos,
                    (start + i * args.ramp, deadline),
                    timeout_ms,
                    run,
                )
                for i in range(args.sessions)
            ]
            cap = args.seconds + args.visit_timeout * 2 + 30
            try:
                await asyncio.wait_for(asyncio.gather(*walkers), timeout=cap)
            except TimeoutError:
                result["capped"] = True
            end = time.monotonic()
            result["wall"] = end - start
            result["cpu"] = cpu_delta(cpu_start, cpu_snapshot(pid))
            result["peak_mb"] = sampler.peak(start, end)
            result["end_mb"] = tree_rss_mb(pid)
        finally:
            for browser in browsers:
                with contextlib.suppress(Exception):
                    await browser.close()
    return result


# ---------------------------------------------------------------------------------------------
# Report


def report(args: argparse.Namespace, result: dict[str, Any], log: IO[bytes]) -> None:
    run: Run = result["run"]
    infos: list[PageInfo] = result["infos"]
    visits = run.visits
    errors = [v for v in visits if v.error]
    ok = [v for v in visits if not v.error]
    print(f"\nPages (learned by the first session): {len(infos)}")
    for info in infos:
        print(f"   /{info.path:<19} chart={'yes' if info.chart else 'no ':<3}  h1={info.heading!r}")
    for problem in result["problems"]:
        print(f"   ! first session: {problem}")

    print(
        f"\nLoad: {args.sessions} sessions x {args.seconds:.0f} s "
        f"({result['wall']:.1f} s wall incl. the last visits)"
    )
    head = (
        f"   {'page':<26} {'visits':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'max ms':>8} {'run over p50':>13}"
    )
    print(head)
    print("   " + "-" * (len(head) - 3))

    def row(name: str, group: list[Visit]) -> None:
        good = [v.ready_ms for v in group if not v.error]
        done = [v.done_ms for v in group if not v.error]
        print(
            f"   {name:<26} {len(group):>6} {sum(1 for v in group if v.error):>6} "
            f"{percentile(good, 50):>8.0f} {percentile(good, 95):>8.0f} "
            f"{max(good, default=math.nan):>8.0f} {percentile(done, 50):>13.0f}"
        )

    print("   by page, sidebar navigations only:")
    for info in infos:
        row(info.title, [v for v in visits if v.page == info.title and v.how == "nav"])
    print("   " + "-" * (len(head) - 3))
    row("sidebar navigations", [v for v in visits if v.how == "nav"])
    row("page loads (goto)", [v for v in visits if v.how == "load"])
    row("all visits", visits)

    print(f"\n   total visits {len(visits)}, errors {len(errors)}")
    for message, count in _counted(v.error for v in errors)[:5]:
        print(f"   ! {count} x {message}")
    if result.get("capped"):
        print("   ! the run hit its hard time cap; some sessions were cancelled")
    if run.outside:
        print(f"   ! requests to other hosts (refused): {sorted(run.outside)[:5]}")

    one, peak = result["one_mb"], result["peak_mb"]
    ratio = peak / one if one else math.nan
    print("\nServer memory (VmRSS of the server process tree, MiB)")
    print(f"   idle, before any session:          {result['idle_mb']:8.1f}")
    print(f"   after 1 session visited every page: {one:8.1f}")
    print(f"   peak with {args.sessions:>2} sessions (1 s samples): {peak:8.1f}")
    print(f"   after the run:                      {result['end_mb']:8.1f}")
    verdict = "ok" if ratio <= MEMORY_TARGET else "MISS"
    print(f"   ratio peak / one session: {ratio:.2f}x  target<={MEMORY_TARGET:.0f}x  {verdict}")
    cpu, wall = result["cpu"], result["wall"]
    print(f"\nCPU during the load ({wall:.1f} s wall, {os.cpu_count()} cores), in cores busy:")
    for key, label in (
        ("server", "dashboard server"),
        ("client", "load generator (Playwright driver + Chromium)"),
        ("other", "everything else on the machine"),
        ("machine", "whole machine"),
    ):
        print(f"   {label:<46} {cpu[key] / wall:5.2f}  ({cpu[key]:6.1f} s)")
    per_visit = cpu["server"] / len(ok) * 1000 if ok else math.nan
    print(
        f"   successful visits/s {len(ok) / wall:.2f}; server CPU per successful visit "
        f"{per_visit:.0f} ms; load average now {load_average()}"
    )
    if cpu["client"] > cpu["server"]:
        print(
            "   note: the browsers used more CPU than the server on the same cores, so page "
            "times here are bounded by the load generator as much as by the server"
        )
    if errors:
        print("\nServer log tail:\n" + serving.tail(log, 15))

    p50 = percentile([v.ready_ms for v in ok], 50)
    p95 = percentile([v.ready_ms for v in ok], 95)
    navs = [v for v in ok if v.how == "nav"] or ok

    def page_p50(info: PageInfo) -> float:
        p50 = percentile([v.ready_ms for v in navs if v.page == info.title], 50)
        return -math.inf if math.isnan(p50) else p50

    slowest = max(infos, key=page_p50)
    slow_p50 = page_p50(slowest)
    print(
        f"\nSummary: {args.sessions} concurrent sessions made {len(visits)} page visits in "
        f"{args.seconds:.0f} s with {len(errors)} errors; page time p50 {p50:.0f} ms, "
        f"p95 {p95:.0f} ms (slowest page by sidebar navigation: {slowest.title}, p50 "
        f"{slow_p50:.0f} ms). "
        f"Server memory went from {one:.0f} MiB with one session to a peak of {peak:.0f} MiB "
        f"({ratio:.2f}x, target <= {MEMORY_TARGET:.0f}x). Of {os.cpu_count()} cores, the server "
        f"kept {cpu['server'] / wall:.2f} busy, the browsers {cpu['client'] / wall:.2f} and "
        f"other work {cpu['other'] / wall:.2f}."
    )


def _counted(items: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=12, help="concurrent sessions (12)")
    parser.add_argument("--seconds", type=float, default=60, help="load duration (60)")
    parser.add_argument("--evidence", type=Path, default=BUNDLED, help="evidence file")
    parser.add_argument("--visit-timeout", type=float, default=30, help="per visit, s (30)")
    parser.add_argument("--browsers", type=int, default=1, help="Chromium processes (1)")
    parser.add_argument(
        "--ramp", type=float, default=1.0, help="seconds between session starts (1)"
    )
    parser.add_argument(
        "--shared-context",
        action="store_true",
        help="sessions as tabs of one browser context (shared HTTP cache) instead of a "
        "context each; the server still sees one session per tab",
    )
    args = parse_stoppable(parser, argv)
    evidence = args.evidence.resolve()

    print(
        f"load_test: {args.sessions} sessions, {args.seconds:.0f} s, evidence {evidence}, "
        f"{machine_state()}"
    )
    with tempfile.TemporaryFile() as log:
        proc, url = start_server(evidence, log)
        try:
            sampler = MemorySampler(proc.pid)
            sampler.start()
            try:
                result = asyncio.run(drive(args, url, proc.pid, sampler))
            except Exception as error:  # the app is broken or the browser failed: say so
                first = (str(error).strip().splitlines() or [""])[0]
                print(f"\nload_test could not run: {type(error).__name__}: {first}")
                print("Server log tail:\n" + serving.tail(log, 15))
                return 1
            finally:
                sampler.stop()
        finally:
            stop_server(proc)
        report(args, result, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
