"""Write Evidence as a readable YAML evidence file that loads back to an equal model.

Keys come in the format's order (the models' field order); absent values and unstated
defaults are left out; free text is double-quoted, ids and vocabulary words are plain (unless
YAML would read them as something else); dates are ``YYYY-MM-DD``; a float keeps its shortest
exact form (``61.0``, ``0.42``); lists of values are written inline (``[a, b]``). Comments of
the file the model came from are not kept: a model has none.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import yaml
from pydantic import BaseModel

from evidence.fields import FieldSpec, field_spec, written
from evidence.models import Evidence
from evidence.yaml_reader import number_from_text

HEADER = (
    "# Evidence file, format 1 (docs/evidence-format.md).\n"
    "# Check it after any edit: python -m evidence validate FILE\n"
)

_PLAIN = re.compile(r"[a-z0-9][a-z0-9_/-]*")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
# Characters a YAML double-quoted scalar cannot hold as they are: the non-printable ones and
# the line breaks YAML 1.1 folds (NEL, LS, PS). json.dumps already escapes those below 0x20.
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_INDENT = "  "
WIDTH = 100
"""Long quoted text is folded onto lines of about this many characters."""


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON escapes are YAML escapes too)."""
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _fold(line: str, indent: str) -> list[str]:
    """Fold a ``key: "long text"`` or ``key: [a, b]`` line at single spaces.

    YAML reads a fold inside quoted text as a space, and one between list items as nothing.

    A fold needs a non-space on both sides (YAML trims the whitespace around a line break)
    and no backslash before it (an escape at a line end means something else).
    """
    lines: list[str] = []
    while len(line) > WIDTH:
        cut = max(
            (
                i
                for i in range(len(indent) + 8, WIDTH)
                if line[i] == " " and line[i - 1] not in " \\:" and line[i + 1] != " "
            ),
            default=None,
        )
        if cut is None:
            break
        lines.append(line[:cut])
        line = indent + line[cut + 1 :]
    return [*lines, line]


def _plain_ok(text: str) -> bool:
    """Whether ``text`` reads back as this very text when written without quotes.

    Checked both ways YAML can read it: by YAML 1.1 rules (PyYAML's resolver: ``yes``,
    ``1_000``, ``2020-01-01`` and ``1:30`` are not text there) and by this project's YAML 1.2
    numbers (``0o14``).
    """
    return (
        _PLAIN.fullmatch(text) is not None
        # The stubs leave resolve untyped.
        and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG  # type: ignore[no-untyped-call]
        and number_from_text(text) == text
    )


def number(value: float) -> str:
    """A float's shortest exact text that YAML 1.1 also reads as a float (``1.0e+16``)."""
    text = repr(float(value))
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text


def scalar(value: object, spec: FieldSpec | None = None) -> str:
    """One value as YAML: plain for ids and words (when safe), quoted for free text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if spec is not None and spec.plain and _plain_ok(text):
        return text
    return quoted(text)


def _value(model: type[BaseModel], name: str, value: object) -> str:
    spec = field_spec(model, name)
    if isinstance(value, tuple):
        return "[" + ", ".join(scalar(v, spec) for v in value) + "]"
    return scalar(value, spec)


def _mapping_lines(owner: BaseModel, name: str, value: object, indent: str) -> list[str]:
    """The lines of one field of ``owner`` (a value, a mapping or a list of items)."""
    if isinstance(value, BaseModel):
        return [f"{indent}{name}:", *_mapping(value, indent + _INDENT)]
    if value == ():  # a list stated empty (``sources: []``)
        return [f"{indent}{name}: []"]
    if isinstance(value, tuple) and isinstance(value[0], BaseModel):
        lines = [f"{indent}{name}:"]
        for element in value:
            lines.extend(_mapping(element, indent + _INDENT * 2, indent + _INDENT + "- "))
        return lines
    line = f"{indent}{name}: {_value(type(owner), name, value)}"
    if (isinstance(value, str) and line.endswith('"')) or isinstance(value, tuple):
        return _fold(line, indent + _INDENT)
    return [line]


def _mapping(item: BaseModel, indent: str, first: str | None = None) -> list[str]:
    """The lines of one item's fields; the first line starts with ``first`` (``  - ``)."""
    lines: list[str] = []
    for name, value in written(item):
        field_lines = _mapping_lines(item, name, value, indent)
        if first is not None and not lines:
            field_lines[0] = first + field_lines[0][len(indent) :]
        lines.extend(field_lines)
    return lines


def dump_yaml(evidence: Evidence) -> str:
    """The evidence as the text of a YAML evidence file (format 1).

    ``parse_evidence(dump_yaml(ev).encode())`` equals ``ev`` for any valid ``ev``. Each list
    and mapping of the file starts after a blank line.
    """
    out: list[str] = [HEADER.rstrip("\n")]
    for name, value in written(evidence):
        if isinstance(value, BaseModel) or (
            isinstance(value, tuple) and value and isinstance(value[0], BaseModel)
        ):
            out.append("")  # a blank line before each mapping and list of items
        out.extend(_mapping_lines(evidence, name, value, ""))
    return "\n".join(out) + "\n"
