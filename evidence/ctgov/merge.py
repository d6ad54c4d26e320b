"""Add an imported record to an existing evidence file, and say where the two disagree.

Nothing that is there changes: the existing items are kept as they are (as the same model
objects, so a written file keeps their fields as written) and the record's items, whose ids
all start with the NCT id, come after them. An id that still clashes is the loader's
``duplicate_id``. Where the file already has a source for the same trial (same ``nct``), its
cohorts are matched to the registry's arms and their n and percentages compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from evidence.models import LISTS, Cohort, Evidence, Regimen
from evidence.validation import validate_document

RATE_TOLERANCE = 1.0
"""Percentage points by which a rate may differ from the registry's before it is reported."""
_TOKEN = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def merged(existing: Evidence, imported: Evidence, name: str) -> Evidence:
    """The existing evidence with the imported items after its own, validated.

    Raises EvidenceError (e.g. ``duplicate_id``) when the two cannot live in one file.
    """
    doc: dict[str, Any] = {field: getattr(existing, field) for field in existing.model_fields_set}
    for kind in LISTS:
        doc[kind] = (*getattr(existing, kind), *getattr(imported, kind))
    return validate_document(doc, {}, name, model=Evidence)


def _cohort_words(cohort: Cohort, regimens: dict[str, Regimen]) -> set[str]:
    regimen = regimens.get(cohort.regimen)
    extra = f"{regimen.label} {' '.join(regimen.agents)}" if regimen else ""
    return _words(f"{cohort.label} {extra}")


def _pairs(existing: Evidence, imported: Evidence, source: str) -> Iterator[tuple[Cohort, Cohort]]:
    """(existing cohort, registry arm) pairs: by role when that is unique, else by words."""
    old_regimens = {r.id: r for r in existing.regimens}
    new_regimens = {r.id: r for r in imported.regimens}
    arms = [c for c in imported.cohorts if c.allocation != "post_treatment"]
    used: set[str] = set()
    for cohort in (c for c in existing.cohorts if c.source == source and c.subgroup_of is None):
        words = _cohort_words(cohort, old_regimens)
        role = old_regimens[cohort.regimen].role if cohort.regimen in old_regimens else ""
        same_role = [a for a in arms if new_regimens[a.regimen].role == role]
        scored = sorted(
            ((_overlap(words, _cohort_words(a, new_regimens)), a.id, a) for a in arms),
            key=lambda t: (t[0], t[1]),
            reverse=True,
        )
        best = scored[0] if scored and scored[0][0] > 0 else None
        arm = best[2] if best else (same_role[0] if len(same_role) == 1 else None)
        if arm is not None and arm.id not in used:
            used.add(arm.id)
            yield cohort, arm


def disagreements(existing: Evidence, imported: Evidence) -> list[str]:
    """Where a source of the same trial (same nct) and the registry record disagree."""
    lines: list[str] = []
    registry = imported.sources[0]
    endpoints = {e.id: e for e in (*existing.endpoints, *imported.endpoints)}
    new_results: dict[str, list[Any]] = {}
    for r in imported.results:
        new_results.setdefault(r.cohort, []).append(r)
    for source in (s for s in existing.sources if s.nct == registry.nct):
        for cohort, arm in _pairs(existing, imported, source.id):
            if cohort.n is not None and arm.n is not None and cohort.n != arm.n:
                lines.append(
                    f"{source.id}: cohort {cohort.id} has n {cohort.n}; the registry's "
                    f"'{arm.label}' has n {arm.n}"
                )
            for result in (r for r in existing.results if r.cohort == cohort.id):
                old = endpoints[result.endpoint]
                if old.unit != "percent":
                    continue
                candidates = [
                    (_overlap(_words(old.label), _words(endpoints[r.endpoint].label)), r)
                    for r in new_results.get(arm.id, [])
                    if endpoints[r.endpoint].unit == "percent"
                ]
                score, match = max(candidates, key=lambda t: t[0], default=(0.0, None))
                if match is None or score < 0.5:
                    continue
                if abs(match.value - result.value) > RATE_TOLERANCE:
                    lines.append(
                        f"{source.id}: {cohort.id} / {result.endpoint} is {result.value:g}%; "
                        f"the registry gives {match.value:g}% "
                        f"({match.events} of {match.n}) for '{endpoints[match.endpoint].label}'"
                    )
    return lines
