import streamlit as st

from components import panels, state, views

bundle, filters = panels.page_setup()
ev = bundle.evidence

st.title(panels.md_text(ev.title))
st.markdown(panels.md_text(ev.summary))
if ev.editorial is not None:
    st.caption(f"Verdicts paraphrase: {panels.md_text(ev.editorial.citation)}")
panels.render_counts(bundle)
panels.render_specs(
    [state.memo_view(views.coverage_view, bundle, filters)],
    what="cohorts",
    bundle=bundle,
    filters=filters,
)

st.header("Bottom line per setting")
panels.render_bottom_lines(bundle, filters)
panels.page_end(bundle)
