"""The record's groups as cohorts: which are arms of the randomisation, and each one's role.

Group ids (``OG000``) change meaning between measures, so groups are matched by title across
the record's modules, once the analysis-set suffix is dropped ("Placebo (FAS)" and
"Placebo (SS)" are the placebo arm). The arms of the randomisation are the participant
flow's groups that started in its first period; any other group (an open-label extension, a
switch from placebo to the active drug, a subset of an arm) is its own cohort, formed after
treatment began, and never an arm. A group's role is read from its interventions (placebo,
sham, standard of care), never from the arm type the record gives (it can be wrong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evidence.ctgov.record import Arm, Group, Record

_SET_SUFFIX = re.compile(r"(\s*\([^()]*\))+\s*$")
# Words that make a group the comparator (no drug names: those are data).
_COMPARATOR = re.compile(
    r"\b(placebo|sham|vehicle|standard[- ]of[- ]care|usual care|best supportive care|"
    r"observation|no treatment|no intervention)\b",
    re.IGNORECASE,
)
# Words that make a group one formed after treatment began.
_AFTER_START = re.compile(
    r"->|→|\bextension\b|\bsubset\b|\bcross-?over\b|\broll-?over\b|\bresponders?\b|\bswitch",
    re.IGNORECASE,
)
_COMBINATION = re.compile(r"\+|\bplus\b|\bwith\b|\band\b|\bfollowed by\b", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")


def base_title(title: str) -> str:
    """The group's title without its analysis-set suffix: "Placebo (FAS)" -> "Placebo"."""
    return _SET_SUFFIX.sub("", title).strip() or title.strip() or "untitled group"


def title_key(title: str) -> str:
    """The key groups are matched on across modules (lower-case, no set suffix)."""
    return " ".join(_TOKEN.findall(base_title(title).lower()))


def slug(text: str, limit: int = 40) -> str:
    """A piece of an id: lower-case letters and digits joined by '-'."""
    return "-".join(_TOKEN.findall(text.lower()))[:limit].strip("-") or "x"


def is_comparator_text(text: str) -> bool:
    """Whether a title names a comparator only (placebo, sham, standard of care...)."""
    return bool(_COMPARATOR.search(text)) and not _COMBINATION.search(text)


def is_after_start(text: str) -> bool:
    """Whether a title marks a group formed after treatment began (extension, switch)."""
    return bool(_AFTER_START.search(text))


@dataclass
class CohortPlan:
    """One cohort to write: its group's title, role, allocation and the record's ids."""

    key: str
    title: str
    description: str
    is_arm: bool
    role: str = "investigational"
    n: int | None = None
    arm: Arm | None = None
    subgroup_of: str | None = None  # the key of the arm it is a subset of
    why_apart: str = ""
    ids: dict[str, list[str]] = field(default_factory=dict)  # group id -> where it is used


def _overlap(a: str, b: str) -> float:
    left, right = set(_TOKEN.findall(a.lower())), set(_TOKEN.findall(b.lower()))
    return len(left & right) / len(left | right) if left | right else 0.0


def _match_arms(plans: list[CohortPlan], arms: tuple[Arm, ...]) -> None:
    """Give each arm cohort its protocol arm: the best title overlap, each arm used once."""
    pairs = sorted(
        (
            (_overlap(p.title, a.label), i, j)
            for i, p in enumerate(plans)
            for j, a in enumerate(arms)
        ),
        reverse=True,
    )
    used_plans: set[int] = set()
    used_arms: set[int] = set()
    for score, i, j in pairs:
        if score > 0 and i not in used_plans and j not in used_arms:
            plans[i].arm = arms[j]
            used_plans.add(i)
            used_arms.add(j)


def _role(plan: CohortPlan) -> str:
    if plan.arm is not None and plan.arm.interventions:
        comparator = all(_COMPARATOR.search(n) for n in plan.arm.interventions)
    else:
        comparator = is_comparator_text(plan.title) and not is_after_start(plan.title)
    return "comparator" if comparator else "investigational"


class GroupBook:
    """Every group of the record, by title key; arms first, then the others as met."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self.randomised = record.allocation == "RANDOMIZED"
        self.plans: dict[str, CohortPlan] = {}
        arms = [
            g
            for g in record.flow_groups
            if record.flow_started.get(g.id, 0) > 0 and not is_after_start(g.title)
        ]
        if not arms:  # no participant flow: the event groups, else the protocol's arms
            arms = [g for g in record.event_groups if not is_after_start(g.title)]
        if not arms:
            arms = [Group(a.label, a.label, a.description) for a in record.arms]
        for g in arms:
            plan = CohortPlan(title_key(g.title), base_title(g.title), g.description, True)
            plan.n = record.flow_started.get(g.id)
            self.plans.setdefault(plan.key, plan)
        arm_plans = list(self.plans.values())
        _match_arms(arm_plans, record.arms)
        for plan in arm_plans:
            plan.role = _role(plan)
        for g in record.flow_groups:
            self.add(g, f"participant flow {g.id}")
        for g in record.event_groups:
            self.add(g, f"adverse events {g.id}")
        for o in record.outcomes:
            for g in o.groups:
                self.add(g, f"outcome measure {o.number} {g.id}")

    def add(self, group: Group, where: str) -> CohortPlan:
        """The cohort of ``group``, made on first sight; records where its id is used."""
        key = title_key(group.title)
        plan = self.plans.get(key)
        if plan is None:
            plan = CohortPlan(key, base_title(group.title), group.description, False)
            plan.role = _role(plan)
            plan.why_apart = self._why_apart(plan)
            plan.subgroup_of = self._parent(plan)
            self.plans[key] = plan
        module, _, gid = where.rpartition(" ")
        plan.ids.setdefault(gid, []).append(module)
        return plan

    def _why_apart(self, plan: CohortPlan) -> str:
        if is_after_start(plan.title) or is_after_start(plan.description[:300]):
            return "formed after treatment began (its title or description says so)"
        return "not an arm of the randomisation (not a participant-flow group that started)"

    def _parent(self, plan: CohortPlan) -> str | None:
        """The arm a subset belongs to: named before '->' in its title, or in its description."""
        left = re.split(r"->|→", plan.title)[0]
        if left != plan.title:
            key = title_key(left)
            if key in self.plans and self.plans[key].is_arm:
                return key
        if re.search(r"\bsubset\b", plan.description, re.IGNORECASE):
            named = [
                p.key
                for p in self.plans.values()
                if p.is_arm and re.search(rf"\b{re.escape(p.title)}\b", plan.description, re.I)
            ]
            if len(named) == 1:
                return named[0]
        return None

    def of(self, group: Group) -> CohortPlan:
        """The cohort a module's group belongs to."""
        return self.plans[title_key(group.title)]

    def allocation(self, plan: CohortPlan) -> str:
        """The cohort's allocation word."""
        if not plan.is_arm:
            return "post_treatment"
        return "randomised" if self.randomised else "non_randomised"
