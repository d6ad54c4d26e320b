import streamlit as st

from components import panels

bundle, filters = panels.page_setup()

st.title("Safety")
st.caption(
    "Share of patients with each harm; comparator arms beside the arms they were compared "
    "with. Grades are as each source defines them (grade 3-4, grade 4 or grade 3 or more)."
)
panels.render_category(
    bundle,
    filters,
    page="safety",
    what="toxicity rates",
    title="Toxicity by setting and regimen",
    x_title="Patients with the event (%)",
)
panels.page_end(bundle)
