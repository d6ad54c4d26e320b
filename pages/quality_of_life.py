import streamlit as st

from components import charts, panels, state

bundle = state.get_bundle()
panels.render_filters(bundle)
filters = state.current_filters()

st.title("Quality of life")
st.caption(
    "Most quality-of-life results are reported as directions, not scores: they are shown as "
    "findings, each with who reported it and what it was compared with."
)
findings = filters.apply(bundle.findings)
findings = findings[findings["category"] == "quality_of_life"]
scores = filters.apply(bundle.results)
scores = scores[scores["category"] == "quality_of_life"]
if findings.empty and scores.empty:
    panels.render_empty("quality-of-life findings", filters)
panels.render_findings(findings)
if not scores.empty:
    fig = charts.forest_figure(
        scores,
        title="Quality-of-life figures",
        x_title="Value",
        x_range=None,
        subtitle=panels.filter_subtitle(bundle, filters),
    )
    panels.render_chart(fig, scores, key="qol_forest", filename="quality-of-life")
other = filters.apply(bundle.findings)
other = other[other["category"] != "quality_of_life"]
if not other.empty:
    st.subheader("Other findings without a number")
    panels.render_findings(other)
