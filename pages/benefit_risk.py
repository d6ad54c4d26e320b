import pandas as pd
import streamlit as st

from components import content, panels, registry, state
from components.choices import PlaneChoice
from components.loaded import Filters, LoadedEvidence
from components.panels import endpoint_options
from components.words import off_plane
from evidence import frames as fr


@state.per_session
def default_pair(loaded: LoadedEvidence, filters: Filters) -> tuple[str, str] | None:
    return fr.default_plane_pair(filters.apply(loaded.results))


@state.per_session
def not_on_plane(
    loaded: LoadedEvidence, filters: Filters, *, harm: str, benefit: str
) -> pd.DataFrame:
    return fr.plane_missing(filters.apply(loaded.results), harm=harm, benefit=benefit)


def pick_plane_pair(loaded: LoadedEvidence, filters: Filters) -> tuple[str, str]:
    """One harm and one benefit endpoint; by default the pair the most cohorts report."""
    results = filters.apply(loaded.results)
    default = default_pair(loaded, filters) or ("", "")
    columns = st.columns(2)
    chosen = []
    for column, flag, label, key, fallback in (
        (columns[0], "harm", "Harm (x axis)", state.KEY_PLANE_HARM, default[0]),
        (columns[1], "benefit", "Benefit (y axis)", state.KEY_PLANE_BENEFIT, default[1]),
    ):
        options = endpoint_options(fr.percent_of(results, flag))
        ids = list(options)
        chosen.append(
            column.selectbox(
                label,
                ids,
                index=ids.index(fallback) if fallback in ids else None,
                format_func=options.__getitem__,
                key=key,
                bind="query-params",
                placeholder="No endpoint of this kind",
            )
            or ""
        )
    return chosen[0], chosen[1]


def render_missing(loaded: LoadedEvidence, filters: Filters, harm: str, benefit: str) -> None:
    """The cohorts not on the plane, by name, with what they report instead."""
    missing = not_on_plane(loaded, filters, harm=harm, benefit=benefit)
    if missing.empty:
        return
    st.markdown(f"**Not on the plane:** {off_plane(len(missing))}")
    panels.plain_table(
        missing.rename(
            columns={
                fr.COHORT_LABEL: "Cohort",
                fr.SETTING_SHORT: "Setting",
                fr.SOURCE_SHORT: "Source",
                "reports": "Reports instead",
            }
        ),
        alt="Cohorts not on the plane",
    )


loaded, filters = state.page_view()
st.caption(
    "Each point is one cohort: one benefit endpoint against one harm endpoint, the same for "
    "every point. Size shows n (a small fixed size when n is not reported); colour shows the "
    "editorial's verdict; arrows join the arms of one study, from the comparator to the "
    "regimen. Points from different studies are a cross-trial comparison."
)
harm, benefit = pick_plane_pair(loaded, filters)
if harm and benefit:
    panels.render_chart(
        registry.PLANE,
        loaded,
        filters,
        PlaneChoice(harm=harm, benefit=benefit),
        what="cohorts with both of these endpoints",
    )
    render_missing(loaded, filters, harm, benefit)
else:
    panels.render_empty("cohorts with both a benefit and a harm percentage", filters)

st.header("The editorial's verdicts")
cards = content.verdict_cards(loaded, filters)
if not cards:
    panels.render_empty("verdicts", filters)
for card in cards:  # in setting order; each card names its setting
    panels.render_verdict_card(card)
