import pandas as pd
import streamlit as st

from components import panels, registry, state
from components.loaded import Filters, LoadedEvidence
from evidence import frames as fr


@state.per_session
def beside_response(loaded: LoadedEvidence, filters: Filters) -> pd.DataFrame:
    return fr.beside_response_table(filters.apply(loaded.results), category="dose_modification")


def render_beside_response(loaded: LoadedEvidence, filters: Filters) -> None:
    """Each cohort's dose modifications next to its response figures, with a CSV."""
    table = beside_response(loaded, filters).rename(
        columns={fr.SETTING_LABEL: "Setting", fr.COHORT_LABEL: "Cohort", fr.N: "n"}
    )
    panels.grid(table, alt="Dose modifications beside response, per cohort")
    panels.csv_download(
        table, filename="dose-modifications-beside-response", key=state.KEY_BESIDE_RESPONSE_CSV
    )


loaded, filters = state.page_view()
st.caption(
    "Dose reductions, interruptions and stops for adverse events are outcomes in their own "
    "right: a regimen that works only at doses patients cannot keep is not the same regimen."
)
drawn = panels.render_category(
    registry.DOSE_FOREST,
    loaded,
    filters,
    category="dose_modification",
    what="dose modifications",
)
if drawn:
    st.header("Beside response")
    st.caption("The same cohorts: their dose modifications, then how often they responded.")
    render_beside_response(loaded, filters)
