"""A registry record read into neutral values, whichever format it came in.

Both readers (API v2 JSON in ``read_json.py``, classic XML in ``read_xml.py``) fill these
plain dataclasses, so the mapping to the evidence format (``mapping.py``) is written once.
Every item keeps ``where``: its path in the record (``resultsSection.outcomeMeasuresModule.
outcomeMeasures[3]`` or ``clinical_results/outcome_list/outcome[4]``), for messages.
Values are kept as the record's text where the record may hold a sentinel ("NA", "NR").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evidence.codes import Code
from evidence.problems import EvidenceError, LoadProblem


@dataclass(frozen=True)
class Group:
    """A group of one module of the record (a flow, outcome or adverse-event group)."""

    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Arm:
    """An arm of the protocol, with the names of its interventions."""

    label: str
    type: str = ""
    description: str = ""
    interventions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measurement:
    """One group's value in one category, as the record's text (may be a sentinel)."""

    value: str
    comment: str = ""
    lower: str = ""
    upper: str = ""


@dataclass(frozen=True)
class Category:
    """A category of a class: its title (may be empty) and each group's measurement."""

    title: str
    measurements: dict[str, Measurement]


@dataclass(frozen=True)
class MeasureClass:
    """A class of an outcome measure (a time point, a component), with its own n if given."""

    title: str
    denoms: dict[str, int]
    categories: tuple[Category, ...]
    where: str


@dataclass(frozen=True)
class Analysis:
    """One statistical analysis of an outcome measure, as the record states it."""

    group_ids: tuple[str, ...]
    param_type: str = ""
    value: str = ""
    ci_percent: str = ""
    ci_sides: str = ""
    lower: str = ""
    upper: str = ""
    ci_comment: str = ""
    p: str = ""
    method: str = ""
    text: str = ""  # the record's own words: group description, method description, comment
    class_title: str = ""  # the class it is about, when the record says (classic XML)
    where: str = ""


@dataclass(frozen=True)
class Outcome:
    """An outcome measure with its groups, analysed n, values and analyses."""

    number: int  # 1-based, as people count the record's measures
    kind: str  # Primary, Secondary, Other, Post-Hoc
    title: str
    description: str
    population: str
    time_frame: str
    param: str  # NUMBER, COUNT_OF_PARTICIPANTS, MEDIAN, ... (classic XML words upper-cased)
    unit: str
    groups: tuple[Group, ...]
    denoms: dict[str, int]
    classes: tuple[MeasureClass, ...]
    analyses: tuple[Analysis, ...]
    where: str
    missing_reason: str = ""  # why no values are given (not posted yet)


@dataclass(frozen=True)
class EventCount:
    """One group's count for one adverse event term."""

    affected: int
    at_risk: int


@dataclass(frozen=True)
class Event:
    """An adverse event term of one kind (serious or other) with its counts per group."""

    kind: str  # "serious" or "other"
    term: str
    organ_system: str
    counts: dict[str, EventCount]
    where: str
    is_total: bool = False  # a "Total" row: any serious / other adverse event


@dataclass(frozen=True)
class Record:
    """A ClinicalTrials.gov results record, format-neutral."""

    format: str  # "API v2 JSON" or "classic XML"
    nct: str
    brief_title: str
    official_title: str
    acronym: str
    org_study_id: str
    phases: tuple[str, ...]
    allocation: str  # RANDOMIZED, NON_RANDOMIZED, NA or ""
    conditions: tuple[str, ...]
    last_update: str
    version: str  # the API's versionHolder, or the classic download date
    results_posted: str
    arms: tuple[Arm, ...]
    flow_groups: tuple[Group, ...]
    flow_started: dict[str, int]
    outcomes: tuple[Outcome, ...]
    event_groups: tuple[Group, ...]
    events: tuple[Event, ...]
    event_time_frame: str = ""
    notes: tuple[str, ...] = field(default=())


def record_error(name: str, code: Code, where: str, message: str, value: str = "") -> EvidenceError:
    """The error for one problem of a record at ``where`` (its JSON path or XML element)."""
    return EvidenceError([LoadProblem(where, None, None, code, message, value)], name)
