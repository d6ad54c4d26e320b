"""The shared sidebar, drawn by the shell around every page.

The presentation toggle, which evidence is shown (with the uploader, the template and the
schema), the filters, and the downloads of the whole view. The last three are each under an
expander whose content is drawn only while it is open (the filters also while one is in
force): a first visit's browser drew them all before the landing page's chart (issue 19).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import streamlit as st

from components import state
from components.export.names import DECK_NAME, HTML_NAME, PPTX_MIME, ZIP_NAME
from components.export.render import EXPORT_INSTALL, ExportUnavailable, export_available
from components.loaded import FILTERS, ROOT, Filters, LoadedEvidence
from components.panels import md
from evidence.ctgov import RECORD_SUFFIXES
from evidence.models import json_schema
from evidence.workbook import WORKBOOK_SUFFIXES, XLSX_MIME

TEMPLATE = ROOT / "data" / "template.yaml"


def seed_filters_from_url(loaded: LoadedEvidence) -> None:
    """Put the URL's filter labels into session state before anything is drawn.

    The filter widgets are drawn after the page's charts (so the first chart reaches the
    browser sooner); a bound widget only reads the URL when it is drawn, so a shared link's
    filters are copied into state first.
    """
    for spec in FILTERS:
        if spec.key in st.session_state or spec.key not in st.query_params:
            continue
        wanted = set(st.query_params.get_all(spec.key))
        options = spec.labels(loaded.evidence)
        st.session_state[spec.key] = [i for i, label in options.items() if label in wanted]


def render_sidebar(loaded: LoadedEvidence) -> None:
    """The sidebar: presentation toggle, evidence picker, filters and view exports.

    Filters are bound to the URL, so that a copied link reproduces the view; the URL holds
    the displayed labels (Streamlit's binding), e.g. ``?setting=First-line+X``.
    """
    with st.sidebar:
        st.toggle(
            "Presentation view",
            value=state.is_presenting(),
            key=state.KEY_PRESENT_TOGGLE,
            on_change=state.on_present_toggle,
            help="One large chart per screen for a projector; the filters still apply",
        )
        _render_evidence_picker(loaded)
        filters = state.current_filters()
        _render_filters(loaded, filters)
        _render_view_exports(loaded, filters)


def _lazy_section(
    label: str, key: str, icon: str, draw: Callable[[], None], *, keep: bool = False
) -> None:
    """An expander whose content is drawn only while it is open, or while ``keep``.

    A first visit's browser drew the filters, the uploader and the view exports before the
    landing page's chart (issue 19). ``keep`` draws the content of a closed section whose
    widgets hold something to keep (filters in force, an upload). The label and options
    never change: they are the expander's identity, and a new one would forget it was open.
    """
    section = st.expander(label, key=key, on_change="rerun", icon=icon)
    with section:
        if section.open or keep:
            draw()


def _render_filters(loaded: LoadedEvidence, filters: Filters) -> None:
    """The filters, in a lazy section opened on its first draw when a filter is in force.

    So a shared link's filters show at once; while one is in force the widgets are drawn
    even when the section is closed, so that no choice is lost.
    """
    active = filters.is_active()
    if active:
        state.open_section(state.KEY_FILTERS)

    def draw() -> None:
        st.caption("An empty filter means all.")
        for spec in FILTERS:
            options = spec.labels(loaded.evidence)
            st.multiselect(
                spec.title,
                list(options),
                format_func=options.__getitem__,
                key=spec.key,
                bind="query-params",
                placeholder=spec.everything,
            )
        if active:
            st.button("Clear all filters", on_click=state.reset_filters, key="clear_filters")

    _lazy_section("Filters", state.KEY_FILTERS, ":material/filter_alt:", draw, keep=active)


def _template_bytes() -> bytes:
    return TEMPLATE.read_bytes()


def _schema_bytes() -> bytes:
    return json.dumps(json_schema(), indent=2).encode("utf-8")


def _template_workbook() -> bytes:
    from evidence.workbook import template_workbook  # openpyxl loads on click, not per run

    return template_workbook()


def _as_yaml(loaded: LoadedEvidence) -> bytes:
    from evidence.writer import dump_yaml

    return dump_yaml(loaded.evidence).encode("utf-8")


def _as_workbook(loaded: LoadedEvidence) -> bytes:
    from evidence.workbook import write_workbook  # openpyxl loads on click, not per run

    return write_workbook(loaded.evidence)


# Where to start your own evidence; each file is built only when its button is clicked.
_STARTERS = (
    ("Template", _template_bytes, "evidence-template.yaml", "application/x-yaml",
     "download_template", ":material/description:",
     "A small valid evidence file with comments, to start from"),
    ("Template workbook", _template_workbook, "evidence-template.xlsx", XLSX_MIME,
     "download_template_workbook", ":material/table_view:",
     "Template workbook (.xlsx): one sheet per list, drop-downs of the allowed words and ids, "
     "a read-me sheet; upload it back when filled in"),
    ("Schema", _schema_bytes, "evidence.schema.json", "application/json",
     "download_schema", ":material/data_object:",
     "JSON Schema of the format, for editors that check YAML"),
)  # fmt: skip


def _render_imported(loaded: LoadedEvidence) -> None:
    """For an imported registry record: the workbook download and what was left out."""
    st.download_button(
        "Download it as a workbook",
        functools.partial(_as_workbook, loaded),
        file_name=f"{Path(loaded.name).stem}.xlsx",
        mime=XLSX_MIME,
        key="download_as_workbook",
        on_click="ignore",
        icon=":material/table_view:",
        help="The imported record as an evidence workbook (.xlsx), to check and correct",
    )
    if loaded.skipped:
        with st.expander(f"Left out of the record ({len(loaded.skipped)})"):
            st.markdown("\n".join(f"- {md(line)}" for line in loaded.skipped))


def _render_evidence_picker(loaded: LoadedEvidence) -> None:
    """Which evidence is shown; under an expander, an uploader, template and schema.

    The expander's content is drawn only while it is open (or while an upload is in use,
    so that its uploader keeps the file): a first visit's browser does not draw an uploader
    and three downloads before the landing page's chart.
    """
    st.markdown("**Evidence**")
    uploaded = state.is_uploaded(loaded)
    if uploaded:
        st.caption(f"Your file: {md(loaded.name)} (this browser session only)")
        st.button(
            "Back to the bundled evidence",
            on_click=state.clear_upload,
            key="clear_upload",
            icon=":material/undo:",
        )
    else:
        st.caption(f"{md(loaded.evidence.title)} · data {md(loaded.data_version)}")
    _lazy_section(
        "Use your own evidence",
        state.KEY_OWN_EVIDENCE,
        ":material/upload_file:",
        lambda: _render_own_evidence(loaded),
        keep=uploaded,  # its uploader keeps the file
    )
    st.divider()


def _render_own_evidence(loaded: LoadedEvidence) -> None:
    """The uploader, what an uploaded file can be downloaded as, the templates and schema."""
    st.file_uploader(
        "Use your own evidence: YAML, an Excel workbook (.xlsx) or a ClinicalTrials.gov "
        "results record (.json or .xml), up to 2 MB",
        # .xlsm is taken so that it is refused with a reason (macros), not hidden by the picker.
        type=["yaml", "yml", "xlsx", "xlsm", "json", "xml"],
        key=state.uploader_key(),
        on_change=state.on_upload,
        help="Checked against the evidence format (a registry record is imported first); "
        "shown only to you, never stored.",
    )
    suffix = Path(loaded.name).suffix.lower()
    uploaded = state.is_uploaded(loaded)
    if uploaded and suffix in RECORD_SUFFIXES:
        _render_imported(loaded)
    if uploaded and suffix in (*WORKBOOK_SUFFIXES, *RECORD_SUFFIXES):
        st.download_button(
            "Download it as YAML",
            functools.partial(_as_yaml, loaded),
            file_name=f"{Path(loaded.name).stem}.yaml",
            mime="application/x-yaml",
            key="download_as_yaml",
            on_click="ignore",
            icon=":material/download:",
            help="Your file in the evidence format, to keep under version control",
        )
    # One per row, the sidebar's width each: side by side, the labels were cut to "T...".
    for label, data, file_name, mime, key, icon, tip in _STARTERS:
        st.download_button(
            label,
            data,
            file_name=file_name,
            mime=mime,
            key=key,
            on_click="ignore",
            icon=icon,
            help=tip,
            width="stretch",
        )


def _deck(loaded: LoadedEvidence, filters: Filters, say: Say, keep: bool) -> bytes:
    from components.export import files  # imported on click: python-pptx stays off page runs

    return files.view_deck(
        loaded,
        filters,
        images=export_available(),
        say=say,
        keep=keep,
        baselines=state.url_baselines(),
    )


def _page(loaded: LoadedEvidence, filters: Filters, say: Say, keep: bool) -> bytes:
    from components.export import files, html  # imported on click: plotly.js stays off page runs

    say(0.0, "Drawing the charts")
    specs = files.file_specs(loaded, filters, keep=keep)
    say(0.8, "Writing the page")
    return html.view_html(loaded, filters, specs=specs)


def _zip(loaded: LoadedEvidence, filters: Filters, say: Say, keep: bool) -> bytes:
    from components.export import files  # imported on click: kaleido stays off page runs

    return files.everything_zip(
        loaded, filters, say=say, keep=keep, baselines=state.url_baselines()
    )


Say = Callable[[float, str], None]


class _Export(NamedTuple):
    """A download of the whole view, built when its button is clicked, with progress."""

    label: str
    build: Callable[[LoadedEvidence, Filters, Say, bool], bytes]
    file_name: str
    mime: str
    key: str  # the buttons are "build_" + key, then "download_" + key
    ready: str  # the download button's label
    icon: str
    needs_chromium: bool
    help: str


_EXPORTS = (
    _Export("Deck", _deck, DECK_NAME, PPTX_MIME, "deck", "Download the deck (PPTX)",
            ":material/slideshow:", False,
            "Journal-club deck (PPTX) of the filtered view: title, one slide per chart with "
            "sources, a summary of findings per randomised comparison, one per verdict, "
            "caveats, speaker notes"),
    _Export("Offline page", _page, HTML_NAME, "text/html", "html",
            "Download the page (HTML)", ":material/wifi_off:", False,
            "The filtered view as one HTML file: every chart interactive with its sources, the "
            "verdicts, caveats and sources. Opens in any browser with no network; prints one "
            "section per page"),
    _Export("All (ZIP)", _zip, ZIP_NAME, "application/zip", "zip", "Download all (ZIP)",
            ":material/folder_zip:", True,
            "Every figure as PNG, SVG and PDF, the CSV behind each, the effects table, the "
            "deck, the offline page and a README with citations"),
)  # fmt: skip


def _render_view_exports(loaded: LoadedEvidence, filters: Filters) -> None:
    """Downloads of the whole filtered view, in a lazy section."""
    _lazy_section(
        "Export this view",
        state.KEY_EXPORT_VIEW,
        ":material/ios_share:",
        lambda: _render_export_buttons(loaded, filters),
    )


def _render_export_buttons(loaded: LoadedEvidence, filters: Filters) -> None:
    """The deck, the offline page, everything as a ZIP.

    Each is built when its button is clicked, in that run, with a progress bar under a
    status line (a download built on click, Streamlit's deferred data, can show none); then
    its download button takes the build button's place at once, and stays while the view is
    the same. When the view changes the build button comes back; the process keeps what it
    drew (specs, images), so building a view again costs little.
    """
    available = export_available()
    view = (loaded.data_version, loaded.name, filters, available, state.url_baselines())
    built: dict[str, tuple[object, bytes]] = st.session_state.setdefault(state.SESSION_EXPORTS, {})
    for export in _EXPORTS:
        disabled = export.needs_chromium and not available
        kept = built.get(export.key)
        if kept is None or kept[0] != view:
            if st.session_state.get(state.SESSION_EXPORT_ASKED) != export.key:
                _build_button(export, disabled=disabled)
                continue
            # The progress takes the clicked button's place, where the eye is: below it, it
            # could fall under the window's edge (the sidebar does not scroll to it).
            del st.session_state[state.SESSION_EXPORT_ASKED]
            data = _build_with_progress(export, loaded, filters)
            if data is None:  # the failure's reason shows; the button, to try again, under it
                _build_button(export, disabled=disabled)
                continue
            built[export.key] = (view, data)
        st.download_button(
            export.ready,
            built[export.key][1],
            file_name=export.file_name,
            mime=export.mime,
            key=f"download_{export.key}",
            on_click="ignore",
            icon=":material/download:",
            type="primary",
            help=export.help,
            width="stretch",
        )
    if not available:
        st.caption(EXPORT_INSTALL)


def _build_button(export: _Export, *, disabled: bool) -> None:
    """The button that builds ``export`` when clicked (the build runs in the next run)."""
    st.button(
        export.label,
        key=f"build_{export.key}",
        icon=export.icon,
        disabled=disabled,
        help=f"{export.help}. Click to build it; a download button follows.",
        width="stretch",
        # A callback, not the button's value: the request survives a rerun that routes a
        # page through the shell before the sidebar is drawn.
        on_click=_ask_for_build,
        args=(export.key,),
    )


def _ask_for_build(key: str) -> None:
    st.session_state[state.SESSION_EXPORT_ASKED] = key


def _build_with_progress(export: _Export, loaded: LoadedEvidence, filters: Filters) -> bytes | None:
    """Build an export under a status line and a progress bar that follow its steps.

    None, with the reason in the status, when Chromium is missing or fails.
    """
    with st.status(f"Building {export.label.lower()}…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def say(fraction: float, text: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=text)

        try:
            data = export.build(loaded, filters, say, not state.is_uploaded(loaded))
        except ExportUnavailable as exc:  # Chromium missing, or it failed while rendering
            status.update(label=f"{export.label} not built", state="error")
            st.error(str(exc))
            return None
        bar.progress(1.0, text=f"{len(data) / 1e6:.1f} MB")
        status.update(label=f"{export.label} ready", state="complete", expanded=False)
    return data
