"""The closed vocabularies of the evidence format, each declared once with its human words.

This is the one place to add a word. A vocabulary is both the pydantic type of its fields
(``Annotated[str, DESIGN]`` accepts exactly its words and lists them in the JSON Schema) and
the lookup every page, chart and export uses to show a word to people. A word that is
declared without a colour, icon or mark still shows: every lookup has a readable fallback,
so a new word never raises ``KeyError`` and never drops data.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

FALLBACK_COLOUR = "#767676"
"""For a word without a colour of its own: a grey with 4.5:1 contrast on white."""


@dataclass(frozen=True)
class Word:
    """How one vocabulary word is shown.

    ``label`` heads a table cell or a legend entry; ``phrase`` is the word inside a sentence
    ("reported by the trial report"); ``mark`` is a short sign printed beside a value (a unit
    suffix, a qualifier prefix, an arrow), and ``one`` the mark beside a value of exactly 1
    when it differs (" patient", not " patients"); ``flags`` name the word's roles in the code (a
    ``ceiling`` qualifier draws a range down to zero, a ``randomised`` design allows
    randomised contrasts).
    """

    label: str
    phrase: str = ""
    mark: str = ""
    one: str = ""
    colour: str = ""
    icon: str = ""
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes Annotated metadata
class Vocabulary:
    """One closed vocabulary of the format: its name (the field), title and words, in order.

    Use it as pydantic metadata (``Annotated[str, DESIGN]``): the field then accepts exactly
    these words, reports any other value as ``literal_error`` (shown as ``not_allowed``), and
    the JSON Schema lists them as an ``enum``.
    """

    name: str
    title: str
    words: Mapping[str, Word]

    def __iter__(self) -> Iterator[str]:
        """The words, in declaration order."""
        return iter(self.words)

    def __contains__(self, word: object) -> bool:
        """Whether ``word`` is one of the vocabulary's words."""
        return word in self.words

    def label(self, word: object) -> str:
        """The word for people; an undeclared word shows itself, underscores as spaces."""
        found = self.words.get(str(word))
        if found is not None:
            return found.label
        return str(word).replace("_", " ").capitalize()

    def phrase(self, word: object) -> str:
        """The word inside a sentence (falls back to the lower-case label)."""
        found = self.words.get(str(word))
        if found is not None and found.phrase:
            return found.phrase
        return self.label(word).lower()

    def mark(self, word: object, value: float | None = None) -> str:
        """The short sign printed beside a value ("" when the word has none).

        Beside a ``value`` of exactly 1, the word's singular mark when it has one.
        """
        found = self.words.get(str(word))
        if found is None:
            return ""
        return found.one if value == 1 and found.one else found.mark

    def colour(self, word: object) -> str:
        """The word's colour, or a neutral grey for a word without one."""
        found = self.words.get(str(word))
        return found.colour if found is not None and found.colour else FALLBACK_COLOUR

    def icon(self, word: object) -> str:
        """The word's icon (a Streamlit material icon string), or ""."""
        found = self.words.get(str(word))
        return found.icon if found is not None else ""

    def with_flag(self, flag: str) -> tuple[str, ...]:
        """The words that carry ``flag``, in declaration order."""
        return tuple(w for w, word in self.words.items() if flag in word.flags)

    def has_flag(self, word: object, flag: str) -> bool:
        """Whether ``word`` carries ``flag`` (False for an undeclared word)."""
        found = self.words.get(str(word))
        return found is not None and flag in found.flags

    def expected(self) -> str:
        """The words as a message lists them: ``'a', 'b' or 'c'``."""
        quoted = [f"'{w}'" for w in self.words]
        return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]

    def _check(self, value: object) -> str:
        if isinstance(value, str) and value in self.words:
            return value
        raise PydanticCustomError(
            "literal_error", "Input should be {expected}", {"expected": self.expected()}
        )

    def __get_pydantic_core_schema__(
        self, source: object, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Validate as exactly one of the words (no coercion, no stripping)."""
        del source, handler
        return core_schema.no_info_plain_validator_function(
            self._check, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A string enum of the words."""
        del schema, handler
        return {"type": "string", "enum": list(self.words)}


def _vocabulary(name: str, title: str, **words: str | Word) -> Vocabulary:
    """A vocabulary from keyword words; a plain string is the word's label."""
    return Vocabulary(
        name, title, {w: Word(v) if isinstance(v, str) else v for w, v in words.items()}
    )


PROPORTION = frozenset({"proportion"})
CATEGORY = _vocabulary(
    "category",
    "Category",
    # The phrase names a group of outcomes: summary-of-findings tables are grouped by it.
    response=Word("Response", phrase="efficacy", flags=PROPORTION | {"benefit"}),
    toxicity=Word("Toxicity", phrase="safety", flags=PROPORTION | {"harm"}),
    dose_modification=Word(
        "Dose modification", phrase="dose modifications", flags=PROPORTION | {"harm"}
    ),
    quality_of_life=Word("Quality of life", phrase="quality of life"),
    # A time-to-event percentage is a Kaplan-Meier landmark, not a proportion of n: a
    # binomial interval or a risk difference would ignore censoring.
    time_to_event=Word("Time to event", phrase="time to event"),
    other=Word("Other", phrase="other outcomes", flags=PROPORTION),
)
UNIT = _vocabulary(
    "unit", "Unit", percent=Word("Patients (%)", phrase="percent", mark="%"),
    months=Word("Months", mark=" mo"), years=Word("Years", mark=" y"),
    patients=Word("Patients", mark=" patients", one=" patient"), score="Score", ratio="Ratio",
)  # fmt: skip
BETTER = _vocabulary(
    "better", "Which way is better", higher="Higher is better", lower="Lower is better",
    none="Neither way is better",
)  # fmt: skip
ROLE = _vocabulary(
    "role", "Investigational or comparator", investigational="Investigational",
    comparator="Comparator",
)  # fmt: skip
RANDOMISED = frozenset({"randomised"})
DESIGN = _vocabulary(
    "design", "Study design", randomized_phase3=Word("Randomised phase 3", flags=RANDOMISED),
    randomized_phase2=Word("Randomised phase 2", flags=RANDOMISED), phase2="Phase 2",
    phase1_2="Phase 1/2", retrospective="Retrospective", pooled_analysis="Pooled analysis",
    other="Other",
)  # fmt: skip
PHASE = _vocabulary(
    "phase", "Treatment phase", induction="Induction", maintenance="Maintenance",
    salvage="Salvage", continuous="Continuous",
)  # fmt: skip
# How the groups of a comparison were formed, strongest first: a pair is only as strong as its
# weaker cohort. The flags are the rules: ``contrast`` allows a difference and a ratio with
# their intervals, ``nnt`` a number needed to treat (which reads as a treatment effect).
ALLOCATION = _vocabulary(
    "allocation",
    "How the groups were formed",
    randomised=Word(
        "Randomised", phrase="randomised", flags=frozenset({"randomised", "contrast", "nnt"})
    ),
    non_randomised=Word(
        "Not randomised",
        phrase="allocated at the start but not randomised",
        flags=frozenset({"contrast"}),
    ),
    post_treatment=Word(
        "Grouped after treatment began",
        phrase="formed after treatment began",
    ),
)
# GRADE certainty of evidence. The domains a person judges (the others, imprecision and
# inconsistency, are computed: evidence/grade.py). A rating's flags say how many levels it
# moves the certainty: down1/down2 lower it, up1/up2 raise it (rate_up only).
DOMAIN = _vocabulary(
    "domain",
    "Certainty domain (judged)",
    risk_of_bias=Word("Risk of bias", phrase="risk of bias"),
    indirectness=Word("Indirectness", phrase="indirectness"),
    publication_bias=Word("Publication bias", phrase="publication bias"),
    rate_up=Word("Reason to rate up", phrase="reasons to rate up (large effect, dose-response, "
                 "plausible confounding)"),
)  # fmt: skip
RATING = _vocabulary(
    "rating",
    "Judgement",
    not_serious=Word("Not serious", phrase="not serious"),
    serious=Word("Serious", phrase="serious", mark="-1", flags=frozenset({"down1"})),
    very_serious=Word("Very serious", phrase="very serious", mark="-2", flags=frozenset({"down2"})),
    rate_up_one=Word("Rate up one level", phrase="up one level", mark="+1",
                     flags=frozenset({"up1", "up"})),
    rate_up_two=Word("Rate up two levels", phrase="up two levels", mark="+2",
                     flags=frozenset({"up2", "up"})),
)  # fmt: skip
CERTAINTY = _vocabulary(
    "certainty",
    "Certainty of the evidence",
    high=Word("High", mark="⊕⊕⊕⊕"),
    moderate=Word("Moderate", mark="⊕⊕⊕◯"),
    low=Word("Low", mark="⊕⊕◯◯"),
    very_low=Word("Very low", mark="⊕◯◯◯"),
)
QUALIFIER = _vocabulary(
    "qualifier", "Qualifier", exact="Exact", approximately=Word("Approximately", mark="about"),
    up_to=Word("Up to", mark="up to", flags=frozenset({"ceiling"})),
    at_least=Word("At least", mark="at least", flags=frozenset({"floor"})),
    more_than=Word("More than", mark="more than", flags=frozenset({"floor"})),
    less_than=Word("Less than", mark="less than", flags=frozenset({"ceiling"})),
)  # fmt: skip
REPORTED_BY = _vocabulary(
    "reported_by", "Reported by", primary=Word("Trial report", phrase="the trial report"),
    secondary=Word("Secondary source", phrase="a secondary source"),
    editorial=Word("Editorial only", phrase="the editorial only"),
    computed=Word("Computed by us", phrase="our computation"),
)  # fmt: skip
RATIO = frozenset({"ratio"})
MEASURE = _vocabulary(
    "measure", "Measure", hazard_ratio=Word("Hazard ratio", mark="HR", flags=RATIO),
    odds_ratio=Word("Odds ratio", mark="OR", flags=RATIO),
    risk_ratio=Word("Risk ratio", mark="RR", flags=RATIO),
    difference=Word("Difference", mark="diff"),
)  # fmt: skip
DIRECTION = _vocabulary(
    "direction", "Direction", better=Word("Better", mark="↑"), worse=Word("Worse", mark="↓"),
    similar=Word("Similar", mark="="),
)  # fmt: skip
EFFICACY = _vocabulary(
    "efficacy", "Efficacy", high="High", moderate="Moderate", low="Low", unclear="Unclear"
)  # fmt: skip
SAFETY = _vocabulary(
    "safety", "Safety", acceptable="Acceptable", manageable="Manageable",
    concerning="Concerning", unacceptable="Unacceptable", unclear="Unclear",
)  # fmt: skip
# Colours: Okabe-Ito hues (colour-blind safe), sky blue and orange darkened to 3:1 on white.
VERDICT = _vocabulary(
    "verdict",
    "Editorial verdict",
    favourable=Word("Favourable", colour="#009E73", icon=":material/thumb_up:"),
    promising=Word("Promising", colour="#2B86C4", icon=":material/trending_up:"),
    uncertain=Word("Uncertain", colour="#B87800", icon=":material/help:"),
    unfavourable=Word("Unfavourable", colour="#D55E00", icon=":material/thumb_down:"),
)

VOCABULARIES: tuple[Vocabulary, ...] = (
    CATEGORY,
    UNIT,
    BETTER,
    ROLE,
    DESIGN,
    PHASE,
    ALLOCATION,
    DOMAIN,
    RATING,
    QUALIFIER,
    REPORTED_BY,
    MEASURE,
    DIRECTION,
    EFFICACY,
    SAFETY,
    VERDICT,
)
"""Every closed vocabulary of the format (the workbook's drop-downs and the docs list them)."""
