"""Read a classic ClinicalTrials.gov results record (XML) into a neutral Record.

The XML is refused unread when it declares a DOCTYPE or entities (no entity expansion, no
external fetch: the standard library's parser is then safe). Problems name the element by
its path, 1-based as in XPath: ``clinical_results/outcome_list/outcome[4]/measure``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

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

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT = "clinical_study"


def parse_xml(data: bytes, name: str) -> ET.Element:
    """The root element; EvidenceError for a DOCTYPE, an entity or broken XML."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise record_error(
            name, Code.NOT_UTF8, "", f"the record is not UTF-8 text (byte {exc.start})"
        ) from None
    found = _DECLARATION.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise EvidenceError(
            [
                LoadProblem(
                    "",
                    line,
                    None,
                    Code.UNSAFE_XML,
                    f"the XML declares a {found.group(1).upper()} (line {line}); registry "
                    "records have none, and entities are never expanded: refused unread",
                )
            ],
            name,
        )
    # The declaration names an encoding; the text is already decoded, so drop it.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        cut = "no element found" in str(exc) or "unclosed token" in str(exc)
        why = "it ends early (truncated?)" if cut else str(exc).split(":")[0]
        raise EvidenceError(
            [
                LoadProblem(
                    "",
                    line,
                    column + 1,
                    Code.RECORD_SYNTAX,
                    f"not valid XML: {why} at line {line}, column {column + 1}",
                )
            ],
            name,
        ) from None


def _text(element: ET.Element | None, tag: str = "") -> str:
    if element is None:
        return ""
    found = element.find(tag) if tag else element
    return (found.text or "").strip() if found is not None else ""


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def count(self, element: ET.Element, attribute: str, where: str) -> int | None:
        value = element.get(attribute)
        if value is None or value.strip() == "":
            return None
        if not value.strip().isdigit():
            raise record_error(
                self.name,
                Code.WRONG_TYPE,
                f"{where}/@{attribute}",
                f"expected a whole number of participants, got '{value[:40]}'",
                value[:80],
            )
        return int(value.strip())

    def groups(self, parent: ET.Element, where: str) -> tuple[Group, ...]:
        out = []
        for i, g in enumerate(parent.findall("group_list/group"), start=1):
            gid = g.get("group_id", "")
            if not gid:
                raise record_error(
                    self.name, Code.MISSING_FIELD, f"{where}/group_list/group[{i}]", "no group_id"
                )
            out.append(Group(gid, _text(g, "title"), _text(g, "description")))
        return tuple(out)

    def denoms(self, parent: ET.Element, where: str) -> dict[str, int]:
        for analyzed in parent.findall("analyzed_list/analyzed"):
            if _text(analyzed, "units").lower() not in ("participants", ""):
                continue
            out = {}
            for i, c in enumerate(analyzed.findall("count_list/count"), start=1):
                n = self.count(c, "value", f"{where}/analyzed_list/analyzed/count_list/count[{i}]")
                if n is not None:
                    out[c.get("group_id", "")] = n
            return out
        return {}

    def outcome(self, number: int, o: ET.Element, where: str) -> Outcome:
        m = o.find("measure")
        classes = []
        if m is not None:
            for i, c in enumerate(m.findall("class_list/class"), start=1):
                cw = f"{where}/measure/class_list/class[{i}]"
                categories = []
                for cat in c.findall("category_list/category"):
                    values = {
                        meas.get("group_id", ""): Measurement(
                            meas.get("value", "").strip(),
                            (meas.text or "").strip(),
                            meas.get("lower_limit", "").strip(),
                            meas.get("upper_limit", "").strip(),
                        )
                        for meas in cat.findall("measurement_list/measurement")
                    }
                    categories.append(Category(_text(cat, "title"), values))
                classes.append(
                    MeasureClass(_text(c, "title"), self.denoms(c, cw), tuple(categories), cw)
                )
        analyses = []
        for i, a in enumerate(o.findall("analysis_list/analysis"), start=1):
            words = [_text(a, t) for t in ("method_desc", "p_value_desc", "estimate_desc")]
            comments = [
                _text(a, t) for t in ("ci_lower_limit_na_comment", "ci_upper_limit_na_comment")
            ]
            analyses.append(
                Analysis(
                    group_ids=tuple(_text(g) for g in a.findall("group_id_list/group_id")),
                    param_type=_text(a, "param_type"),
                    value=_text(a, "param_value"),
                    ci_percent=_text(a, "ci_percent"),
                    ci_sides=_text(a, "ci_n_sides"),
                    lower=_text(a, "ci_lower_limit"),
                    upper=_text(a, "ci_upper_limit"),
                    ci_comment=" ".join(c for c in comments if c),
                    p=_text(a, "p_value"),
                    method=_text(a, "method"),
                    text=" ".join(w for w in words if w),
                    class_title=_text(a, "groups_desc"),
                    where=f"{where}/analysis_list/analysis[{i}]",
                )
            )
        posting = _text(o, "posting_date")
        return Outcome(
            number=number,
            kind=_text(o, "type"),
            title=_text(o, "title"),
            description=_text(o, "description"),
            population=_text(o, "population"),
            time_frame=_text(o, "time_frame"),
            param=_text(m, "param").upper().replace(" ", "_"),
            unit=_text(m, "units"),
            groups=self.groups(o, where),
            denoms=self.denoms(m, f"{where}/measure") if m is not None else {},
            classes=tuple(classes),
            analyses=tuple(analyses),
            where=where,
            missing_reason=f"results expected {posting}" if m is None and posting else "",
        )

    def events(self, reported: ET.Element, where: str) -> tuple[Event, ...]:
        out = []
        for kind in ("serious", "other"):
            cats = reported.findall(f"{kind}_events/category_list/category")
            for i, cat in enumerate(cats, start=1):
                organ = _text(cat, "title")
                for j, e in enumerate(cat.findall("event_list/event"), start=1):
                    ew = f"{where}/{kind}_events/category_list/category[{i}]/event_list/event[{j}]"
                    counts = {}
                    for k, c in enumerate(e.findall("counts"), start=1):
                        affected = self.count(c, "subjects_affected", f"{ew}/counts[{k}]")
                        at_risk = self.count(c, "subjects_at_risk", f"{ew}/counts[{k}]")
                        if affected is not None and at_risk is not None:
                            counts[c.get("group_id", "")] = EventCount(affected, at_risk)
                    total = organ.lower() == "total"
                    term = "Total" if total else _text(e, "sub_title")
                    out.append(Event(kind, term, "" if total else organ, counts, ew, total))
        return tuple(out)


def read_xml_record(data: bytes, name: str) -> Record:
    """The record in a classic results XML; EvidenceError naming the element otherwise."""
    root = parse_xml(data, name)
    if root.tag != _ROOT:
        raise record_error(
            name,
            Code.NOT_A_RECORD,
            root.tag,
            f"this XML is not a ClinicalTrials.gov study record (its root is <{root.tag}>, "
            f"not <{_ROOT}>)",
        )
    results = root.find("clinical_results")
    if results is None:
        raise record_error(
            name,
            Code.NO_RESULTS,
            f"{_ROOT}/clinical_results",
            "the record has no clinical_results: the study has no posted results to import",
        )
    nct = _text(root, "id_info/nct_id")
    if not nct:
        raise record_error(
            name, Code.MISSING_FIELD, f"{_ROOT}/id_info/nct_id", "the record has no NCT id"
        )
    r = _Reader(name)
    interventions: dict[str, list[str]] = {}
    for iv in root.findall("intervention"):
        for label in iv.findall("arm_group_label"):
            interventions.setdefault(_text(label), []).append(_text(iv, "intervention_name"))
    arms = tuple(
        Arm(
            _text(a, "arm_group_label"),
            _text(a, "arm_group_type"),
            _text(a, "description"),
            tuple(interventions.get(_text(a, "arm_group_label"), ())),
        )
        for a in root.findall("arm_group")
    )
    flow = results.find("participant_flow")
    flow_where = f"{_ROOT}/clinical_results/participant_flow"
    started: dict[str, int] = {}
    if flow is not None:
        period = flow.find("period_list/period")
        for ms in period.findall("milestone_list/milestone") if period is not None else []:
            if _text(ms, "title").upper() != "STARTED":
                continue
            for i, p in enumerate(ms.findall("participants_list/participants"), start=1):
                n = r.count(p, "count", f"{flow_where}/period_list/period[1]/participants[{i}]")
                if n is not None:
                    started[p.get("group_id", "")] = n
    outcomes_where = f"{_ROOT}/clinical_results/outcome_list"
    outcomes = tuple(
        r.outcome(i, o, f"{outcomes_where}/outcome[{i}]")
        for i, o in enumerate(results.findall("outcome_list/outcome"), start=1)
    )
    reported = results.find("reported_events")
    events_where = f"{_ROOT}/clinical_results/reported_events"
    download = _text(root, "required_header/download_date")
    return Record(
        format="classic XML",
        nct=nct,
        brief_title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        acronym=_text(root, "acronym"),
        org_study_id=_text(root, "id_info/org_study_id"),
        phases=tuple(p.strip() for p in _text(root, "phase").split("/") if p.strip()),
        allocation=_text(root, "study_design_info/allocation").upper().replace("-", "_"),
        conditions=tuple(_text(c) for c in root.findall("condition")),
        last_update=_text(root, "last_update_posted"),
        version=download.removeprefix("ClinicalTrials.gov processed this data on ").strip(),
        results_posted=_text(root, "results_first_posted"),
        arms=arms,
        flow_groups=r.groups(flow, flow_where) if flow is not None else (),
        flow_started=started,
        outcomes=outcomes,
        event_groups=r.groups(reported, events_where) if reported is not None else (),
        events=r.events(reported, events_where) if reported is not None else (),
        event_time_frame=_text(reported, "time_frame"),
    )
