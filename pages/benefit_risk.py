import streamlit as st

from components import charts, panels, state

bundle = state.get_bundle()
panels.render_filters(bundle)
filters = state.current_filters()

st.title("Benefit-risk and verdicts")
st.caption(
    "Each point is one cohort: its response against its harm. Size shows n (a small fixed "
    "size when n is not reported); colour shows the editorial's verdict. For each cohort the "
    "first endpoint it reports, in the order chosen below, is used."
)
results = filters.apply(bundle.results)
plane = panels.pick_benefit_risk(results, bundle.cohort_verdict)
if plane.empty:
    panels.render_empty("cohorts with both a response and a harm figure", filters)
else:
    fig = charts.benefit_risk_figure(
        plane,
        title="Efficacy against harm",
        x_title="Harm (% of patients)",
        y_title="Response (% of patients)",
        subtitle=panels.filter_subtitle(bundle, filters),
    )
    panels.render_chart(
        fig,
        plane,
        key="benefit_risk",
        filename="benefit-risk",
        columns=panels.PLANE_DISPLAY,
        note=panels.plane_note(plane),
    )

st.header("The editorial's verdicts")
verdicts = filters.apply(bundle.verdicts)
if verdicts.empty:
    panels.render_empty("verdicts", filters)
panels.render_verdicts(verdicts, bundle)
