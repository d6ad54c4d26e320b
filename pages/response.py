import streamlit as st

from components import charts, panels, state

bundle = state.get_bundle()
panels.render_filters(bundle)
filters = state.current_filters()

st.title("Response")
st.caption(
    "Dots are reported rates; bars are 95% confidence intervals, as reported or computed by us "
    "from n (Wilson). Comparator arms sit under the arms of the same trial."
)
results = panels.pick_endpoints(
    filters.apply(bundle.results), category="response", key="response_endpoints"
)
percent = results[results["unit"] == "percent"]
if percent.empty:
    panels.render_empty("response rates", filters)
else:
    fig = charts.forest_figure(
        percent,
        title="Response rates by setting and regimen",
        subtitle=panels.filter_subtitle(bundle, filters),
    )
    panels.render_chart(fig, percent, key="response_forest", filename="response-rates")
panels.render_other_units(results, key="response_other")
