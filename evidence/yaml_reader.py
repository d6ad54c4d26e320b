"""Read YAML safely: bytes in, plain Python values out, with where each value came from.

The YAML is composed into a node tree (never constructed by PyYAML, so no tag can run code)
and turned into plain Python by our own walker, which keeps the line and column of every
value, refuses duplicate keys and foreign tags, and bounds alias expansion and depth.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from typing import Any

import yaml

from evidence.codes import Code
from evidence.problems import (
    EvidenceError,
    LoadProblem,
    Path_,
    Position,
    format_location,
    problem_at,
    short_value,
)

MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000

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


class _AbortError(Exception):
    """Stops the walk at a problem that makes the rest meaningless (alias bomb, depth)."""

    def __init__(self, problem: LoadProblem) -> None:
        self.problem = problem


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
                [problem_at(Code.TOO_DEEP, f"the file nests deeper than {MAX_DEPTH} levels", mark)]
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
            [problem_at(Code.YAML_SYNTAX, f"YAML syntax error: {what}{context}", mark)]
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
                problem_at(
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
                    problem_at(
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
                problem_at(
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
                    problem_at(
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
                    problem_at(
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
                    problem_at(
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
        kind = "a list" if isinstance(raw, list) else f"a single value ({short_value(raw)})"
        raise EvidenceError(
            [
                problem_at(
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
