import pandas as pd
import streamlit as st

from components import content, panels, state, tables
from components.loaded import LoadedEvidence, unique_labels
from evidence import frames as fr

LINK_COLUMNS = {
    "DOI": st.column_config.LinkColumn(
        "DOI", display_text=r"https://doi\.org/(.*)", width="medium"
    ),
    "PubMed": st.column_config.LinkColumn(
        "PubMed", display_text=r"https://pubmed\.ncbi\.nlm\.nih\.gov/(.*)"
    ),
    "Registry": st.column_config.LinkColumn(
        "Registry", display_text=r".*/(NCT\d+)", width="medium"
    ),
    "Link": st.column_config.LinkColumn("Link"),
}


def render_sources(sources: pd.DataFrame, loaded: LoadedEvidence) -> None:
    """The source list with DOI/PubMed links, then the figures taken from one source."""
    table = content.source_table(content.source_entries(loaded, sources))
    panels.grid(
        table,
        alt="Sources",
        height=min(35 * (len(table) + 1) + 3, 800),  # every source, no blank rows, no scrolling
        column_config={
            **{kind: column for kind, column in LINK_COLUMNS.items() if kind in table.columns},
            "n": st.column_config.NumberColumn("n", help="Sum of the cohorts' reported n"),
            "Figures": st.column_config.NumberColumn(
                "Figures", help="Results, comparisons and findings taken from this source"
            ),
            "Citation": st.column_config.TextColumn("Citation", width="large"),
        },
    )
    panels.csv_download(
        table,
        filename="sources",
        key=state.KEY_SOURCES_CSV,
        label="Download the source list as CSV",
    )
    st.header("Which figures come from a source")
    names = unique_labels(dict(zip(sources[fr.SOURCE], sources[fr.SOURCE_SHORT], strict=True)))
    chosen = st.selectbox(
        "Source",
        list(names),
        format_func=lambda s: str(names.get(s, s)),
        key=state.KEY_SOURCE_FIGURES,
        bind="query-params",
    )
    # One source at a time: rendering every source's tables cost 150-250 ms per run.
    source = sources[sources[fr.SOURCE] == chosen].iloc[0]
    numbers = loaded.results[loaded.results[fr.SOURCE] == chosen]
    ratios = loaded.comparisons[loaded.comparisons[fr.SOURCE] == chosen]
    findings = loaded.findings[loaded.findings[fr.SOURCE] == chosen]
    st.caption(panels.md(source[fr.CITATION]))
    if numbers.empty and ratios.empty and findings.empty:
        st.caption("No figure from this source in the evidence file.")
    if not numbers.empty:
        panels.grid(
            tables.display(numbers, tables.RESULT_DISPLAY),
            alt=f"Figures from {source[fr.SOURCE_SHORT]}",
        )
    if not ratios.empty:
        panels.grid(
            tables.display(tables.comparisons_shown(ratios), tables.COMPARISON_DISPLAY),
            alt=f"Comparisons from {source[fr.SOURCE_SHORT]}",
        )
    if not findings.empty:
        panels.render_findings(findings)


def render_changes(loaded: LoadedEvidence) -> None:
    """What changed in this version of the evidence, and why; earlier versions folded away."""
    st.header("What changed in this version")
    if loaded.changelog_error is not None:
        st.warning("The change log beside the evidence file could not be read.")
        panels.render_problems(loaded.changelog_error)
        return
    log = loaded.changelog
    if log is None:
        st.caption("This evidence file has no change log beside it.")
        return
    newest = log.newest
    if newest.data_version != loaded.data_version:
        st.warning(
            f"The change log's latest entry is for data version {panels.md(newest.data_version)}, "
            f"but this file is {panels.md(loaded.data_version)}: its latest changes are not "
            "recorded."
        )
    for i, version in enumerate(log.versions):
        heading = f"Data version {version.data_version} · {version.date.isoformat()}"
        with st.expander(heading, expanded=i == 0):
            st.markdown(panels.md(version.summary))
            if version.changes:
                panels.plain_table(
                    tables.change_list(version.changes),
                    alt=f"Changes in data version {version.data_version}",
                )
            else:
                st.caption("No changes listed for this version.")


loaded, filters = state.page_view()
st.caption(
    "Every source with its citation, design and links. Numbers marked 'editorial only' are "
    "figures we could not trace to the source itself."
)
sources = content.sources_in_view(loaded, filters)
if sources.empty:
    panels.render_empty("sources", filters)
else:
    render_sources(sources, loaded)
render_changes(loaded)
