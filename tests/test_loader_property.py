"""Property tests: whatever the file holds, the loader returns Evidence or raises EvidenceError.

Mutations start from valid_minimal.yaml, either on its parsed data (delete a key, swap in a
value of another type, duplicate a list item, insert a key, write hostile text, swap ids) or on
the YAML bytes (truncate, insert random bytes). No other exception may escape, and every
problem must carry a code and a message a person can read.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from conftest import MINIMAL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.loader import EvidenceError, parse_evidence
from evidence.models import Evidence


def _base() -> dict[str, Any]:
    data = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    data["updated"] = str(data["updated"])  # PyYAML makes a date; keep the file's text
    return data


BASE = _base()

# Deterministic in CI: the same examples every run, no example database on disk.
FAST = settings(
    max_examples=200,
    deadline=None,  # a busy CI machine must not turn a slow example into a failure
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),  # any unicode, control characters included
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "So"]), max_size=20
    ),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "javascript:alert(1)",
            "${jndi:ldap://x}",
            "'; DROP TABLE results; --",
            "\u202eevil\u202c",
            "a\x00b",
            "line\nbreak",
            "<<",
            "~",
            "no",
            "1:30",
            "0x1F",
            "..",
            "a/b/c",
            "x" * 6000,
        ]
    ),
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    HOSTILE_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(HOSTILE_TEXT, inner, max_size=3)
    ),
    max_leaves=8,
)


# Plain YAML written into the text itself: safe_dump would quote these, the file may not.
RAW_TOKENS = st.one_of(
    st.sampled_from(
        [
            "!!int abc",
            "!!float abc",
            "!!python/object/apply:os.system ['true']",
            "!!binary aGVsbG8=",
            "!!set {a, b}",
            "!custom x",
            "&anchor 1",
            "*missing_alias",
            "<<: {a: 1}",
            "1:30",
            "010",
            "0b101",
            "0x" + "f" * 5000,
            "1" * 5000,
            "1e999",
            ".nan",
            "-.inf",
            "yes",
            "2026-02-30",
            "[1, [2, [3]]]",
            "{a: 1, a: 2}",
            "? [complex, key]\n  : value",
            "|\n  block\n\ttab",
            "'unclosed",
            '"\\xZZ"',
        ]
    ),
    st.text(alphabet="[]{}:,-&*!|>'\"#%@`? \tab01.~<", max_size=30),
)


def _paths(node: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into the data, containers and leaves alike (the root is ``()``)."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _mutate(data: dict[str, Any], draw: st.DrawFn) -> None:
    """Apply one random structural mutation in place."""
    paths = _paths(data)
    kind = draw(
        st.sampled_from(["delete", "replace", "duplicate", "insert", "text", "swap_ids"]),
        label="mutation",
    )
    if kind == "delete":
        keyed = [p for p in paths if p and isinstance(_get(data, p[:-1]), dict)]
        path = draw(st.sampled_from(keyed))
        del _get(data, path[:-1])[path[-1]]
    elif kind == "replace":
        path = draw(st.sampled_from([p for p in paths if p]))
        old = _get(data, path)
        new = draw(VALUES.filter(lambda v: type(v) is not type(old)), label="new value")
        _get(data, path[:-1])[path[-1]] = new
    elif kind == "duplicate":
        lists = [p for p in paths if isinstance(_get(data, p), list) and _get(data, p)]
        path = draw(st.sampled_from(lists))
        items = _get(data, path)
        items.insert(draw(st.integers(0, len(items))), copy.deepcopy(draw(st.sampled_from(items))))
    elif kind == "insert":
        mappings = [p for p in paths if isinstance(_get(data, p), dict)]
        target = _get(data, draw(st.sampled_from(mappings)))
        target[draw(st.one_of(HOSTILE_TEXT, st.integers()), label="key")] = draw(VALUES)
    elif kind == "text":
        strings = [p for p in paths if p and isinstance(_get(data, p), str)]
        path = draw(st.sampled_from(strings))
        _get(data, path[:-1])[path[-1]] = draw(HOSTILE_TEXT, label="text")
    else:  # swap the ids of two items, possibly of different lists
        with_id = [p for p in paths if isinstance(_get(data, p), dict) and "id" in _get(data, p)]
        first, second = draw(st.lists(st.sampled_from(with_id), min_size=2, max_size=2))
        a, b = _get(data, first), _get(data, second)
        a["id"], b["id"] = b["id"], a["id"]


def _outcome(data: bytes) -> Evidence | EvidenceError:
    """Load; any exception other than EvidenceError escapes and fails the property."""
    try:
        return parse_evidence(data, name="fuzz.yaml")
    except EvidenceError as exc:
        return exc


def _check(data: bytes) -> None:
    """The property: Evidence, or EvidenceError whose problems all explain themselves."""
    outcome = _outcome(data)
    if isinstance(outcome, Evidence):
        return
    assert outcome.problems, "an EvidenceError must list at least one problem"
    for problem in outcome.problems:
        assert isinstance(problem.code, str)
        assert problem.code.strip(), problem
        assert isinstance(problem.message, str)
        assert problem.message.strip(), problem
        assert problem.line is None or problem.line >= 1, problem
        assert problem.column is None or problem.column >= 1, problem
        assert len(problem.value) <= 80, problem  # offending values are shown shortened


def test_parse_evidence_base_of_the_mutations_is_valid() -> None:
    # Without this the properties below could pass on a base that never loads.
    dumped = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False).encode()
    assert parse_evidence(dumped) == parse_evidence(MINIMAL.read_bytes())


@pytest.mark.slow  # property-based: many generated examples
@FAST
@given(st.data())
def test_parse_evidence_mutated_data_returns_evidence_or_evidence_error(
    data: st.DataObject,
) -> None:
    mutated = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        _mutate(mutated, data.draw)
    unicode = data.draw(st.booleans(), label="allow_unicode")
    _check(yaml.safe_dump(mutated, allow_unicode=unicode, sort_keys=False).encode("utf-8"))


@pytest.mark.slow  # property-based: many generated examples
@FAST
@given(st.data())
def test_parse_evidence_raw_yaml_values_return_evidence_or_evidence_error(
    data: st.DataObject,
) -> None:
    lines = MINIMAL.read_text(encoding="utf-8").splitlines()
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        valued = [i for i, line in enumerate(lines) if ": " in line]
        i = data.draw(st.sampled_from(valued), label="line")
        key = lines[i].split(": ", 1)[0]
        lines[i] = f"{key}: {data.draw(RAW_TOKENS, label='token')}"
    _check("\n".join(lines).encode("utf-8"))


@pytest.mark.slow  # property-based: many generated examples
@FAST
@given(st.data())
def test_parse_evidence_damaged_bytes_return_evidence_or_evidence_error(
    data: st.DataObject,
) -> None:
    text = MINIMAL.read_bytes()
    damage = data.draw(st.sampled_from(["truncate", "insert", "both"]), label="damage")
    if damage in ("truncate", "both"):
        text = text[: data.draw(st.integers(0, len(text)), label="cut")]
    if damage in ("insert", "both"):
        at = data.draw(st.integers(0, len(text)), label="at")
        text = text[:at] + data.draw(st.binary(min_size=1, max_size=16), label="bytes") + text[at:]
    _check(text)


@pytest.mark.slow  # property-based: many generated examples
@FAST
@given(st.binary(max_size=300))
def test_parse_evidence_arbitrary_bytes_return_evidence_or_evidence_error(data: bytes) -> None:
    _check(data)


@pytest.mark.slow  # property-based: many generated examples
@FAST
@given(st.text(alphabet="[]{}:,-&*!|>'\"#%@`? \n\tab01.~<", max_size=120))
def test_parse_evidence_yaml_punctuation_soup_returns_evidence_or_evidence_error(
    text: str,
) -> None:
    _check(b"format: 1\n" + text.encode())
