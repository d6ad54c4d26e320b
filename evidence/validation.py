"""Validate a plain document against the models, and explain every problem in plain words.

The document comes from any reader (YAML, a workbook, a registry record) with where each of its
values came from; each pydantic error becomes a problem with a stable code, a location and a
message, and cross-references are checked among the items that are valid on their own.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from evidence.codes import Code
from evidence.consistency import KEYED_LISTS, consistency_problems, result_key
from evidence.models import LISTS, PATTERN_RULES, Evidence
from evidence.problems import (
    ConsistencyError,
    LoadProblem,
    Path_,
    Position,
    Problem,
    format_location,
    problem_at,
    problems_error,
    short_value,
)

_M = typing.TypeVar("_M", bound=BaseModel)


def _model_at(path: Path_, root: type[BaseModel] = Evidence) -> type[BaseModel] | None:
    """The pydantic model whose fields live at ``path`` (for spelling suggestions)."""
    model = root
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        found = None
        for candidate in _flatten(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found = candidate
        if found is None:
            return None
        model = found
    return model


def _flatten(annotation: object) -> Iterator[object]:
    yield annotation
    for arg in typing.get_args(annotation):
        if arg is not Ellipsis:
            yield from _flatten(arg)


_TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "string": "text",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
    "tuple": "a list",
    "model": "a mapping of fields",
    "dict": "a mapping of fields",
    "list": "a list",
}


def unknown_name_message(what: str, name: str, allowed: Sequence[str]) -> str:
    """``unknown field 'lable'; did you mean 'label'?`` (or the allowed names, if none is close)."""
    close = difflib.get_close_matches(name, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
    return f"unknown {what} '{name}'{hint}"


QUOTE_HINT = " (put it in quotes)"
"""Ends the message for a number or a boolean where text belongs in YAML (a workbook passes its
own ``text_hint``)."""


def _type_word(error_type: str) -> str:
    base = error_type.removesuffix("_type").removesuffix("_parsing").removesuffix("_from_datetime")
    return _TYPE_WORDS.get(base, base.replace("_", " "))


def _translate(
    error: ErrorDetails, root: type[BaseModel] = Evidence, text_hint: str = QUOTE_HINT
) -> tuple[Code, str]:
    """A stable code and a plain message for one pydantic error.

    ``text_hint`` ends the message for a number or a boolean where text belongs: how to make
    the value text in the medium at hand.
    """
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    field = loc[-1] if loc else ""
    shown = short_value(value)
    if kind == "missing":
        if len(loc) > 1 and loc[-2] == "ci":  # a tuple item missing: the ci is too short
            return Code.WRONG_LENGTH, "a ci needs exactly two numbers: [low, high]"
        return Code.MISSING_FIELD, f"the required field '{field}' is missing"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1], root)
        return Code.UNKNOWN_FIELD, unknown_name_message(
            "field", str(field), sorted(model.model_fields) if model else []
        )
    if kind == "literal_error":
        expected = (error.get("ctx") or {}).get("expected", "")
        if loc == ("format",):
            return (
                Code.UNSUPPORTED_FORMAT,
                f"format {shown} is not supported; this dashboard reads format 1",
            )
        return Code.NOT_ALLOWED, f"'{shown}' is not allowed for {field}; use one of {expected}"
    if kind == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        rule = PATTERN_RULES.get(pattern)
        if rule is not None:
            return rule.code, rule.explain(shown)
        return Code.INVALID_VALUE, f"'{shown}' does not match the pattern {pattern}"
    if kind.endswith(("_type", "_parsing")) or kind in ("finite_number", "model_attributes_type"):
        want = _type_word(kind)
        if kind == "finite_number":
            want = "a finite number"
        hint = text_hint if kind == "string_type" and value is not None else ""
        return Code.WRONG_TYPE, f"expected {want}, got {shown!r}{hint}"
    if kind in ("too_short", "too_long"):
        if field == "ci" or (len(loc) > 1 and loc[-2] == "ci"):
            return Code.WRONG_LENGTH, "a ci needs exactly two numbers: [low, high]"
        if kind == "too_short":
            return Code.WRONG_LENGTH, f"'{field}' needs at least one item"
        return Code.WRONG_LENGTH, f"'{field}' is too long"
    if kind.startswith(("greater_than", "less_than")):
        return Code.OUT_OF_RANGE, f"{shown} is out of range: {error['msg'].lower()}"
    if kind.startswith("string_"):
        return Code.BAD_TEXT, f"{field}: {error['msg'].lower()}"
    return Code.INVALID_VALUE, f"{field}: {error['msg']}"


def _locate(positions: Mapping[Path_, Position], path: Path_) -> Position | None:
    for cut in range(len(path), -1, -1):
        mark = positions.get(path[:cut])
        if mark is not None:
            return mark
    return None


def _from_problem(problem: Problem, positions: Mapping[Path_, Position]) -> LoadProblem:
    mark = _locate(positions, problem.path)
    return problem_at(
        problem.code,
        problem.message,
        mark,
        format_location(problem.path),
        short_value(problem.value),
    )


def _only_because_items_failed(error: ErrorDetails) -> bool:
    """A list too short only because some of its items are invalid (they are reported)."""
    given = error.get("input")
    needed = (error.get("ctx") or {}).get("min_length", 0)
    return error["type"] == "too_short" and isinstance(given, list) and len(given) >= needed


def _validation_problems(
    exc: ValidationError,
    positions: Mapping[Path_, Position],
    root: type[BaseModel] = Evidence,
    text_hint: str = QUOTE_HINT,
) -> list[LoadProblem]:
    problems: list[LoadProblem] = []
    seen: set[tuple[Path_, str]] = set()
    for error in exc.errors():
        ctx_error = (error.get("ctx") or {}).get("error")
        if isinstance(ctx_error, ConsistencyError):
            problems.extend(_from_problem(p, positions) for p in ctx_error.problems)
            continue
        loc: Path_ = tuple(error["loc"])
        if _only_because_items_failed(error):
            continue
        code, message = _translate(error, root, text_hint)
        if code == Code.WRONG_LENGTH and len(loc) > 1 and isinstance(loc[-1], int):
            loc = loc[:-1]  # `ci: []` misses two numbers: one problem, at the ci itself
        if (loc, code) in seen:
            continue
        seen.add((loc, code))
        value = "" if error["type"] == "missing" else short_value(error.get("input"))
        problems.append(
            problem_at(code, message, _locate(positions, loc), format_location(loc), value)
        )
    return problems


def _partial_consistency(
    raw: dict[str, Any], positions: Mapping[Path_, Position]
) -> Iterator[LoadProblem]:
    """Cross-reference problems among the items that are valid on their own.

    Lets one pass report a typo'd reference next to a missing field. A reference to an item
    that exists but is itself invalid (an id, or a ``rests_on`` key) is not reported twice.
    """
    valid: dict[str, list[BaseModel]] = {}
    index: dict[str, list[int]] = {}
    raw_ids: set[str] = set()  # ids, and cohort/endpoint keys, of valid and invalid items
    for kind in LISTS:
        items = raw.get(kind)
        valid[kind], index[kind] = [], []
        if not isinstance(items, list):
            continue
        item_model = _model_at((kind,))
        if item_model is None:
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                raw_ids.add(item["id"])
            if isinstance(item, dict) and kind in KEYED_LISTS:
                raw_ids.add(result_key(str(item.get("cohort")), str(item.get("endpoint"))))
            try:
                valid[kind].append(item_model.model_validate(item))
            except ValidationError:
                continue
            index[kind].append(i)
    fields: dict[str, Any] = {kind: tuple(valid[kind]) for kind in LISTS}
    partial = Evidence.model_construct(**fields)
    for problem in consistency_problems(partial):
        if problem.code == Code.UNKNOWN_REFERENCE and problem.value in raw_ids:
            continue
        list_name, position, *rest = problem.path
        original = index[str(list_name)][int(position)]
        yield _from_problem(
            Problem((list_name, original, *rest), problem.code, problem.message, problem.value),
            positions,
        )


def validate_document(
    raw: dict[str, Any],
    positions: Mapping[Path_, Position],
    name: str,
    *,
    problems: Sequence[LoadProblem] = (),
    model: type[_M] = Evidence,  # type: ignore[assignment]
) -> _M:
    """Validate a document already read into plain values (from YAML or a workbook).

    ``positions`` maps a path such as ``("results", 12, "value")`` to where that value came
    from; ``problems`` are those the reader found already. ``model`` is the root model
    (Evidence, or another document such as a change log). Raises EvidenceError with all of
    them and every validation problem, sorted by place.
    """
    document, found = document_problems(raw, positions, model=model)
    if problems or found or document is None:
        raise problems_error([*problems, *found], name)
    return document


def document_problems(
    raw: dict[str, Any],
    positions: Mapping[Path_, Position],
    *,
    model: type[_M] = Evidence,  # type: ignore[assignment]
    text_hint: str = QUOTE_HINT,
) -> tuple[_M | None, list[LoadProblem]]:
    """Validate a plain document: the model, or None and every problem (unsorted).

    ``text_hint``: see _translate (a workbook's is about formatting the cell as text).
    """
    found: list[LoadProblem] = []
    try:
        return model.model_validate(raw), found
    except ValidationError as exc:
        found.extend(_validation_problems(exc, positions, model, text_hint))
        structural = not any(
            isinstance((e.get("ctx") or {}).get("error"), ConsistencyError) for e in exc.errors()
        )
        if structural and model is Evidence:  # cross-references: check what is valid
            found.extend(_partial_consistency(raw, positions))
    return None, found
