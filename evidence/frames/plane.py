"""The benefit-harm plane: which endpoints to plot, its frame, who is missing, its arrows.

Built from the result table (evidence/frames/tables.py), one endpoint per axis.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evidence import vocabulary
from evidence.frames.columns import (
    BENEFIT_CRITERIA,
    BENEFIT_ENDPOINT,
    BENEFIT_TEXT,
    BENEFIT_VALUE,
    CATEGORY,
    COHORT,
    COHORT_LABEL,
    COHORT_ORDER,
    CRITERIA,
    EDITORIAL_ONLY,
    ENDPOINT,
    ENDPOINT_ORDER,
    ENDPOINT_SHORT,
    HARM_ENDPOINT,
    HARM_TEXT,
    HARM_VALUE,
    NO_VERDICT,
    PLANE_FRAME,
    REGIMEN,
    REGIMEN_LABEL,
    REGIMEN_ORDER,
    REGIMEN_SHORT,
    REPORTED_BY,
    ROLE,
    SETTING,
    SETTING_SHORT,
    SOURCE,
    SOURCE_SHORT,
    UNIT,
    VALUE,
    VALUE_TEXT,
    VERDICT,
    N,
    typed,
)


def percent_of(results: pd.DataFrame, flag: str) -> pd.DataFrame:
    """Percentage results of the endpoint categories that carry ``flag`` (benefit or harm)."""
    words = list(vocabulary.CATEGORY.with_flag(flag))
    return results[(results[UNIT] == "percent") & results[CATEGORY].isin(words)]


def default_plane_pair(results: pd.DataFrame) -> tuple[str, str] | None:
    """The (harm, benefit) endpoint pair reported by the most cohorts; file order breaks ties.

    None when no cohort reports both a harm and a benefit percentage.
    """
    harm = percent_of(results, "harm")[[COHORT, ENDPOINT, ENDPOINT_ORDER]]
    benefit = percent_of(results, "benefit")[[COHORT, ENDPOINT, ENDPOINT_ORDER]]
    both = harm.merge(benefit, on=COHORT, suffixes=("_harm", "_benefit"))
    if both.empty:
        return None
    counts = (
        both.groupby(
            [ENDPOINT + "_harm", ENDPOINT + "_benefit", ENDPOINT_ORDER + "_harm"],
            sort=False,
        )
        .agg(cohorts=(COHORT, "nunique"), order=(ENDPOINT_ORDER + "_benefit", "first"))
        .reset_index()
        .sort_values(
            ["cohorts", ENDPOINT_ORDER + "_harm", "order"],
            ascending=[False, True, True],
            kind="stable",
        )
    )
    first = counts.iloc[0]
    return str(first[ENDPOINT + "_harm"]), str(first[ENDPOINT + "_benefit"])


def plane_table(
    results: pd.DataFrame,
    *,
    harm: str,
    benefit: str,
    verdict_of: Mapping[str, str],
) -> pd.DataFrame:
    """The benefit-harm plane: one row per cohort that reports both chosen endpoints.

    Contract: PLANE_FRAME. One endpoint per axis, never a substitute: a cohort without this
    pair is left out (see plane_missing). ``verdict_of`` maps cohort id -> verdict word;
    cohorts without one get "none".
    """
    x = results[results[ENDPOINT] == harm]
    y = results[results[ENDPOINT] == benefit]
    both = y.merge(x, on=COHORT, suffixes=("", "_harm"), sort=False)
    both = both.sort_values(COHORT_ORDER, kind="stable")
    rows = [
        {
            COHORT: row[COHORT],
            COHORT_LABEL: row[COHORT_LABEL],
            SOURCE_SHORT: row[SOURCE_SHORT],
            SETTING: row[SETTING],
            SETTING_SHORT: row[SETTING_SHORT],
            REGIMEN: row[REGIMEN],
            REGIMEN_LABEL: row[REGIMEN_LABEL],
            REGIMEN_SHORT: row[REGIMEN_SHORT],
            REGIMEN_ORDER: row[REGIMEN_ORDER],
            N: row[N],
            HARM_VALUE: row[VALUE + "_harm"],
            HARM_TEXT: f"{row[ENDPOINT_SHORT + '_harm']}: {row[VALUE_TEXT + '_harm']}",
            HARM_ENDPOINT: row[ENDPOINT + "_harm"],
            BENEFIT_VALUE: row[VALUE],
            BENEFIT_TEXT: f"{row[ENDPOINT_SHORT]}: {row[VALUE_TEXT]}",
            BENEFIT_ENDPOINT: row[ENDPOINT],
            EDITORIAL_ONLY: "editorial" in (row[REPORTED_BY + "_harm"], row[REPORTED_BY]),
            VERDICT: verdict_of.get(str(row[COHORT]), NO_VERDICT),
            BENEFIT_CRITERIA: row[CRITERIA],
        }
        for row in both.to_dict("records")
    ]
    return typed(PLANE_FRAME.frame(rows), counts=[N])


def plane_missing(results: pd.DataFrame, *, harm: str, benefit: str) -> pd.DataFrame:
    """The cohorts with a benefit or harm percentage that lack the chosen pair.

    Columns: cohort_label, setting_short, source_short, and "reports" (what they report
    instead: the benefit and harm endpoints they have, short labels, file order).
    """
    figures = pd.concat([percent_of(results, "benefit"), percent_of(results, "harm")])
    has_both = set(results.loc[results[ENDPOINT] == harm, COHORT]) & set(
        results.loc[results[ENDPOINT] == benefit, COHORT]
    )
    rest = figures[~figures[COHORT].isin(has_both)].sort_values([COHORT_ORDER, ENDPOINT_ORDER])
    rows = [
        {
            COHORT_LABEL: group[COHORT_LABEL].iloc[0],
            SETTING_SHORT: group[SETTING_SHORT].iloc[0],
            SOURCE_SHORT: group[SOURCE_SHORT].iloc[0],
            "reports": ", ".join(
                f"{e}: {v}" for e, v in zip(group[ENDPOINT_SHORT], group[VALUE_TEXT], strict=True)
            ),
        }
        for _, group in rest.groupby(COHORT, sort=False)
    ]
    return pd.DataFrame(rows, columns=[COHORT_LABEL, SETTING_SHORT, SOURCE_SHORT, "reports"])


def plane_links(plane: pd.DataFrame, cohorts: pd.DataFrame) -> list[tuple[str, str]]:
    """(comparator cohort, regimen cohort) pairs of one source, both on the plane.

    Drawn as arrows: the trade-off of adding the drug reads at a glance. A source without a
    comparator arm on the plane has no arrows.
    """
    on = cohorts[cohorts[COHORT].isin(plane[COHORT])]
    links = []
    for _, arms in on.groupby(SOURCE, sort=False):
        comparators = arms.loc[arms[ROLE] == "comparator", COHORT].tolist()
        regimens = arms.loc[arms[ROLE] != "comparator", COHORT].tolist()
        links += [(str(c), str(r)) for c in comparators for r in regimens]
    return links
