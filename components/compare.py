"""Within-study comparisons for people.

The list of comparisons, summary-of-findings rows, benefit-harm rows, plain-language
sentences, and what differs between chosen cohorts.

No Streamlit. Everything starts from the effects frame (evidence/effects/), which computes
nothing across studies: every difference here is between two arms of one source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from components.loaded import Filters, LoadedEvidence
from evidence import effects as fx
from evidence import frames as fr
from evidence import grade, vocabulary

PAIR = "pair"
"""Column of a comparison's key, ``cohort~versus`` (the order of the computed rows)."""
COMPUTED = "‡"
METHOD_NOTE = (
    f"{COMPUTED} Computed by us from the arms' counts (as reported, or back-calculated from "
    "percent x n and rounded to whole patients, marked ≈): risk difference per 100 with "
    "Newcombe's hybrid score 95% CI, risk ratio with the Katz log 95% CI, NNT = 100 / "
    "difference, rounded up, with its CI only when the difference's CI excludes 0 (Altman). "
    "Per 1000: the assumed risk (the comparator arm's, or the baseline you set) and the risk "
    "with the regimen, assumed x risk ratio, with the ratio's 95% CI, capped at 1000. "
    "How the groups were formed decides what is shown: an NNT only for randomised groups; "
    "groups allocated at the start without randomisation get the difference and ratio, "
    "labelled not randomised; groups formed after treatment began (by response, continuing "
    "or stopping, toxicity) and arms treated alike during the phase an outcome covers get "
    "their two risks only. Reported effects are shown as the source states them and never "
    "recomputed."
)
_JUDGED_DOWN = [vocabulary.DOMAIN.phrase(d) for d in grade.JUDGED if d != "rate_up"]
CERTAINTY_NOTE = (
    "Certainty (GRADE): randomised comparisons start high, others low. Imprecision is "
    "computed: down one level when the 95% CI includes no effect or both arms have fewer "
    f"than {grade.EVENTS_THRESHOLD} events in all (or no CI can be given), two when the risk "
    f"ratio's CI also spans {grade.APPRECIABLE[0]:g} and {grade.APPRECIABLE[1]:g}. "
    "Inconsistency does not apply to one study. Rating up only counts for evidence that "
    "starts low and was not rated down. "
    + (", ".join(_JUDGED_DOWN[:-1]) + " and " + _JUDGED_DOWN[-1]).capitalize()
    + " count only where someone judged them; otherwise they are 'not assessed' and the level "
    "is a ceiling ('at most')."
)
"""The certainty rules in words, from grade's own thresholds and domains (the page, the deck)."""


def pair_key(cohort: str, versus: str) -> str:
    """The key of a comparison of two cohorts."""
    return f"{cohort}~{versus}"


def with_pairs(effects: pd.DataFrame) -> pd.DataFrame:
    """The effects with a ``pair`` column: the comparison each row belongs to.

    A reported row is keyed like the computed rows of the same two cohorts; it keeps its own
    orientation.
    """
    computed = effects[effects[fx.BASIS] != fx.BASIS_REPORTED]
    known = set(zip(computed[fx.COHORT], computed[fx.VERSUS], strict=True))
    keys = [
        pair_key(v, c) if (v, c) in known and (c, v) not in known else pair_key(c, v)
        for c, v in zip(effects[fx.COHORT], effects[fx.VERSUS], strict=True)
    ]
    return effects.assign(**{PAIR: keys})


@dataclass(frozen=True)
class Comparison:
    """Two arms of one source compared: who, from where, and how."""

    key: str
    cohort: str
    versus: str
    cohort_label: str
    versus_label: str
    regimen: str
    versus_regimen: str
    source: str
    source_short: str
    design: str
    allocation: str
    alike: str = ""  # phases during which both arms were treated alike, comma-joined

    @property
    def alike_sentence(self) -> str:
        """That the two arms were treated alike during some phases ("" when they were not)."""
        if not self.alike:
            return ""
        return (
            f"The two arms were treated alike during {self.alike}: a difference can only come "
            "from the phases in which they differed, and outcomes of the shared phase are not "
            "contrasted."
        )

    @property
    def randomised(self) -> bool:
        """Whether the two groups were randomised (an NNT may be shown)."""
        return vocabulary.ALLOCATION.has_flag(self.allocation, "randomised")

    @property
    def label(self) -> str:
        """How a picker names it: ``MM-009: Rd vs placebo + dex · Weber 2007 · randomised``."""
        how = vocabulary.ALLOCATION.label(self.allocation).lower()
        return f"{self.cohort_label} vs {self.versus_label} · {self.source_short} · {how}"


def allocation_sentence(comparison: Comparison) -> str:
    """How the two groups were formed, and what that allows, in one sentence."""
    words = vocabulary.ALLOCATION
    if words.has_flag(comparison.allocation, "randomised"):
        return "A randomised comparison."
    if words.has_flag(comparison.allocation, "contrast"):
        return fx.not_randomised(words.phrase(comparison.allocation))
    return (
        f"The groups were {words.phrase(comparison.allocation)}: only their risks are shown, "
        "with no difference, ratio or NNT."
    )


def comparisons_in_view(loaded: LoadedEvidence, filters: Filters) -> list[Comparison]:
    """The comparisons of the effects the filters keep."""
    return comparisons(filters.apply(loaded.effects))


def comparisons(effects: pd.DataFrame) -> list[Comparison]:
    """Every comparison of the effects frame, in source then file order."""
    paired = with_pairs(effects)
    out: dict[str, Comparison] = {}
    for row in paired.to_dict("records"):
        key = str(row[PAIR])
        if key in out:
            continue
        flipped = key != pair_key(str(row[fx.COHORT]), str(row[fx.VERSUS]))
        # A reported effect stated the other way round: name the arms as the computed rows do.
        out[key] = Comparison(
            key=key,
            cohort=str(row[fx.VERSUS] if flipped else row[fx.COHORT]),
            versus=str(row[fx.COHORT] if flipped else row[fx.VERSUS]),
            cohort_label=str(row[fx.VERSUS_LABEL] if flipped else row[fx.COHORT_LABEL]),
            versus_label=str(row[fx.COHORT_LABEL] if flipped else row[fx.VERSUS_LABEL]),
            regimen=str(row[fx.VERSUS_REGIMEN_SHORT] if flipped else row[fx.REGIMEN_SHORT]),
            versus_regimen=str(row[fx.REGIMEN_SHORT] if flipped else row[fx.VERSUS_REGIMEN_SHORT]),
            source=str(row[fx.SOURCE]),
            source_short=str(row[fx.SOURCE_SHORT]),
            design=str(row[fx.DESIGN]),
            allocation=str(row[fx.ALLOCATION]),
            alike=str(row[fx.ALIKE]) if fr.present(row[fx.ALIKE]) else "",
        )
    return list(out.values())


# --------------------------------------------------------------------------- formatting


def _num(value: float) -> str:
    return f"{value:.1f}"


def more_or_fewer(difference: float) -> str:
    """``41.1 more`` or ``3.2 fewer``."""
    return f"{_num(abs(difference))} {'more' if difference >= 0 else 'fewer'}"


def _level(row: pd.Series) -> str:
    """The words "90% CI " before an interval that is not a 95% one; else nothing."""
    words = fr.ci_words(row.get(fx.CI_LEVEL, 95))
    return "" if words == fr.ci_words(95) else f"{words} "


def difference_text(row: pd.Series) -> str:
    """Per 100 patients, with its CI: ``41.1 more (31.3 more to 49.8 more)``."""
    if not fr.present(row[fx.DIFFERENCE]):
        return ""
    text = more_or_fewer(float(row[fx.DIFFERENCE]))
    if fr.present(row[fx.DIFFERENCE_LOW]):
        low, high = float(row[fx.DIFFERENCE_LOW]), float(row[fx.DIFFERENCE_HIGH])
        text += f" ({_level(row)}{more_or_fewer(low)} to {more_or_fewer(high)})"
    else:
        text += " (no interval: n not reported)"
    return text


def ratio_text(row: pd.Series) -> str:
    """``RR 3.07 (2.23 to 4.22)`` or a reported ``HR 0.66 (0.45 to 0.96)``."""
    if not fr.present(row[fx.RATIO]):
        return ""
    # The word's own mark (HR, RR); a word declared without one: its initials.
    measure = (
        vocabulary.MEASURE.mark(row[fx.MEASURE])
        or "".join(w[0] for w in str(row[fx.MEASURE]).split("_")).upper()
    )
    text = f"{measure} {fr.format_number(float(row[fx.RATIO]))}"
    if fr.present(row[fx.RATIO_LOW]):
        text += (
            f" ({_level(row)}{fr.format_number(float(row[fx.RATIO_LOW]))} to "
            f"{fr.format_number(float(row[fx.RATIO_HIGH]))})"
        )
    if fr.present(row[fx.P]):
        text += f", p {row[fx.P]}"
    return text


def nnt_text(row: pd.Series) -> str:
    """``NNTB 3 (3 to 4)``, rounded up; when the difference's CI spans 0, Altman's form."""
    if not fr.present(row[fx.NNT]) or not fr.present(row[fx.NNT_KIND]) or not row[fx.NNT_KIND]:
        return ""
    kind = fx.nnt_words(row[fx.NNT_KIND])
    text = f"{kind} {math.ceil(float(row[fx.NNT]))}"
    if fr.present(row[fx.NNT_LOW]):
        text += f" ({math.ceil(float(row[fx.NNT_LOW]))} to {math.ceil(float(row[fx.NNT_HIGH]))})"
    elif fr.present(row[fx.DIFFERENCE_LOW]):
        low, high = float(row[fx.DIFFERENCE_LOW]), float(row[fx.DIFFERENCE_HIGH])
        better_higher = row[fx.BETTER] == "higher"
        low_kind = "NNTB" if (low > 0) == better_higher else "NNTH"
        high_kind = "NNTB" if (high > 0) == better_higher else "NNTH"
        text += (
            f" ({low_kind} {math.ceil(100 / abs(low))} to ∞ to "
            f"{high_kind} {math.ceil(100 / abs(high))})"
        )
    return text


# --------------------------------------------------------------------------- summary of findings

PER_1000 = "Per 1000: assumed → with regimen (95% CI)"
CERTAINTY = "Certainty"
SOF_COLUMNS = [
    "Outcome",
    "Risk with comparator",
    "Risk with regimen",
    PER_1000,
    "Difference per 100 (95% CI)",
    "Relative effect (95% CI)",
    CERTAINTY,
    "NNT (95% CI)",
    "Why this certainty",
    "Participants",
    "Design",
    "Reported by",
    "Where in source",
]
SOF_ON_SCREEN = SOF_COLUMNS[:8]
"""The columns a page's summary table shows (up to the NNT): the rest read as its footnotes."""
SOF_FOOTNOTES = ["Outcome", *SOF_COLUMNS[8:]]
"""Why each certainty, and who and where each figure comes from: beneath the table."""


def _reporters(*words: object) -> str:
    return ", ".join(dict.fromkeys(vocabulary.REPORTED_BY.label(w) for w in words if fr.present(w)))


def _participants(row: pd.Series) -> str:
    n, vn = row[fx.N], row[fx.VERSUS_N]
    if fr.present(n) and fr.present(vn):
        return f"{int(str(n))} vs {int(str(vn))}"
    return "n not reported"


def _design(row: pd.Series) -> str:
    how = vocabulary.ALLOCATION.label(row[fx.ALLOCATION]).lower()
    if fr.present(row[fx.ALIKE]):
        how += f"; arms treated alike during {row[fx.ALIKE]}"
    return f"{vocabulary.DESIGN.label(row[fx.DESIGN])} ({how})"


Baselines = tuple[tuple[str, float], ...]
"""Baseline risks the reader set, in percent, by endpoint id (hashable: it keys memos)."""


def per_1000_text(row: pd.Series) -> str:
    """``199 → 610 (443 to 839)``: assumed and corresponding risk per 1000, with the CI."""
    if not fr.present(row[fx.CORRESPONDING]):
        return ""
    text = f"{row[fx.ASSUMED]:.0f} → {row[fx.CORRESPONDING]:.0f}"
    if fr.present(row[fx.CORRESPONDING_LOW]):
        text += f" ({row[fx.CORRESPONDING_LOW]:.0f} to {row[fx.CORRESPONDING_HIGH]:.0f})"
    if row[fx.ASSUMED_FROM] == fx.ASSUMED_BASELINE:
        text += ", your baseline"
    if row[fx.CAPPED]:
        text += "; capped at 1000"
    return text


def sof_groups(
    loaded: LoadedEvidence,
    effects: pd.DataFrame,
    comparison: Comparison,
    baselines: Baselines = (),
) -> list[tuple[str, pd.DataFrame]]:
    """The summary of findings of one comparison, in the GRADE layout, as titled groups.

    Computed rows by endpoint category in vocabulary order (efficacy, safety, dose
    modifications, ...), then the findings without numbers (direction only), then the effects
    the source reported (hazard ratios). Computed cells end in COMPUTED; METHOD_NOTE names
    the method once.
    """
    paired = with_pairs(effects)
    rows = paired[paired[PAIR] == comparison.key]
    if baselines:
        rows = fx.with_baseline(rows, dict(baselines))
    computed = rows[rows[fx.BASIS] != fx.BASIS_REPORTED]
    groups: list[tuple[str, pd.DataFrame]] = []
    for category in [*vocabulary.CATEGORY, *dict.fromkeys(computed[fx.CATEGORY])]:
        part = computed[computed[fx.CATEGORY] == category]
        if part.empty or any(title == _group_title(category) for title, _ in groups):
            continue
        table = pd.DataFrame([_sof_row(row) for _, row in part.iterrows()], columns=SOF_COLUMNS)
        groups.append((_group_title(category), table))
    findings = _findings(loaded, comparison)
    if not findings.empty:
        groups.append(("Quality of life and other findings (direction only)", findings))
    reported = rows[rows[fx.BASIS] == fx.BASIS_REPORTED]
    if not reported.empty:
        table = pd.DataFrame([_reported_row(row) for _, row in reported.iterrows()])
        groups.append(("Effects as the source reports them", table))
    return groups


def _group_title(category: str) -> str:
    return vocabulary.CATEGORY.phrase(category).capitalize()


def _sof_row(row: pd.Series) -> dict[str, str]:
    computed = f" {COMPUTED}"
    return {
        "Outcome": str(row[fx.ENDPOINT_LABEL]),
        "Risk with comparator": str(row[fx.VERSUS_VALUE_TEXT]),
        "Risk with regimen": str(row[fx.VALUE_TEXT]),
        PER_1000: (per_1000_text(row) + computed) if per_1000_text(row) else "",
        "Difference per 100 (95% CI)": (difference_text(row) + computed).strip()
        if fr.present(row[fx.DIFFERENCE])
        else "not computed: "
        + str(row[fx.HELD_BACK] if fr.present(row[fx.HELD_BACK]) else row[fx.WHY]).split(". ")[0],
        "Relative effect (95% CI)": (ratio_text(row) + computed) if ratio_text(row) else "",
        "NNT (95% CI)": (nnt_text(row) + computed) if nnt_text(row) else "",
        CERTAINTY: fx.certainty_words(row),
        "Why this certainty": str(row[fx.CERTAINTY_NOTE]),
        "Participants": _participants(row),
        "Design": _design(row),
        "Reported by": _reporters(row[fx.VERSUS_REPORTED_BY], row[fx.REPORTED_BY]),
        "Where in source": "; ".join(
            dict.fromkeys(
                str(x) for x in (row[fx.LOCATOR], row[fx.VERSUS_LOCATOR]) if fr.present(x)
            )
        ),
    }


def _reported_row(row: pd.Series) -> dict[str, str]:
    return {
        "Outcome": str(row[fx.ENDPOINT_LABEL]),
        "As reported": f"{row[fx.COHORT_LABEL]} vs {row[fx.VERSUS_LABEL]}",
        "Effect (95% CI)": ratio_text(row)
        or difference_text(row)
        or (f"not shown: {row[fx.HELD_BACK]}" if fr.present(row[fx.HELD_BACK]) else ""),
        CERTAINTY: fx.certainty_words(row),
        "Why this certainty": str(row[fx.CERTAINTY_NOTE]),
        "Design": _design(row),
        "Reported by": _reporters(row[fx.REPORTED_BY]),
        "Where in source": str(row[fx.LOCATOR]) if fr.present(row[fx.LOCATOR]) else "",
    }


def _findings(loaded: LoadedEvidence, comparison: Comparison) -> pd.DataFrame:
    findings = loaded.findings
    arms = {comparison.cohort, comparison.versus}
    rows = findings[findings[fr.COHORT].isin(arms) & findings[fr.VERSUS].isin(arms)]
    return pd.DataFrame(
        {
            "Outcome": rows[fr.ENDPOINT_LABEL],
            "Finding": [
                f"{vocabulary.DIRECTION.mark(d)} {vocabulary.DIRECTION.phrase(d)}: {s}"
                for d, s in zip(rows[fr.DIRECTION], rows[fr.STATEMENT], strict=True)
            ],
            "Arms": [
                f"{c} vs {v}"
                for c, v in zip(rows[fr.COHORT_LABEL], rows[fr.VERSUS_LABEL], strict=True)
            ],
            "Reported by": [vocabulary.REPORTED_BY.label(r) for r in rows[fr.REPORTED_BY]],
        }
    )


# --------------------------------------------------------------------------- benefit and harm

BENEFIT = "benefit"
HARM = "harm"


def benefit_harm_rows(effects: pd.DataFrame, comparison: Comparison) -> pd.DataFrame:
    """The comparison's computed differences that have a direction.

    Each is a benefit or a harm outcome by its endpoint's ``better`` (a rate patients want
    higher is a benefit outcome).

    Columns: the effects columns, plus ``side`` (benefit or harm outcome) and ``favours``
    (True when the difference goes the way that is better for patients).
    """
    paired = with_pairs(effects)
    rows = paired[
        (paired[PAIR] == comparison.key)
        & (paired[fx.BASIS] != fx.BASIS_REPORTED)
        & paired[fx.DIFFERENCE].notna()
        & paired[fx.BETTER].isin(["higher", "lower"])
    ]
    side = [BENEFIT if b == "higher" else HARM for b in rows[fx.BETTER]]
    favours = [
        (d > 0) == (b == "higher")
        for d, b in zip(rows[fx.DIFFERENCE], rows[fx.BETTER], strict=True)
    ]
    return rows.assign(side=side, favours=favours)


def uncertainty_words(row: pd.Series) -> str:
    """How sure the difference is, in words, from its CI and the design."""
    if not fr.present(row[fx.DIFFERENCE_LOW]):
        return "no interval can be given: the number of patients is not reported"
    low, high = float(row[fx.DIFFERENCE_LOW]), float(row[fx.DIFFERENCE_HIGH])
    span = f"between {more_or_fewer(low)} and {more_or_fewer(high)}"
    if low <= 0 <= high:
        return f"{span} (95% CI): no difference cannot be ruled out"
    how = (
        "a randomised comparison"
        if vocabulary.ALLOCATION.has_flag(row[fx.ALLOCATION], "randomised")
        else "not randomised, so less sure"
    )
    return f"{span} (95% CI), {how}"


def _at_baseline(row: pd.Series) -> str:
    """One outcome at the reader's baseline risk, per 100 (from the risk ratio)."""
    assumed, corresponding = float(row[fx.ASSUMED]) / 10, float(row[fx.CORRESPONDING]) / 10
    text = (
        f"at your baseline risk of {fr.format_number(assumed)} in 100, "
        f"{corresponding:.0f} instead of {assumed:.0f} have "
        f"{str(row[fx.ENDPOINT_LABEL]).lower()}"
    )
    if fr.present(row[fx.CORRESPONDING_LOW]):
        low, high = float(row[fx.CORRESPONDING_LOW]) / 10, float(row[fx.CORRESPONDING_HIGH]) / 10
        text += f" ({low:.0f} to {high:.0f}, 95% CI from the risk ratio"
        text += ", capped at 100)" if row[fx.CAPPED] else ")"
    return text


def pictograph_sentence(comparison: Comparison, rows: Sequence[pd.Series]) -> str:
    """The pictograph's sentence, with the uncertainty of each difference in words.

    ``Out of 100 patients treated with A instead of B (source): 41.1 more have overall
    response (...); and 36.7 more have grade 3-4 neutropenia (...).``
    """
    parts = [
        _at_baseline(row)
        if row.get(fx.ASSUMED_FROM) == fx.ASSUMED_BASELINE
        else f"{more_or_fewer(float(row[fx.DIFFERENCE]))} have "
        f"{str(row[fx.ENDPOINT_LABEL]).lower()} ({uncertainty_words(row)})"
        for row in rows
    ]
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]
    return (
        f"Out of 100 patients treated with {comparison.regimen} instead of "
        f"{comparison.versus_regimen} ({comparison.source_short}): {joined}."
    )


# --------------------------------------------------------------------------- profiles


def profile_differences(loaded: LoadedEvidence, cohorts: Sequence[str]) -> pd.DataFrame:
    """What differs between chosen cohorts, one row per aspect, one column per cohort.

    Setting, disease, source and design, n, median age, regimen and dosing, phase, and the
    response criteria of the endpoints they report. Only aspects that differ (or are
    unknown for some) are kept: what is the same needs no warning.
    """
    table = loaded.cohorts.set_index(fr.COHORT)
    results = loaded.results
    rows: dict[str, list[str]] = {}
    for cohort in cohorts:
        row = table.loc[cohort]
        criteria = results.loc[results[fr.COHORT] == cohort, fr.CRITERIA].dropna().unique()
        values = {
            "Setting": str(row[fr.SETTING_LABEL]),
            "Disease": str(row[fr.DISEASE]),
            "Source": str(row[fr.SOURCE_SHORT]),
            "Design": vocabulary.DESIGN.label(row[fr.DESIGN]),
            "n": str(int(str(row[fr.N]))) if fr.present(row[fr.N]) else "not reported",
            "Median age": fr.format_number(float(str(row[fr.MEDIAN_AGE]))) + " y"
            if fr.present(row[fr.MEDIAN_AGE])
            else "not reported",
            "Regimen": str(row[fr.REGIMEN_LABEL]),
            "Dosing": str(row[fr.DOSING]) if fr.present(row[fr.DOSING]) else "not stated",
            "Phase": vocabulary.PHASE.label(row[fr.PHASE])
            if fr.present(row[fr.PHASE])
            else "not stated",
            "Response criteria": "; ".join(sorted(map(str, criteria))) or "none stated",
        }
        for aspect, value in values.items():
            rows.setdefault(aspect, []).append(value)
    labels = [str(table.loc[c, fr.COHORT_LABEL]) for c in cohorts]
    frame = pd.DataFrame(rows, index=labels).T
    differ = [
        len(set(values)) > 1 or "not reported" in values for values in frame.to_numpy().tolist()
    ]
    return frame[differ].reset_index(names="Differs in")


def profile_table(loaded: LoadedEvidence, cohorts: Sequence[str]) -> pd.DataFrame:
    """The chosen cohorts' figures aligned by endpoint.

    One row per endpoint, one column per cohort, the value as stated (with its CI when there
    is one); never pooled, never a difference across studies.
    """
    results = loaded.results[loaded.results[fr.COHORT].isin(list(cohorts))]
    labels = loaded.cohorts.set_index(fr.COHORT)[fr.COHORT_LABEL]
    cells: dict[str, dict[str, str]] = {}
    for row in results.sort_values(fr.ENDPOINT_ORDER).to_dict("records"):
        text = str(row[fr.VALUE_TEXT])
        if fr.present(row[fr.CI_LOW]):
            text += f" ({fr.format_number(row[fr.CI_LOW])}–{fr.format_number(row[fr.CI_HIGH])})"
        cells.setdefault(str(row[fr.ENDPOINT_LABEL]), {})[str(labels[row[fr.COHORT]])] = text
    columns = [str(labels[c]) for c in cohorts]
    frame = pd.DataFrame(
        [[cells[endpoint].get(c, "") for c in columns] for endpoint in cells],
        index=list(cells),
        columns=columns,
    )
    return frame.reset_index(names="Endpoint")
