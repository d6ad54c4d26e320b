import streamlit as st

from components import panels, views

bundle, filters = panels.page_setup()

st.title("Dose modifications")
st.caption(
    "Dose reductions, interruptions and stops for adverse events are outcomes in their own "
    "right: a regimen that works only at doses patients cannot keep is not the same regimen."
)
results = views.category_results(bundle, filters, page="dose")
endpoints = panels.pick_endpoints(results, key="dose_endpoints")
spec = views.percent_view(
    bundle,
    filters,
    page="dose",
    endpoints=endpoints,
    title="Dose reductions, interruptions and stops",
)
panels.render_specs([spec], what="dose modifications", bundle=bundle, filters=filters)
if spec is not None:
    st.subheader("Beside response")
    st.caption("The same cohorts: their dose modifications, then how often they responded.")
    panels.render_beside_response(filters.apply(bundle.results), category="dose_modification")
panels.render_other_units(
    views.category_results(bundle, filters, page="dose", endpoints=endpoints), key="dose_other"
)
