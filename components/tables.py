"""Frames for people: display columns, human words for vocabulary, figures as sentences.

No Streamlit: the pages' tables, the CSV downloads, the deck and the verdict cards all read
the same words from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from components import words
from components.loaded import LoadedEvidence
from evidence import effects as fx
from evidence import frames as fr
from evidence import vocabulary
from evidence.changelog import Change

# Columns of the "data behind this chart" tables and CSVs, with their human headers.
# What a figure is and the figure come first: after a setting's long name they fell past the
# right edge of a laptop's table (a browser look at 1440 px), where a reader had to scroll.
RESULT_DISPLAY = {
    fr.COHORT_LABEL: "Cohort",
    fr.ENDPOINT_LABEL: "Endpoint",
    fr.VALUE_TEXT: "Value as stated",
    fr.SETTING_LABEL: "Setting",
    fr.REGIMEN_LABEL: "Regimen",
    fr.ROLE: "Role",
    fr.VALUE: "Value",
    fr.QUALIFIER: "Qualifier",
    fr.EVENTS: "Events",
    fr.N: "n",
    fr.CI_LOW: "95% CI low",
    fr.CI_HIGH: "95% CI high",
    fr.CI_KIND: "CI",
    fr.REPORTED_BY: "Reported by",
    fr.SOURCE_SHORT: "Source",
    fr.LOCATOR: "Where in source",
    fr.DESIGN: "Design",
    fr.CRITERIA: "Criteria",
    fr.NOTE: "Note",
}
COMPARISON_DISPLAY = {
    fr.SETTING_LABEL: "Setting",
    fr.COHORT_LABEL: "Cohort",
    fr.VERSUS_LABEL: "Versus",
    fr.ENDPOINT_LABEL: "Endpoint",
    fr.MEASURE: "Measure",
    fr.VALUE: "Value",
    # A reported CI keeps its level (a registry's 90% CI), so the level is its own column.
    fr.CI_LOW: "CI low",
    fr.CI_HIGH: "CI high",
    fr.CI_LEVEL: "CI level (%)",
    fr.P: "p",
    fr.REPORTED_BY: "Reported by",
    fr.SOURCE_SHORT: "Source",
    fr.LOCATOR: "Where in source",
    fr.NOTE: "Note",
    fr.HELD_BACK: "Not shown because",
}
PLANE_DISPLAY = {
    fr.COHORT_LABEL: "Cohort",
    fr.REGIMEN_LABEL: "Regimen",
    fr.SETTING_SHORT: "Setting",
    fr.HARM_TEXT: "Harm",
    fr.BENEFIT_TEXT: "Response",
    fr.N: "n",
    fr.VERDICT: "Editorial verdict",
    fr.EDITORIAL_ONLY: "Editorial-only figure",
    fr.SOURCE_SHORT: "Source",
}
EFFECT_DISPLAY = {
    fx.SOURCE_SHORT: "Source",
    fx.COHORT_LABEL: "Cohort",
    fx.VERSUS_LABEL: "Versus",
    fx.ENDPOINT_LABEL: "Endpoint",
    fx.ALLOCATION: "How the groups were formed",
    fx.BASIS: "Basis",
    fx.VALUE_TEXT: "Cohort, as stated",
    fx.VERSUS_VALUE_TEXT: "Versus, as stated",
    fx.DIFFERENCE: "Difference per 100",
    fx.DIFFERENCE_LOW: "Difference CI low",
    fx.DIFFERENCE_HIGH: "Difference CI high",
    fx.MEASURE: "Measure",
    fx.RATIO: "Ratio",
    fx.RATIO_LOW: "Ratio CI low",
    fx.RATIO_HIGH: "Ratio CI high",
    fx.CI_LEVEL: "CI level (%)",
    fx.NNT: "NNT",
    fx.NNT_KIND: "NNT kind",
    fx.P: "p",
    fx.ASSUMED: "Assumed risk per 1000",
    fx.CORRESPONDING: "Risk with regimen per 1000",
    fx.CORRESPONDING_LOW: "Per 1000, 95% CI low",
    fx.CORRESPONDING_HIGH: "Per 1000, 95% CI high",
    fx.CERTAINTY: "Certainty (GRADE)",
    fx.CERTAINTY_NOTE: "Why this certainty",
    fx.WHY: "Why / caveats",
}
# Vocabulary-valued columns shown in words.
WORDS = {
    fr.REPORTED_BY: vocabulary.REPORTED_BY.label,
    fr.DESIGN: vocabulary.DESIGN.label,
    fr.ROLE: vocabulary.ROLE.label,
    fr.QUALIFIER: vocabulary.QUALIFIER.label,
    fr.MEASURE: vocabulary.MEASURE.label,
    fr.PHASE: vocabulary.PHASE.label,
    fx.ALLOCATION: vocabulary.ALLOCATION.label,
    fx.CERTAINTY: lambda word: (
        f"{vocabulary.CERTAINTY.mark(word)} {vocabulary.CERTAINTY.label(word)}"
    ),
    # Per 1000 is read in whole patients; the CSV of the effects command keeps every digit.
    **dict.fromkeys(
        (fx.ASSUMED, fx.CORRESPONDING, fx.CORRESPONDING_LOW, fx.CORRESPONDING_HIGH),
        lambda value: f"{float(value):.0f}",
    ),
    fr.DIRECTION: vocabulary.DIRECTION.label,
    fr.VERDICT: words.verdict_label,
}


def comparisons_shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Reported comparisons as a table may show them: a held-back effect loses its numbers."""
    held = frame[fr.HELD_BACK].notna()
    if not held.any():
        return frame
    out = frame.copy()
    out.loc[held, [fr.VALUE, fr.CI_LOW, fr.CI_HIGH]] = float("nan")
    out.loc[held, fr.P] = None
    return out


def display(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Select and rename columns for people; vocabulary words become plain words.

    Missing values stay missing (an empty cell), never the text "None".
    """
    present = [c for c in columns if c in frame.columns]
    out = frame[present].copy()
    for column in present:
        word = WORDS.get(column)
        if word is not None:
            out[column] = [word(v) if pd.notna(v) else None for v in out[column]]
    return out.rename(columns=dict(columns))


def shared_patients(loaded: LoadedEvidence, cohorts: Sequence[str]) -> str:
    """One sentence naming the cohorts in view that share patients ("" when none do).

    Said wherever cohorts are set side by side (profiles, the benefit-risk plane), so that
    two reports of the same patients are never read as independent evidence.
    """
    pairs = loaded.design.shared_pairs(list(cohorts))
    if not pairs:
        return ""
    label = dict(zip(loaded.cohorts[fr.COHORT], loaded.cohorts[fr.COHORT_LABEL], strict=True))
    named = "; ".join(f"{label.get(a, a)} and {label.get(b, b)}" for a, b in pairs)
    return (
        f"Shared patients: {named} include some of the same patients (a pooled analysis and "
        "its trials, a final report and its interim, a cohort and its subgroup), so they are "
        "not independent evidence."
    )


def caveat_counts(table: pd.DataFrame) -> tuple[int, int, int]:
    """Figures with no reported n, from cohorts under SMALL_N_THRESHOLD, only the editorial's.

    A column the table lacks counts none.
    """
    unknown = small = editorial = 0
    if fr.N in table.columns:
        unknown = int(table[fr.N].isna().sum())
        small = int((table[fr.N].fillna(10**9) < fr.SMALL_N_THRESHOLD).sum())
    if fr.REPORTED_BY in table.columns:
        editorial = int((table[fr.REPORTED_BY] == "editorial").sum())
    return unknown, small, editorial


def caveats(table: pd.DataFrame) -> list[str]:
    """What to keep in mind about a chart's rows.

    Unknown or small n, figures only the editorial states, designs that differ.
    """
    out = []
    unknown, small, editorial = caveat_counts(table)
    if unknown:
        has = words.agree(unknown, "has", "have")
        out.append(f"{words.plural(unknown, 'figure')} {has} no reported n")
    if small:
        come = words.agree(small, "comes", "come")
        out.append(f"{small} {come} from cohorts under {fr.SMALL_N_THRESHOLD} patients")
    if editorial:
        out.append(words.editorial_only(editorial))
    if fr.DESIGN in table.columns and len(set(table[fr.DESIGN])) > 1:
        designs = ", ".join(vocabulary.DESIGN.label(d) for d in dict.fromkeys(table[fr.DESIGN]))
        out.append(f"designs differ ({designs})")
    return out


def findings_summary(findings: pd.DataFrame) -> pd.DataFrame:
    """All findings at a glance: setting, regimen, phase, endpoint, direction, comparator."""
    return pd.DataFrame(
        {
            "Setting": findings[fr.SETTING_SHORT],
            "Regimen": findings[fr.REGIMEN_LABEL],
            "Phase": [
                vocabulary.PHASE.label(p) if pd.notna(p) else None for p in findings[fr.PHASE]
            ],
            "Endpoint": findings[fr.ENDPOINT_LABEL],
            "Direction": [
                f"{vocabulary.DIRECTION.mark(d)} {vocabulary.DIRECTION.phrase(d)}".strip()
                for d in findings[fr.DIRECTION]
            ],
            "Compared with": findings[fr.VERSUS_LABEL].fillna("baseline / not stated"),
            "Reported by": [vocabulary.REPORTED_BY.label(r) for r in findings[fr.REPORTED_BY]],
            "Source": findings[fr.SOURCE_SHORT],
        }
    )


def change_list(changes: Sequence[Change]) -> pd.DataFrame:
    """The changes of one version for people: what changed, why, and on what authority."""
    return pd.DataFrame(
        {
            "What changed": [c.what for c in changes],
            "Why": [c.why for c in changes],
            "Source": [c.source for c in changes],
        }
    )


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def chart_summary(title: str, table: pd.DataFrame, *, listed_in: str = "") -> str:
    """A chart's text alternative in one sentence, from the rows behind it.

    What is drawn (figures; cohorts, one point each, on the benefit-harm plane; outcomes of a
    within-study comparison), from how many cohorts, sources and settings, and, when
    ``listed_in`` names it, where the table of every row is.
    """
    columns = set(table.columns)
    if fr.HARM_VALUE in columns:
        what = words.plural(len(table), "cohort") + (" (one point each)" if len(table) != 1 else "")
    elif fx.DIFFERENCE in columns:
        what = words.plural(len(table), "outcome")
    else:
        what = words.plural(len(table), "figure")
    parts = []
    if fr.COHORT in columns and fr.HARM_VALUE not in columns:
        arms = [table[c] for c in (fr.COHORT, fr.VERSUS) if c in columns]  # both arms
        parts.append(words.plural(pd.concat(arms).dropna().nunique(), "cohort"))
    source = fr.SOURCE if fr.SOURCE in columns else fr.SOURCE_SHORT
    if source in columns:
        parts.append(words.plural(table[source].nunique(), "source"))
    if fr.SETTING in columns:
        parts.append(words.plural(table[fr.SETTING].nunique(), "setting"))
    sentence = f"Chart “{title}”: {what}" + (f" from {_and(parts)}" if parts else "")
    return sentence + (f"; {listed_in} lists every one." if listed_in else ".")
