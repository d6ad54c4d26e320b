"""How a file's cohorts came to differ: allocation, shared treatment and shared patients.

The rules, written once (docs/evidence-format.md explains them to users):

Allocation
    Each cohort was formed in one of the ways of ``vocabulary.ALLOCATION``: randomised,
    allocated at the start but not randomised, or grouped after treatment began (by
    response, by continuing or stopping, by toxicity). A cohort without ``allocation`` takes
    its source's design: randomised when the design carries the ``randomised`` flag, else
    not randomised. A pair is only as strong as its weaker cohort (the later word in the
    vocabulary's order). The word's flags say what the pair gets: ``contrast`` a difference
    and a ratio with their intervals, ``nnt`` a number needed to treat.

Treated alike
    Cohorts of one source may have been treated alike during some phases (``treated_alike_with``
    and ``treated_alike_during``; alike is transitive within a phase). Two cohorts treated
    alike during the phase an endpoint covers (the result's ``phase``, else the endpoint's)
    differ only by chance on it: they are never contrasted there.

Shared patients
    A cohort covers its own patients, those of every cohort it ``contains`` (another source's
    arm in a pooled analysis, an interim report in a final one) and those of its subgroups, at
    any depth. Two cohorts whose covers meet share patients: views that set them side by side
    say so, and a count of cohorts or patients counts each patient once (a cohort covered by
    another one counted is left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from evidence import vocabulary
from evidence.consistency import contained_by
from evidence.models import Evidence, Result

__all__ = ["Design", "weaker_allocation"]

_ALLOCATION_ORDER = {word: i for i, word in enumerate(vocabulary.ALLOCATION)}


def weaker_allocation(first: str, *others: str) -> str:
    """The weakest of allocations: how strong a pair of cohorts (or a subgroup) is."""
    return max(
        (first, *others), key=lambda word: _ALLOCATION_ORDER.get(word, len(_ALLOCATION_ORDER))
    )


class Design:
    """The design relations of one file's cohorts, built once per file (linear in its size)."""

    def __init__(self, ev: Evidence) -> None:
        self.cohorts = {c.id: c for c in ev.cohorts}
        sources = {s.id: s for s in ev.sources}
        own = {c.id: c.allocation_in(sources.get(c.source)) for c in ev.cohorts}
        # A subgroup is formed no more strongly than the cohort it is part of (a subgroup of
        # an extension arm was not randomised either).
        self._allocation = {
            c.id: weaker_allocation(own[c.id], *(own[a] for a in self._ancestors(c.id)))
            for c in ev.cohorts
        }
        self._endpoint_phase = {e.id: e.phase for e in ev.endpoints}
        # Treated alike: per phase, each cohort's group (union-find roots).
        self._alike: dict[str, dict[str, str]] = {}
        for c in ev.cohorts:
            for phase in c.treated_alike_during:
                for other in c.treated_alike_with:
                    if other in self.cohorts:
                        self._join(phase, c.id, other)
        known = [p for p in vocabulary.PHASE if p in self._alike]
        self._phases = (*known, *sorted(set(self._alike) - set(known)))
        self._alike_pairs: dict[tuple[str, str], tuple[str, ...]] = {}
        # Shared patients: what each cohort covers.
        subgroups: dict[str, list[str]] = {}
        for c in ev.cohorts:
            if c.subgroup_of is not None:
                subgroups.setdefault(c.subgroup_of, []).append(c.id)
        self._covers: dict[str, frozenset[str]] = {}
        for c in ev.cohorts:
            self._covers[c.id] = self._cover(c.id, subgroups)

    def _ancestors(self, cohort: str) -> list[str]:
        """The cohorts ``cohort`` is a subgroup of, nearest first (cycles are refused)."""
        found: list[str] = []
        parent = self.cohorts[cohort].subgroup_of if cohort in self.cohorts else None
        while parent is not None and parent in self.cohorts and parent not in found:
            found.append(parent)
            parent = self.cohorts[parent].subgroup_of
        return found

    def _top(self, cohort: str) -> str:
        """The cohort a subgroup is ultimately part of (itself when it is no subgroup)."""
        ancestors = self._ancestors(cohort)
        return ancestors[-1] if ancestors else cohort

    # ----------------------------------------------------------------- allocation

    def allocation(self, cohort: str) -> str:
        """How the cohort was formed (its own word, else its source design's)."""
        return self._allocation.get(cohort, "non_randomised")

    def pair_allocation(self, cohort: str, versus: str) -> str:
        """How strong a pair of cohorts is: the weaker of their allocations."""
        return weaker_allocation(self.allocation(cohort), self.allocation(versus))

    # ----------------------------------------------------------------- treated alike

    def _root(self, phase: str, cohort: str) -> str:
        parents = self._alike.setdefault(phase, {})
        while parents.get(cohort, cohort) != cohort:
            cohort = parents[cohort]
        return cohort

    def _join(self, phase: str, first: str, second: str) -> None:
        a, b = self._root(phase, first), self._root(phase, second)
        if a != b:
            self._alike[phase][max(a, b)] = min(a, b)

    def alike_phases(self, cohort: str, versus: str) -> tuple[str, ...]:
        """The phases during which the two cohorts were treated alike, in vocabulary order."""
        if not self._alike:  # most files: no arms treated alike at all
            return ()
        key = (cohort, versus)
        if key not in self._alike_pairs:
            # Subgroups were treated as the arms they are part of; two parts of one arm (those
            # who continued and those who stopped) were not thereby treated alike.
            first, second = self._top(cohort), self._top(versus)
            self._alike_pairs[key] = (
                ()
                if first == second
                else tuple(
                    phase
                    for phase in self._phases
                    if self._root(phase, first) == self._root(phase, second)
                )
            )
        return self._alike_pairs[key]

    def held_back(self, cohort: str, versus: str, phase: str | None) -> str | None:
        """Why no difference or ratio may be shown between two cohorts, or None when one may.

        ``phase`` is the phase the figure covers (None: not stated). The reason is one
        sentence, shown wherever the held-back effect would have been.
        """
        allocation = self.pair_allocation(cohort, versus)
        if not vocabulary.ALLOCATION.has_flag(allocation, "contrast"):
            return (
                f"The groups were {vocabulary.ALLOCATION.phrase(allocation)}: they differ by what "
                "happened during treatment (selection and immortal-time bias; sizes and "
                "follow-up may differ), so only their two risks are shown, with no difference, "
                "ratio, NNT or interval."
            )
        alike = self.alike_phases(cohort, versus)
        if phase is not None and phase in alike:
            phases = " and ".join(vocabulary.PHASE.phrase(p) for p in alike)
            first, second = (self.cohorts[c].label for c in (cohort, versus))
            return (
                f"{first} and {second} were treated alike during {phases}, which this figure "
                "covers: any difference between them is chance, so no difference, ratio or NNT "
                "is shown."
            )
        return None

    def phase_of(self, result: Result) -> str | None:
        """The phase a figure covers: its own, else its endpoint's (None: not stated)."""
        return result.phase or self.phase_of_endpoint(result.endpoint)

    def phase_of_endpoint(self, endpoint: str) -> str | None:
        """The phase an endpoint covers (None: not stated)."""
        return self._endpoint_phase.get(endpoint)

    # ----------------------------------------------------------------- shared patients

    def _cover(self, cohort: str, subgroups: dict[str, list[str]]) -> frozenset[str]:
        found: set[str] = set()
        todo = [cohort]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.add(current)
            todo.extend(subgroups.get(current, ()))
            todo.extend(contained_by(self.cohorts, current))
        return frozenset(found)

    def covers(self, cohort: str) -> frozenset[str]:
        """The cohort and every cohort whose patients it includes."""
        return self._covers.get(cohort, frozenset({cohort}))

    def share_patients(self, first: str, second: str) -> bool:
        """Whether two different cohorts have patients in common."""
        return first != second and bool(self.covers(first) & self.covers(second))

    def shared_pairs(self, cohorts: Sequence[str]) -> list[tuple[str, str]]:
        """The pairs among ``cohorts`` that share patients, in the order given."""
        unique = list(dict.fromkeys(cohorts))
        return [
            (a, b)
            for i, a in enumerate(unique)
            for b in unique[i + 1 :]
            if self.share_patients(a, b)
        ]

    def counted_once(self, cohorts: Iterable[str]) -> list[str]:
        """The cohorts left when each one covered by another of them is dropped.

        Their count and their summed n count each patient once, as far as the file says
        which cohorts contain which (two cohorts that both contain a third still overlap:
        ``shared_pairs`` of the result tells).
        """
        unique = list(dict.fromkeys(cohorts))
        return [
            c
            for c in unique
            if not any(o != c and c in self.covers(o) and o not in self.covers(c) for o in unique)
        ]
