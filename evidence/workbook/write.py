"""Write Evidence as an .xlsx workbook: the sheets, their drop-downs and notes, the read-me."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from evidence import fields
from evidence.codes import Code
from evidence.fields import FieldSpec, ListSpec
from evidence.loader import load_evidence
from evidence.models import Evidence
from evidence.problems import EvidenceError, LoadProblem, column_letters, format_location
from evidence.workbook.layout import (
    ENTRY_ROWS,
    FILE_HEADERS,
    FILE_SHEET,
    README_SHEET,
    SEPARATOR,
    join_items,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "template.yaml"


_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _storable_problems(evidence: Evidence) -> Iterator[LoadProblem]:
    """Text that an xlsx cell cannot hold (XML 1.0 has no place for most control characters)."""

    def walk(value: object, path: tuple[str | int, ...]) -> Iterator[LoadProblem]:
        if isinstance(value, str):
            bad = _XML_CHAR.search(value)
            if bad:
                yield LoadProblem(
                    format_location(path),
                    None,
                    None,
                    Code.NOT_STORABLE,
                    f"the text holds the character U+{ord(bad.group()):04X}, which a workbook "
                    "cannot store",
                )
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                yield from walk(item, (*path, i))
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(getattr(value, name), (*path, name))

    yield from walk(evidence, ())


def _cell_values(item: object, specs: Sequence[FieldSpec]) -> list[object]:
    """The values of one row, None where the writer leaves the cell empty."""
    stated: dict[tuple[str, ...], object] = {}

    def gather(model: object, prefix: tuple[str, ...]) -> None:
        if not isinstance(model, BaseModel):
            return
        for name, value in fields.written(model):
            if isinstance(value, BaseModel):
                gather(value, (*prefix, name))
            else:
                stated[(*prefix, name)] = value

    gather(item, ())
    return [stated.get(spec.path) for spec in specs]


def _exact_number(cell: Cell | MergedCell, value: int | float) -> None:
    """Store a number with every digit: openpyxl writes ``%.16g``, which rounds some floats."""
    cell.value = value
    shown = f"{value:.16g}"
    if isinstance(value, float) and float(shown) != value:
        cell._value = repr(value)  # type: ignore[union-attr]  # still a number cell
    elif isinstance(value, int) and shown != str(value):
        cell._value = str(value)  # type: ignore[union-attr]


def _put(cell: Cell | MergedCell, value: object, spec: FieldSpec) -> None:
    """Write one value into a cell: text as text, numbers as numbers, dates as dates."""
    if value is None:
        return
    if spec.many and isinstance(value, tuple):
        value = join_items(value)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula or an error code, whatever the text says
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | float):
        _exact_number(cell, value)
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:  # pragma: no cover - fields.py refuses field types it does not know
        raise TypeError(f"cannot write {value!r} to a cell")


def _is_text_column(spec: FieldSpec) -> bool:
    return spec.kind == "text" or spec.many


def _header_note(spec: FieldSpec) -> str:
    """What a column (or a field row) holds, for its header comment: one fact a line."""
    lines = [spec.description] if spec.described else []
    lines.append(f"{_required_words(spec).capitalize()}: {spec.type_words}.")
    if spec.rules:
        lines.append("Limits: " + ", ".join(spec.rules) + ".")
    allowed = _allowed(spec)
    if allowed and not spec.choices:
        lines.append(allowed[0].upper() + allowed[1:] + ".")
    return "\n".join(lines)


def _drop_down(spec: FieldSpec, column: str) -> DataValidation | None:
    """A list validation for a vocabulary or reference column, or None."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if spec.vocabulary is not None:
        words = ",".join(spec.vocabulary)
        if len(words) > 253:  # Excel's limit for a list typed into the rule
            return None
        rule = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
        rule.errorStyle = "stop"
        rule.error = "Use one of: " + ", ".join(spec.vocabulary)
        rule.prompt = "Pick a word from the list"
    elif spec.refers_to in _id_columns():
        rule = DataValidation(type="list", formula1=ids_name(spec.refers_to), allow_blank=True)
        rule.errorStyle = "warning"
        rule.error = f"This is not an id of the {spec.refers_to} sheet (yet)."
        rule.prompt = f"An id from the {spec.refers_to} sheet"
    else:
        return None
    if spec.many:  # several values in one cell: the list helps, but cannot check them
        rule.showErrorMessage = False
        rule.prompt = f"Pick one, or type several separated by '{SEPARATOR}'"
    else:
        rule.showErrorMessage = True
        rule.errorTitle = f"Not allowed in {spec.name}"
    rule.showInputMessage = True
    rule.promptTitle = spec.name[:32]
    rule.add(f"{column}2:{column}{ENTRY_ROWS}")
    return rule


def ids_name(sheet: str) -> str:
    """The workbook-level name of a sheet's id column (``cohorts_ids``), for drop-downs.

    A named range works in every spreadsheet program, where a rule pointing into another
    sheet needs Excel 2010 or later.
    """
    return f"{sheet}_ids"


def _name_id_columns(book: Workbook) -> None:
    from openpyxl.utils import quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName

    for sheet, letter in _id_columns().items():
        where = f"{quote_sheetname(sheet)}!${letter}$2:${letter}${ENTRY_ROWS}"
        book.defined_names[ids_name(sheet)] = DefinedName(ids_name(sheet), attr_text=where)


@functools.cache
def _id_columns() -> dict[str, str]:
    """The column letter of the ``id`` field of each list that has one."""
    return {
        kind.name: column_letters(kind.fields.index(kind.id_field) + 1)
        for kind in fields.list_specs()
        if kind.id_field is not None
    }


def _style_header(ws: Worksheet, count: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for column in range(1, count + 1):
        cell = ws.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="top")
    ws.freeze_panes = "A2"


def _width(values: Sequence[object], header: str) -> float:
    longest = max([len(header) + 4, *(len(str(v)) for v in values[:500] if v is not None)])
    return float(min(max(longest + 2, 8), 60))


def _write_list_sheet(ws: Worksheet, kind: ListSpec, items: Sequence[object]) -> None:
    from openpyxl.comments import Comment

    specs = kind.fields
    ws.append([spec.name for spec in specs])
    rows = [_cell_values(item, specs) for item in items]
    for r, values in enumerate(rows, start=2):
        for c, (value, spec) in enumerate(zip(values, specs, strict=True), start=1):
            if value is not None:
                cell = ws.cell(row=r, column=c)
                _put(cell, value, spec)
                if _is_text_column(spec):
                    cell.number_format = "@"
    _style_header(ws, len(specs))
    for c, spec in enumerate(specs, start=1):
        letter = column_letters(c)
        dimension = ws.column_dimensions[letter]
        dimension.width = _width([row[c - 1] for row in rows], spec.name)
        if _is_text_column(spec):
            dimension.number_format = "@"  # cells typed in later stay text (ids, PubMed ids)
        note = Comment(_header_note(spec), "evidence")
        note.width, note.height = 300, 160
        ws.cell(row=1, column=c).comment = note
        rule = _drop_down(spec, letter)
        if rule is not None:
            ws.add_data_validation(rule)


def _write_file_sheet(ws: Worksheet, evidence: Evidence) -> None:
    specs = fields.file_fields()
    ws.append(list(FILE_HEADERS))
    values = _cell_values(evidence, specs)
    for r, (spec, value) in enumerate(zip(specs, values, strict=True), start=2):
        ws.cell(row=r, column=1, value=spec.name)
        cell = ws.cell(row=r, column=2)
        _put(cell, value, spec)
        if _is_text_column(spec):
            cell.number_format = "@"
        about = ws.cell(row=r, column=3, value=_header_note(spec).replace("\n", " "))
        about.data_type = "s"
        rule = _drop_down(spec, "B")
        if rule is not None:
            rule.sqref = f"B{r}"
            ws.add_data_validation(rule)
    _style_header(ws, len(FILE_HEADERS))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 80


def _readme_rows() -> Iterator[list[str]]:
    needed = [kind.name for kind in fields.list_specs() if kind.min_items]
    names = ", ".join(
        dict.fromkeys(
            spec.name for kind in fields.list_specs() for spec in kind.fields if spec.many
        )
    )
    yield ["How to fill in this workbook"]
    yield [
        f"The '{FILE_SHEET}' sheet holds the file's own fields, one per row (column B). Every "
        "other sheet is one list of the evidence format (docs/evidence-format.md): row 1 names "
        "the fields, each row below it is one item."
    ]
    yield [
        "To add an item, fill in the row below the last one. Leave a cell empty when a value "
        "is not reported: an empty cell is an absent field. Empty rows are skipped. Columns "
        "may be moved, but keep their names; a sheet you do not need may stay empty."
    ]
    yield [f"The sheets {', '.join(needed)} need at least one row each."]
    yield [
        f"Lists in one cell ({names}): separate the values with '{SEPARATOR}', for example "
        f"'lenalidomide{SEPARATOR} dexamethasone', or a ci of '55.0{SEPARATOR} 67.0'. A value "
        f"that itself holds '{SEPARATOR}' or '\"' goes in double quotes, with '\"' written "
        'twice, as in CSV: "a; b"; c.'
    ]
    yield [
        "Ids, references and PubMed ids are text: keep those columns formatted as Text. "
        "Numbers are numbers. A date is a date cell or text YYYY-MM-DD."
    ]
    yield [
        "Drop-downs offer the allowed words and the ids of the other sheets. The check on "
        "upload is the real one: it refuses anything the format does not allow, whatever the "
        "spreadsheet let through, and names the sheet, row and column."
    ]
    yield [
        "Formulas are never evaluated: a cell with a formula is refused. Type the values, or "
        "paste values only."
    ]
    yield [
        "Check it: upload the workbook in the dashboard, or run python -m evidence validate "
        "FILE.xlsx. Turn it into YAML: python -m evidence convert FILE.xlsx FILE.yaml."
    ]
    yield []
    yield ["sheet", "column", "required", "type", "allowed words or reference", "description"]
    for sheet, specs in [
        (FILE_SHEET, fields.file_fields()),
        *((kind.name, kind.fields) for kind in fields.list_specs()),
    ]:
        for spec in specs:
            yield [
                sheet,
                spec.name,
                _required_words(spec),
                spec.type_words,
                _allowed(spec),
                spec.description + (f" ({'; '.join(spec.rules)})" if spec.rules else ""),
            ]


def _required_words(spec: FieldSpec) -> str:
    if spec.required:
        return f"required with any {spec.path[0]}.* field" if len(spec.path) > 1 else "required"
    if spec.default not in (None, ()):
        return f"optional (default: {spec.default})"
    return "optional"


def _allowed(spec: FieldSpec) -> str:
    if spec.vocabulary is not None:
        return "one of: " + ", ".join(spec.vocabulary)
    if spec.refers_to:
        return f"an id from the {spec.refers_to} sheet"
    if spec.keys:
        return f"cohort/endpoint of a row of {fields.KEYED_WORDS}"
    if spec.choices:
        return ", ".join(str(c) for c in spec.choices)
    return ""


def _write_readme(ws: Worksheet) -> None:
    from openpyxl.styles import Alignment, Font

    table = False
    for r, row in enumerate(_readme_rows(), start=1):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=text)
            cell.data_type = "s"
            if table:
                cell.alignment = Alignment(vertical="top", wrap_text=c == 6)
        if r == 1:
            ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        if row and row[0] == "sheet" and len(row) == 6:
            table = True
            for c in range(1, 7):
                ws.cell(row=r, column=c).font = Font(bold=True)
    for letter, width in zip("ABCDEF", (14, 24, 26, 40, 40, 70), strict=True):
        ws.column_dimensions[letter].width = width


def write_workbook(evidence: Evidence) -> bytes:
    """The evidence as the bytes of an .xlsx workbook (see the module docstring for its layout).

    ``read_workbook(write_workbook(ev), ...)`` equals ``ev`` for any valid ``ev``.

    Raises
    ------
    EvidenceError
        ``not_storable`` for text holding a control character that no xlsx cell can hold.
    """
    from openpyxl import Workbook

    unstorable = list(_storable_problems(evidence))
    if unstorable:
        raise EvidenceError(unstorable, "workbook")
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook has one sheet
    first.title = FILE_SHEET
    _write_file_sheet(first, evidence)
    for kind in fields.list_specs():
        _write_list_sheet(book.create_sheet(kind.name), kind, getattr(evidence, kind.name))
    _write_readme(book.create_sheet(README_SHEET))
    _name_id_columns(book)
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def template_workbook() -> bytes:
    """The template workbook users start from: data/template.yaml, filled in and explained."""
    return write_workbook(load_evidence(TEMPLATE))
