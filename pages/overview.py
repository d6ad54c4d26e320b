import streamlit as st

from components import charts, panels, state

bundle = state.get_bundle()
panels.render_filters(bundle)
ev = bundle.evidence
filters = state.current_filters()

st.title(ev.title)
st.markdown(panels.md_text(ev.summary))
if ev.editorial is not None:
    st.caption(f"Verdicts paraphrase: {panels.md_text(ev.editorial.citation)}")
panels.render_counts(bundle)

coverage = filters.apply(bundle.coverage)
if coverage["cohorts"].sum() == 0:
    panels.render_empty("cohorts", filters)
else:
    fig = charts.coverage_figure(
        coverage,
        title="Where the evidence is",
        subtitle="Cohorts per regimen and setting, with the first response figure of each",
    )
    panels.render_chart(
        fig, filters.apply(bundle.results), key="coverage", filename="evidence-grid"
    )

st.header("Bottom line per setting")
panels.render_bottom_lines(bundle, filters)
