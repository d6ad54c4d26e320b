"""The columns of the effects frame: their names, the words stored in them, the contract.

Names shared with the other frames come from evidence/frames/columns.py and are re-exported
here, so that ``fx.COHORT`` and ``fx.RISK`` read alike.
"""

from __future__ import annotations

from evidence.frames.columns import (
    BETTER,
    CATEGORY,
    CI_LEVEL,
    COHORT,
    COHORT_LABEL,
    COHORT_ORDER,
    DESIGN,
    ENDPOINT,
    ENDPOINT_LABEL,
    ENDPOINT_ORDER,
    EVENTS,
    HELD_BACK,
    LOCATOR,
    MEASURE,
    QUALIFIER,
    REGIMEN,
    REGIMEN_SHORT,
    REPORTED_BY,
    SETTING,
    SOURCE,
    SOURCE_ORDER,
    SOURCE_SHORT,
    VALUE,
    VERSUS,
    VERSUS_LABEL,
    VERSUS_REGIMEN_SHORT,
    FrameContract,
    N,
    P,
)

__all__ = [
    "ALIKE",
    "ALLOCATION",
    "ASSUMED",
    "ASSUMED_BASELINE",
    "ASSUMED_COMPARATOR",
    "ASSUMED_FROM",
    "BASIS",
    "BASIS_EVENTS",
    "BASIS_PERCENT",
    "BASIS_PERCENT_N",
    "BASIS_REPORTED",
    "BETTER",
    "CAPPED",
    "CATEGORY",
    "CERTAINTY",
    "CERTAINTY_AT_MOST",
    "CERTAINTY_NOTE",
    "CERTAINTY_REASONS",
    "CI_LEVEL",
    "COHORT",
    "COHORT_LABEL",
    "COHORT_ORDER",
    "COMPUTED_MEASURE",
    "CONTRASTED",
    "CORRESPONDING",
    "CORRESPONDING_HIGH",
    "CORRESPONDING_LOW",
    "DESIGN",
    "DIFFERENCE",
    "DIFFERENCE_COLUMNS",
    "DIFFERENCE_HIGH",
    "DIFFERENCE_LOW",
    "EFFECT_COLUMNS",
    "EFFECT_FRAME",
    "ENDPOINT",
    "ENDPOINT_LABEL",
    "ENDPOINT_ORDER",
    "ENDPOINT_SHORT",
    "EVENTS",
    "HELD_BACK",
    "LOCATOR",
    "MEASURE",
    "NNT",
    "NNT_BENEFIT",
    "NNT_HARM",
    "NNT_HIGH",
    "NNT_KIND",
    "NNT_LOW",
    "PHASE",
    "QUALIFIER",
    "RANDOMISED",
    "RATIO",
    "RATIO_COLUMNS",
    "RATIO_HIGH",
    "RATIO_LOW",
    "REGIMEN",
    "REGIMEN_SHORT",
    "REPORTED_BY",
    "RISK",
    "SETTING",
    "SOURCE",
    "SOURCE_ORDER",
    "SOURCE_SHORT",
    "VALUE",
    "VALUE_TEXT",
    "VERSUS",
    "VERSUS_EVENTS",
    "VERSUS_LABEL",
    "VERSUS_LOCATOR",
    "VERSUS_N",
    "VERSUS_ORDER",
    "VERSUS_QUALIFIER",
    "VERSUS_REGIMEN",
    "VERSUS_REGIMEN_SHORT",
    "VERSUS_REPORTED_BY",
    "VERSUS_RISK",
    "VERSUS_VALUE",
    "VERSUS_VALUE_TEXT",
    "WHY",
    "N",
    "P",
]
"""The public names: the column constants (those shared with evidence.frames included) and
the values of ``basis`` and ``nnt_kind``."""

# Column names (the frame contract); the shared ones come from evidence.frames.
RANDOMISED = "randomised"
ALLOCATION = "allocation"
CONTRASTED = "contrasted"
ALIKE = "alike_phases"
ASSUMED = "assumed_per_1000"
CORRESPONDING = "corresponding_per_1000"
CORRESPONDING_LOW = "corresponding_low"
CORRESPONDING_HIGH = "corresponding_high"
CAPPED = "corresponding_capped"
ASSUMED_FROM = "assumed_from"
CERTAINTY = "certainty"
CERTAINTY_AT_MOST = "certainty_at_most"
CERTAINTY_REASONS = "certainty_reasons"
CERTAINTY_NOTE = "certainty_note"
ASSUMED_COMPARATOR = "comparator"
ASSUMED_BASELINE = "baseline"
PHASE = "phase"
VALUE_TEXT = "value_text"
VERSUS_VALUE_TEXT = "versus_value_text"
ENDPOINT_SHORT = "endpoint_short"
BASIS = "basis"
VERSUS_REGIMEN = "versus_regimen"
VERSUS_VALUE = "versus_value"
VERSUS_QUALIFIER = "versus_qualifier"
VERSUS_EVENTS = "versus_events"
VERSUS_N = "versus_n"
RISK = "risk"
VERSUS_RISK = "versus_risk"
DIFFERENCE = "difference"
DIFFERENCE_LOW = "difference_low"
DIFFERENCE_HIGH = "difference_high"
RATIO = "ratio"
RATIO_LOW = "ratio_low"
RATIO_HIGH = "ratio_high"
NNT = "nnt"
NNT_LOW = "nnt_low"
NNT_HIGH = "nnt_high"
NNT_KIND = "nnt_kind"
VERSUS_REPORTED_BY = "versus_reported_by"
VERSUS_LOCATOR = "versus_locator"
WHY = "why"
VERSUS_ORDER = "versus_order"

# Values of ``basis``.
BASIS_EVENTS = "events"
BASIS_PERCENT_N = "percent x n"
BASIS_PERCENT = "percent"
BASIS_REPORTED = "reported"

# Values of ``nnt_kind``.
NNT_BENEFIT = "benefit"
NNT_HARM = "harm"

COMPUTED_MEASURE = "risk_ratio"
"""The ``measure`` of a computed row: its ratio columns hold the risk ratio."""

EFFECT_FRAME = FrameContract(
    "within-study effects",
    {
        SOURCE: "the source's id",
        SOURCE_SHORT: "its short name",
        DESIGN: "its design",
        RANDOMISED: "bool: the pair's allocation is randomised",
        ALLOCATION: "how the pair's groups were formed: the weaker cohort's allocation "
        "(randomised, non_randomised, post_treatment)",
        CONTRASTED: "bool: a difference or ratio may be shown (False: groups formed after "
        "treatment began, or arms treated alike during the endpoint's phase)",
        HELD_BACK: "why no difference or ratio is shown, in one sentence (None when one is)",
        ALIKE: "the phases during which both arms were treated alike, comma-joined, or None",
        CERTAINTY: "GRADE certainty of this outcome: high, moderate, low or very_low (None: "
        "not rated, no contrast)",
        CERTAINTY_AT_MOST: "bool: some judged domain was not assessed, so the certainty is a "
        "ceiling",
        CERTAINTY_REASONS: "each domain with its rating and whether it was computed, judged or "
        "not assessed (evidence/grade.py)",
        CERTAINTY_NOTE: "what moved the certainty and what was not assessed, short (a table's "
        "footnote)",
        ASSUMED: "assumed risk per 1000: the comparator arm's stated percent, or the baseline "
        "asked for (computed risk ratios only)",
        ASSUMED_FROM: "comparator or baseline",
        CORRESPONDING: "corresponding risk per 1000 with the regimen: assumed x risk ratio",
        CORRESPONDING_LOW: "its 95% CI, low end (from the ratio's CI)",
        CORRESPONDING_HIGH: "its 95% CI, high end",
        CAPPED: "bool: a corresponding value passed 1000 per 1000 and was capped there",
        SETTING: "the setting's id",
        COHORT: "the cohort's id (the regimen arm)",
        COHORT_LABEL: "its label",
        REGIMEN: "its regimen's id",
        REGIMEN_SHORT: "its regimen, short",
        VERSUS: "the other cohort's id (the comparator arm)",
        VERSUS_LABEL: "its label",
        VERSUS_REGIMEN: "its regimen's id",
        VERSUS_REGIMEN_SHORT: "its regimen, short",
        ENDPOINT: "the endpoint's id",
        ENDPOINT_LABEL: "its label",
        ENDPOINT_SHORT: "its short label",
        CATEGORY: "its category",
        BETTER: "which way is better",
        BASIS: "events, 'percent x n' (back-calculated), percent (n unknown or a qualified "
        "figure) or reported",
        PHASE: "the treatment phase the cohort's figure covers, or None when not stated",
        MEASURE: "what the ratio columns hold: risk_ratio when computed, else the reported "
        "measure (a reported difference fills the difference columns)",
        VALUE: "the cohort's percent as stated",
        QUALIFIER: "its qualifier",
        VERSUS_VALUE: "the versus arm's percent as stated",
        VERSUS_QUALIFIER: "its qualifier",
        VALUE_TEXT: "the cohort's figure as people read it: as stated, with its count "
        "('77% (≈117/152)'; ≈ marks a back-calculated count)",
        VERSUS_VALUE_TEXT: "the versus arm's figure, likewise",
        EVENTS: "Int64: the cohort's count used, reported or back-calculated",
        N: "Int64: its n",
        VERSUS_EVENTS: "Int64: the versus arm's count used",
        VERSUS_N: "Int64: its n",
        RISK: "percent, full precision; from the counts when there are counts (show "
        "value_text to people: it keeps the stated precision)",
        VERSUS_RISK: "percent, full precision; likewise",
        DIFFERENCE: "risk difference, percentage points (cohort minus versus)",
        DIFFERENCE_LOW: "its Newcombe 95% CI, low end",
        DIFFERENCE_HIGH: "its Newcombe 95% CI, high end",
        RATIO: "risk ratio (Katz log CI), or the reported ratio",
        RATIO_LOW: "its 95% CI, low end",
        RATIO_HIGH: "its 95% CI, high end",
        NNT: "100 / |difference|, unrounded",
        NNT_LOW: "its 95% CI, low end (only when the difference's CI excludes 0)",
        NNT_HIGH: "its 95% CI, high end",
        CI_LEVEL: "the level of the row's intervals in percent: 95 when computed, a reported "
        "row's as reported (e.g. 90)",
        NNT_KIND: "benefit (NNTB), harm (NNTH) or empty",
        P: "p as reported (text; reported rows only)",
        REPORTED_BY: "who reported the cohort's figure (a reported row's: the comparison's)",
        VERSUS_REPORTED_BY: "who reported the versus arm's figure",
        LOCATOR: "where in the source, the cohort's figure",
        VERSUS_LOCATOR: "where in the source, the versus arm's figure",
        WHY: "every caveat in sentences: why a cell is empty, back-calculation, continuity "
        "correction, randomisation, a shared regimen",
        SOURCE_ORDER: "the source's position in the file",
        ENDPOINT_ORDER: "the endpoint's position in the file",
        COHORT_ORDER: "the cohort's position in the file",
        VERSUS_ORDER: "the versus cohort's position in the file",
    },
)
EFFECT_COLUMNS = EFFECT_FRAME.names
"""Every column of ``effect_table``, in order (also the CSV header of ``python -m evidence
effects FILE --csv``)."""

DIFFERENCE_COLUMNS = (DIFFERENCE, DIFFERENCE_LOW, DIFFERENCE_HIGH)
RATIO_COLUMNS = (RATIO, RATIO_LOW, RATIO_HIGH)
