import streamlit as st

from components import panels, state, views

bundle, filters = panels.page_setup()

st.title("Time to event")
st.caption(
    "Medians and landmark rates as reported (no interval is computed for survival figures), "
    "then within-trial ratios on a log scale."
)
panels.render_specs(
    state.memo_view(views.time_to_event_views, bundle, filters),
    what="time-to-event results",
    bundle=bundle,
    filters=filters,
)
panels.page_end(bundle)
