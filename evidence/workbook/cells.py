"""Read one cell for the model: its value as YAML would give it, or why it is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from evidence import fields
from evidence.codes import Code
from evidence.fields import FieldSpec
from evidence.workbook.layout import split_items
from evidence.yaml_reader import number_from_text


class SheetCell(Protocol):
    """What reading needs of a cell: its value and its data type (openpyxl's cells have both)."""

    value: Any
    data_type: str


ABSENT = object()
"""convert_cell's value for a cell that gives the model no value (an absent field)."""


def is_empty(cell: SheetCell | None) -> bool:
    """No value in the cell; a formula or an error value is never empty."""
    if cell is None:
        return True
    if cell.data_type in ("f", "e"):
        return False
    value = cell.value
    return value is None or (isinstance(value, str) and not value.strip())


def _formula_text(value: object) -> str:
    text = getattr(value, "text", None) or (value if isinstance(value, str) else "a data table")
    text = str(text)
    return text if len(text) <= 40 else text[:39] + "…"


def _when(value: dt.date | dt.time | dt.timedelta) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value.isoformat()


def convert_cell(cell: SheetCell, spec: FieldSpec) -> tuple[object, tuple[Code, str] | None]:
    """A cell's value for the model, or ``ABSENT``; and a (code, message) if it is refused.

    The value is given to the model as it is wherever YAML would give the same value, so the
    model's message is the YAML one: only what YAML cannot hold (formulas, error values,
    dates in a column that is not a date) is refused here.
    """
    kind, value = cell.data_type, cell.value
    if kind == "f":
        return ABSENT, (
            Code.FORMULA_CELL,
            f"the cell holds a formula ({_formula_text(value)}); formulas are never "
            "evaluated: type the value itself",
        )
    if kind == "e":
        return ABSENT, (
            Code.ERROR_CELL,
            f"the cell holds the spreadsheet error {value}, not a value",
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        return ABSENT, None
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        if spec.kind == "date" and not spec.many and isinstance(value, dt.date):
            return _when(value), None
        want = fields.KIND_WORDS[spec.kind] if not spec.many else "a list"
        return ABSENT, (
            Code.WRONG_TYPE,
            f"expected {want}, got the date or time {_when(value)}: the spreadsheet turned "
            "what was typed into a date (format the cell as text and type it again)",
        )
    whole = isinstance(value, int) and not isinstance(value, bool)
    if spec.many:
        if isinstance(value, str):
            texts = split_items(value)
            if spec.kind in ("number", "integer"):
                return ([number_from_text(t) for t in texts] or ABSENT), None
            return (texts or ABSENT), None
        return [str(value) if whole and spec.kind == "text" else value], None
    if spec.kind == "text" and whole:
        return str(value), None  # a PubMed id typed as a number: its digits
    return value, None
