import streamlit as st

from components import charts, panels, state

bundle = state.get_bundle()
panels.render_filters(bundle)
filters = state.current_filters()

st.title("Safety")
st.caption(
    "Share of patients with each harm; comparator arms beside the arms they were compared "
    "with. Grades are as each source defines them (grade 3-4, grade 4 or grade 3 or more)."
)
results = panels.pick_endpoints(
    filters.apply(bundle.results), category="toxicity", key="safety_endpoints"
)
percent = results[results["unit"] == "percent"]
if percent.empty:
    panels.render_empty("toxicity rates", filters)
else:
    fig = charts.forest_figure(
        percent,
        title="Toxicity by setting and regimen",
        x_title="Patients with the event (%)",
        subtitle=panels.filter_subtitle(bundle, filters),
    )
    panels.render_chart(fig, percent, key="safety_forest", filename="toxicity")
panels.render_other_units(results, key="safety_other")
