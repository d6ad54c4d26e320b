import streamlit as st

from components import panels, state, views

bundle, filters = panels.page_setup()

st.title("Benefit-risk and verdicts")
st.caption(
    "Each point is one cohort: its response against its harm. Size shows n (a small fixed "
    "size when n is not reported); colour shows the editorial's verdict. For each cohort the "
    "first endpoint it reports, in the order chosen below, is used."
)
harm, benefit = panels.pick_plane_endpoints(filters.apply(bundle.results))
spec = state.memo_view(views.benefit_risk_view, bundle, filters, harm=harm, benefit=benefit)
panels.render_specs(
    [spec], what="cohorts with both a response and a harm figure", bundle=bundle, filters=filters
)

st.header("The editorial's verdicts")
verdicts = filters.apply(bundle.verdicts)
if verdicts.empty:
    panels.render_empty("verdicts", filters)
panels.render_verdicts(verdicts, bundle)
panels.page_end(bundle)
