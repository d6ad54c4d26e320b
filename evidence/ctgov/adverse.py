"""Adverse events of a record as toxicity endpoints: one per term and kind, results per group.

Labels say the kind ("serious: Pneumonia", "other: Pneumonia"); an upper-case term of the
classic XML reads as a word ("PNEUMONIA" -> "Pneumonia"); ids are unique even when a term
appears twice in one kind (under two organ systems): the organ system is added.
"""

from __future__ import annotations

from collections.abc import Iterator

from evidence.ctgov.groups import slug
from evidence.ctgov.mapped import Mapped, short
from evidence.ctgov.record import Event


def _event_endpoints(m: Mapped) -> Iterator[tuple[Event, str, str]]:
    """(event, endpoint id, label) with unique ids: same term as serious and other, or twice."""
    used: set[str] = set()
    for e in m.record.events:
        term = e.term.capitalize() if e.term.isupper() else e.term
        short = "sae" if e.kind == "serious" else "oae"
        if e.is_total:
            yield e, f"{m.prefix}-{short}-any", f"{e.kind}: any {e.kind} adverse event"
            continue
        # Ids stay under the format's 80 characters: 11 + 5 + 40 + 13 + a counter.
        eid, label = f"{m.prefix}-{short}-{slug(term, 40)}", f"{e.kind}: {term}"
        if eid in used:
            eid, label = f"{eid}-{slug(e.organ_system, 12)}", f"{label} ({e.organ_system})"
        base, i = eid, 2
        while eid in used:
            eid, i = f"{base}-{i}", i + 1
        used.add(eid)
        yield e, eid, label


def adverse_events(m: Mapped) -> None:
    """Add every adverse event term with a result for at least one group."""
    groups = {g.id: g for g in m.record.event_groups}
    frame = m.record.event_time_frame
    for e, eid, label in _event_endpoints(m):
        added = 0
        for gid, count in e.counts.items():
            group = groups.get(gid)
            what = f"{label}, group {gid}"
            if group is None:
                m.skip(what, "not among the adverse-event groups")
                continue
            if not m.first(m.book.of(group), eid):
                m.skip(what, "a second group with the same title")
                continue
            if count.at_risk == 0 or count.affected > count.at_risk:
                m.skip(what, f"{count.affected} affected of {count.at_risk} at risk")
                continue
            m.results.append(
                {
                    "cohort": m.cohort_id(m.book.of(group)),
                    "endpoint": eid,
                    "value": round(100 * count.affected / count.at_risk, 2),
                    "events": count.affected,
                    "n": count.at_risk,
                    "reported_by": "primary",
                    "locator": f"registry record, adverse events ({e.kind})",
                    "note": f"{count.affected} affected of {count.at_risk} at risk, group "
                    f"'{group.title}' ({gid}).",
                }
            )
            added += 1
        if added:
            organ = f" Organ system: {e.organ_system}." if e.organ_system else ""
            m.endpoints.append(
                {
                    "id": eid,
                    "label": short(label, 300),
                    "category": "toxicity",
                    "unit": "percent",
                    "better": "lower",
                    "definition": short(
                        f"{e.kind.capitalize()} adverse events in the registry record: "
                        f"participants affected of those at risk.{organ} Time frame: {frame}"
                    ),
                }
            )
