"""Frames cut or reshaped for a view.

The rows a selection keeps, the sources in view, and a wide table of figures beside
responses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from evidence import vocabulary
from evidence.frames.columns import (
    CATEGORY,
    COHORT,
    COHORT_LABEL,
    COHORT_ORDER,
    ENDPOINT_LABEL,
    ENDPOINT_ORDER,
    SETTING_LABEL,
    SETTING_ORDER,
    SOURCE,
    SOURCE_ORDER,
    VALUE_TEXT,
    N,
)


def filter_frame(frame: pd.DataFrame, selections: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Rows whose ``column`` value is among the chosen ones, for every non-empty selection.

    ``selections`` maps a column to the values to keep; an empty selection means "all", and a
    selection on a column the frame does not have is ignored (verdicts have no design).
    """
    mask = pd.Series(True, index=frame.index)
    for column, chosen in selections.items():
        if chosen and column in frame.columns:
            mask &= frame[column].isin(list(chosen))
    return frame[mask]


def beside_response_table(results: pd.DataFrame, *, category: str) -> pd.DataFrame:
    """A wide table: each cohort with a ``category`` result, its figures, then its responses.

    Columns: setting_label, cohort_label, n (text: "177" or "not reported"), then one column
    per endpoint label (the category's endpoints first, then benefit-category endpoints, each
    in file order) holding the value as stated, or "" when not reported. (A display table:
    its columns depend on the data, so it has no fixed contract.)
    """
    benefit = list(vocabulary.CATEGORY.with_flag("benefit"))
    main = results[results[CATEGORY] == category]
    rows = results[
        results[COHORT].isin(main[COHORT])
        & ((results[CATEGORY] == category) | results[CATEGORY].isin(benefit))
    ]
    if rows.empty:
        return pd.DataFrame(columns=[SETTING_LABEL, COHORT_LABEL, N])
    rows = rows.assign(_main=rows[CATEGORY] != category).sort_values(["_main", ENDPOINT_ORDER])
    endpoint_order = list(dict.fromkeys(rows[ENDPOINT_LABEL]))
    wide = rows.pivot_table(
        index=[SETTING_ORDER, SOURCE_ORDER, COHORT_ORDER, SETTING_LABEL, COHORT_LABEL],
        columns=ENDPOINT_LABEL,
        values=VALUE_TEXT,
        aggfunc="first",
    )
    wide = wide.reindex(columns=endpoint_order).fillna("").sort_index().reset_index()
    n_text = rows.drop_duplicates(COHORT).set_index(COHORT_LABEL)[N]
    wide.insert(
        5,
        N,
        [("not reported" if pd.isna(n_text[c]) else str(n_text[c])) for c in wide[COHORT_LABEL]],
    )
    wide.columns.name = None
    return wide.drop(columns=[SETTING_ORDER, SOURCE_ORDER, COHORT_ORDER])


def sources_in_view(sources: pd.DataFrame, cohorts: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``sources`` that have at least one cohort in ``cohorts``."""
    return sources[sources[SOURCE].isin(cohorts[SOURCE])]
