import streamlit as st

from components import panels, views

bundle, filters = panels.page_setup()

st.title("Safety")
st.caption(
    "Share of patients with each harm; comparator arms beside the arms they were compared "
    "with. Grades are as each source defines them (grade 3-4, grade 4 or grade 3 or more)."
)
results = views.category_results(bundle, filters, page="safety")
endpoints = panels.pick_endpoints(results, key="safety_endpoints")
spec = views.percent_view(
    bundle,
    filters,
    page="safety",
    endpoints=endpoints,
    title="Toxicity by setting and regimen",
    x_title="Patients with the event (%)",
)
panels.render_specs([spec], what="toxicity rates", bundle=bundle, filters=filters)
panels.render_other_units(
    views.category_results(bundle, filters, page="safety", endpoints=endpoints), key="safety_other"
)
