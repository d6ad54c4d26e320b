import pandas as pd
import streamlit as st

from components import panels, state, tables
from components.loaded import LoadedEvidence
from components.panels import endpoint_options
from evidence import frames as fr
from evidence import vocabulary


def pick_plane_endpoints(results: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Priority lists of harm and response endpoints for the benefit-harm plane."""
    percent = results[results[fr.UNIT] == "percent"]
    harm_words = list(vocabulary.CATEGORY.with_flag("harm"))
    benefit_words = list(vocabulary.CATEGORY.with_flag("benefit"))
    harm = endpoint_options(percent[percent[fr.CATEGORY].isin(harm_words)])
    benefit = endpoint_options(percent[percent[fr.CATEGORY].isin(benefit_words)])
    left, right = st.columns(2)
    chosen_harm = left.multiselect(
        "Harm endpoints, in order of preference",
        list(harm),
        format_func=lambda e: str(harm.get(e, e)),
        key="plane_harm",
        bind="query-params",
        placeholder="Any harm endpoint, in file order",
    )
    chosen_benefit = right.multiselect(
        "Response endpoints, in order of preference",
        list(benefit),
        format_func=lambda e: str(benefit.get(e, e)),
        key="plane_benefit",
        bind="query-params",
        placeholder="Any response endpoint, in file order",
    )
    return tuple(map(str, chosen_harm)), tuple(map(str, chosen_benefit))


def render_verdicts(verdicts: pd.DataFrame, loaded: LoadedEvidence) -> None:
    """Verdict cards, grouped by setting in file order."""
    for setting, group in verdicts.sort_values(fr.SETTING_ORDER).groupby(
        fr.SETTING_LABEL, sort=False
    ):
        st.subheader(panels.md(setting))
        for _, verdict in group.iterrows():
            panels.render_verdict_card(
                verdict,
                [line for k in verdict[fr.RESTS_ON] for line in tables.describe_key(k, loaded)],
            )


loaded, filters = state.page_view()
st.caption(
    "Each point is one cohort: its response against its harm. Size shows n (a small fixed "
    "size when n is not reported); colour shows the editorial's verdict. For each cohort the "
    "first endpoint it reports, in the order chosen below, is used."
)
harm, benefit = pick_plane_endpoints(filters.apply(loaded.results))
panels.render_charts(
    "benefit_risk",
    loaded,
    filters,
    what="cohorts with both a response and a harm figure",
    harm=harm,
    benefit=benefit,
)

st.header("The editorial's verdicts")
verdicts = filters.apply(loaded.verdicts)
if verdicts.empty:
    panels.render_empty("verdicts", filters)
render_verdicts(verdicts, loaded)
