"""A neutral registry Record -> a plain evidence document (format 1), and what was left out.

Counts and percentages of participants become results with events and the analysed n;
medians in months or years and means of scores stay as reported values; anything else is
listed as skipped, with why. Adverse events become toxicity results per term ("serious: X",
"other: X"). The record's own analyses become comparisons as reported, with their CI level
and method: an adjusted ratio is never recomputed. A sentinel ("NA", "NR", a ratio of 0 with
no upper limit) is never turned into a number: it is skipped, with the record's comment.
"""

from __future__ import annotations

import re
from typing import Any

from evidence.ctgov.adverse import adverse_events
from evidence.ctgov.groups import CohortPlan, GroupBook, base_title, title_key
from evidence.ctgov.mapped import Mapped, back_calculated, number, short
from evidence.ctgov.record import Analysis, Outcome, Record

STUDY_URL = "https://clinicaltrials.gov/study/{nct}"
_MEASURES = (
    (re.compile(r"risk ratio|relative risk", re.I), "risk_ratio"),
    (re.compile(r"odds ratio", re.I), "odds_ratio"),
    (re.compile(r"hazard ratio", re.I), "hazard_ratio"),
    (re.compile(r"difference", re.I), "difference"),
)
_TOXICITY = re.compile(r"adverse event|toxicit|side effect", re.I)
_QOL = re.compile(r"quality of life|\bqol\b|qlq", re.I)
_RESPONSE = re.compile(r"respon|remission|achiev|improve|independen", re.I)


def _kind(o: Outcome) -> str | None:
    """How an outcome's values map: count, percent, time (months/years), score or None."""
    unit = o.unit.lower()
    if o.param == "COUNT_OF_PARTICIPANTS" or (o.param == "NUMBER" and unit == "participants"):
        return "count"
    if o.param == "NUMBER" and "percent" in unit:
        return "percent"
    if o.param == "MEDIAN" and unit in ("months", "years"):
        return unit
    if "MEAN" in o.param and ("score" in unit or "scale" in unit):
        return "score"
    return None


def _endpoint_words(o: Outcome, kind: str) -> tuple[str, str, str]:
    """(category, unit, better) for an outcome's endpoints."""
    if kind in ("months", "years"):
        return "time_to_event", kind, "none"
    if kind == "score":
        return ("quality_of_life" if _QOL.search(o.title) else "other"), "score", "none"
    if _TOXICITY.search(o.title):
        return "toxicity", "percent", "lower"
    if _QOL.search(o.title):
        return "quality_of_life", "percent", "none"
    if _RESPONSE.search(o.title):
        return "response", "percent", "higher"
    return "other", "percent", "none"


def _definition(o: Outcome, extra: str = "") -> str:
    parts = [
        f"Registry outcome measure {o.number} ({o.kind or 'outcome'}): {o.description}",
        f"Time frame: {o.time_frame}." if o.time_frame else "",
        f"Population: {o.population}" if o.population else "",
        f"Reported as {o.param.lower().replace('_', ' ')} in {o.unit}." if o.unit else "",
        extra,
    ]
    return short(" ".join(p for p in parts if p))


def _outcome_results(m: Mapped, o: Outcome) -> None:
    kind = _kind(o)
    label = f"outcome measure {o.number} '{short(o.title, 90)}'"
    if o.missing_reason or not o.classes:
        none_analysed = bool(o.denoms) and not any(o.denoms.values())
        why = o.missing_reason or ("no participants analysed" if none_analysed else "no values")
        population = f"; population: {short(o.population, 200)}" if o.population else ""
        m.skip(label, f"no values posted ({why}{population})")
        return
    if kind is None:
        m.skip(label, f"{o.param.lower() or 'no parameter'} in '{o.unit}': no unit of the format")
        return
    category, unit, better = _endpoint_words(o, kind)
    groups = {g.id: g for g in o.groups}
    cells = [(c, k) for c in o.classes for k in range(len(c.categories))]
    for cls, k in cells:
        cat = cls.categories[k]
        suffix = "".join(f" – {t}" for t in (cls.title, cat.title) if t)
        eid = f"{m.prefix}-om{o.number}"
        if len(o.classes) > 1:
            eid += f"-{o.classes.index(cls) + 1}"
        if len(cls.categories) > 1:
            eid += f"-{k + 1}"
        denoms = cls.denoms or o.denoms
        sentinels: list[str] = []
        added = 0
        for gid, value in cat.measurements.items():
            group = groups.get(gid)
            if group is None:
                m.skip(f"{label}{suffix}", f"group {gid} is not among the measure's groups")
                continue
            plan = m.book.of(group)
            n = denoms.get(gid)
            where = f"{label}{suffix}, {plan.title} ({gid})"
            if not m.first(plan, eid):
                m.skip(where, "a second group with the same title in one measure")
                continue
            result = _result(kind, value.value, value.lower, value.upper, n)
            if isinstance(result, str):  # why it is left out
                m.skip(where, result)
                continue
            if result is None:
                note = f": {value.comment}" if value.comment else ""
                sentinels.append(f"{plan.title}: '{value.value}' (not estimable{note})")
                m.skip(where, f"'{value.value}' is kept out as not estimable{note}")
                continue
            result.update(
                cohort=m.cohort_id(plan),
                endpoint=eid,
                locator=f"registry record, outcome measure {o.number}{suffix}",
            )
            result["note"] = short(f"Group '{group.title}' ({gid}). {result.get('note', '')}")
            m.results.append(result)
            added += 1
        if not added:
            continue
        extra = "Not estimable: " + "; ".join(sentinels) + "." if sentinels else ""
        m.endpoints.append(
            {
                "id": eid,
                "label": short(f"{o.title}{suffix}", 300),
                "category": category,
                "unit": unit,
                "better": better,
                "definition": _definition(o, extra),
            }
        )
        m.outcome_endpoints.setdefault(o.number, []).append((eid, cls.title))


def _result(
    kind: str, text: str, low: str, high: str, n: int | None
) -> dict[str, Any] | str | None:
    """One result from a measurement; None for a sentinel, or why the value is left out."""
    value = number(text)
    if value is None:
        return None
    if kind in ("count", "percent") and not n:
        return "no participants analysed (n 0 or not given)"
    result: dict[str, Any] = {"reported_by": "primary"}
    if kind == "percent" and not 0 <= value <= 100:
        return f"'{text}' is not a percentage between 0 and 100"
    if kind == "count":
        if value != int(value) or not 0 <= value <= (n or 0):
            return f"count '{text}' is not a whole number between 0 and n {n}"
        result.update(value=round(100 * value / (n or 1), 2), events=int(value), n=n)
        result["note"] = f"{int(value)} of {n} analysed; the percent is computed from the count."
        return result
    if kind == "percent":
        result.update(value=value, n=n)
        events = back_calculated(text, n or 0)
        if events is not None:
            result["events"] = events
            result["note"] = f"{text}% of {n} analysed: events back-calculated from the percentage."
        else:
            result["note"] = f"{text}% of {n} analysed: no whole count gives it, so no events."
        return result
    result["value"] = value
    if n:
        result["n"] = n
    bounds = number(low), number(high)
    if bounds[0] is not None and bounds[1] is not None and bounds[0] <= value <= bounds[1]:
        result["ci"] = [bounds[0], bounds[1]]
    result["note"] = f"As reported ({kind})."
    return result


def _which_endpoint(m: Mapped, o: Outcome, a: Analysis) -> str | None:
    found = m.outcome_endpoints.get(o.number, [])
    if len(found) == 1:
        return found[0][0]
    wanted = title_key(a.class_title or a.text)
    matches = [eid for eid, title in found if title and title_key(title) in wanted]
    return matches[0] if len(matches) == 1 else None


def _direction(m: Mapped, o: Outcome, a: Analysis) -> tuple[CohortPlan, CohortPlan, str]:
    """(cohort, versus, how the direction was decided), from the record's words if it can."""
    groups = {g.id: g for g in o.groups}
    first, second = (m.book.of(groups[g]) for g in a.group_ids)
    text = a.text.lower()

    def position(plan: CohortPlan) -> int:
        words = [plan.title.lower(), *plan.title.lower().split()[:1]]
        spots = [text.find(w) for w in words if len(w) >= 3 and text.find(w) >= 0]
        return min(spots) if spots else -1

    p1, p2 = position(first), position(second)
    if p1 >= 0 and p2 >= 0 and p1 != p2:
        cohort, versus = (first, second) if p1 < p2 else (second, first)
        return cohort, versus, "as the record's words order the groups"
    if first.role != second.role:
        cohort, versus = (first, second) if first.role == "investigational" else (second, first)
        return cohort, versus, "not stated in the record: read as investigational vs comparator"
    return first, second, "not stated in the record: in the record's group order"


def _comparisons(m: Mapped, o: Outcome) -> None:
    for number_, a in enumerate(o.analyses, start=1):
        what = f"outcome measure {o.number}, analysis {number_} ({a.param_type or 'no estimate'})"
        measure = next((w for rx, w in _MEASURES if rx.search(a.param_type)), None)
        value = number(a.value)
        if measure is None or not a.value:
            p = f" (p {a.p}, {a.method})" if a.p else ""
            m.skip(what, f"no estimate of a kind the format holds{p}")
            continue
        if value is None or (measure != "difference" and value <= 0):
            note = f": {a.ci_comment}" if a.ci_comment else ""
            m.skip(what, f"estimate '{a.value}' kept out as not estimable{note}")
            continue
        if len(a.group_ids) != 2 or any(g not in {x.id for x in o.groups} for g in a.group_ids):
            m.skip(what, f"compares groups {', '.join(a.group_ids)}, not two of the measure's")
            continue
        endpoint = _which_endpoint(m, o, a)
        if endpoint is None:
            m.skip(what, "its measure is not imported, or the analysis names no class of it")
            continue
        cohort, versus, how = _direction(m, o, a)
        comparison: dict[str, Any] = {
            "cohort": m.cohort_id(cohort),
            "versus": m.cohort_id(versus),
            "endpoint": endpoint,
            "measure": measure,
            "value": value,
        }
        low, high = number(a.lower), number(a.upper)
        notes = [f"Direction: {cohort.title} versus {versus.title} ({how})."]
        level = number(a.ci_percent)
        two_sided = not a.ci_sides or "two" in a.ci_sides.lower() or "2" in a.ci_sides
        if low is not None and high is not None and two_sided and low <= value <= high:
            comparison["ci"] = [low, high]
            if level is not None and 0 < level < 100:
                comparison["ci_level"] = level
            else:
                notes.append("The record does not state the CI level (95% assumed).")
        elif a.lower or a.upper:
            notes.append(
                f"CI as recorded: {a.lower or 'NA'} to {a.upper or 'NA'} "
                f"({a.ci_sides or 'sides not stated'}) {a.ci_comment}".strip()
            )
        if a.method:
            comparison["method"] = short(a.method, 300)
        if a.p and a.p.upper() not in ("NA", "NR"):
            comparison["p"] = a.p
        if a.text:
            notes.append(f"The record's words: {a.text}")
        notes.append("As reported by the registry; not recomputed from counts.")
        comparison.update(
            reported_by="primary",
            locator=f"registry record, outcome measure {o.number}, analysis {number_}",
            note=short(" ".join(notes)),
        )
        m.comparisons.append(comparison)


def _design(record: Record) -> str:
    phases = {p.upper().replace(" ", "") for p in record.phases}
    if record.allocation == "RANDOMIZED":
        if "PHASE3" in phases:
            return "randomized_phase3"
        if "PHASE2" in phases:
            return "randomized_phase2"
        return "other"
    if {"PHASE1", "PHASE2"} <= phases:
        return "phase1_2"
    return "phase2" if phases == {"PHASE2"} else "other"


def _cohorts(m: Mapped) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cohorts, regimens = [], []
    at_risk: dict[str, int] = {}  # a group's participants at risk of adverse events
    for e in m.record.events:
        for g in m.record.event_groups:
            if e.is_total and g.id in e.counts:
                at_risk[m.book.of(g).key] = e.counts[g.id].at_risk
    for plan in m.book.plans.values():
        cid = m.cohort_id(plan)
        where = "; ".join(
            f"{gid} in {', '.join(sorted(set(used)))}" for gid, used in plan.ids.items()
        )
        notes = [f"Registry group '{plan.title}'. Its ids in the record: {where}."]
        if not plan.is_arm:
            notes.append(f"Kept apart from the randomised arms: {plan.why_apart}.")
        n = plan.n if plan.is_arm else at_risk.get(plan.key)
        cohort: dict[str, Any] = {
            "id": cid,
            "source": m.prefix,
            "setting": m.prefix,
            "regimen": cid,
            "label": short(f"{m.record.nct}: {plan.title}", 300),
            "allocation": m.book.allocation(plan),
            "note": short(" ".join(notes)),
        }
        if n is not None:
            cohort["n"] = n
        if plan.subgroup_of is not None:
            cohort["subgroup_of"] = m.cohort_id(m.book.plans[plan.subgroup_of])
        cohorts.append(cohort)
        agents = [a for a in (plan.arm.interventions if plan.arm else ()) if a]
        regimen: dict[str, Any] = {
            "id": cid,
            "label": short(plan.title, 300),
            "short": short(plan.title, 40),
            "agents": [a for a in agents if plan.role == "investigational"] or [],
            "role": plan.role,
        }
        dosing = plan.arm.description if plan.arm else plan.description
        if dosing:
            regimen["dosing"] = short(dosing)
        regimens.append(regimen)
    return cohorts, regimens


def map_record(record: Record) -> tuple[dict[str, Any], list[str]]:
    """The evidence document (plain values, not yet validated) and the skipped list."""
    prefix = record.nct.lower()
    m = Mapped(record, prefix, GroupBook(record))
    for o in record.outcomes:
        _outcome_results(m, o)
        _comparisons(m, o)
    adverse_events(m)
    cohorts, regimens = _cohorts(m)
    title = record.official_title or record.brief_title or record.nct
    dates = f"last update posted {record.last_update or 'not stated'}"
    if record.version:
        dates += f", record version {record.version}"
    conditions = ", ".join(record.conditions) or "Condition not stated"
    source: dict[str, Any] = {
        "id": prefix,
        "citation": short(f"{title}. ClinicalTrials.gov registry record {record.nct} ({dates})."),
        "short": short(f"{record.acronym or record.nct} (registry record)", 60),
        "trial": record.acronym or record.org_study_id or record.nct,
        "design": _design(record),
        "nct": record.nct,
        "url": STUDY_URL.format(nct=record.nct),
        "note": short(
            f"Registry record ({record.format}, {dates}): the sponsor's own results, so "
            "'primary'. Imported by python -m evidence import-ctgov; check the figures "
            "against the publication."
        ),
    }
    year = re.search(r"\b(19|20)\d\d\b", record.results_posted)
    if year:
        source["year"] = int(year.group())
    doc: dict[str, Any] = {
        "format": 1,
        "title": short(f"{record.brief_title or title} (registry record {record.nct})", 300),
        "summary": short(
            f"Results of {record.nct} as posted on ClinicalTrials.gov ({dates}), imported "
            "from the registry record: arms, outcome counts, adverse events and the "
            "sponsor's own analyses, as reported."
        ),
        "settings": [
            {
                "id": prefix,
                "label": short(conditions, 300),
                "short": short(record.conditions[0] if record.conditions else record.nct, 40),
                "disease": short(conditions, 300),
            }
        ],
        "regimens": regimens,
        "endpoints": m.endpoints,
        "sources": [source],
        "cohorts": cohorts,
        "results": m.results,
        "comparisons": m.comparisons,
    }
    return doc, m.skipped


__all__ = ["back_calculated", "base_title", "map_record", "number"]
