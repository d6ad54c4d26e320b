import streamlit as st

from components import panels

bundle, filters = panels.page_setup()

st.title("Response")
st.caption(
    "Dots are reported rates; bars are 95% confidence intervals, as reported or computed by us "
    "from n (Wilson). Comparator arms sit under the arms of the same trial."
)
panels.render_category(
    bundle,
    filters,
    page="response",
    what="response rates",
    title="Response rates by setting and regimen",
)
panels.page_end(bundle)
