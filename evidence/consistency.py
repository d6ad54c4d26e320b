"""The rules of the format that span more than one field, one check per list.

References resolve, ids are unique, a comparison stays within one source, a percent agrees
with its counts, a ci holds its value. Evidence's validator runs them all
(``consistency_problems``) and reports every problem at once; the loader runs them again on
the items that are valid on their own, so that one pass reports everything.

The checks read the models but never build one: the models are imported for their types
only, because evidence/models.py imports this module (Evidence's validator runs the checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from evidence import vocabulary
from evidence.codes import Code
from evidence.problems import Problem

if TYPE_CHECKING:
    from evidence.models import Cohort, Evidence

# A percent result stated exactly with both events and n must match events/n this closely.
PERCENT_TOLERANCE = 1.0


KEYED_LISTS = ("results", "comparisons", "findings")
"""The lists whose items are keyed ``cohort/endpoint``: what a verdict's ``rests_on`` names."""


def result_key(cohort: str, endpoint: str) -> str:
    """The ``cohort/endpoint`` key that verdicts use in ``rests_on``."""
    return f"{cohort}/{endpoint}"


Path = tuple[str | int, ...]


class _Ids:
    """The ids each list defines, looked up by the checks below."""

    def __init__(self, ev: Evidence) -> None:
        self.settings = {s.id for s in ev.settings}
        self.regimens = {r.id for r in ev.regimens}
        self.endpoints = {e.id: e for e in ev.endpoints}
        self.sources = {s.id for s in ev.sources}
        self.cohorts = {c.id: c for c in ev.cohorts}
        # Every cohort/endpoint key a verdict may rest on.
        self.keys = {
            result_key(x.cohort, x.endpoint) for kind in KEYED_LISTS for x in getattr(ev, kind)
        }


def _ref(path: Path, value: str, known: Iterable[str], what: str) -> Iterator[Problem]:
    if value not in known:
        yield Problem(path, Code.UNKNOWN_REFERENCE, f"no {what} has id '{value}'", value)


def _check_ci(path: Path, value: float, ci: tuple[float, float]) -> Iterator[Problem]:
    low, high = ci
    if low > high:
        yield Problem(
            (*path, "ci"), Code.CI_ORDER, f"interval [{low}, {high}] is not ordered (low first)", ci
        )
    elif not low <= value <= high:
        yield Problem(
            (*path, "ci"),
            Code.CI_EXCLUDES_VALUE,
            f"interval [{low}, {high}] does not contain the value {value}",
            ci,
        )


def check_ids(ev: Evidence) -> Iterator[Problem]:
    """Each list's ids are unique."""
    for kind in ("settings", "regimens", "endpoints", "sources", "cohorts", "verdicts"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(ev, kind)):
            if item.id in seen:
                yield Problem(
                    (kind, i, "id"),
                    Code.DUPLICATE_ID,
                    f"id '{item.id}' is used twice in {kind}",
                    item.id,
                )
            seen.add(item.id)


def check_cohorts(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """A cohort's references resolve; a subgroup belongs to a cohort of its own source."""
    for i, c in enumerate(ev.cohorts):
        yield from _ref(("cohorts", i, "source"), c.source, ids.sources, "source")
        yield from _ref(("cohorts", i, "setting"), c.setting, ids.settings, "setting")
        yield from _ref(("cohorts", i, "regimen"), c.regimen, ids.regimens, "regimen")
        yield from _check_treated_alike(i, c, ids)
        yield from _check_contains(i, c, ids)
        if c.subgroup_of is None:
            continue
        path: Path = ("cohorts", i, "subgroup_of")
        parent = ids.cohorts.get(c.subgroup_of)
        if parent is None:
            yield from _ref(path, c.subgroup_of, ids.cohorts, "cohort")
        elif c.subgroup_of == c.id:
            yield Problem(path, Code.SELF_COMPARISON, "a cohort is a subgroup of itself", c.id)
        elif parent.source != c.source:
            yield Problem(
                path,
                Code.CROSS_SOURCE_COMPARISON,
                f"'{parent.id}' is from source '{parent.source}', not '{c.source}': "
                "a subgroup belongs to a cohort of its own source",
                c.subgroup_of,
            )


def _cohort_list(
    i: int, c: Cohort, field: str, ids: _Ids, *, same_source: bool, itself: str, elsewhere: str
) -> Iterator[Problem]:
    """A cohort's list of cohort ids: each resolves, is another cohort, of the right source.

    ``same_source``: they must be of the cohort's own source, else of another one;
    ``elsewhere`` says why the other kind is wrong.
    """
    for j, other_id in enumerate(getattr(c, field)):
        path: Path = ("cohorts", i, field, j)
        other = ids.cohorts.get(other_id)
        if other is None:
            yield from _ref(path, other_id, ids.cohorts, "cohort")
        elif other_id == c.id:
            yield Problem(path, Code.SELF_COMPARISON, f"a cohort {itself}", c.id)
        elif (other.source == c.source) != same_source:
            code = Code.CROSS_SOURCE_COMPARISON if same_source else Code.INVALID_VALUE
            yield Problem(path, code, f"'{other_id}' is from {elsewhere}", other_id)


def _check_treated_alike(i: int, c: Cohort, ids: _Ids) -> Iterator[Problem]:
    """Cohorts treated alike are other cohorts of the same source, with the phases named."""
    yield from _cohort_list(
        i,
        c,
        "treated_alike_with",
        ids,
        same_source=True,
        itself="is treated alike with itself",
        elsewhere="another source: only arms of one study can have been treated alike",
    )
    if bool(c.treated_alike_with) != bool(c.treated_alike_during):
        named, missing = (
            ("treated_alike_with", "treated_alike_during")
            if c.treated_alike_with
            else ("treated_alike_during", "treated_alike_with")
        )
        yield Problem(
            ("cohorts", i, missing),
            Code.MISSING_FIELD,
            f"{named} is given without {missing}: say which cohorts were treated alike "
            "and during which phases",
        )


def _check_contains(i: int, c: Cohort, ids: _Ids) -> Iterator[Problem]:
    """A cohort contains cohorts of other sources (its own source's parts are subgroups)."""
    yield from _cohort_list(
        i,
        c,
        "contains",
        ids,
        same_source=False,
        itself="contains itself",
        elsewhere=f"the same source '{c.source}': a part of a cohort of the same source is "
        "written as that part's subgroup_of",
    )
    for j, other_id in enumerate(c.contains):
        if other_id != c.id and c.id in contained_by(ids.cohorts, other_id):
            yield Problem(
                ("cohorts", i, "contains", j),
                Code.INVALID_VALUE,
                f"'{other_id}' already contains '{c.id}': two cohorts cannot each contain "
                "the other",
                other_id,
            )


def contained_by(cohorts: Mapping[str, Cohort], cohort_id: str) -> set[str]:
    """Every cohort ``cohort_id`` contains, at any depth (through ``contains``)."""
    found: set[str] = set()
    todo = list(cohorts[cohort_id].contains) if cohort_id in cohorts else []
    while todo:
        other = todo.pop()
        if other in found or other not in cohorts:
            continue
        found.add(other)
        todo.extend(cohorts[other].contains)
    return found


def check_results(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """References resolve, one result per key, percents in range and agreeing with counts."""
    seen: set[str] = set()
    for i, r in enumerate(ev.results):
        path: Path = ("results", i)
        yield from _ref((*path, "cohort"), r.cohort, ids.cohorts, "cohort")
        yield from _ref((*path, "endpoint"), r.endpoint, ids.endpoints, "endpoint")
        key = result_key(r.cohort, r.endpoint)
        if key in seen:
            yield Problem(
                path, Code.DUPLICATE_RESULT, f"a second result for cohort/endpoint '{key}'", key
            )
        seen.add(key)
        endpoint = ids.endpoints.get(r.endpoint)
        percent = endpoint is not None and endpoint.unit == "percent"
        if percent and not 0 <= r.value <= 100:
            yield Problem(
                (*path, "value"),
                Code.PERCENT_OUT_OF_RANGE,
                f"{r.value} is not a percentage between 0 and 100",
                r.value,
            )
        n = r.n_of(ids.cohorts.get(r.cohort))
        if r.events is not None and n is not None and r.events > n:
            yield Problem(
                (*path, "events"),
                Code.EVENTS_EXCEED_N,
                f"events {r.events} is more than n {n}",
                r.events,
            )
        elif (
            r.events is not None
            and n
            and percent
            and 0 <= r.value <= 100
            and r.qualifier == "exact"
            and abs(100 * r.events / n - r.value) > PERCENT_TOLERANCE
        ):
            yield Problem(
                (*path, "value"),
                Code.VALUE_DISAGREES_WITH_EVENTS,
                f"{r.value}% does not match {r.events} of {n} ({100 * r.events / n:.1f}%)",
                r.value,
            )
        if r.ci is not None:
            yield from _check_ci(path, r.value, r.ci)


def check_comparisons(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """Two different cohorts of one source; a ratio is positive; the ci holds the value."""
    for i, cmp in enumerate(ev.comparisons):
        path: Path = ("comparisons", i)
        yield from _ref((*path, "cohort"), cmp.cohort, ids.cohorts, "cohort")
        yield from _ref((*path, "versus"), cmp.versus, ids.cohorts, "cohort")
        yield from _ref((*path, "endpoint"), cmp.endpoint, ids.endpoints, "endpoint")
        a, b = ids.cohorts.get(cmp.cohort), ids.cohorts.get(cmp.versus)
        if cmp.cohort == cmp.versus:
            yield Problem(
                (*path, "versus"),
                Code.SELF_COMPARISON,
                "a cohort is compared with itself",
                cmp.versus,
            )
        elif a is not None and b is not None and a.source != b.source:
            yield Problem(
                (*path, "versus"),
                Code.CROSS_SOURCE_COMPARISON,
                f"'{b.id}' is from source '{b.source}', not '{a.source}': "
                "comparisons must be within one source",
                cmp.versus,
            )
        if vocabulary.MEASURE.has_flag(cmp.measure, "ratio") and cmp.value <= 0:
            yield Problem(
                (*path, "value"),
                Code.RATIO_NOT_POSITIVE,
                f"a ratio must be > 0, not {cmp.value}",
                cmp.value,
            )
        if cmp.ci is not None:
            yield from _check_ci(path, cmp.value, cmp.ci)


def check_findings(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """A finding names a defined cohort, endpoint and (optionally) comparator cohort."""
    for i, f in enumerate(ev.findings):
        path: Path = ("findings", i)
        yield from _ref((*path, "cohort"), f.cohort, ids.cohorts, "cohort")
        yield from _ref((*path, "endpoint"), f.endpoint, ids.endpoints, "endpoint")
        if f.versus is not None:
            yield from _ref((*path, "versus"), f.versus, ids.cohorts, "cohort")


def check_verdicts(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """A verdict names a defined setting and regimens and rests on figures in the file."""
    for i, v in enumerate(ev.verdicts):
        path: Path = ("verdicts", i)
        yield from _ref((*path, "setting"), v.setting, ids.settings, "setting")
        for j, reg in enumerate(v.regimens):
            yield from _ref((*path, "regimens", j), reg, ids.regimens, "regimen")
        for j, key in enumerate(v.rests_on):
            if not re.fullmatch(r"[^/\s]+/[^/\s]+", key):
                yield Problem(
                    (*path, "rests_on", j),
                    Code.BAD_RESTS_ON,
                    f"'{key}' is not of the form cohort/endpoint",
                    key,
                )
            elif key not in ids.keys:
                yield Problem(
                    (*path, "rests_on", j),
                    Code.UNKNOWN_REFERENCE,
                    f"no result, comparison or finding for '{key}'",
                    key,
                )


def check_appraisals(ev: Evidence, ids: _Ids) -> Iterator[Problem]:
    """An appraisal names its source's comparison, a known endpoint, and a fitting rating."""
    seen: set[tuple[object, ...]] = set()
    for i, a in enumerate(ev.appraisals):
        path: Path = ("appraisals", i)
        yield from _ref((*path, "source"), a.source, ids.sources, "source")
        if a.endpoint is not None:
            yield from _ref((*path, "endpoint"), a.endpoint, ids.endpoints, "endpoint")
        if (a.cohort is None) != (a.versus is None):
            missing = "versus" if a.versus is None else "cohort"
            yield Problem(
                (*path, missing),
                Code.MISSING_FIELD,
                "an appraisal of one comparison names both its cohort and its versus",
            )
        for field in ("cohort", "versus"):
            cohort_id = getattr(a, field)
            if cohort_id is None:
                continue
            cohort = ids.cohorts.get(cohort_id)
            if cohort is None:
                yield from _ref((*path, field), cohort_id, ids.cohorts, "cohort")
            elif cohort.source != a.source:
                yield Problem(
                    (*path, field),
                    Code.CROSS_SOURCE_COMPARISON,
                    f"'{cohort_id}' is from source '{cohort.source}', not '{a.source}'",
                    cohort_id,
                )
        up = vocabulary.RATING.has_flag(a.rating, "up")
        if up != (a.domain == "rate_up") and a.rating != "not_serious":
            yield Problem(
                (*path, "rating"),
                Code.INVALID_VALUE,
                f"'{a.rating}' does not fit the domain '{a.domain}': only rate_up takes "
                "rate_up_one or rate_up_two, and rate_up takes no 'serious'",
                a.rating,
            )
        key = (a.source, a.cohort, a.versus, a.endpoint, a.domain)
        if key in seen:
            yield Problem(
                (*path, "domain"),
                Code.DUPLICATE_RESULT,
                f"a second judgement of '{a.domain}' for the same comparison and outcome",
                a.domain,
            )
        seen.add(key)


def consistency_problems(ev: Evidence) -> Iterator[Problem]:
    """Yield every rule of the format that spans more than one field, list by list."""
    ids = _Ids(ev)
    yield from check_ids(ev)
    for check in (
        check_cohorts,
        check_results,
        check_comparisons,
        check_findings,
        check_verdicts,
        check_appraisals,
    ):
        yield from check(ev, ids)
