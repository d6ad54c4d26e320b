"""Streamlit renderers shared by the pages: filters, charts with their data, errors, cards."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components import charts, export, state, views
from components.charts import VERDICT_WORDS
from components.views import DESIGN_WORDS, REPORTED_WORDS, RESULT_DISPLAY, ROLE_WORDS
from evidence import frames as fr
from evidence.loader import EvidenceError
from evidence.models import json_schema

TEMPLATE = state.ROOT / "data" / "template.yaml"

RATING_ICONS = {
    "favourable": ":material/thumb_up:",
    "promising": ":material/trending_up:",
    "uncertain": ":material/help:",
    "unfavourable": ":material/thumb_down:",
}


def problem_table(error: EvidenceError) -> pd.DataFrame:
    """One row per problem: line, column, location, message, code, value."""
    return pd.DataFrame(
        [
            {
                "Line": p.line,
                "Column": p.column,
                "Location": p.location or "(whole file)",
                "Problem": p.message,
                "Code": p.code,
                "Value": p.value,
            }
            for p in error.problems
        ],
        columns=["Line", "Column", "Location", "Problem", "Code", "Value"],
    )


def page_setup() -> tuple[state.Bundle, state.Filters]:
    """Start a page: route through the entry point, load the evidence, read the filters.

    The page ends with :func:`page_end`, which draws the sidebar.
    """
    state.ensure_entry_point()
    bundle = state.get_bundle()
    seed_filters_from_url(bundle)
    render_upload_problems()
    return bundle, state.current_filters()


def page_end(bundle: state.Bundle) -> None:
    """Finish a page: the sidebar (evidence, filters, exports) after the page's content."""
    render_filters(bundle)


def render_data_problems(error: EvidenceError) -> None:
    """Show every problem of a bad evidence file as a table, instead of the pages."""
    count = len(error.problems)
    st.error(
        f"The evidence file {_md(error.name)} cannot be shown: {count} problem"
        f"{'s' if count != 1 else ''} to fix. Each row says where and what."
    )
    st.dataframe(problem_table(error), hide_index=True, width="stretch")
    st.caption(
        "Check a file from the command line with `python -m evidence validate FILE`; "
        "the format is described in docs/evidence-format.md."
    )


def unique_labels(options: dict[str, str]) -> dict[str, str]:
    """Make option labels unique by adding the id to any label used twice.

    A URL-bound widget stores its displayed labels in the URL, so two options must never
    display alike.
    """
    counts: dict[str, int] = {}
    for label in options.values():
        counts[label] = counts.get(label, 0) + 1
    return {
        key: f"{label} ({key})" if counts[label] > 1 else label for key, label in options.items()
    }


FILTER_LABELS = {
    state.KEY_SETTINGS: ("Settings", "All settings"),
    state.KEY_REGIMENS: ("Regimens", "All regimens"),
    state.KEY_ROLES: ("Investigational or comparator", "Both"),
    state.KEY_DESIGNS: ("Study design", "All designs"),
    state.KEY_REPORTED: ("Reported by", "Anyone"),
}


def filter_options(bundle: state.Bundle) -> dict[str, dict[str, str]]:
    """For each filter key, option id -> the label shown (and stored in the URL)."""
    ev = bundle.evidence
    return {
        state.KEY_SETTINGS: unique_labels({s.id: s.label for s in ev.settings}),
        state.KEY_REGIMENS: unique_labels({r.id: f"{r.short} — {r.label}" for r in ev.regimens}),
        state.KEY_ROLES: {r: ROLE_WORDS[r] for r in dict.fromkeys(g.role for g in ev.regimens)},
        state.KEY_DESIGNS: {
            d: DESIGN_WORDS[d] for d in dict.fromkeys(s.design for s in ev.sources)
        },
        state.KEY_REPORTED: {
            r: REPORTED_WORDS[r] for r in dict.fromkeys(x.reported_by for x in ev.results)
        },
    }


def seed_filters_from_url(bundle: state.Bundle) -> None:
    """Put the URL's filter labels into session state before anything is drawn.

    The filter widgets are drawn after the page's charts (so the first chart reaches the
    browser sooner); a bound widget only reads the URL when it is drawn, so a shared link's
    filters are copied into state first.
    """
    for key, options in filter_options(bundle).items():
        if key in st.session_state or key not in st.query_params:
            continue
        wanted = set(st.query_params.get_all(key))
        st.session_state[key] = [i for i, label in options.items() if label in wanted]


def render_filters(bundle: state.Bundle) -> None:
    """Sidebar filters, bound to the URL so that a copied link reproduces the view.

    The URL holds the displayed labels (Streamlit binding), e.g. ``?setting=First-line+X``.
    """
    with st.sidebar:
        st.toggle(
            "Presentation view",
            value=state.is_presenting(),
            key=state.KEY_PRESENT_TOGGLE,
            on_change=state.on_present_toggle,
            help="One large chart per screen for a projector; the filters still apply",
        )
        render_evidence_picker(bundle)
        st.markdown("**Filters** · empty means all")
        for key, options in filter_options(bundle).items():
            label, placeholder = FILTER_LABELS[key]
            st.multiselect(
                label,
                list(options),
                format_func=options.__getitem__,
                key=key,
                bind="query-params",
                placeholder=placeholder,
            )
        if state.current_filters().is_active():
            st.button("Clear all filters", on_click=state.reset_filters, key="clear_filters")
        st.divider()
        render_view_exports(bundle, state.current_filters())


@functools.cache
def _template_bytes() -> bytes:
    return TEMPLATE.read_bytes()


@functools.cache
def _schema_bytes() -> bytes:
    # The same for every session and every run: building it took 6-11 ms per page run.
    return json.dumps(json_schema(), indent=2).encode("utf-8")


def render_evidence_picker(bundle: state.Bundle) -> None:
    """Which evidence is shown, an uploader for this session only, template and schema."""
    st.markdown("**Evidence**")
    if state.is_uploaded(bundle):
        st.caption(f"Your file: {_md(bundle.name)} (this browser session only)")
        st.button(
            "Back to the bundled evidence",
            on_click=state.clear_upload,
            key="clear_upload",
            icon=":material/undo:",
        )
    else:
        st.caption(f"{_md(bundle.evidence.title)} · data {bundle.data_version}")
    st.file_uploader(
        "Use your own evidence file (YAML, up to 2 MB)",
        type=["yaml", "yml"],
        key=state.uploader_key(),
        on_change=state.on_upload,
        help="Checked against the evidence format; shown only to you, never stored.",
    )
    left, right = st.columns(2)
    left.download_button(
        "Template",
        _template_bytes(),
        file_name="evidence-template.yaml",
        mime="application/x-yaml",
        key="download_template",
        icon=":material/description:",
        help="A small valid evidence file with comments, to start from",
    )
    right.download_button(
        "Schema",
        _schema_bytes(),
        file_name="evidence.schema.json",
        mime="application/json",
        key="download_schema",
        icon=":material/data_object:",
        help="JSON Schema of the format, for editors that check YAML",
    )
    st.divider()


def render_upload_problems() -> None:
    """The problems of a refused upload, above the page; the current evidence stays."""
    error = state.upload_error()
    if error is None:
        return
    count = len(error.problems)
    st.error(
        f"Your file {_md(error.name)} was not loaded: {count} problem"
        f"{'s' if count != 1 else ''}. The evidence shown is unchanged.",
        icon=":material/error:",
    )
    st.dataframe(problem_table(error), hide_index=True, width="stretch")
    st.button("Dismiss", on_click=state.dismiss_upload_error, key="dismiss_upload_error")


def render_empty(what: str, filters: state.Filters) -> None:
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
            key=f"clear_empty_{views.slug(what, '_')}",
        )
    else:
        st.info(f"This evidence file has no {what}.", icon=":material/info:")


PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


EXPORT_MISSING = (
    "Image export needs Chromium on the server (`apt-get install chromium`); "
    "the camera icon on each chart still saves a PNG."
)
IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def render_spec(spec: views.ChartSpec, bundle: state.Bundle, filters: state.Filters) -> None:
    """A chart with its caption, image downloads, its data table and a CSV of what it shows."""
    st.plotly_chart(
        spec.figure,
        key=spec.key,
        theme=None,
        config={
            **PLOTLY_CONFIG,
            "toImageButtonOptions": {"format": "png", "scale": 3, "filename": spec.filename},
        },
    )
    sources = spec.sources()
    caption = ("Sources: " + "; ".join(sources) + ". ") if sources else ""
    caption += spec.note
    if caption:
        st.caption(_md(caption.strip()))
    shown = spec.display_table()
    render_downloads(spec, shown, bundle, filters)
    data = st.expander("Data behind this chart", key=f"{spec.key}_data", on_change="rerun")
    with data:
        if data.open:  # built only when opened: the grid is the heaviest part of a page
            st.dataframe(shown, hide_index=True, width="stretch")


def render_downloads(
    spec: views.ChartSpec, shown: pd.DataFrame, bundle: state.Bundle, filters: state.Filters
) -> None:
    """One row of downloads for a chart: the CSV of its rows, then PNG, SVG and PDF.

    The images (PNG 1920 px wide) carry title, sources and data version, and are rendered on
    the server only when clicked.
    """
    columns = st.columns(6)
    columns[0].download_button(
        "CSV",
        shown.to_csv(index=False).encode("utf-8"),
        file_name=f"{spec.filename}.csv",
        mime="text/csv",
        key=f"{spec.key}_csv",
        on_click="ignore",
        icon=":material/table:",
        help="The rows behind this chart, exactly as shown",
        width="stretch",
    )
    if not export.export_available():
        st.caption(EXPORT_MISSING)
        return
    for column, (fmt, mime) in zip(columns[1:], IMAGE_FORMATS.items(), strict=False):
        column.download_button(
            fmt.upper(),
            functools.partial(export.spec_image, bundle, filters, spec, fmt),
            file_name=f"{spec.filename}.{fmt}",
            mime=mime,
            key=f"{spec.key}_{fmt}",
            on_click="ignore",
            icon=":material/image:",
            help=f"{fmt.upper()} with title, sources and data version printed on it",
            width="stretch",
        )


def render_specs(
    specs: Sequence[views.ChartSpec | None],
    *,
    what: str,
    bundle: state.Bundle,
    filters: state.Filters,
) -> None:
    """Render the specs that exist, or say why there is nothing to show."""
    present = [spec for spec in specs if spec is not None]
    if not present:
        render_empty(what, filters)
    for spec in present:
        render_spec(spec, bundle, filters)


def render_view_exports(bundle: state.Bundle, filters: state.Filters) -> None:
    """Sidebar downloads of the whole filtered view: the deck and everything as a ZIP."""
    st.markdown("**Export this view**")
    available = export.export_available()
    left, right = st.columns(2)
    left.download_button(
        "Deck",
        functools.partial(export.view_deck, bundle, filters, images=available),
        file_name="journal-club.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="download_deck",
        on_click="ignore",
        icon=":material/slideshow:",
        help="Journal-club deck (PPTX) of the filtered view: title, one slide per chart with "
        "sources, one per verdict, caveats, speaker notes",
    )
    right.download_button(
        "All (ZIP)",
        functools.partial(export.everything_zip, bundle, filters),
        file_name="evidence-export.zip",
        mime="application/zip",
        key="download_zip",
        on_click="ignore",
        icon=":material/folder_zip:",
        disabled=not available,
        help="Every figure as PNG, SVG and PDF, the CSV behind each, the deck and a README "
        "with citations",
    )
    if not available:
        st.caption(EXPORT_MISSING)


def render_table(table: pd.DataFrame, *, key: str, filename: str, columns: dict[str, str]) -> None:
    """A plain table (for figures that cannot share a chart axis) with its CSV."""
    shown = views.display(table, columns)
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(
        "Download as CSV",
        shown.to_csv(index=False).encode("utf-8"),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


def render_verdict_card(verdict: pd.Series, numbers: Sequence[str]) -> None:
    """One verdict: setting, regimens, ratings, our paraphrase, the numbers it rests on."""
    with st.container(border=True):
        word = str(verdict["verdict"])
        st.markdown(
            f"{RATING_ICONS.get(word, '')} **{VERDICT_WORDS.get(word, word)}** · "
            f"{_md(verdict[fr.SETTING_LABEL])} · {_md(verdict['regimen_labels'])}"
        )
        st.markdown(
            f"Efficacy: **{_md(verdict['efficacy'])}** · Safety: **{_md(verdict['safety'])}**"
        )
        st.markdown(_md(verdict[fr.STATEMENT]))
        if numbers:
            st.markdown("Rests on:\n" + "\n".join(f"- {_md(n)}" for n in numbers))
        else:
            st.caption("No number behind this judgement in the evidence file.")
        ref = verdict[fr.EDITORIAL_REF]
        if isinstance(ref, str) and ref:
            st.caption(f"Editorial reference {_md(ref)}. Paraphrased in our words.")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def _md(text: object) -> str:
    """Escape evidence text for st.markdown so that it always shows as plain text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


md_text = _md


FINDING_ARROWS = {"better": "↑ better", "worse": "↓ worse", "similar": "= similar"}


def render_counts(bundle: state.Bundle) -> None:
    """Headline counts of the evidence file and its data version, in one line."""
    ev = bundle.evidence
    figures = len(ev.results) + len(ev.comparisons) + len(ev.findings)
    st.markdown(
        f"**{len(ev.settings)}** settings · **{len(ev.regimens)}** regimens · "
        f"**{len(ev.sources)}** sources · **{len(ev.cohorts)}** cohorts · "
        f"**{figures}** reported figures · data version {_md(bundle.data_version)}"
    )


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


def pick_plane_endpoints(results: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Priority lists of harm and response endpoints for the benefit-risk plane."""
    percent = results[results[fr.UNIT] == "percent"]
    harm = endpoint_options(percent[percent[fr.CATEGORY].isin(["toxicity", "dose_modification"])])
    benefit = endpoint_options(percent[percent[fr.CATEGORY] == "response"])
    left, right = st.columns(2)
    chosen_harm = left.multiselect(
        "Harm endpoints, in order of preference",
        list(harm),
        format_func=lambda e: str(harm.get(e, e)),
        key="plane_harm",
        bind="query-params",
        placeholder="Any harm endpoint, in file order",
    )
    chosen_benefit = right.multiselect(
        "Response endpoints, in order of preference",
        list(benefit),
        format_func=lambda e: str(benefit.get(e, e)),
        key="plane_benefit",
        bind="query-params",
        placeholder="Any response endpoint, in file order",
    )
    return tuple(map(str, chosen_harm)), tuple(map(str, chosen_benefit))


def render_category(
    bundle: state.Bundle,
    filters: state.Filters,
    *,
    page: str,
    title: str,
    what: str,
    x_title: str = "Patients (%)",
) -> views.ChartSpec | None:
    """An endpoint picker, the forest chart of a page's category, then its non-% figures.

    Returns the chart's spec (None when nothing is in view) for pages that add to it.
    """
    endpoints = pick_endpoints(
        views.category_results(bundle, filters, page=page), key=f"{page}_endpoints"
    )
    spec = state.memo_view(
        views.percent_view,
        bundle,
        filters,
        page=page,
        endpoints=endpoints,
        title=title,
        x_title=x_title,
    )
    render_specs([spec], what=what, bundle=bundle, filters=filters)
    render_other_units(
        views.category_results(bundle, filters, page=page, endpoints=endpoints),
        key=f"{page}_other",
    )
    return spec


def render_other_units(results: pd.DataFrame, *, key: str) -> None:
    """Results that are not percentages (counts of patients, scores) as a table."""
    other = results[results[fr.UNIT] != "percent"]
    if other.empty:
        return
    st.subheader("Counts and other units")
    st.caption("These cannot share the percentage axis above; they are listed here instead.")
    render_table(other, key=key, filename=f"{key}-counts", columns=RESULT_DISPLAY)


def render_beside_response(results: pd.DataFrame, *, category: str) -> None:
    """A table of each cohort's ``category`` figures next to its response figures."""
    table = fr.beside_response_table(results, category=category).rename(
        columns={fr.SETTING_LABEL: "Setting", fr.COHORT_LABEL: "Cohort", fr.N: "n"}
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        "Download as CSV",
        table.to_csv(index=False).encode("utf-8"),
        file_name=f"{category}-beside-response.csv",
        mime="text/csv",
        key=f"{category}_beside_csv",
        icon=":material/download:",
    )


def render_findings_summary(findings: pd.DataFrame) -> None:
    """All findings at a glance: regimen, setting, direction, comparator, who reported it."""
    if findings.empty:
        return
    table = pd.DataFrame(
        {
            "Setting": findings[fr.SETTING_SHORT],
            "Regimen": findings[fr.REGIMEN_LABEL],
            "Phase": findings[fr.PHASE],
            "Endpoint": findings[fr.ENDPOINT_LABEL],
            "Direction": findings[fr.DIRECTION].map(lambda d: FINDING_ARROWS.get(d, d)),
            "Compared with": findings[fr.VERSUS_LABEL].fillna("baseline / not stated"),
            "Reported by": findings[fr.REPORTED_BY].map(lambda r: REPORTED_WORDS.get(r, r)),
            "Source": findings[fr.SOURCE_SHORT],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


def render_findings(findings: pd.DataFrame) -> None:
    """Numberless findings as cards, grouped by source."""
    for source, group in findings.sort_values(fr.SOURCE_ORDER).groupby(fr.SOURCE_SHORT, sort=False):
        st.markdown(f"**{_md(source)}**")
        for _, row in group.iterrows():
            with st.container(border=True):
                versus = (
                    f" vs {_md(row[fr.VERSUS_LABEL])}"
                    if isinstance(row[fr.VERSUS_LABEL], str)
                    else ""
                )
                st.markdown(
                    f"**{FINDING_ARROWS.get(row[fr.DIRECTION], row[fr.DIRECTION])}** · "
                    f"{_md(row[fr.ENDPOINT_LABEL])} · {_md(row[fr.COHORT_LABEL])}{versus}"
                )
                st.markdown(_md(row[fr.STATEMENT]))
                where = f", {row[fr.LOCATOR]}" if isinstance(row[fr.LOCATOR], str) else ""
                st.caption(
                    f"Finding without a number · reported by "
                    f"{_md(fr.REPORTED_BY_TEXT.get(row[fr.REPORTED_BY], row[fr.REPORTED_BY]))}"
                    f"{_md(where)}"
                )


def render_verdicts(verdicts: pd.DataFrame, bundle: state.Bundle) -> None:
    """Verdict cards, grouped by setting in file order."""
    for setting, group in verdicts.sort_values(fr.SETTING_ORDER).groupby(
        fr.SETTING_LABEL, sort=False
    ):
        st.subheader(_md(setting))
        for _, verdict in group.iterrows():
            render_verdict_card(
                verdict,
                [line for k in verdict["rests_on"] for line in views.describe_key(k, bundle)],
            )


def render_bottom_lines(bundle: state.Bundle, filters: state.Filters) -> None:
    """For each setting its bottom line, else the first verdict the file lists for it."""
    verdicts = filters.apply(bundle.verdicts)
    for setting in bundle.evidence.settings:
        if filters.settings and setting.id not in filters.settings:
            continue
        first = verdicts[verdicts[fr.SETTING] == setting.id].head(1)
        with st.container(border=True):
            st.markdown(f"**{_md(setting.label)}**")
            if setting.bottom_line:
                st.markdown(_md(setting.bottom_line))
                continue
            if first.empty:
                st.caption("No verdict for this setting in the evidence file.")
                continue
            row = first.iloc[0]
            word = str(row["verdict"])
            st.markdown(
                f"{RATING_ICONS.get(word, '')} **{VERDICT_WORDS.get(word, word)}**: "
                f"{_md(row[fr.STATEMENT])}"
            )


def filtered_sources(bundle: state.Bundle, filters: state.Filters) -> pd.DataFrame:
    """Sources with at least one cohort in the filtered view."""
    if not filters.is_active():
        return bundle.sources
    return fr.sources_in_view(bundle.sources, filters.apply(bundle.cohorts))


def _link(prefix: str, value: object) -> str | None:
    return f"{prefix}{value}" if isinstance(value, str) and value else None


def render_sources(sources: pd.DataFrame, bundle: state.Bundle) -> None:
    """The source table with DOI/PubMed links, then the numbers from each source."""
    table = pd.DataFrame(
        {
            "Source": sources[fr.SOURCE_SHORT],
            "Design": sources[fr.DESIGN].map(lambda d: DESIGN_WORDS.get(d, d)),
            "n": sources["n_total"],
            "DOI": [_link("https://doi.org/", d) for d in sources["doi"]],
            "PubMed": [_link("https://pubmed.ncbi.nlm.nih.gov/", p) for p in sources["pmid"]],
            "Link": [u if isinstance(u, str) else None for u in sources["url"]],
            "Editorial ref.": sources[fr.EDITORIAL_REF],
            "Figures": sources["numbers"],
            "Citation": sources[fr.CITATION],
            "Trial": sources[fr.TRIAL],
            "Note": sources[fr.NOTE],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(38 * (len(table) + 1) + 2, 800),  # every source visible without scrolling
        column_config={
            "DOI": st.column_config.LinkColumn("DOI", display_text=r"https://doi\.org/(.*)"),
            "PubMed": st.column_config.LinkColumn(
                "PubMed", display_text=r"https://pubmed\.ncbi\.nlm\.nih\.gov/(.*)"
            ),
            "Link": st.column_config.LinkColumn("Link"),
            "n": st.column_config.NumberColumn("n", help="Sum of the cohorts' reported n"),
            "Figures": st.column_config.NumberColumn(
                "Figures", help="Results, comparisons and findings taken from this source"
            ),
            "Citation": st.column_config.TextColumn("Citation", width="large"),
        },
    )
    st.download_button(
        "Download the source list as CSV",
        table.to_csv(index=False).encode("utf-8"),
        file_name="sources.csv",
        mime="text/csv",
        key="sources_csv",
        icon=":material/download:",
    )
    st.subheader("Which figures come from a source")
    names = unique_labels(dict(zip(sources[fr.SOURCE], sources[fr.SOURCE_SHORT], strict=True)))
    chosen = st.selectbox(
        "Source",
        list(names),
        format_func=lambda s: str(names.get(s, s)),
        key="source_figures",
        bind="query-params",
    )
    # One source at a time: rendering every source's tables cost 150-250 ms per run.
    source = sources[sources[fr.SOURCE] == chosen].iloc[0]
    numbers = bundle.results[bundle.results[fr.SOURCE] == chosen]
    ratios = bundle.comparisons[bundle.comparisons[fr.SOURCE] == chosen]
    findings = bundle.findings[bundle.findings[fr.SOURCE] == chosen]
    st.caption(_md(source[fr.CITATION]))
    if numbers.empty and ratios.empty and findings.empty:
        st.caption("No figure from this source in the evidence file.")
    if not numbers.empty:
        st.dataframe(views.display(numbers, RESULT_DISPLAY), hide_index=True, width="stretch")
    if not ratios.empty:
        st.dataframe(
            views.display(ratios, views.COMPARISON_DISPLAY), hide_index=True, width="stretch"
        )
    if not findings.empty:
        render_findings(findings)


def render_presentation(bundle: state.Bundle, filters: state.Filters) -> None:
    """One chart per screen, large, with previous/next; slide number in the URL."""
    specs = state.memo_view(views.all_views, bundle, filters)
    if not specs:
        render_empty("charts", filters)
        st.button("Exit presentation", on_click=state.set_presenting, args=(False,), key="exit")
        return
    slide = state.current_slide(len(specs))
    spec = specs[slide - 1]
    back, where, forward, leave = st.columns([1, 4, 1, 1], vertical_alignment="center")
    back.button(
        "Previous",
        on_click=state.go_to_slide,
        args=(slide - 1,),
        disabled=slide == 1,
        key="slide_previous",
        icon=":material/arrow_back:",
        width="stretch",
    )
    where.markdown(f"**{slide} / {len(specs)}** · {_md(spec.title)}")
    forward.button(
        "Next",
        on_click=state.go_to_slide,
        args=(slide + 1,),
        disabled=slide == len(specs),
        key="slide_next",
        icon=":material/arrow_forward:",
        width="stretch",
    )
    leave.button(
        "Exit",
        on_click=state.set_presenting,
        args=(False,),
        key="exit",
        icon=":material/close:",
        width="stretch",
    )
    st.plotly_chart(
        charts.presentation_figure(spec.figure),
        key=f"present_{spec.key}",
        theme=None,
        config={
            **PLOTLY_CONFIG,
            "toImageButtonOptions": {"format": "png", "scale": 3, "filename": spec.filename},
        },
    )
    sources = spec.sources()
    if sources:
        st.caption(_md("Sources: " + "; ".join(sources) + ". " + spec.note))
