import streamlit as st

from components import panels, state, tables
from components.specs import category_results
from evidence import frames as fr

loaded, filters = state.page_view()
st.caption(
    "Most quality-of-life results are reported as directions, not scores: they are shown as "
    "findings, each with who reported it and what it was compared with."
)
findings = filters.apply(loaded.findings)
qol = findings[findings[fr.CATEGORY] == "quality_of_life"]
if not qol.empty:
    panels.grid(tables.findings_summary(qol), alt="Quality-of-life findings at a glance")
    panels.render_findings(qol)
# Findings are the usual form here: say "nothing" only when there are no figures either.
panels.render_charts(
    "quality_of_life", loaded, filters, what="quality-of-life findings" if qol.empty else None
)
panels.render_other_units(
    category_results(loaded, filters, category="quality_of_life"),
    key=state.other_units_key("quality_of_life"),
)
other = findings[findings[fr.CATEGORY] != "quality_of_life"]
if not other.empty:
    st.header("Other findings without a number")
    panels.render_findings(other)
