"""The shell: page settings, the evidence or why it cannot be shown, the page, the sidebar.

Pages are plain scripts; this file draws what every page shares around ``page.run()``.
"""

from __future__ import annotations

import streamlit as st

from components import panels, presentation, registry, sidebar, state
from components.loaded import ROOT
from evidence.loader import EvidenceError

presenting = state.is_presenting()
st.set_page_config(
    page_title="Evidence dashboard",
    page_icon=str(ROOT / "components" / "favicon.png"),  # local: no outside request
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)

try:
    loaded = state.get_loaded()  # pages draw from the same cached evidence
except EvidenceError as error:
    panels.render_data_problems(error)
    st.stop()

pages = {
    page.title: (page, st.Page(page.path, title=page.title, icon=page.icon, default=i == 0))
    for i, page in enumerate(registry.PAGES)
}
current = st.navigation([st_page for _, st_page in pages.values()], position="sidebar")
sidebar.seed_filters_from_url(loaded)
panels.render_upload_problems()
if presenting:
    presentation.render_presentation(loaded, state.current_filters())
else:
    if pages[current.title][0].shell_title:
        st.title(current.title)
    current.run()
# After the page: its first chart reaches the browser before the sidebar is built.
sidebar.render_sidebar(loaded)
