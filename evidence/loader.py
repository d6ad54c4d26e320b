"""Load an evidence file: safe YAML in, validated Evidence out, every problem explained.

The YAML is composed into a node tree (never constructed by PyYAML, so no tag can run code)
and turned into plain Python by our own walker, which keeps the line and column of every
value, refuses duplicate keys and foreign tags, and bounds alias expansion and depth.
"""

from __future__ import annotations

import difflib
import gc
import os
import re
import reprlib
import threading
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from evidence.codes import Code
from evidence.models import (
    KEYED_LISTS,
    LISTS,
    PATTERN_RULES,
    ConsistencyError,
    Evidence,
    Problem,
    consistency_problems,
    result_key,
)

_MB = 1024 * 1024  # sizes are shown in MB of 2**20 bytes, as Streamlit counts uploads
DEFAULT_MAX_BYTES = 50 * _MB
"""Files on disk larger than this are refused before parsing."""
MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000
MAX_PROBLEMS = 500  # more than this helps nobody; the count is still reported

try:
    from yaml import CSafeLoader as _ParserLoader  # libyaml: several times faster
except ImportError:  # PyYAML built without libyaml: the pure-Python parser gives the same nodes
    from yaml import SafeLoader as _ParserLoader  # type: ignore[assignment]


class _Loader(_ParserLoader):
    """The safe loader, remembering the tag of each plain scalar it has resolved.

    Resolving runs a few regular expressions in Python for every scalar, and most values
    repeat (ids, vocabulary words, field names): the memo takes a sixth off composing.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._plain_tags: dict[str, str] = {}

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        # Without path resolvers a plain scalar's tag depends on its text alone. (The stubs
        # leave resolve untyped, hence the ignores.)
        if kind is yaml.ScalarNode and implicit[0] and value is not None:
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                self._plain_tags[value] = tag
            return tag
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
_TRUE_FALSE = {"true": True, "false": False}
_CORE_SCALAR_TAGS = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)

# YAML 1.2 core-schema numbers. PyYAML resolves plain scalars by YAML 1.1 rules, under which
# `1:30` is 90 (base 60), `010` is 8 (octal) and `0b11` is 3: figures that silently change.
_INT_DEC = re.compile(r"[-+]?[0-9]+")
_INT_OCT = re.compile(r"0o[0-7]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_MAX_NUMBER_CHARS = 400
_LONG_TEXT = 1000  # characters; a long text repeated by alias weighs one node per this many

Path_ = tuple[str | int, ...]
_M = typing.TypeVar("_M", bound=BaseModel)


@dataclass(frozen=True)
class Where:
    """A place outside a YAML text, 1-based: a workbook cell is (row, column) of a sheet."""

    line: int | None
    column: int | None
    sheet: str = ""


def column_letters(column: int) -> str:
    """A spreadsheet column's letters: 1 -> A, 27 -> AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class LoadProblem:
    """One problem in an evidence file, as shown to the person who wrote it.

    For a YAML file ``line`` and ``column`` are the text's; for a workbook ``sheet`` is set and
    they are the cell's row and column (``cell`` then reads ``results!F12``).
    """

    location: str
    line: int | None
    column: int | None
    code: Code
    message: str
    value: str = ""
    sheet: str = ""

    @property
    def cell(self) -> str:
        """``sheet!F12`` for a workbook problem with a known cell, else ""."""
        if not self.sheet or not self.line:
            return self.sheet
        return f"{self.sheet}!{column_letters(self.column or 1)}{self.line}"

    def as_line(self, filename: str) -> str:
        """Render as ``FILE:LINE:COL: location: message`` (``FILE:sheet!F12: ...``)."""
        if self.sheet:
            where = f"{filename}:{self.cell}"
        else:
            where = f"{filename}:{self.line or 0}:{self.column or 0}"
        loc = f" {self.location}:" if self.location else ""
        return f"{where}:{loc} {self.message} [{self.code}]"


class EvidenceError(Exception):
    """An evidence file could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[LoadProblem], name: str = "evidence file") -> None:
        self.problems = problems
        self.name = name
        count = len(problems)
        super().__init__(f"{name}: {count} problem{'s' if count != 1 else ''}")


class _AbortError(Exception):
    """Stops the walk at a problem that makes the rest meaningless (alias bomb, depth)."""

    def __init__(self, problem: LoadProblem) -> None:
        self.problem = problem


def format_location(path: Path_) -> str:
    """Render a path as ``results[12].value``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# A bounded repr: an error's input can be the whole document (a missing top-level field), and
# a full repr of it costs time and memory in proportion to the file, or more through aliases.
_REPR = reprlib.Repr()  # keyword arguments need Python 3.12
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple = 3, 6, 6, 6
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 80


def _short(value: object, limit: int = 80) -> str:
    text = _REPR.repr(value) if not isinstance(value, str) else value[:limit]
    return text if len(text) <= limit else text[: limit - 1] + "…"


Position = yaml.Mark | Where
"""Where a value came from: a YAML mark (0-based) or a Where (1-based, e.g. a cell)."""


def _problem(
    code: Code, message: str, mark: Position | None = None, location: str = "", value: str = ""
) -> LoadProblem:
    if isinstance(mark, Where):
        return LoadProblem(location, mark.line, mark.column, code, message, value, mark.sheet)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return LoadProblem(location, line, column, code, message, value)


# --------------------------------------------------------------------------- bytes -> text


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192] or b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        raise EvidenceError(
            [
                LoadProblem(
                    "",
                    line,
                    None,
                    Code.BINARY_FILE,
                    "this is a binary file, not a YAML text file (it contains NUL bytes)",
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise EvidenceError(
            [
                LoadProblem(
                    "",
                    line,
                    column,
                    Code.NOT_UTF8,
                    f"the file is not UTF-8 text: byte {data[exc.start]:#04x} cannot be decoded "
                    "(save it as UTF-8)",
                )
            ]
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise EvidenceError(
            [
                LoadProblem(
                    "", 1, 1, Code.EMPTY_FILE, "the file is empty: there is no evidence in it"
                )
            ]
        )
    return text


_TAB_INDENT = re.compile(r"^( *)\t", re.MULTILINE)


def _tab_problems(text: str) -> list[LoadProblem]:
    if "\t" not in text:  # the usual case, and far quicker than the line-start regex
        return []
    problems = []
    for match in _TAB_INDENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        problems.append(
            LoadProblem(
                "",
                line,
                len(match.group(1)) + 1,
                Code.TAB_INDENTATION,
                "a tab is used for indentation; YAML needs spaces",
            )
        )
    return problems


# --------------------------------------------------------------------------- text -> nodes


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or "syntax error").strip()
        if "maximum nesting depth" in (exc.problem or "") + (exc.context or ""):
            raise EvidenceError(
                [_problem(Code.TOO_DEEP, f"the file nests deeper than {MAX_DEPTH} levels", mark)]
            ) from None
        context = f" ({exc.context.strip()})" if exc.context else ""
        started = exc.context_mark
        if (  # an unclosed '[' surfaces lines later: say where it began
            exc.context
            and exc.context.startswith("while")
            and started is not None
            and mark is not None
            and started.line < mark.line
        ):
            context = f" ({exc.context.strip()} that starts on line {started.line + 1})"
        raise EvidenceError(
            [_problem(Code.YAML_SYNTAX, f"YAML syntax error: {what}{context}", mark)]
        ) from None
    except yaml.YAMLError as exc:
        raise EvidenceError([LoadProblem("", None, None, Code.YAML_SYNTAX, str(exc))]) from None
    except RecursionError:
        raise EvidenceError(
            [
                LoadProblem(
                    "", None, None, Code.TOO_DEEP, f"the file nests deeper than {MAX_DEPTH} levels"
                )
            ]
        ) from None


class _Walker:
    """Turn composed nodes into Python values, recording where each value came from."""

    def __init__(self) -> None:
        self.positions: dict[Path_, yaml.Mark] = {}
        self.problems: list[LoadProblem] = []
        self._seen: set[int] = set()
        self._alias_nodes = 0

    def walk(self, node: yaml.Node, path: Path_, depth: int = 0, via_alias: bool = False) -> object:
        if depth > MAX_DEPTH:
            raise _AbortError(
                _problem(
                    Code.TOO_DEEP,
                    f"the file nests deeper than {MAX_DEPTH} levels",
                    node.start_mark,
                    format_location(path),
                )
            )
        if type(node) is yaml.ScalarNode and not via_alias and len(node.value) < _LONG_TEXT:
            # Most nodes: a short value. Repeating one by alias costs no more than writing it
            # out, so only long ones (below) need the bookkeeping.
            self.positions.setdefault(path, node.start_mark)
            return self._scalar(node, path)
        repeated = id(node) in self._seen  # a node met twice came through an alias
        if repeated and isinstance(node, yaml.CollectionNode):
            via_alias = True
        self._seen.add(id(node))
        if via_alias or repeated:
            # A text repeated by alias also weighs one node per 1000 characters: validation
            # copies it (whitespace stripping), so a long one amplifies like a list would.
            is_text = isinstance(node, yaml.ScalarNode)
            self._alias_nodes += 1 + len(node.value) // _LONG_TEXT if is_text else 1
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise _AbortError(
                    _problem(
                        Code.ALIAS_LIMIT,
                        f"anchors and aliases expand to more than {MAX_ALIAS_NODES} values "
                        "(an alias bomb?)",
                        node.start_mark,
                        format_location(path),
                    )
                )
        self.positions.setdefault(path, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth, via_alias)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "seq", path)
            return [
                self.walk(item, (*path, i), depth + 1, via_alias)
                for i, item in enumerate(node.value)
            ]
        return self._scalar(typing.cast(yaml.ScalarNode, node), path)

    def _check_tag(self, node: yaml.Node, expected: str, path: Path_) -> None:
        if node.tag != _TAG + expected:
            shown = "!!" + node.tag.removeprefix(_TAG) if node.tag.startswith(_TAG) else node.tag
            self.problems.append(
                _problem(
                    Code.UNSAFE_TAG,
                    f"the YAML tag '{shown}' is not allowed; use plain values",
                    node.start_mark,
                    format_location(path),
                    node.tag,
                )
            )

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int, via_alias: bool) -> object:
        self._check_tag(node, "map", path)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    _problem(
                        Code.BAD_KEY,
                        "a mapping key must be a plain word, not a list or mapping",
                        key_node.start_mark,
                        format_location(path),
                    )
                )
                continue
            key = str(key_node.value)
            if key == "<<":
                self.problems.append(
                    _problem(
                        Code.MERGE_KEY,
                        "merge keys ('<<') are not supported; write the fields out",
                        key_node.start_mark,
                        format_location(path),
                    )
                )
                continue
            if key_node.tag not in _CORE_SCALAR_TAGS:  # e.g. `!custom key:`; values are checked
                self._check_tag(key_node, "str", path)
            if key in out:
                first = self.positions.get((*path, key))
                where = f" (first on line {first.line + 1})" if first else ""
                self.problems.append(
                    _problem(
                        Code.DUPLICATE_KEY,
                        f"the key '{key}' appears twice in one mapping{where}",
                        key_node.start_mark,
                        format_location((*path, key)),
                        key,
                    )
                )
                continue
            key_path = (*path, key)
            self.positions[key_path] = key_node.start_mark
            if (  # the common case inline: a short value, met once (see walk)
                type(value_node) is yaml.ScalarNode
                and not via_alias
                and len(value_node.value) < _LONG_TEXT
                and depth < MAX_DEPTH
            ):
                out[key] = self._scalar(value_node, key_path)
            else:
                out[key] = self.walk(value_node, key_path, depth + 1, via_alias)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> object:
        if node.tag == _STR_TAG:  # most values: no conversion
            return node.value
        tag = node.tag.removeprefix(_TAG)
        raw = node.value
        if node.tag == tag:  # not a core tag at all, e.g. !!python/object or !custom
            self._check_tag(node, "str", path)
            return raw
        if tag in ("str", "timestamp"):
            return raw  # dates stay text; the model parses them (YAML 1.2 has no timestamps)
        if tag == "null":
            return None
        if tag == "bool":  # YAML 1.2: only true/false are booleans; yes/no/on/off are words
            return _TRUE_FALSE.get(raw.lower(), raw)
        if tag in ("int", "float"):
            return number_from_text(raw)
        self._check_tag(node, "str", path)
        return raw


def number_from_text(raw: str) -> object:
    """A YAML 1.2 core-schema number, or the text itself (the model then names the type).

    Also reads the numbers of a workbook's list cells (a ``ci`` of ``0.42; 0.72``).
    """
    if len(raw) > _MAX_NUMBER_CHARS:  # no figure is this long; int() and repr() would choke
        return raw
    try:
        if _INT_DEC.fullmatch(raw):
            return int(raw, 10)
        if _INT_OCT.fullmatch(raw):
            return int(raw[2:], 8)
        if _INT_HEX.fullmatch(raw):
            return int(raw[2:], 16)
    except ValueError:  # more digits than Python converts (4300): not a count anyway
        return raw
    if _FLOAT.fullmatch(raw):
        return float(raw)
    if _INF.fullmatch(raw):
        return float("-inf") if raw.startswith("-") else float("inf")
    if _NAN.fullmatch(raw):
        return float("nan")
    return raw  # `1:30`, `1_000`, `0b11`, or an explicit `!!int abc`


# --------------------------------------------------------------------------- validation


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
    shown = _short(value)
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
    return _problem(
        problem.code, problem.message, mark, format_location(problem.path), _short(problem.value)
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
        value = "" if error["type"] == "missing" else _short(error.get("input"))
        problems.append(
            _problem(code, message, _locate(positions, loc), format_location(loc), value)
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


# --------------------------------------------------------------------------- public entry


class _GcPaused:
    """Pause the cyclic garbage collector while a large, acyclic tree is built.

    CPython 3.11 runs a collection every few hundred allocations, and the full ones walk every
    live object. Measured again for this version (``benchmarks/bench_loader.py`` with and
    without ``--without-gc-pause``, 2 cores): a 4 MB file loads in 0.7 s paused and 2.6-2.9 s
    not, a 42 MB one in 11-15 s and 28-32 s. So the pause stays. Nodes, plain values and
    models hold no cycles, so reference counting still frees them. Loads run in threads (one
    per Streamlit session): a shared count re-enables the collector only when the last load
    ends.
    """

    _lock = threading.Lock()
    _active = 0
    _was_enabled = False

    def __enter__(self) -> None:
        with _GcPaused._lock:
            if _GcPaused._active == 0:
                _GcPaused._was_enabled = gc.isenabled()
                gc.disable()
            _GcPaused._active += 1

    def __exit__(self, *exc_info: object) -> None:
        with _GcPaused._lock:
            _GcPaused._active -= 1
            if _GcPaused._active == 0 and _GcPaused._was_enabled:
                gc.enable()


def parse_evidence(data: bytes, name: str = "evidence file") -> Evidence:
    """Validate the bytes of an evidence file.

    Raises
    ------
    EvidenceError
        With every problem found: location, line, column, code and message.
    """
    with _GcPaused():
        return _parse(data, name)


def _parse(data: bytes, name: str) -> Evidence:
    raw, positions, problems = read_yaml_document(data, name)
    return validate_document(raw, positions, name, problems=problems)


def read_yaml_document(
    data: bytes, name: str
) -> tuple[dict[str, Any], Mapping[Path_, Position], list[LoadProblem]]:
    """Safely read YAML bytes into plain values, where each came from, and the problems seen.

    Raises EvidenceError when there is no mapping to validate (syntax, bytes, limits).
    """
    try:
        text = _decode(data)
        tabs = _tab_problems(text)
        node = None if tabs else _compose(text)
    except EvidenceError as exc:
        exc.name = name  # the helpers do not know which file they read
        raise
    if tabs:
        raise EvidenceError(tabs, name)
    if node is None:
        raise EvidenceError([LoadProblem("", 1, 1, Code.EMPTY_FILE, "the file is empty")], name)
    walker = _Walker()
    try:
        raw = walker.walk(node, ())
    except _AbortError as abort:
        raise EvidenceError([abort.problem], name) from None
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else f"a single value ({_short(raw)})"
        raise EvidenceError(
            [
                _problem(
                    Code.NOT_A_MAPPING,
                    f"the file holds {kind}; it must be a mapping of fields (an evidence file "
                    "starts with 'format: 1')",
                    node.start_mark,
                )
            ],
            name,
        )
    del node, text  # a large file's node tree is most of the memory: free it before validating
    return raw, walker.positions, walker.problems


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


def problems_error(
    problems: Sequence[LoadProblem], name: str, *, sheets: Sequence[str] = ()
) -> EvidenceError:
    """The EvidenceError for ``problems``: sorted by place, at most MAX_PROBLEMS listed.

    Workbook problems sort by sheet in the order of ``sheets`` (others after them, by name),
    then by row and column.
    """
    rank = {sheet: i for i, sheet in enumerate(sheets)}
    found = sorted(
        problems,
        key=lambda p: (rank.get(p.sheet, len(rank)), p.sheet, p.line or 0, p.column or 0),
    )
    if len(found) > MAX_PROBLEMS:
        hidden = len(found) - MAX_PROBLEMS
        more = f"{hidden} more problem{'s' if hidden != 1 else ''} not listed; fix these first"
        found = [*found[:MAX_PROBLEMS], LoadProblem("", None, None, Code.TOO_MANY, more)]
    return EvidenceError(found, name)


def too_large_error(size: int, max_bytes: int, name: str) -> EvidenceError:
    """The error for a file of ``size`` bytes over the cap of ``max_bytes``."""
    message = f"the file is {size / _MB:.1f} MB; the limit is {max_bytes / _MB:.0f} MB"
    return EvidenceError([LoadProblem("", None, None, Code.TOO_LARGE, message)], name)


def read_evidence_file(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """The bytes of the file at ``path``; one larger than ``max_bytes`` is refused unread.

    Raises EvidenceError (file_not_found, not_a_file, unreadable, too_large).
    """
    file = Path(path)
    name = str(path)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise too_large_error(size, max_bytes, name)
        return file.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(
            [LoadProblem("", None, None, Code.FILE_NOT_FOUND, f"there is no file at {name}")], name
        ) from None
    except IsADirectoryError:
        raise EvidenceError(
            [LoadProblem("", None, None, Code.NOT_A_FILE, f"{name} is a folder, not a file")], name
        ) from None
    except PermissionError:
        raise EvidenceError(
            [LoadProblem("", None, None, Code.UNREADABLE, f"{name} cannot be read (permission)")],
            name,
        ) from None


def load_evidence(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Evidence:
    """Load and validate the evidence file at ``path``.

    A file larger than ``max_bytes`` is refused before it is read.
    """
    return parse_evidence(read_evidence_file(path, max_bytes=max_bytes), str(path))


def load_evidence_bytes(data: bytes, *, name: str, max_bytes: int) -> Evidence:
    """Validate evidence given as bytes (an upload), refusing anything over ``max_bytes``."""
    if len(data) > max_bytes:
        raise too_large_error(len(data), max_bytes, name)
    return parse_evidence(data, name)
