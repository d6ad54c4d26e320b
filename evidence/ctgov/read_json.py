"""Read a ClinicalTrials.gov API v2 study record (JSON) into a neutral Record.

Only what the mapping uses is read; every value read is checked for its type, and a wrong
one is reported with its JSON path (``resultsSection.outcomeMeasuresModule.
outcomeMeasures[3].classes[0]``), never as a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from evidence.codes import Code
from evidence.ctgov.record import (
    Analysis,
    Arm,
    Category,
    Event,
    EventCount,
    Group,
    MeasureClass,
    Measurement,
    Outcome,
    Record,
    record_error,
)
from evidence.problems import EvidenceError, LoadProblem


class _Reader:
    """Typed access to the parsed JSON; a wrong type raises EvidenceError at its path."""

    def __init__(self, name: str) -> None:
        self.name = name

    def wrong(self, path: str, want: str, value: object) -> EvidenceError:
        got = type(value).__name__ if value is not None else "null"
        shown = {"dict": "an object", "list": "a list", "str": "text", "null": "null"}
        return record_error(
            self.name,
            Code.WRONG_TYPE,
            path,
            f"expected {want}, got {shown.get(got, got)}",
            str(value)[:80],
        )

    def obj(self, value: object, path: str, *, required: bool = False) -> Mapping[str, Any]:
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.wrong(path, "an object", value)
        return value

    def items(self, value: object, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.wrong(path, "a list", value)
        return value

    def text(self, parent: Mapping[str, Any], key: str, path: str) -> str:
        value = parent.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.wrong(f"{path}.{key}", "text", value)
        return str(value).strip()

    def count(self, parent: Mapping[str, Any], key: str, path: str) -> int | None:
        """A whole number given as a number or as digits; None when absent."""
        value = parent.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        raise self.wrong(f"{path}.{key}", "a whole number of participants", value)


def parse_json(data: bytes, name: str) -> object:
    """The parsed JSON, or EvidenceError (record_syntax) saying where it breaks."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise record_error(
            name, Code.NOT_UTF8, "", f"the record is not UTF-8 text (byte {exc.start})"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip())
        why = "it ends early (truncated?)" if cut else exc.msg
        raise EvidenceError(
            [
                LoadProblem(
                    "",
                    exc.lineno,
                    exc.colno,
                    Code.RECORD_SYNTAX,
                    f"not valid JSON: {why} at line {exc.lineno}, column {exc.colno}",
                )
            ],
            name,
        ) from None
    except RecursionError:
        raise record_error(name, Code.RECORD_SYNTAX, "", "the JSON nests too deeply") from None


def _groups(r: _Reader, module: Mapping[str, Any], path: str) -> tuple[Group, ...]:
    out = []
    for i, raw in enumerate(r.items(module.get("groups"), f"{path}.groups")):
        where = f"{path}.groups[{i}]"
        g = r.obj(raw, where, required=True)
        gid = r.text(g, "id", where)
        if not gid:
            raise record_error(r.name, Code.MISSING_FIELD, where, "a group without an id")
        out.append(Group(gid, r.text(g, "title", where), r.text(g, "description", where)))
    return tuple(out)


def _denoms(r: _Reader, parent: Mapping[str, Any], path: str) -> dict[str, int]:
    """The participants analysed per group (the first denominator given in participants)."""
    for i, raw in enumerate(r.items(parent.get("denoms"), f"{path}.denoms")):
        where = f"{path}.denoms[{i}]"
        d = r.obj(raw, where, required=True)
        if r.text(d, "units", where).lower() not in ("participants", ""):
            continue
        out: dict[str, int] = {}
        for j, c in enumerate(r.items(d.get("counts"), f"{where}.counts")):
            cw = f"{where}.counts[{j}]"
            count = r.obj(c, cw, required=True)
            n = r.count(count, "value", cw)
            if n is not None:
                out[r.text(count, "groupId", cw)] = n
        return out
    return {}


def _classes(r: _Reader, m: Mapping[str, Any], path: str) -> tuple[MeasureClass, ...]:
    classes = []
    for i, raw in enumerate(r.items(m.get("classes"), f"{path}.classes")):
        where = f"{path}.classes[{i}]"
        c = r.obj(raw, where, required=True)
        categories = []
        for j, rc in enumerate(r.items(c.get("categories"), f"{where}.categories")):
            cw = f"{where}.categories[{j}]"
            cat = r.obj(rc, cw, required=True)
            values: dict[str, Measurement] = {}
            for k, rm in enumerate(r.items(cat.get("measurements"), f"{cw}.measurements")):
                mw = f"{cw}.measurements[{k}]"
                meas = r.obj(rm, mw, required=True)
                values[r.text(meas, "groupId", mw)] = Measurement(
                    r.text(meas, "value", mw),
                    r.text(meas, "comment", mw),
                    r.text(meas, "lowerLimit", mw),
                    r.text(meas, "upperLimit", mw),
                )
            categories.append(Category(r.text(cat, "title", cw), values))
        classes.append(
            MeasureClass(r.text(c, "title", where), _denoms(r, c, where), tuple(categories), where)
        )
    return tuple(classes)


def _analyses(r: _Reader, m: Mapping[str, Any], path: str) -> tuple[Analysis, ...]:
    out = []
    for i, raw in enumerate(r.items(m.get("analyses"), f"{path}.analyses")):
        where = f"{path}.analyses[{i}]"
        a = r.obj(raw, where, required=True)
        ids = [str(x) for x in r.items(a.get("groupIds"), f"{where}.groupIds")]
        words = [r.text(a, k, where) for k in ("groupDescription", "estimateComment")]
        comments = [r.text(a, k, where) for k in ("ciLowerLimitComment", "ciUpperLimitComment")]
        out.append(
            Analysis(
                group_ids=tuple(ids),
                param_type=r.text(a, "paramType", where),
                value=r.text(a, "paramValue", where),
                ci_percent=r.text(a, "ciPctValue", where),
                ci_sides=r.text(a, "ciNumSides", where),
                lower=r.text(a, "ciLowerLimit", where),
                upper=r.text(a, "ciUpperLimit", where),
                ci_comment=" ".join(c for c in comments if c),
                p=r.text(a, "pValue", where),
                method=r.text(a, "statisticalMethod", where),
                text=" ".join(w for w in words if w),
                where=where,
            )
        )
    return tuple(out)


def _outcomes(r: _Reader, results: Mapping[str, Any]) -> tuple[Outcome, ...]:
    path = "resultsSection.outcomeMeasuresModule"
    module = r.obj(results.get("outcomeMeasuresModule"), path)
    out = []
    for i, raw in enumerate(r.items(module.get("outcomeMeasures"), f"{path}.outcomeMeasures")):
        where = f"{path}.outcomeMeasures[{i}]"
        m = r.obj(raw, where, required=True)
        out.append(
            Outcome(
                number=i + 1,
                kind=r.text(m, "type", where).title(),
                title=r.text(m, "title", where),
                description=r.text(m, "description", where),
                population=r.text(m, "populationDescription", where),
                time_frame=r.text(m, "timeFrame", where),
                param=r.text(m, "paramType", where).upper(),
                unit=r.text(m, "unitOfMeasure", where),
                groups=_groups(r, m, where),
                denoms=_denoms(r, m, where),
                classes=_classes(r, m, where),
                analyses=_analyses(r, m, where),
                where=where,
                missing_reason=r.text(m, "reportingStatus", where)
                if r.text(m, "reportingStatus", where) != "POSTED"
                else "",
            )
        )
    return tuple(out)


def _events(r: _Reader, module: Mapping[str, Any], path: str) -> tuple[Event, ...]:
    out = []
    for kind, key in (("serious", "seriousEvents"), ("other", "otherEvents")):
        for i, raw in enumerate(r.items(module.get(key), f"{path}.{key}")):
            where = f"{path}.{key}[{i}]"
            e = r.obj(raw, where, required=True)
            counts: dict[str, EventCount] = {}
            for j, rs in enumerate(r.items(e.get("stats"), f"{where}.stats")):
                sw = f"{where}.stats[{j}]"
                s = r.obj(rs, sw, required=True)
                affected, at_risk = r.count(s, "numAffected", sw), r.count(s, "numAtRisk", sw)
                if affected is not None and at_risk is not None:
                    counts[r.text(s, "groupId", sw)] = EventCount(affected, at_risk)
            term = r.text(e, "term", where)
            out.append(Event(kind, term, r.text(e, "organSystem", where), counts, where))
    # The totals: any serious (other) adverse event, per group.
    for kind in ("serious", "other"):
        counts = {}
        for i, raw in enumerate(r.items(module.get("eventGroups"), f"{path}.eventGroups")):
            where = f"{path}.eventGroups[{i}]"
            g = r.obj(raw, where, required=True)
            affected = r.count(g, f"{kind}NumAffected", where)
            at_risk = r.count(g, f"{kind}NumAtRisk", where)
            if affected is not None and at_risk is not None:
                counts[r.text(g, "id", where)] = EventCount(affected, at_risk)
        if counts:
            out.append(Event(kind, "Total", "", counts, f"{path}.eventGroups", is_total=True))
    return tuple(out)


def read_json_record(data: bytes, name: str) -> Record:
    """The record in an API v2 study JSON; EvidenceError naming the JSON path otherwise."""
    doc = parse_json(data, name)
    r = _Reader(name)
    if not isinstance(doc, dict) or "protocolSection" not in doc:
        raise record_error(
            name,
            Code.NOT_A_RECORD,
            "",
            "this JSON is not a ClinicalTrials.gov study record (no protocolSection); "
            "download the study's JSON from the registry (API v2)",
        )
    protocol = r.obj(doc["protocolSection"], "protocolSection", required=True)
    if doc.get("resultsSection") is None:
        raise record_error(
            name,
            Code.NO_RESULTS,
            "resultsSection",
            "the record has no results section: the study has no posted results to import",
        )
    results = r.obj(doc["resultsSection"], "resultsSection", required=True)

    def module(name_: str) -> Mapping[str, Any]:
        return r.obj(protocol.get(name_), f"protocolSection.{name_}")

    ident, status, design = (
        module("identificationModule"),
        module("statusModule"),
        module("designModule"),
    )
    nct = r.text(ident, "nctId", "protocolSection.identificationModule")
    if not nct:
        raise record_error(
            name,
            Code.MISSING_FIELD,
            "protocolSection.identificationModule.nctId",
            "the record has no NCT id",
        )
    arms_path = "protocolSection.armsInterventionsModule"
    arms_module = module("armsInterventionsModule")
    arms = []
    for i, raw in enumerate(r.items(arms_module.get("armGroups"), f"{arms_path}.armGroups")):
        where = f"{arms_path}.armGroups[{i}]"
        a = r.obj(raw, where, required=True)
        names = r.items(a.get("interventionNames"), f"{where}.interventionNames")
        arms.append(
            Arm(
                r.text(a, "label", where),
                r.text(a, "type", where),
                r.text(a, "description", where),
                tuple(str(n).split(": ", 1)[-1] for n in names),
            )
        )
    flow_path = "resultsSection.participantFlowModule"
    flow = r.obj(results.get("participantFlowModule"), flow_path)
    started: dict[str, int] = {}
    periods = r.items(flow.get("periods"), f"{flow_path}.periods")
    if periods:
        first = r.obj(periods[0], f"{flow_path}.periods[0]", required=True)
        for i, raw in enumerate(r.items(first.get("milestones"), f"{flow_path}.periods[0]")):
            where = f"{flow_path}.periods[0].milestones[{i}]"
            ms = r.obj(raw, where, required=True)
            if r.text(ms, "type", where).upper() != "STARTED":
                continue
            for j, ra in enumerate(r.items(ms.get("achievements"), f"{where}.achievements")):
                aw = f"{where}.achievements[{j}]"
                ach = r.obj(ra, aw, required=True)
                n = r.count(ach, "numSubjects", aw)
                if n is not None:
                    started[r.text(ach, "groupId", aw)] = n
    ae_path = "resultsSection.adverseEventsModule"
    ae = r.obj(results.get("adverseEventsModule"), ae_path)
    ae_groups = tuple(
        Group(
            r.text(r.obj(g, f"{ae_path}.eventGroups[{i}]", required=True), "id", ae_path),
            r.text(g, "title", ae_path),
            r.text(g, "description", ae_path),
        )
        for i, g in enumerate(r.items(ae.get("eventGroups"), f"{ae_path}.eventGroups"))
    )
    design_info = r.obj(design.get("designInfo"), "protocolSection.designModule.designInfo")
    conditions = r.items(
        module("conditionsModule").get("conditions"),
        "protocolSection.conditionsModule.conditions",
    )
    misc = r.obj(
        r.obj(doc.get("derivedSection"), "derivedSection").get("miscInfoModule"),
        "derivedSection.miscInfoModule",
    )
    last = r.obj(status.get("lastUpdatePostDateStruct"), "protocolSection.statusModule")
    posted = r.obj(status.get("resultsFirstPostDateStruct"), "protocolSection.statusModule")
    return Record(
        format="API v2 JSON",
        nct=nct,
        brief_title=r.text(ident, "briefTitle", "protocolSection.identificationModule"),
        official_title=r.text(ident, "officialTitle", "protocolSection.identificationModule"),
        acronym=r.text(ident, "acronym", "protocolSection.identificationModule"),
        org_study_id=r.text(
            r.obj(ident.get("orgStudyIdInfo"), "protocolSection.identificationModule"),
            "id",
            "protocolSection.identificationModule.orgStudyIdInfo",
        ),
        phases=tuple(
            str(p) for p in r.items(design.get("phases"), "protocolSection.designModule.phases")
        ),
        allocation=r.text(design_info, "allocation", "protocolSection.designModule.designInfo"),
        conditions=tuple(str(c) for c in conditions),
        last_update=r.text(last, "date", "protocolSection.statusModule.lastUpdatePostDateStruct"),
        version=r.text(misc, "versionHolder", "derivedSection.miscInfoModule"),
        results_posted=r.text(
            posted, "date", "protocolSection.statusModule.resultsFirstPostDateStruct"
        ),
        arms=tuple(arms),
        flow_groups=_groups(r, flow, flow_path),
        flow_started=started,
        outcomes=_outcomes(r, results),
        event_groups=ae_groups,
        events=_events(r, ae, ae_path),
        event_time_frame=r.text(ae, "timeFrame", ae_path),
    )
