"""The evidence format as flat fields, derived from the models, for writers and readers.

The YAML writer and the workbook (its sheets, columns, drop-downs and "read me") all take the
format from here, and this module takes it from the pydantic models (field order is the
format's order, ``Field(description=...)`` the column's description) and from the closed
vocabularies in evidence/vocabulary.py. Nothing lists a field by hand: a new optional field or
vocabulary word reaches the workbook and the YAML writer without a change here. The one
declared table is REFERENCES, which the models do not say: which field names the ids of
which list.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from evidence import models
from evidence.consistency import KEYED_LISTS
from evidence.vocabulary import Vocabulary

Kind = Literal["text", "number", "integer", "date", "boolean"]
"""What one value of a field is (a list field holds several of them)."""

KIND_WORDS: dict[str, str] = {
    "text": "text",
    "number": "a number",
    "integer": "a whole number",
    "date": "a date (YYYY-MM-DD)",
    "boolean": "TRUE or FALSE",
}
"""One value of each kind, in a cell's words: the read-me and a refused cell's message."""

REFERENCES: dict[str, str] = {
    "source": "sources",
    "setting": "settings",
    "regimen": "regimens",
    "regimens": "regimens",
    "cohort": "cohorts",
    "versus": "cohorts",
    "endpoint": "endpoints",
    "subgroup_of": "cohorts",
    "treated_alike_with": "cohorts",
    "contains": "cohorts",
}
"""Fields that hold the ids of another list's items, by field name (in any list)."""

KEY_FIELDS = frozenset({"rests_on"})
"""Fields that hold ``cohort/endpoint`` keys of the KEYED_LISTS' items."""
KEYED_WORDS = ", ".join(KEYED_LISTS[:-1]) + " or " + KEYED_LISTS[-1]
"""The keyed lists in words: ``results, comparisons or findings``."""

_LONG_TEXT_LIMIT = 1000  # a max_length at or above this is the general cap, not worth saying


@dataclass(frozen=True)
class FieldSpec:
    """One field of the format, as a column (or, on the file's own sheet, a row)."""

    name: str
    """The field name; nested fields are dotted (``editorial.citation``)."""
    path: tuple[str, ...]
    kind: Kind
    required: bool
    """Required (for a nested field: whenever its mapping is given)."""
    description: str
    """The model's ``Field(description=...)``, else a short text made from the name."""
    many: bool = False
    """Several values: a YAML list, one cell in a workbook (``a; b``)."""
    size: int | None = None
    """Exactly this many values (a ``ci`` has two), or None."""
    default: object = None
    vocabulary: Vocabulary | None = None
    refers_to: str | None = None
    """The list whose ids the field holds (``cohorts``), or None."""
    keys: bool = False
    """The field holds ``cohort/endpoint`` keys (``rests_on``)."""
    pattern: str | None = None
    rules: tuple[str, ...] = ()
    """Limits in words: ``at most 40 characters``, ``from 0 to 120``, ``at least 1``."""
    choices: tuple[object, ...] = ()
    """The only values a Literal field allows (``format``: 1)."""
    described: bool = False
    """Whether ``description`` is the model's own."""

    @property
    def plain(self) -> bool:
        """Written without quotes in YAML: ids, references, keys and vocabulary words."""
        return (
            self.pattern == models.ID_RULE.pattern
            or self.vocabulary is not None
            or self.refers_to is not None
            or self.keys
        )

    @property
    def type_words(self) -> str:
        """What a cell holds, for the "read me": ``a number``, ``two numbers: low; high``."""
        if self.choices:
            one = " or ".join(str(c) for c in self.choices)
        elif self.vocabulary is not None:
            one = "a word from the list"
        elif self.pattern is not None:
            rule = models.PATTERN_RULES.get(self.pattern)
            one = rule.words if rule else f"text matching {self.pattern}"
        else:
            one = KIND_WORDS[self.kind]
        if not self.many:
            return one
        if self.size == 2 and self.kind == "number":
            return "two numbers: low; high"
        count = f"{self.size} values" if self.size else "a list"
        return f"{count}, separated by ';' (each {one})"


@dataclass(frozen=True)
class ListSpec:
    """One list of the format (a workbook sheet): its item model and fields, in order."""

    name: str
    model: type[BaseModel]
    fields: tuple[FieldSpec, ...]
    min_items: int
    description: str

    @property
    def id_field(self) -> FieldSpec | None:
        """The ``id`` field other lists refer to, if the items have one."""
        return next((f for f in self.fields if f.name == "id"), None)


@dataclass
class _Shape:
    base: object = None
    many: bool = False
    size: int | None = None
    metadata: list[object] = field(default_factory=list)
    """Constraints on each value (inside the tuple, for a list)."""
    outer: list[object] = field(default_factory=list)
    """Constraints on the list itself (outside the tuple)."""
    own: list[object] = field(default_factory=list)
    """The field's own constraints (``Field(gt=0)``): they win over its type's."""


def _shape(annotation: object, shape: _Shape) -> _Shape:
    """Unwrap Optional, Annotated and tuple down to the base type, gathering metadata."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        (shape.metadata if shape.many else shape.outer).extend(args[1:])
        return _shape(args[0], shape)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            raise TypeError(f"unsupported union in the evidence models: {annotation}")
        return _shape(rest[0], shape)
    if origin is tuple:
        shape.many = True
        if not (len(args) == 2 and args[1] is Ellipsis):
            shape.size = len(args)
        return _shape(args[0], shape)
    shape.base = annotation
    if shape.many:
        shape.outer.extend(shape.own)
    else:  # a single value: what constrains the field constrains the value
        shape.metadata = [*shape.outer, *shape.metadata, *shape.own]
        shape.outer = []
    shape.own = []
    return shape


def _flat_metadata(metadata: list[object]) -> Iterator[object]:
    for item in metadata:
        if isinstance(item, FieldInfo):
            yield from _flat_metadata(list(item.metadata))
        else:
            yield item


def _kind(base: object) -> tuple[Kind | None, tuple[object, ...]]:
    if typing.get_origin(base) is Literal:
        choices = typing.get_args(base)
        return ("integer" if all(isinstance(c, int) for c in choices) else "text"), choices
    kinds: dict[object, Kind] = {
        str: "text",
        int: "integer",
        float: "number",
        dt.date: "date",
        bool: "boolean",
    }
    return kinds.get(base), ()


def _rules(metadata: list[object], outer: list[object], kind: Kind) -> tuple[str, ...]:
    rules = [f"at least {m.min_length}" for m in outer if isinstance(m, annotated_types.MinLen)]
    low: tuple[str, object] | None = None
    high: tuple[str, object] | None = None
    max_length: int | None = None
    for item in metadata:
        if isinstance(item, annotated_types.MaxLen):
            max_length = min(max_length or item.max_length, item.max_length)
        elif isinstance(item, annotated_types.Ge):
            low = ("at least", item.ge)
        elif isinstance(item, annotated_types.Gt):
            low = ("more than", item.gt)
        elif isinstance(item, annotated_types.Le):
            high = ("at most", item.le)
        elif isinstance(item, annotated_types.Lt):
            high = ("less than", item.lt)
    if low and high and low[0] == "at least" and high[0] == "at most":
        rules.append(f"from {low[1]} to {high[1]}")
    else:
        rules.extend(f"{words} {bound}" for words, bound in (b for b in (low, high) if b))
    if kind == "text" and max_length is not None and max_length < _LONG_TEXT_LIMIT:
        rules.append(f"at most {max_length} characters")
    return tuple(rules)


def _describe(name: str, info: FieldInfo, spec_vocabulary: Vocabulary | None) -> str:
    if info.description:
        return info.description
    if name == "id":
        return "Unique id of this row; other sheets name the row by it"
    if name in REFERENCES:
        return f"The id of a row of the {REFERENCES[name]} sheet"
    if name in KEY_FIELDS:
        return f"cohort/endpoint keys of {KEYED_WORDS}"
    if spec_vocabulary is not None:
        return spec_vocabulary.title
    return name.replace("_", " ").capitalize()


def _spec(name: str, info: FieldInfo, prefix: tuple[str, ...] = ()) -> FieldSpec:
    shape = _shape(info.annotation, _Shape(own=list(info.metadata)))
    metadata = list(_flat_metadata(shape.metadata))
    outer = list(_flat_metadata(shape.outer))
    kind, choices = _kind(shape.base)
    if kind is None:
        raise TypeError(f"unsupported field type in the evidence models: {name}: {shape.base}")
    vocabulary = next((m for m in [*metadata, *outer] if isinstance(m, Vocabulary)), None)
    pattern = next((p for m in metadata if isinstance(p := getattr(m, "pattern", None), str)), None)
    default = None if info.is_required() else info.default
    return FieldSpec(
        name=".".join((*prefix, name)),
        path=(*prefix, name),
        kind=kind,
        many=shape.many,
        size=shape.size,
        required=info.is_required(),
        default=default,
        vocabulary=vocabulary,
        refers_to=REFERENCES.get(name),
        keys=name in KEY_FIELDS,
        pattern=pattern,
        rules=_rules(metadata, outer, kind),
        description=_describe(name, info, vocabulary),
        choices=choices,
        described=bool(info.description),
    )


def _model_of(info: FieldInfo) -> tuple[type[BaseModel] | None, _Shape]:
    shape = _shape(info.annotation, _Shape(own=list(info.metadata)))
    base = shape.base
    if isinstance(base, type) and issubclass(base, BaseModel):
        return base, shape
    return None, shape


@functools.cache
def file_fields() -> tuple[FieldSpec, ...]:
    """The file's own fields (``format``, ``title``, ..., ``editorial.citation``), in order.

    A nested mapping (``editorial``) is flattened into dotted fields.
    """
    specs: list[FieldSpec] = []
    for name, info in models.Evidence.model_fields.items():
        model, shape = _model_of(info)
        if model is None:
            specs.append(_spec(name, info))
        elif not shape.many:
            specs.extend(_spec(inner, i, (name,)) for inner, i in model.model_fields.items())
    return tuple(specs)


@functools.cache
def list_specs() -> tuple[ListSpec, ...]:
    """The lists of the format (settings, regimens, ...), in file order."""
    specs: list[ListSpec] = []
    for name, info in models.Evidence.model_fields.items():
        model, shape = _model_of(info)
        if model is None or not shape.many:
            continue
        outer = _flat_metadata(shape.outer)
        min_items = max(
            (m.min_length for m in outer if isinstance(m, annotated_types.MinLen)), default=0
        )
        fields = tuple(_spec(n, i) for n, i in model.model_fields.items())
        doc = (model.__doc__ or name).strip().splitlines()[0]
        specs.append(ListSpec(name, model, fields, min_items, doc))
    return tuple(specs)


@functools.cache
def field_spec(model: type[BaseModel], name: str) -> FieldSpec:
    """The spec of one scalar or list-of-scalars field of ``model``."""
    return _spec(name, model.model_fields[name])


def written(item: BaseModel) -> Iterator[tuple[str, object]]:
    """The fields of ``item`` a writer writes, in the format's order, with their values.

    An absent value (None) is left out, and so is a default the file did not state (a
    ``qualifier`` of ``exact`` appears only where the file wrote it). Loading what is
    written gives an equal model either way.
    """
    stated = item.model_fields_set
    for name, info in type(item).model_fields.items():
        value = getattr(item, name)
        if value is None:
            continue
        if not info.is_required() and value == info.default and name not in stated:
            continue
        yield name, value
