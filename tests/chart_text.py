"""The chart-text checker shared by the browser tests: no text cut, no two texts overlapping.

Issue 19: in every look, at 390 and 1440 px, each chart text a reader must read lies within
its chart's box, and no two of a chart's texts overlap.
"""

from __future__ import annotations

from playwright.sync_api import Page

# Every chart text a reader must read: the title and the subtitle with its notes, axis titles,
# tick labels, annotations (panel titles, row labels, captions), legend entries and title,
# the value printed beside a point and a grid cell's text.
CHART_TEXT = (
    ".gtitle, .gtitle-subtitle, .xtitle, .ytitle, .xtick text, .ytick text, .annotation-text, "
    ".legendtext, .legendtitletext, .textpoint text, .heatmap-label"
)
LIVE_PLOTS = '[data-stale="false"] .js-plotly-plot'
"""The plots of a Streamlit page that are not stale; the offline page's are `.js-plotly-plot`."""

_TEXT_PROBLEMS = """([plots, selector]) => {
  const problems = [];
  document.querySelectorAll(plots).forEach((plot) => {
    const svg = plot.querySelector('.main-svg');
    if (!svg) return;
    const box = svg.getBoundingClientRect(), host = plot.getBoundingClientRect();
    const left = Math.max(box.left, host.left), right = Math.min(box.right, host.right);
    const top = Math.max(box.top, host.top), bottom = Math.min(box.bottom, host.bottom);
    const name = ((plot.querySelector('.gtitle') || {}).textContent || '').slice(0, 40);
    const texts = [...plot.querySelectorAll(selector)].filter((el) => {
      const style = getComputedStyle(el), r = el.getBoundingClientRect();
      return style.display !== 'none' && style.visibility !== 'hidden' && r.width >= 1
        && r.height >= 1 && (el.textContent || '').trim();
    }).map((el) => [el.textContent.trim().slice(0, 50), el.getBoundingClientRect()]);
    for (const [text, r] of texts) {
      const past = Math.max(left - r.left, r.right - right, top - r.top, r.bottom - bottom);
      if (past > 1) problems.push(`${name}: "${text}" runs ${Math.round(past)} px past the chart`);
    }
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const [a, ra] = texts[i], [b, rb] = texts[j];
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 2 && y > 2) problems.push(`${name}: "${a}" overlaps "${b}"`);
    }
    // The toolbar of a live chart (shown on hover or a tap, its box there when hidden)
    const bar = plot.querySelector('.modebar');
    const rb = bar ? bar.getBoundingClientRect() : null;
    if (rb && rb.width >= 1) for (const el of plot.querySelectorAll('.gtitle, .gtitle-subtitle')) {
      const r = el.getBoundingClientRect();
      const x = Math.min(r.right, rb.right) - Math.max(r.left, rb.left);
      const y = Math.min(r.bottom, rb.bottom) - Math.max(r.top, rb.top);
      const text = (el.textContent || '').trim().slice(0, 50);
      if (text && x > 2 && y > 2) problems.push(`${name}: the toolbar covers "${text}"`);
    }
  });
  return problems;
}"""


def chart_text_problems(page: Page, plots: str = LIVE_PLOTS) -> list[str]:
    """Each chart text that runs past its chart's svg, each pair of texts that overlap, and
    each title line the chart's toolbar (plotly's modebar) would cover when it shows.

    A text's box (getBoundingClientRect) must lie within its chart's svg; two texts of a
    chart may not overlap by more than 2 px each way (a rotated label's box counts whole, so
    labels are never left to turn). Hidden charts (no box) have nothing to check.
    """
    return list(page.evaluate(_TEXT_PROBLEMS, [plots, CHART_TEXT]))
