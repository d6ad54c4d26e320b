import streamlit as st

from components import panels, state, views

bundle, filters = panels.page_setup()

st.title("Quality of life")
st.caption(
    "Most quality-of-life results are reported as directions, not scores: they are shown as "
    "findings, each with who reported it and what it was compared with."
)
findings = filters.apply(bundle.findings)
qol = findings[findings["category"] == "quality_of_life"]
spec = state.memo_view(
    views.percent_view,
    bundle,
    filters,
    page="qol",
    title="Quality-of-life figures",
    x_title="Value",
)
if qol.empty and spec is None:
    panels.render_empty("quality-of-life findings", filters)
panels.render_findings_summary(qol)
panels.render_findings(qol)
if spec is not None:
    panels.render_spec(spec, bundle, filters)
panels.render_other_units(views.category_results(bundle, filters, page="qol"), key="qol_other")
other = findings[findings["category"] != "quality_of_life"]
if not other.empty:
    st.subheader("Other findings without a number")
    panels.render_findings(other)
panels.page_end(bundle)
