"""Entry point: load the evidence (or explain why not), then route to a page or the slides."""

from __future__ import annotations

import streamlit as st

from components import panels, state
from evidence.loader import EvidenceError

presenting = state.is_presenting()
st.set_page_config(
    page_title="Evidence dashboard",
    page_icon=str(state.ROOT / "components" / "favicon.png"),  # local: no outside request
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)

try:
    bundle = state.get_bundle()  # pages draw from the same cached bundle
except EvidenceError as error:
    panels.render_data_problems(error)
    st.stop()

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/grid_view:", default=True),
    st.Page("pages/response.py", title="Response", icon=":material/trending_up:"),
    st.Page("pages/safety.py", title="Safety", icon=":material/health_and_safety:"),
    st.Page("pages/dose_modifications.py", title="Dose modifications", icon=":material/tune:"),
    st.Page("pages/quality_of_life.py", title="Quality of life", icon=":material/mood:"),
    st.Page("pages/time_to_event.py", title="Time to event", icon=":material/timeline:"),
    st.Page("pages/benefit_risk.py", title="Benefit-risk and verdicts", icon=":material/balance:"),
    st.Page("pages/sources.py", title="Sources", icon=":material/menu_book:"),
]
page = st.navigation(PAGES, position="sidebar")
if presenting:
    panels.seed_filters_from_url(bundle)
    panels.render_presentation(bundle, state.current_filters())
    panels.render_filters(bundle)
else:
    page.run()
