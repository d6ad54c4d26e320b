import streamlit as st

from components import panels

bundle, filters = panels.page_setup()

st.title("Sources")
st.caption(
    "Every source with its citation, design and links. Numbers marked 'editorial only' are "
    "figures we could not trace to the source itself."
)
sources = panels.filtered_sources(bundle, filters)
if sources.empty:
    panels.render_empty("sources", filters)
else:
    panels.render_sources(sources, bundle)
panels.page_end(bundle)
