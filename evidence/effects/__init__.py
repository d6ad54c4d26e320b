"""Within-study effects: the arms of one source compared on the same proportion endpoint.

``effect_table`` turns a validated Evidence into one row per comparison of two cohorts of one
source, computed from the file's percents and counts or reported by the source.

Which pairs
    Every pair of cohorts of one source that report the same proportion endpoint
    (``Endpoint.is_proportion``: unit ``percent``, a category with the vocabulary's
    ``proportion`` flag, no ``timepoint``). Time-to-event percents (Kaplan-Meier landmarks),
    rates at a time point and medians are never turned into risk differences: censoring makes
    them something other than a proportion of n. A cohort whose regimen is a comparator is
    always the ``versus``; otherwise, and when both are comparators, the cohort listed first in
    the file is the ``cohort``. A three-arm trial gives three pairs.

How the groups came to differ (evidence/design.py holds the rules)
    A pair is only as strong as its weaker cohort's ``allocation``. ``randomised``: the
    difference, the ratio and the NNT with their intervals. Allocated at the start but not
    randomised (a phase 2 with two strata, a pooled analysis whose cohorts do not say): the
    difference and the ratio with their intervals, labelled as not randomised, and no NNT.
    Grouped after treatment began (by response, continuing or stopping, toxicity): the two
    risks only, with no difference, ratio, NNT or interval, and ``why`` says why; a reported
    effect between such groups is held back the same way. Two cohorts treated alike during
    the phase an endpoint covers (MPR-R and MPR share induction) are not contrasted on it
    either: both risks, and a sentence why. When they were treated alike during some phase
    and the endpoint's phase is not stated, the contrast stands and ``why`` says that the
    arms were alike until then. ``contrasted`` is False on every row held back. A cohort and
    a cohort it is part of (``subgroup_of``) share patients: they are never paired. Two
    disjoint subgroups of one cohort are.

Where the counts come from
    ``events`` and ``n`` where reported (a result's own ``n`` overrides its cohort's).
    Otherwise the count is back-calculated from the percent and n, rounded to the nearest
    whole patient (halves up), and ``basis`` is ``percent x n``; ``why`` names each
    back-calculated count. The risks shown are the
    counts' risks (``100 * events / n``), so ``difference == risk - versus_risk`` exactly; the
    percents as stated stay in ``value`` and ``versus_value``.

What each pair gets
    Risks and differences are in percentage points (41.1, not 0.411).
    The risk difference with Newcombe's hybrid score interval (Newcombe 1998, method 10:
    statsmodels' ``confint_proportions_2indep(method="newcomb")``). The risk ratio with the
    Katz log interval (``method="log"``). A zero count makes the log ratio undefined: then the
    ratio and its interval add 0.5 to each arm's events and n (``method="log-adjusted"``) and
    ``why`` says so; with no events in either arm the ratio is left empty. Difference bounds
    are clipped to +-100 against float rounding.
    The NNT is ``100 / |difference|``, not rounded (pages may round it up, as is usual). Its
    kind comes from the endpoint's ``better``: with ``higher``, a positive difference is a
    benefit of ``cohort`` over ``versus`` (NNTB), a negative one a harm (NNTH); with ``lower``
    the other way round; with ``none`` the NNT has no kind. Its CI is given when the
    difference's CI excludes 0. When it includes 0 the NNT's CI is not estimable as one
    interval (Altman 1998, BMJ 317:1309): the point NNT stays, ``nnt_low``/``nnt_high`` are
    empty, and ``why`` gives the two pieces, "NNTH a to ∞ to NNTB b". A difference of exactly
    0 has no NNT.

When nothing is computed
    n unknown (or 0): the difference, ratio and point NNT come from the stated percents, with
    no intervals (``basis`` is ``percent``). A qualified figure ("up to", "more than",
    "about") is not a rate: the row is kept, with no difference, ratio or NNT (``basis``
    ``percent``). A zero risk in the ``versus`` arm without counts leaves the ratio empty.

Reported effects
    Every ``comparisons`` entry appears as stated, with ``basis`` ``reported``: a ratio
    measure (hazard, odds or risk ratio) in the ratio columns, a ``difference`` in the
    difference columns, its p as text. They are never recomputed, inverted or reoriented.

statsmodels is imported only when ``effect_table`` has counts to work on (about a second, once
per process): importing this module costs nothing, so it can sit on any page's import path
without slowing the landing page. The three statsmodels calls take whole arrays (every pair at
once), so the table grows linearly with the file.

The package: columns.py (the frame's columns and contract), table.py (which pairs, each row,
``effect_table`` and ``with_baseline``), arithmetic.py (risks, differences, ratios, NNTs and
their intervals) and hold_back.py (what the design lets a row show, and why not).
"""

from evidence.effects import columns
from evidence.effects.arithmetic import ALPHA, nnt_words, round_half_up
from evidence.effects.columns import *  # noqa: F403
from evidence.effects.hold_back import not_randomised
from evidence.effects.table import arm_text, certainty_words, effect_table, with_baseline

__all__ = [
    *columns.__all__,
    "ALPHA",
    "arm_text",
    "certainty_words",
    "effect_table",
    "nnt_words",
    "not_randomised",
    "round_half_up",
    "with_baseline",
]
"""The public names: the column constants (those shared with evidence.frames included), the
values of ``basis`` and ``nnt_kind``, and the functions."""
