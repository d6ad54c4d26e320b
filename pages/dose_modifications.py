import streamlit as st

from components import panels

bundle, filters = panels.page_setup()

st.title("Dose modifications")
st.caption(
    "Dose reductions, interruptions and stops for adverse events are outcomes in their own "
    "right: a regimen that works only at doses patients cannot keep is not the same regimen."
)
spec = panels.render_category(
    bundle,
    filters,
    page="dose",
    what="dose modifications",
    title="Dose reductions, interruptions and stops",
)
if spec is not None:
    st.subheader("Beside response")
    st.caption("The same cohorts: their dose modifications, then how often they responded.")
    panels.render_beside_response(filters.apply(bundle.results), category="dose_modification")
panels.page_end(bundle)
