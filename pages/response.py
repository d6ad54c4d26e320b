import streamlit as st

from components import panels, registry, state

loaded, filters = state.page_view()
st.caption(
    "Dots are reported rates; bars are 95% confidence intervals, as reported or computed by us "
    "from n (Wilson). Comparator arms sit under the arms of the same trial."
)
panels.render_category(
    registry.RESPONSE_FOREST, loaded, filters, category="response", what="response rates"
)
