"""How sure, and for my patients: GRADE certainty per outcome and absolute effects per 1000.

The rules, written once (the README's methods section explains them to users):

Certainty of the evidence
    A contrasted comparison starts at ``high`` when its groups were randomised and at ``low``
    otherwise (GRADE). Five domains may rate it down, one (``rate_up``) up:

    - **imprecision, computed.** Rated down one level when the 95% CI of the effect includes
      no effect (a difference CI that includes 0, a ratio CI that includes 1) or when both
      arms together have fewer than 300 events (the GRADE handbook's rule of thumb for the
      optimal information size of a dichotomous outcome); two levels when, besides, the risk
      ratio's CI spans both appreciable benefit and harm (below 0.75 and above 1.25). Without
      an interval (n not reported) it is rated down one level: missing information never
      raises a rating. With an interval that excludes no effect but events unknown (a
      reported hazard ratio), or with a CI that is not 95%, it is not assessed (a ceiling).
    - **inconsistency, computed.** Not applicable: every comparison here is one study.
    - **risk of bias, indirectness, publication bias, reasons to rate up: judged.** Taken from
      the file's ``appraisals`` (the most specific one of each domain: one comparison and one
      outcome, then one comparison, then one outcome of the source, then the whole source).
      A domain nobody judged is "not assessed": it never counts as "not serious", and the
      rating then says it is a ceiling ("at most moderate; risk of bias not assessed").
      Any other judged domain of ``vocabulary.DOMAIN`` rates down the same way, after
      GRADE's five.

    Reasons to rate up count only for evidence that starts low and was not rated down.
    Levels never go below ``very_low`` or above ``high``. Groups formed after treatment
    began, and arms treated alike in the outcome's phase, have no contrast and no rating.

Absolute effects
    For a computed risk ratio: the assumed risk per 1000 (by default the comparator arm's risk
    in the study, or a baseline risk the reader sets) and the corresponding risk with the
    regimen, ``assumed x RR``, with its 95% CI from the ratio's CI. A corresponding risk above
    1000 per 1000 is capped at 1000 and said so. Never for medians, landmarks, reported hazard
    ratios or groups formed after treatment.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from evidence import vocabulary
from evidence.models import Appraisal

__all__ = [
    "EVENTS_THRESHOLD",
    "JUDGED",
    "Absolute",
    "Certainty",
    "DomainRating",
    "absolute",
    "baseline_percent",
    "rate",
]

EVENTS_THRESHOLD = 300
"""Fewer events than this in both arms together rate imprecision down (GRADE rule of thumb)."""

APPRECIABLE = (0.75, 1.25)
"""A risk ratio CI below the first and above the second spans appreciable benefit and harm
(GRADE's default thresholds): imprecision is then very serious."""

ALPHA_LEVEL = 95.0
"""The CI level the imprecision rule reads; another level is not assessed."""

LEVELS = ("very_low", "low", "moderate", "high")
"""The certainty words from lowest to highest (vocabulary.CERTAINTY holds their words)."""

JUDGED = tuple(vocabulary.DOMAIN)
"""The domains a person judges; imprecision and inconsistency are computed."""

COMPUTED = "computed"
AUTHORED = "judged"
NOT_ASSESSED = "not assessed"
NOT_APPLICABLE = "not applicable"
NONE_RECORDED = "none recorded"  # no reason to rate up: a floor, never a ceiling

_ORDER = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
"""GRADE's five domains that rate down, in its order. A judged domain it does not name (a word
added to vocabulary.DOMAIN) rates down too, after them: a judgement is never dropped."""
_FLAG_LEVELS = (("down1", -1), ("down2", -2), ("up1", 1), ("up2", 2))
# Looked up once: a large file rates thousands of outcomes.
_LEVELS = {
    word: next((n for flag, n in _FLAG_LEVELS if vocabulary.RATING.has_flag(word, flag)), 0)
    for word in vocabulary.RATING
}
_NAMES = {domain: vocabulary.DOMAIN.phrase(domain) for domain in vocabulary.DOMAIN}


@dataclass(frozen=True)
class DomainRating:
    """One domain's rating of one outcome, and where it comes from."""

    domain: str
    how: str  # computed, judged, not assessed or not applicable
    rating: str = ""  # a vocabulary.RATING word when rated
    reason: str = ""
    by: str = ""

    @property
    def levels(self) -> int:
        """How many levels it moves the certainty (down negative, up positive)."""
        return _LEVELS.get(self.rating, 0)

    @property
    def name(self) -> str:
        """The domain in words."""
        return _NAMES.get(self.domain) or self.domain.replace("_", " ")

    def text(self) -> str:
        """``imprecision: serious (computed: the 95% CI includes no effect)``."""
        if self.how in (NOT_ASSESSED, NOT_APPLICABLE, NONE_RECORDED):
            return f"{self.name}: {self.how}" + (f" ({self.reason})" if self.reason else "")
        said = vocabulary.RATING.phrase(self.rating)
        if self.domain == "rate_up" and not self.levels:
            said = "none"
        by = f" by {self.by}" if self.by else ""
        return f"{self.name}: {said} ({self.how}{by}: {self.reason})"


@dataclass(frozen=True)
class Certainty:
    """The certainty of one outcome's evidence, domain by domain."""

    start: str
    level: str
    domains: tuple[DomainRating, ...]

    @functools.cached_property
    def not_assessed(self) -> tuple[str, ...]:
        """The domains nobody judged (or that could not be judged), in words."""
        return tuple(d.name for d in self.domains if d.how == NOT_ASSESSED)

    @property
    def at_most(self) -> bool:
        """Whether the level is only a ceiling: some domain was not assessed."""
        return bool(self.not_assessed)

    @functools.cached_property
    def footnote(self) -> str:
        """What moved the level and what nobody assessed, short: a table's footnote."""
        moved = [d.text() for d in self.domains if d.levels]
        if self.not_assessed:
            moved.append("not assessed: " + ", ".join(self.not_assessed))
        return "; ".join(moved) or "no domain lowered it"

    @functools.cached_property
    def reasons(self) -> str:
        """Every domain with its rating and whether computed, judged or not assessed."""
        start = "randomised" if self.start == "high" else "not randomised"
        return f"starts {self.start.replace('_', ' ')} ({start}); " + "; ".join(
            d.text() for d in self.domains
        )


def _imprecision(
    interval: tuple[float, float] | None,
    null: float,
    events: float | None,
    ratio_interval: tuple[float, float] | None,
    ci_level: float,
) -> DomainRating:
    if interval is None or any(math.isnan(x) for x in interval):
        # No interval (n not reported): precision cannot be shown, so it is rated down.
        return DomainRating("imprecision", COMPUTED, "serious", "no 95% CI: n not reported")
    if ci_level != ALPHA_LEVEL:
        return DomainRating(
            "imprecision", NOT_ASSESSED, reason=f"a {ci_level:g}% CI, not a 95% one"
        )
    low, high = interval
    reasons = []
    if low <= null <= high:
        reasons.append("the 95% CI includes no effect")
    if events is not None and not math.isnan(events) and events < EVENTS_THRESHOLD:
        reasons.append(f"{int(events)} events in all, fewer than {EVENTS_THRESHOLD}")
    if not reasons:
        said = "the 95% CI excludes no effect"
        if events is None or math.isnan(events):
            # The information-size rule cannot be applied: a ceiling, not a rating.
            return DomainRating(
                "imprecision", NOT_ASSESSED, reason=f"{said}, but the events are not known"
            )
        return DomainRating("imprecision", COMPUTED, "not_serious", f"{said}; {int(events)} events")
    rating = "serious"
    if ratio_interval is not None and _appreciable_both_ways(ratio_interval):
        reasons.append("the risk ratio's CI spans both appreciable benefit and harm (0.75, 1.25)")
        rating = "very_serious"
    return DomainRating("imprecision", COMPUTED, rating, " and ".join(reasons))


def _appreciable_both_ways(ratio_interval: tuple[float, float]) -> bool:
    low, high = ratio_interval
    return not math.isnan(low) and low < APPRECIABLE[0] and high > APPRECIABLE[1]


def _specificity(a: Appraisal) -> int:
    return 2 * (a.cohort is not None) + (a.endpoint is not None)


def _judged(
    domain: str, appraisals: Sequence[Appraisal], pair: frozenset[str], endpoint: str
) -> DomainRating:
    fits = [
        a
        for a in appraisals
        if a.domain == domain
        and (a.cohort is None or frozenset({a.cohort, a.versus}) == pair)
        and (a.endpoint is None or a.endpoint == endpoint)
    ]
    if not fits:
        return DomainRating(domain, NONE_RECORDED if domain == "rate_up" else NOT_ASSESSED)
    chosen = max(fits, key=_specificity)
    return DomainRating(domain, AUTHORED, chosen.rating, chosen.reason, chosen.by or "")


def rate(
    *,
    randomised: bool,
    interval: tuple[float, float] | None,
    null: float,
    events: float | None,
    appraisals: Sequence[Appraisal],
    cohort: str,
    versus: str,
    endpoint: str,
    ratio_interval: tuple[float, float] | None = None,
    ci_level: float = ALPHA_LEVEL,
) -> Certainty:
    """The certainty of one contrasted outcome (see the module docstring for the rules).

    ``interval`` is the effect's 95% CI and ``null`` its no-effect value (0 for a difference,
    1 for a ratio); ``events`` both arms' events together, None when unknown; ``appraisals``
    those of the comparison's source.
    """
    pair = frozenset({cohort, versus})
    judged = tuple(_judged(d, appraisals, pair, endpoint) for d in JUDGED)
    return _rated(randomised, interval, null, events, judged, ratio_interval, ci_level)


@functools.lru_cache(maxsize=4096)
def _rated(
    randomised: bool,
    interval: tuple[float, float] | None,
    null: float,
    events: float | None,
    judged: tuple[DomainRating, ...],
    ratio_interval: tuple[float, float] | None = None,
    ci_level: float = ALPHA_LEVEL,
) -> Certainty:
    # Cached: outcomes with the same interval, events and judgements rate alike, and a file
    # without appraisals has few distinct ones per design.
    start = "high" if randomised else "low"
    by_domain = {d.domain: d for d in judged}
    computed = {
        "inconsistency": DomainRating("inconsistency", NOT_APPLICABLE, reason="one study"),
        "imprecision": _imprecision(interval, null, events, ratio_interval, ci_level),
    }
    down = [by_domain.get(d) or computed[d] for d in _ORDER]
    down += [d for d in judged if d.domain not in (*_ORDER, "rate_up")]
    up = by_domain["rate_up"]
    if up.levels and (start != "low" or any(d.levels for d in down)):
        # GRADE rates up only evidence that started low and was not rated down.
        up = DomainRating(
            "rate_up", NOT_APPLICABLE, reason="only for evidence that starts low, not rated down"
        )
    domains = (*down, up)
    index = LEVELS.index(start) + sum(d.levels for d in domains)
    level = LEVELS[max(0, min(len(LEVELS) - 1, index))]
    return Certainty(start, level, domains)


def baseline_percent(text: str) -> float | None:
    """A baseline risk typed by a reader: the percent, or None when it is not one (0-100).

    The command lines, the page and the URL read baselines through this one rule.
    """
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None  # NaN fails both comparisons


@dataclass(frozen=True)
class Absolute:
    """Assumed and corresponding risk per 1000 for one risk ratio."""

    assumed: float
    corresponding: float
    low: float
    high: float
    capped: bool  # some value passed 1000 per 1000 and was cut there


def absolute(assumed_percent: float, ratio: float, low: float, high: float) -> Absolute:
    """Per 1000: the assumed risk, and ``assumed x RR`` with its CI from the ratio's CI."""
    assumed = 10 * assumed_percent
    values = [assumed * r if not math.isnan(r) else math.nan for r in (ratio, low, high)]
    capped = any(v > 1000 for v in values if not math.isnan(v))
    corresponding, lo, hi = (min(v, 1000.0) if not math.isnan(v) else v for v in values)
    return Absolute(assumed, corresponding, lo, hi, capped)
