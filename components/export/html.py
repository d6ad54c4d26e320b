"""The offline journal-club page: one self-contained HTML file of a view.

Every chart of the view, interactive (the same figures, with the same hover text, as the PNG
and SVG exports), the rows behind each, the verdicts with what they rest on, the caveats,
the sources with links, the filters and the data version. plotly.js is inlined; the page
loads nothing from anywhere (no CDN, no web fonts, no MathJax), so it opens from a USB stick
or an e-mail attachment, and it prints one section per page with no chart cut.

All evidence text is HTML-escaped here; figures travel as JSON in ``<script
type="application/json">`` blocks (``<`` as a JSON escape), never as markup.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.offline
from plotly.utils import PlotlyJSONEncoder

from components import content, registry, tables
from components.export import dress
from components.loaded import Filters, LoadedEvidence
from components.looks import FILE, GREY, INK
from components.specs import ChartSpec, slug
from components.words import plural
from evidence import frames as fr

PRINT_WIDTH = 700
"""CSS pixels a chart spans in print: A4 or Letter less 12 mm margins is 703-725 px."""
PRINT_LAYOUT_WIDTH = 1000
"""The width a chart is laid out at for print before it is shrunk to PRINT_WIDTH (70%):
narrower, the evidence grid's column labels turn and its cells' text is clipped."""
PRINT_CHART_HEIGHT = 760
"""The most CSS pixels a printed chart may take: a Letter page (964 px high within 12 mm
margins) less the section heading and the chart's caption."""
SCREEN_MIN_WIDTH = PRINT_LAYOUT_WIDTH
"""The narrowest a chart is laid out on a screen, as in print: a narrower screen (a phone)
scrolls it sideways inside its own frame, not the page. The file look is laid out for 1280 px
and its text fits down to this; at 800 px subtitles ran past the chart and the grid's column
labels turned into each other."""
PLOTLY_CONFIG = (
    '{"responsive": true, "displaylogo": false, "showSendToCloud": false, "typesetMath": false}'
)
"""plotly.js options: no logo link, no "Share chart" (it uploads to Plotly Cloud), no MathJax."""

_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}")
_LINK = re.compile(r"https?://", re.IGNORECASE)

_CSS = f"""
:root {{ color-scheme: light; }}
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{
  margin: 0; background: #fff; color: {INK};
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
}}
.page {{ max-width: 1120px; margin: 0 auto; padding: 0 16px 48px; }}
h1, h2, h3 {{ line-height: 1.25; }}
h1 {{ font-size: 1.8rem; margin: 1.5rem 0 .5rem; }}
h2 {{ font-size: 1.45rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem;
  border-bottom: 1px solid #d9d9d9; }}
h3 {{ font-size: 1.1rem; margin: 1.5rem 0 .4rem; }}
p, li, dd, figcaption {{ overflow-wrap: anywhere; }}
a {{ color: #0b57d0; }}
a:focus-visible, summary:focus-visible, .chart-frame:focus-visible {{
  outline: 3px solid #0b57d0; outline-offset: 2px;
}}
.kicker, .caption, figcaption, .meta dt, .doc-footer {{ color: {GREY}; }}
.kicker {{ margin: 1.5rem 0 0; font-size: .9rem; }}
.summary {{ font-size: 1.05rem; max-width: 75ch; }}
.meta {{ display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
  margin: 1rem 0; }}
.meta dt {{ font-weight: 600; }}
.meta dd {{ margin: 0; }}
.how {{ max-width: 75ch; }}
nav.contents ol {{ display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0;
  list-style: none; margin: 1rem 0; }}
.chart-block {{ margin: 1rem 0 .5rem; }}
.chart-frame {{ overflow-x: auto; overflow-y: hidden; }}
.chart {{ width: 100%; min-width: {SCREEN_MIN_WIDTH}px; }}
.narrow-hint {{ display: none; color: {GREY}; font-size: .85rem; margin: 0 0 .25rem; }}
@media (max-width: {SCREEN_MIN_WIDTH + 20}px) {{ .narrow-hint {{ display: block; }} }}
figcaption p {{ margin: .25rem 0; font-size: .9rem; }}
details {{ margin: .25rem 0 2rem; }}
summary {{ cursor: pointer; color: #0b57d0; font-size: .95rem; }}
.table-wrap {{ overflow-x: auto; max-width: 100%; margin-top: .5rem; }}
table {{ border-collapse: collapse; font-size: .85rem; min-width: 100%; }}
caption {{ text-align: left; color: {GREY}; padding: .25rem 0; font-size: .85rem; }}
th, td {{ border-bottom: 1px solid #e5e5e5; padding: .3rem .5rem; text-align: left;
  vertical-align: top; }}
th {{ background: #f4f4f4; font-weight: 600; }}
td {{ max-width: 36ch; overflow-wrap: break-word; }}
.verdict {{ border-left: 6px solid var(--verdict, {GREY}); background: #fafafa;
  padding: .25rem 1rem .75rem; margin: 1rem 0; }}
.verdict h3 {{ margin-top: .75rem; }}
.verdict .rating {{ font-weight: 600; margin: .25rem 0; }}
.verdict ul, .caveats {{ padding-left: 1.25rem; }}
.sources-list li {{ margin: 0 0 1rem; }}
.sources-list p {{ margin: .1rem 0; }}
.doc-footer {{ margin-top: 3rem; font-size: .9rem; border-top: 1px solid #d9d9d9;
  padding-top: .75rem; }}
.visually-hidden {{ position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }}
@media (max-width: 640px) {{
  body {{ font-size: 15px; }}
  .page {{ padding: 0 12px 32px; }}
  h1 {{ font-size: 1.45rem; }}
  .meta {{ grid-template-columns: 1fr; }}
  .meta dd {{ margin-bottom: .4rem; }}
}}
@page {{ margin: 12mm; }}
@media print {{
  body {{ font-size: 10.5pt; }}
  .page {{ max-width: none; padding: 0; }}
  nav.contents, .modebar-container, .narrow-hint {{ display: none !important; }}
  section {{ break-before: page; }}
  h2 {{ margin-top: 0; }}
  h2, h3 {{ break-after: avoid; }}
  figcaption p {{ font-size: 8pt; margin: .1rem 0; }}
  .chart-block {{ break-inside: avoid; }}
  .chart-frame {{ overflow: visible; }}
  .chart {{ min-width: 0; zoom: var(--print-zoom, 1); }}
  details:not([open]) {{ display: none; }}
  details > summary {{ display: none; }}
  .table-wrap {{ overflow: visible; }}
  table {{ font-size: 7pt; width: 100%; min-width: 0; }}
  th, td {{ overflow-wrap: anywhere; padding: .15rem .25rem; }}
  thead {{ display: table-header-group; }}
  tr, .verdict, .sources-list li {{ break-inside: avoid; }}
  a {{ color: inherit; }}
}}
"""

# Draws every chart from its JSON block, and redraws them at the printed width (a fixed
# width, so Plotly.Plots.resize leaves them alone) before printing and back afterwards.
# Plotly.Plots.resize itself waits 100 ms, too late for a print that has started.
_DRAW_JS = f"""
(function () {{
  "use strict";
  var config = {PLOTLY_CONFIG};
  // On a phone a drag should scroll the chart's frame, not zoom the chart (taps still hover).
  var narrow = window.matchMedia("(max-width: {SCREEN_MIN_WIDTH + 20}px), (pointer: coarse)");
  var charts = [];
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach(
    function (block) {{
      var div = document.getElementById(block.getAttribute("data-chart"));
      var fig = JSON.parse(block.textContent);
      if (narrow.matches) fig.layout.dragmode = false;
      Plotly.newPlot(div, fig.data, fig.layout, config);
      charts.push(div);
    }}
  );
  var printing = false;
  function toPrint() {{
    if (printing) return;
    printing = true;
    charts.forEach(function (div) {{
      var zoom = parseFloat(div.getAttribute("data-print-zoom")) || 1;
      var width = Math.round({PRINT_WIDTH} / zoom);
      div.style.width = width + "px";
      Plotly.relayout(div, {{width: width}});
    }});
  }}
  function toScreen() {{
    if (!printing) return;
    printing = false;
    charts.forEach(function (div) {{
      div.style.width = "";
      Plotly.relayout(div, {{width: null, autosize: true}}).then(function () {{
        Plotly.Plots.resize(div);
      }});
    }});
  }}
  window.addEventListener("beforeprint", toPrint);
  window.addEventListener("afterprint", toScreen);
  var media = window.matchMedia("print");
  var onMedia = function (event) {{ if (event.matches) toPrint(); else toScreen(); }};
  if (media.addEventListener) media.addEventListener("change", onMedia);
  else if (media.addListener) media.addListener(onMedia);
  window.__journalClubCharts = charts.length;
}})();
"""

HOW_TO_READ = (
    "Hover over (or tap) a point to see its figure, n, confidence interval and source. "
    f'{content.READING_KEY} Open "Data behind this chart" for the rows a chart shows.'
)


TABLE_BELOW = "the table below"
"""Where a chart's accessible name points for its figures: the table printed under it."""


def esc(value: object) -> str:
    """Evidence text for HTML (quotes too, so that it is safe in attributes); None is ""."""
    if fr.is_missing(value):
        return ""
    return html.escape(str(value), quote=True)


def cell_text(value: object) -> str:
    """A table cell as text: missing is empty, numbers as written in a paper, yes/no."""
    if fr.is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "Yes" if value else "No"
    if isinstance(value, float | np.floating):
        return fr.format_number(float(value))
    return str(value)


def table_html(frame: pd.DataFrame, *, caption: str) -> str:
    """An escaped HTML table of ``frame`` (headers as given), in a sideways-scrolling wrapper."""
    head = "".join(f'<th scope="col">{esc(column)}</th>' for column in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{esc(cell_text(value))}</td>" for value in row) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    return (
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{esc(caption)}">'
        f"<table><caption>{esc(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def figure_json(spec: ChartSpec) -> str:
    """The spec's figure as JSON that is safe inside a ``<script>`` element.

    The figure is the file look's own, with its fixed width dropped so that it fills the page
    (and the printed width); ``<``, ``>`` and ``&`` are written as JSON escapes.
    """
    # The figure's dict, not a copy of the figure: plotly validates every property of a
    # copy again (a fifth of the offline page's build, issue 19). Keys sorted: the dict's
    # order follows what plotly did to the figure before (a footer drawn on a copy of it
    # reorders its traces' keys), and the page must not depend on it.
    figure = spec.figure.to_plotly_json()
    figure["layout"].pop("width", None)
    figure["layout"]["autosize"] = True
    text = json.dumps(figure, cls=PlotlyJSONEncoder, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def print_zoom(height: float) -> float:
    """How much a chart of ``height`` pixels shrinks in print to fit the page's width and height.

    It is laid out PRINT_WIDTH / zoom pixels wide, so that it spans the printed width.
    """
    zoom = PRINT_WIDTH / PRINT_LAYOUT_WIDTH
    return min(zoom, PRINT_CHART_HEIGHT / height) if height > 0 else zoom


def chart_html(spec: ChartSpec) -> str:
    """One chart: its (visually hidden) heading, the plot, sources, note, and its rows."""
    ident = f"chart-{slug(spec.key)}"
    height = int(spec.figure.layout.height or FILE.min_height or 720)
    note = f'<p class="note">{esc(spec.note)}</p>' if spec.note else ""
    rows = spec.display_table()
    name = tables.chart_summary(spec.title, spec.table, listed_in=TABLE_BELOW)  # accessible name
    return (
        f'<h3 class="visually-hidden" id="{ident}-title">{esc(spec.title)}</h3>'
        '<figure class="chart-block">'
        '<p class="narrow-hint">Wider than this screen: swipe sideways to see all of it.</p>'
        f'<div class="chart-frame"><div id="{ident}" class="chart" role="img" '
        f'aria-label="{esc(name)}" data-print-zoom="{print_zoom(height):.4f}" '
        f'style="height: {height}px; --print-zoom: {print_zoom(height):.4f}"></div></div>'
        f'<figcaption><p class="sources">{esc(dress.sources_line(spec))}</p>{note}</figcaption>'
        "</figure>"
        f"<details><summary>Data behind this chart ({plural(len(rows), 'row')})</summary>"
        f"{table_html(rows, caption=f'Data behind: {spec.title}')}</details>"
        f'<script type="application/json" data-chart="{ident}">{figure_json(spec)}</script>'
    )


def _section(ident: str, title: str, body: str) -> str:
    return (
        f'<section id="{ident}" aria-labelledby="{ident}-h">'
        f'<h2 id="{ident}-h">{esc(title)}</h2>{body}</section>'
    )


def chart_sections(specs: Sequence[ChartSpec]) -> list[tuple[str, str, str]]:
    """(id, title, HTML) of each registry page with a chart in ``specs``, in page order."""
    page_of = {chart.key: chart.page for chart in registry.CHARTS}
    out = []
    for page in registry.PAGES:
        mine = [spec for spec in specs if page_of.get(spec.chart) == page.key]
        if mine:
            body = "".join(chart_html(spec) for spec in mine)
            out.append((f"page-{slug(page.key)}", page.title, body))
    return out


def _list(items: Iterable[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<ul{attr}>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"


def verdict_html(card: content.VerdictCard) -> str:
    """One verdict card: heading, rating, our statement, what it rests on, the reference."""
    colour = card.colour if _HEX_COLOUR.fullmatch(card.colour) else GREY
    asides = "".join(f'<p class="caption">{esc(aside)}</p>' for aside in card.asides)
    rests = (
        f'<p class="rests">{esc(card.rests_heading)}</p>' + _list(card.figures)
        if card.figures
        else f'<p class="caption">{esc(card.rests_heading)}</p>'
    )
    effects = (
        f'<p class="rests">{esc(content.EFFECTS_HEADING)}</p>' + _list(card.effects)
        if card.effects
        else ""
    )
    return (
        f'<article class="verdict" style="--verdict: {colour}">'
        f"<h3>{esc(card.heading)}</h3>"
        f'<p class="rating">{esc(card.rating)}</p>'
        f'<p class="statement">{esc(card.statement)}</p>{asides}{rests}{effects}'
        f'<p class="caption">{esc(card.reference)}</p></article>'
    )


def verdicts_html(loaded: LoadedEvidence, filters: Filters) -> str:
    """Every verdict card of the filtered view, in setting order."""
    cards = content.verdict_cards(loaded, filters)
    if not cards:
        return '<p class="caption">No verdict of the editorial in this view.</p>'
    return "".join(verdict_html(card) for card in cards)


def source_html(entry: content.SourceEntry) -> str:
    """One source entry: name and citation, its facts, its links, our note."""
    links = " · ".join(
        f'<a href="{esc(link.url)}">{esc(link.text)}</a>'
        for link in entry.links
        if _LINK.match(link.url)
    )
    return (
        f"<li><p><strong>{esc(entry.name)}</strong> — {esc(entry.citation)}</p>"
        f'<p class="caption">{esc(entry.fact_line)}</p>'
        + (f"<p>{links}</p>" if links else "")
        + (f'<p class="caption">{esc(entry.note)}</p>' if entry.note else "")
        + "</li>"
    )


def sources_html(loaded: LoadedEvidence, filters: Filters) -> str:
    """The source list of the view, one entry each."""
    entries = content.source_entries(loaded, content.sources_in_view(loaded, filters))
    if not entries:
        return '<p class="caption">No source in this view.</p>'
    return '<ol class="sources-list">' + "".join(source_html(e) for e in entries) + "</ol>"


def header_html(loaded: LoadedEvidence, filters: Filters, day: str) -> str:
    """The title, summary, the view's filters, the data version, the date and the editorial."""
    ev = loaded.evidence
    meta = [
        ("View", filters.describe(ev)),
        ("Data version", loaded.data_version),
        ("Exported", day),
        ("Evidence file", loaded.name.rsplit("/", 1)[-1]),
    ]
    if ev.editorial:
        meta.append(("Editorial", ev.editorial.citation))
    rows = "".join(f"<dt>{esc(term)}</dt><dd>{esc(value)}</dd>" for term, value in meta)
    return (
        '<header class="doc-header">'
        '<p class="kicker">Journal-club page · works offline</p>'
        f"<h1>{esc(ev.title)}</h1>"
        f'<p class="summary">{esc(ev.summary)}</p>'
        f'<dl class="meta">{rows}</dl>'
        f'<p class="how">{esc(HOW_TO_READ)}</p>'
        "</header>"
    )


def view_html(
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    exported: dt.date | None = None,
    specs: Sequence[ChartSpec] | None = None,
) -> bytes:
    """The offline journal-club page of a view, as UTF-8 bytes.

    One section per dashboard page with a chart in view (in navigation order), then the
    verdicts, the caveats and the sources. plotly.js is inlined once; nothing is fetched.
    ``specs`` are the view's file-export specs when the caller has drawn them already.
    """
    day = (exported or dt.date.today()).isoformat()
    if specs is None:
        specs = registry.view_specs(loaded, filters, use="exports", look=FILE)
    sections = chart_sections(specs)
    sections += [
        ("verdicts", "Verdicts", verdicts_html(loaded, filters)),
        (
            "caveats",
            "Caveats",
            "<p>Read these before comparing figures across trials.</p>"
            + _list(content.caveat_lines(loaded, filters), "caveats"),
        ),
        ("sources", "Sources", sources_html(loaded, filters)),
    ]
    contents = "".join(
        f'<li><a href="#{ident}">{esc(title)}</a></li>' for ident, title, _ in sections
    )
    plotly_js = plotly.offline.get_plotlyjs()
    if "</script" in plotly_js.lower():  # never seen; would end the inline script early
        raise ValueError("plotly.js contains '</script' and cannot be inlined")
    title = f"{loaded.evidence.title} · journal club"
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="evidence-dashboard; plotly.js '
        f'{esc(plotly.offline.get_plotlyjs_version())}">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        '<div class="page">\n'
        f"{header_html(loaded, filters, day)}\n"
        f'<nav class="contents" aria-label="Contents"><ol>{contents}</ol></nav>\n<main>\n'
        + "\n".join(_section(ident, heading, body) for ident, heading, body in sections)
        + "\n</main>\n"
        f'<footer class="doc-footer"><p>{esc(loaded.evidence.title)} · data version '
        f"{esc(loaded.data_version)} · exported {day}. A self-contained page: it needs no "
        "network and no installed software beyond a web browser.</p></footer>\n"
        "</div>\n"
        f"<script>{plotly_js}</script>\n<script>{_DRAW_JS}</script>\n"
        "</body>\n</html>\n"
    )
    return page.encode("utf-8")
