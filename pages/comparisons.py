import pandas as pd
import streamlit as st

from components import compare, panels, state, tables
from components.loaded import Filters, LoadedEvidence, unique_labels
from evidence import frames as fr


def pick_comparison(found: list[compare.Comparison]) -> compare.Comparison:
    """The within-study comparison to show; randomised ones first in the list."""
    ordered = sorted(found, key=lambda c: not c.randomised)
    options = unique_labels({c.key: c.label for c in ordered})
    key = st.selectbox(
        "Comparison (two arms of one study)",
        list(options),
        format_func=options.__getitem__,
        key="comparison",
        bind="query-params",
    )
    return next(c for c in ordered if c.key == key)


def render_summary_of_findings(loaded: LoadedEvidence, chosen: compare.Comparison) -> None:
    """The GRADE-style summary of findings of one comparison, group by group, with its CSV."""
    st.subheader("Summary of findings")
    st.caption(
        f"{panels.md(chosen.cohort_label)} (the regimen) against "
        f"{panels.md(chosen.versus_label)} (the comparator), {panels.md(chosen.source_short)}. "
        + panels.md(
            " ".join(filter(None, [compare.allocation_sentence(chosen), chosen.alike_sentence]))
        )
    )
    groups = state.memo(
        "summary of findings",
        lambda loaded, _filters, chosen: compare.sof_groups(loaded, loaded.effects, chosen),
        loaded,
        Filters(),  # the whole study, whatever the filters
        chosen=chosen,
    )
    for title, table in groups:
        st.markdown(f"**{panels.md(title)}**")
        panels.plain_table(table, alt=f"Summary of findings: {title}")
    st.caption(panels.md(compare.METHOD_NOTE))
    everything = pd.concat(
        [table.assign(Group=title) for title, table in groups], ignore_index=True
    )
    panels.csv_download(everything, filename=f"summary-of-findings-{chosen.key}", key="sof_csv")


def render_profiles(loaded: LoadedEvidence, filters: Filters) -> None:
    """Two to four cohorts from any settings, what differs between them, their figures."""
    st.header("Side by side, across studies")
    st.caption(
        "Cohorts of different studies next to each other: nothing is pooled and no difference "
        "is computed between them. Read what differs first."
    )
    cohorts = filters.apply(loaded.cohorts)
    options = unique_labels(
        dict(
            zip(
                cohorts[fr.COHORT],
                cohorts[fr.COHORT_LABEL] + " · " + cohorts[fr.SETTING_SHORT],
                strict=True,
            )
        )
    )
    chosen = st.multiselect(
        "Cohorts to compare (2 to 4)",
        list(options),
        format_func=options.__getitem__,
        max_selections=4,
        key="cohorts",
        bind="query-params",
        placeholder="Choose cohorts from any setting",
    )
    if len(chosen) < 2:
        st.info("Choose two to four cohorts to see them side by side.", icon=":material/info:")
        return
    if shared := tables.shared_patients(loaded, chosen):
        st.warning(panels.md(shared), icon=":material/group:")
    st.markdown("**What differs between these cohorts**")
    panels.plain_table(
        compare.profile_differences(loaded, chosen), alt="What differs between these cohorts"
    )
    st.markdown("**Their figures, aligned by endpoint**")
    panels.plain_table(
        compare.profile_table(loaded, chosen), alt="Their figures, aligned by endpoint"
    )
    panels.render_chart("profile", loaded, filters, what=None, cohorts=tuple(chosen))


loaded, filters = state.page_view()
st.caption(
    "Within one study, how many more patients respond and how many more are harmed with one "
    "regimen instead of another, and how sure we can be. Differences are computed only "
    "between arms of the same study; across studies, cohorts are set side by side."
)
st.header("Within one study")
found = state.memo("comparisons", compare.comparisons_in_view, loaded, filters)
if not found:
    panels.render_empty("within-study comparisons (two arms of one study on one endpoint)", filters)
else:
    chosen = pick_comparison(found)
    render_summary_of_findings(loaded, chosen)
    st.subheader("Benefit and harm")
    panels.render_chart(
        "benefit_harm",
        loaded,
        filters,
        what="differences with a direction to draw for this comparison",
        comparison=chosen.key,
    )
    panels.render_chart("pictograph", loaded, filters, what=None, comparison=chosen.key)
render_profiles(loaded, filters)
