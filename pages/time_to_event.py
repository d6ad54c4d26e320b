import streamlit as st

from components import panels, state

loaded, filters = state.page_view()
st.caption(
    "Medians and landmark rates as reported (no interval is computed for survival figures), "
    "then within-trial ratios on a log scale."
)
panels.render_charts("time_to_event", loaded, filters, what="time-to-event results")
