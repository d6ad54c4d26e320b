import streamlit as st

from components import panels, state
from components.loaded import Filters, LoadedEvidence
from evidence import frames as fr
from evidence import vocabulary


def render_counts(loaded: LoadedEvidence) -> None:
    """Headline counts of the evidence file and its data version, in one line."""
    ev = loaded.evidence
    figures = len(ev.results) + len(ev.comparisons) + len(ev.findings)
    once = len(loaded.design.counted_once(c.id for c in ev.cohorts))
    groups = f" ({once} groups of patients, each counted once)" if once != len(ev.cohorts) else ""
    st.markdown(
        f"**{len(ev.settings)}** settings · **{len(ev.regimens)}** regimens · "
        f"**{len(ev.sources)}** sources · **{len(ev.cohorts)}** cohorts{groups} · "
        f"**{figures}** reported figures · data version {panels.md(loaded.data_version)}"
    )
    if loaded.changelog is not None:
        st.page_link(
            "pages/sources.py", label="What changed in this version", icon=":material/history:"
        )


def render_bottom_lines(loaded: LoadedEvidence, filters: Filters) -> None:
    """For each setting its bottom line, else the first verdict the file lists for it."""
    verdicts = filters.apply(loaded.verdicts)
    chosen = filters.get("setting")
    for setting in loaded.evidence.settings:
        if chosen and setting.id not in chosen:
            continue
        first = verdicts[verdicts[fr.SETTING] == setting.id].head(1)
        with st.container(border=True):
            st.markdown(f"**{panels.md(setting.label)}**")
            if setting.bottom_line:
                st.markdown(panels.md(setting.bottom_line))
            elif first.empty:
                st.caption("No verdict for this setting in the evidence file.")
            else:
                row = first.iloc[0]
                word = str(row[fr.VERDICT])
                label = panels.md(vocabulary.VERDICT.label(word))
                st.markdown(
                    f"{vocabulary.VERDICT.icon(word)} **{label}**: {panels.md(row[fr.STATEMENT])}"
                )


loaded, filters = state.page_view()
ev = loaded.evidence
st.title(panels.md(ev.title))
st.markdown(panels.md(ev.summary))
if ev.editorial is not None:
    if ev.editorial.thesis:
        st.info(f"**The editorial's thesis, in our words:** {panels.md(ev.editorial.thesis)}")
    st.caption(f"Verdicts paraphrase: {panels.md(ev.editorial.citation)}")
render_counts(loaded)
panels.render_charts("overview", loaded, filters, what="cohorts")

st.header("Bottom line per setting")
render_bottom_lines(loaded, filters)
