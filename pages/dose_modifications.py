import streamlit as st

from components import charts, panels, state

bundle = state.get_bundle()
panels.render_filters(bundle)
filters = state.current_filters()

st.title("Dose modifications")
st.caption(
    "Dose reductions, interruptions and stops for adverse events are outcomes in their own "
    "right: a regimen that works only at doses patients cannot keep is not the same regimen."
)
results = panels.pick_endpoints(
    filters.apply(bundle.results), category="dose_modification", key="dose_endpoints"
)
percent = results[results["unit"] == "percent"]
if percent.empty:
    panels.render_empty("dose modifications", filters)
else:
    fig = charts.forest_figure(
        percent,
        title="Dose reductions, interruptions and stops",
        x_title="Patients (%)",
        subtitle=panels.filter_subtitle(bundle, filters),
    )
    panels.render_chart(fig, percent, key="dose_forest", filename="dose-modifications")
    st.subheader("Beside response")
    st.caption("The same cohorts: their dose modifications, then how often they responded.")
    panels.render_beside_response(filters.apply(bundle.results), category="dose_modification")
panels.render_other_units(results, key="dose_other")
