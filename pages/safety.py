import streamlit as st

from components import panels, registry, state

loaded, filters = state.page_view()
st.caption(
    "Share of patients with each harm; comparator arms beside the arms they were compared "
    "with. Grades are as each source defines them (grade 3-4, grade 4 or grade 3 or more)."
)
panels.render_category(
    registry.SAFETY_FOREST, loaded, filters, category="toxicity", what="toxicity rates"
)
