"""Streamlit renderers shared by several pages.

Charts with their data and downloads, tables, problems, empty states, findings and verdict
cards. Renderers used by one page live in that page's file; the sidebar is components/sidebar.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st

from components import content, registry, state, tables
from components.choices import EndpointChoice
from components.export.render import EXPORT_INSTALL, IMAGE_MIME, export_available
from components.loaded import Filters, LoadedEvidence, unique_labels
from components.registry import Chart
from components.specs import ChartSpec, category_results, slug
from components.words import plural
from evidence import frames as fr
from evidence.loader import EvidenceError

if TYPE_CHECKING:
    from streamlit.elements.lib.column_config_utils import ColumnConfigMappingInput

C = TypeVar("C")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape evidence text for st.markdown so that it always shows as plain text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def problem_table(error: EvidenceError) -> pd.DataFrame:
    """One row per problem: where (line and column, or a workbook's cell), what and its code."""
    workbook = any(p.sheet for p in error.problems)
    rows = []
    for p in error.problems:
        where = (
            {"Cell": p.cell or "(whole workbook)"}
            if workbook
            else {"Line": "" if p.line is None else str(p.line),
                  "Column": "" if p.column is None else str(p.column)}
        )  # fmt: skip
        rows.append(
            where
            | {
                "Location": p.location or "(whole file)",
                "Problem": p.message,
                "Code": str(p.code),
                "Value": p.value,
            }
        )
    return pd.DataFrame(rows)


def _plain(value: object) -> object:
    if isinstance(value, str):
        return md(value)
    return "" if fr.is_missing(value) else value


def plain_table(table: pd.DataFrame, *, alt: str) -> None:
    """A static HTML table whose cells and headers read exactly as given.

    st.table renders cells and headers as Markdown: text from an evidence file (or an upload)
    is escaped, so that "**x**" or "[a](b)" show as typed; missing values are empty cells.
    ``alt`` describes the table for screen readers.
    """
    shown = table.map(_plain)
    shown.columns = [md(c) for c in shown.columns]
    st.table(shown, hide_index=True, alt=alt)


def render_problems(error: EvidenceError) -> None:
    """Every problem as a plain HTML table: readable, searchable and copyable."""
    plain_table(problem_table(error), alt=f"Problems in {error.name}")


def render_data_problems(error: EvidenceError) -> None:
    """Show every problem of a bad evidence file, instead of the pages."""
    st.error(
        f"The evidence file {md(error.name)} cannot be shown: "
        f"{plural(len(error.problems), 'problem')} to fix. Each row says where and what."
    )
    render_problems(error)
    st.caption(
        "Check a file from the command line with `python -m evidence validate FILE`; "
        "the format is described in docs/evidence-format.md."
    )


def render_upload_problems() -> None:
    """The problems of a refused upload, above the page; the current evidence stays."""
    error = state.upload_error()
    if error is None:
        return
    st.error(
        f"Your file {md(error.name)} was not loaded: "
        f"{plural(len(error.problems), 'problem')}. The evidence shown is unchanged.",
        icon=":material/error:",
    )
    render_problems(error)
    st.button("Dismiss", on_click=state.dismiss_upload_error, key="dismiss_upload_error")


def render_empty(what: str, filters: Filters) -> None:
    """Say why nothing is shown and what to change."""
    if filters.is_active():
        st.info(
            f"No {what} match the current filters. Widen the selection in the sidebar "
            "(an empty filter means all), or clear the filters.",
            icon=":material/filter_alt_off:",
        )
        st.button(
            "Clear all filters",
            on_click=state.reset_filters,
            key=f"clear_empty_{slug(what, '_')}",
        )
    else:
        st.info(f"This evidence file has no {what}.", icon=":material/info:")


# showSendToCloud: the plotly.js Streamlit bundles defaults it to on ("Share chart", an upload
# to Plotly's cloud); Streamlit's chart element turns it off unless asked, and we say so too.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}
DATA_BEHIND = "Data behind this chart"


def plotly_config(filename: str) -> dict[str, object]:
    """The chart toolbar: no logo, no lasso, and a camera button that saves a 3x PNG."""
    return {
        **PLOTLY_CONFIG,
        "toImageButtonOptions": {"format": "png", "scale": 3, "filename": filename},
    }


def render_charts(
    page: str, loaded: LoadedEvidence, filters: Filters, *, what: str | None
) -> list[ChartSpec]:
    """Every chart the registry places on ``page``, at its default choice; returns the specs.

    When there is none, says why (``what`` names what is missing), unless ``what`` is None.
    A page whose widgets choose something of a chart draws it with ``render_chart``.
    """
    drawn = [
        spec
        for chart in registry.charts_on(page)
        for spec in render_chart(chart, loaded, filters, what=None)
    ]
    if not drawn and what is not None:
        render_empty(what, filters)
    return drawn


def render_chart(
    chart: Chart[C],
    loaded: LoadedEvidence,
    filters: Filters,
    choice: C | None = None,
    *,
    what: str | None,
) -> list[ChartSpec]:
    """One chart of the registry at the page's choice (its default without one); its specs.

    ``choice`` has the chart's own type (components/choices.py): mypy checks it. When the
    chart has nothing to draw, says why (``what`` names what is missing), unless ``what``
    is None.
    """
    specs = state.memo_specs(chart, loaded, filters, choice)
    if not specs and what is not None:
        render_empty(what, filters)
    for spec in specs:
        render_spec(spec, loaded, filters, chart=chart, choice=choice)
    return specs


def render_figure(spec: ChartSpec, *, key: str) -> None:
    """A spec's figure with the chart toolbar; one wider than a phone scrolls in its own frame.

    ``key`` is the chart element's key; a figure that declares a ``min_width`` (the overview
    grid) is drawn at least that wide, in a frame keyed ``key`` + "_frame" that scrolls
    sideways, so that the page never does.
    """
    min_width = (spec.figure.layout.meta or {}).get("min_width")
    if not min_width:
        st.plotly_chart(spec.figure, key=key, theme=None, config=plotly_config(spec.filename))
        return
    frame = f"{key}_frame"
    # Streamlit sizes a chart to its element's box, whatever the figure's width: the
    # element is made at least min_width wide, and the frame around it scrolls.
    st.html(
        f"<style>.st-key-{frame} {{ overflow-x: auto; }} "
        f".st-key-{frame} > * {{ min-width: {int(min_width)}px; }}</style>"
    )
    with st.container(key=frame):
        st.plotly_chart(spec.figure, key=key, theme=None, config=plotly_config(spec.filename))


def render_spec(
    spec: ChartSpec,
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    chart: Chart[C],
    choice: C | None,
) -> None:
    """A chart with its caption, image downloads, its data table and a CSV of what it shows.

    A sentence above the chart says what it draws (its text alternative, with the data table).
    The chart's element key is namespaced: a chart key may equal a widget's (``profile``).
    ``chart`` and ``choice`` redraw it for a file when an image is asked for.
    """
    st.caption(md(tables.chart_summary(spec.title, spec.table, listed_in=f"“{DATA_BEHIND}” below")))
    render_figure(spec, key=f"{spec.key}_chart")
    if spec.caption():
        st.caption(md(spec.caption()))
    image = functools.partial(_image, loaded, filters, chart=chart, spec=spec.key, choice=choice)
    _render_downloads(spec, image)
    data = st.expander(DATA_BEHIND, key=f"{spec.key}_data", on_change="rerun")
    with data:
        if data.open:  # built only when opened: the grid is the heaviest part of a page
            grid(spec.display_table(), alt=f"Data behind the chart {spec.title}")


def _image(
    loaded: LoadedEvidence,
    filters: Filters,
    fmt: str,
    *,
    chart: Chart[C],
    spec: str,
    choice: C | None,
) -> bytes:
    from components.export import files  # imported on click: kaleido stays off a page's run

    return files.spec_image(loaded, filters, fmt, chart=chart, spec=spec, choice=choice)


def _csv(spec: ChartSpec) -> bytes:
    return spec.display_table().to_csv(index=False).encode("utf-8")


def _render_downloads(spec: ChartSpec, image: Callable[[str], bytes]) -> None:
    """One row of downloads for a chart: the CSV of its rows, then PNG, SVG and PDF.

    ``image(fmt)`` renders the chart as a file. The images (PNG 1920 px wide) carry title,
    sources and data version, and are rendered on the server only when clicked.
    """
    columns = st.columns(6)
    columns[0].download_button(
        "CSV",
        functools.partial(_csv, spec),  # built on click, like the images
        file_name=f"{spec.filename}.csv",
        mime="text/csv",
        key=f"{spec.key}_csv",
        on_click="ignore",
        icon=":material/table:",
        help="The rows behind this chart, exactly as shown",
        width="stretch",
    )
    if not export_available():
        st.caption(EXPORT_INSTALL)
        return
    for column, (fmt, mime) in zip(columns[1:], IMAGE_MIME.items(), strict=False):
        column.download_button(
            fmt.upper(),
            functools.partial(image, fmt),
            file_name=f"{spec.filename}.{fmt}",
            mime=mime,
            key=f"{spec.key}_{fmt}",
            on_click="ignore",
            icon=":material/image:",
            help=f"{fmt.upper()} with title, sources and data version printed on it",
            width="stretch",
        )


def csv_download(
    table: pd.DataFrame, *, filename: str, key: str, label: str = "Download as CSV"
) -> None:
    """A download of ``table`` as CSV, exactly as shown."""
    st.download_button(
        label,
        table.to_csv(index=False).encode("utf-8"),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


def grid(
    table: pd.DataFrame,
    *,
    alt: str,
    height: int | None = None,
    column_config: ColumnConfigMappingInput | None = None,
) -> None:
    """A data grid: full width, no index, empty cells empty (not "None"), named for readers.

    ``alt`` is the grid's accessible name (what the data is, not its contents).
    """
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height="auto" if height is None else height,
        column_config=column_config,
        placeholder="",
        alt=alt,
    )


def render_table(
    table: pd.DataFrame, *, key: str, filename: str, columns: dict[str, str], alt: str
) -> None:
    """A plain table (for figures that cannot share a chart axis) with its CSV."""
    shown = tables.display(table, columns)
    grid(shown, alt=alt)
    csv_download(shown, filename=filename, key=key)


def endpoint_options(results: pd.DataFrame) -> dict[str, str]:
    """Endpoint id -> unique label, in file order, for the endpoints present in ``results``."""
    present = results.drop_duplicates(fr.ENDPOINT).sort_values(fr.ENDPOINT_ORDER)
    return unique_labels(dict(zip(present[fr.ENDPOINT], present[fr.ENDPOINT_LABEL], strict=True)))


def pick_endpoints(results: pd.DataFrame, *, key: str) -> tuple[str, ...]:
    """An endpoint picker over the endpoints present; empty means all of them."""
    options = endpoint_options(results)
    if not options:
        return ()
    chosen = st.multiselect(
        "Endpoints",
        list(options),
        format_func=lambda e: str(options.get(e, e)),
        key=key,
        bind="query-params",
        placeholder="All endpoints",
    )
    return tuple(str(e) for e in chosen)


def render_category(
    chart: Chart[EndpointChoice],
    loaded: LoadedEvidence,
    filters: Filters,
    *,
    category: str,
    what: str,
) -> list[ChartSpec]:
    """An endpoint picker, the category's forest at the endpoints picked, then its non-% figures."""
    results = category_results(loaded, filters, category=category)
    endpoints = pick_endpoints(results, key=state.endpoints_key(chart.page))
    drawn = render_chart(chart, loaded, filters, EndpointChoice(endpoints), what=what)
    if endpoints:
        results = results[results[fr.ENDPOINT].isin(list(endpoints))]
    render_other_units(results, key=state.other_units_key(chart.page))
    return drawn


def render_other_units(results: pd.DataFrame, *, key: str) -> None:
    """Results that are not percentages (counts of patients, scores) as a table."""
    other = results[results[fr.UNIT] != "percent"]
    if other.empty:
        return
    st.header("Counts and other units")
    st.caption("These cannot share the percentage axis above; they are listed here instead.")
    render_table(
        other,
        key=key,
        filename=f"{key}-counts",
        columns=tables.RESULT_DISPLAY,
        alt="Counts and other units",
    )


def render_findings(findings: pd.DataFrame) -> None:
    """Numberless findings as cards, grouped by source."""
    for source, group in findings.sort_values(fr.SOURCE_ORDER).groupby(fr.SOURCE_SHORT, sort=False):
        st.markdown(f"**{md(source)}**")
        for row in group.to_dict("records"):
            card = content.finding_card(row)
            with st.container(border=True):
                st.markdown(f"**{md(card.heading)}**")
                st.markdown(md(card.statement))
                st.caption(md(card.byline))


def render_verdict_card(card: content.VerdictCard) -> None:
    """One verdict card: what the editorial judged, our paraphrase, what it rests on."""
    with st.container(border=True):
        st.markdown(f"{card.icon} **{md(card.heading)}**")
        st.markdown(md(card.rating))
        st.markdown(md(card.statement))
        for aside in card.asides:
            st.caption(md(aside))
        if card.figures:
            st.markdown(
                md(card.rests_heading) + "\n" + "\n".join(f"- {md(n)}" for n in card.figures)
            )
        else:
            st.caption(md(card.rests_heading))
        if card.effects:
            st.markdown(
                content.EFFECTS_HEADING  # ours: plain words, nothing to escape
                + "\n"
                + "\n".join(f"- {md(line)}" for line in card.effects)
            )
        st.caption(md(card.reference))
