import streamlit as st

from components import panels, views

bundle, filters = panels.page_setup()

st.title("Response")
st.caption(
    "Dots are reported rates; bars are 95% confidence intervals, as reported or computed by us "
    "from n (Wilson). Comparator arms sit under the arms of the same trial."
)
results = views.category_results(bundle, filters, page="response")
endpoints = panels.pick_endpoints(results, key="response_endpoints")
spec = views.percent_view(
    bundle,
    filters,
    page="response",
    endpoints=endpoints,
    title="Response rates by setting and regimen",
)
panels.render_specs([spec], what="response rates", bundle=bundle, filters=filters)
panels.render_other_units(
    views.category_results(bundle, filters, page="response", endpoints=endpoints),
    key="response_other",
)
