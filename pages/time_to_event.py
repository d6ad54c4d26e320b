import streamlit as st

from components import charts, panels, state

bundle = state.get_bundle()
panels.render_filters(bundle)
filters = state.current_filters()

st.title("Time to event")
results = filters.apply(bundle.results)
results = results[results["category"] == "time_to_event"]
comparisons = filters.apply(bundle.comparisons)
if results.empty and comparisons.empty:
    panels.render_empty("time-to-event results", filters)
for unit, title in panels.UNIT_TITLES.items():
    part = results[results["unit"] == unit]
    if part.empty:
        continue
    fig = charts.forest_figure(
        part,
        title=title,
        x_title=panels.UNIT_AXES[unit],
        x_range=(0.0, 100.0) if unit == "percent" else None,
        subtitle=panels.filter_subtitle(bundle, filters),
    )
    panels.render_chart(fig, part, key=f"tte_{unit}", filename=f"time-to-event-{unit}")
if not comparisons.empty:
    fig = charts.ratio_forest_figure(
        comparisons,
        title="Within-trial comparisons (hazard ratios and other ratios)",
        subtitle=panels.filter_subtitle(bundle, filters),
    )
    panels.render_chart(
        fig,
        comparisons,
        key="tte_ratios",
        filename="hazard-ratios",
        columns=panels.COMPARISON_DISPLAY,
    )
