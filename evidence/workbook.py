"""Evidence as an Excel workbook (.xlsx), both ways, checked cell by cell.

The YAML format stays the one source of truth: a workbook is another way of writing it, read
into the same plain document and validated by the same loader (``document_problems``), so
every problem has the same code and message as in YAML, plus its cell (``results!F12``).

Layout (all derived from the models through evidence/fields.py):

- ``evidence``: the file's own fields, one per row (``field | value | about``); a nested
  mapping is flattened into dotted names (``editorial.citation``).
- one sheet per list of the format (``settings`` ... ``verdicts``): row 1 holds the field
  names, each row below one item. Empty cells are absent fields; empty rows are skipped.
- ``read me``: how to fill in the workbook, and one row per column of every sheet.

Cells: several values in one cell (``agents``, ``regimens``, ``rests_on``, ``ci``) are
separated by ``;`` (an item holding ``;`` or ``"`` is double-quoted, ``"`` doubled, as in
CSV); ids, PubMed ids and all text are text cells; numbers are number cells; dates are date
cells (ISO text is accepted too). A whole number typed into a text column reads as its
digits, any other value reaches the model as it is, so the model names a wrong type exactly
as it would in YAML. Formulas are never evaluated: a formula cell is refused.

Reading is bounded: the byte cap applies first, then the zip is inspected before any XML is
parsed (part count, unpacked size, compression ratio, macros, DOCTYPEs), and the sheets are
streamed (openpyxl read-only) with limits on rows, columns and cells.

openpyxl is imported inside the functions, so ``import evidence`` never pays for it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from pydantic import BaseModel

from evidence import fields
from evidence.codes import Code
from evidence.fields import FieldSpec, ListSpec
from evidence.loader import load_evidence, load_evidence_bytes, too_large_error
from evidence.models import Evidence
from evidence.problems import (
    EvidenceError,
    LoadProblem,
    Where,
    column_letters,
    format_location,
    problems_error,
)
from evidence.validation import document_problems, unknown_name_message
from evidence.writer import number as number_text
from evidence.xlsx_package import MACROS, OLE_MAGIC, ZIP_MAGIC, check_package, refusal
from evidence.yaml_reader import number_from_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

FILE_SHEET = "evidence"
"""The first sheet: the file's own fields (format, title, ..., editorial.*), one per row."""
README_SHEET = "read me"
FILE_HEADERS = ("field", "value", f"about (the '{README_SHEET}' sheet explains the workbook)")
SEPARATOR = ";"
"""Separates the values of a list held in one cell."""

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")
TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "template.yaml"

MAX_ROWS = 5_000
"""Rows of data read per sheet (the bundled file's largest list has about 100)."""
MAX_COLUMNS = 60
"""Columns read per sheet (the widest list has 12 fields)."""
MAX_CELLS = 20_000
"""Cells read in all (the bundled file has about 2,600): bounds the time spent parsing."""
ENTRY_ROWS = MAX_ROWS + 1
"""Drop-downs and text formats cover the rows a reader accepts (2 .. ENTRY_ROWS)."""

# --------------------------------------------------------------------------- lists in a cell

_ITEM = re.compile(r'\s*(?:"((?:[^"]|"")*)"\s*(?=;|\Z)|([^;]*))(;|\Z)')


def split_items(text: str) -> list[str]:
    """The values of a list cell: ``a; b`` -> ``["a", "b"]``; ``"x; y"; z`` keeps ``x; y``.

    Empty unquoted items (``a;;b``, a trailing ``;``) are skipped.
    """
    items: list[str] = []
    position = 0
    while True:
        match = _ITEM.match(text, position)
        if match is None:  # pragma: no cover - the pattern matches any rest of the text
            break
        quoted, plain, separator = match.groups()
        if quoted is not None:
            items.append(quoted.replace('""', '"'))
        elif plain.strip():
            items.append(plain.strip())
        if not separator:
            return items
        position = match.end()
    return items


def join_items(values: Sequence[object]) -> str:
    """The text of a list cell: ``["a", "b"]`` -> ``a; b``; numbers in their exact form."""
    parts = []
    for value in values:
        if isinstance(value, float):
            parts.append(number_text(value))
        elif isinstance(value, str) and (SEPARATOR in value or '"' in value):
            parts.append('"' + value.replace('"', '""') + '"')
        else:
            parts.append(str(value))
    return f"{SEPARATOR} ".join(parts)


# --------------------------------------------------------------------------- writing

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


# --------------------------------------------------------------------------- reading: cells


class _Cell(Protocol):
    value: Any
    data_type: str


_ABSENT = object()


class _StopSheetError(Exception):
    """A sheet is too large to read; its problem is recorded already."""


class _TooManyCellsError(Exception):
    """The workbook holds more cells than are read; stop reading."""


def _empty(cell: _Cell | None) -> bool:
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


def convert_cell(cell: _Cell, spec: FieldSpec) -> tuple[object, tuple[Code, str] | None]:
    """A cell's value for the model, or ``_ABSENT``; and a (code, message) if it is refused.

    The value is given to the model as it is wherever YAML would give the same value, so the
    model's message is the YAML one: only what YAML cannot hold (formulas, error values,
    dates in a column that is not a date) is refused here.
    """
    kind, value = cell.data_type, cell.value
    if kind == "f":
        return _ABSENT, (
            Code.FORMULA_CELL,
            f"the cell holds a formula ({_formula_text(value)}); formulas are never "
            "evaluated: type the value itself",
        )
    if kind == "e":
        return _ABSENT, (
            Code.ERROR_CELL,
            f"the cell holds the spreadsheet error {value}, not a value",
        )
    if value is None or (isinstance(value, str) and not value.strip()):
        return _ABSENT, None
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        if spec.kind == "date" and not spec.many and isinstance(value, dt.date):
            return _when(value), None
        want = fields.KIND_WORDS[spec.kind] if not spec.many else "a list"
        return _ABSENT, (
            Code.WRONG_TYPE,
            f"expected {want}, got the date or time {_when(value)}: the spreadsheet turned "
            "what was typed into a date (format the cell as text and type it again)",
        )
    whole = isinstance(value, int) and not isinstance(value, bool)
    if spec.many:
        if isinstance(value, str):
            texts = split_items(value)
            if spec.kind in ("number", "integer"):
                return ([number_from_text(t) for t in texts] or _ABSENT), None
            return (texts or _ABSENT), None
        return [str(value) if whole and spec.kind == "text" else value], None
    if spec.kind == "text" and whole:
        return str(value), None  # a PubMed id typed as a number: its digits
    return value, None


@dataclass
class _Reader:
    """Reads the cells of a workbook into a plain document, with the cell of every value."""

    raw: dict[str, Any] = field(default_factory=dict)
    positions: dict[tuple[str | int, ...], Where] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    absent_columns: set[tuple[str, int]] = field(default_factory=set)
    fatal: bool = False
    cells: int = 0

    def problem(
        self, code: Code, message: str, where: Where, location: str = "", value: str = ""
    ) -> None:
        self.problems.append(
            LoadProblem(location, where.line, where.column, code, message, value, where.sheet)
        )

    def rows(self, ws: ReadOnlyWorksheet, sheet: str) -> Iterator[tuple[int, tuple[_Cell, ...]]]:
        """The rows of a sheet, numbered from 1, within MAX_ROWS, MAX_COLUMNS and MAX_CELLS."""
        if ws.max_row is not None and ws.max_row > MAX_ROWS + 1:
            self.too_many_rows(sheet)
        if ws.max_column is not None and ws.max_column > MAX_COLUMNS:
            self.too_many_columns(sheet)
        ws.reset_dimensions()  # the declared size is a claim: read what is there, bounded
        # The stubs type iter_rows for Worksheet only; ReadOnlyWorksheet shares it.
        for number, row in enumerate(ws.iter_rows(), start=1):  # type: ignore[misc]
            if number > MAX_ROWS + 1:
                self.too_many_rows(sheet)
            if len(row) > MAX_COLUMNS:
                self.too_many_columns(sheet)
            self.cells += len(row)
            if self.cells > MAX_CELLS:
                self.problem(
                    Code.TOO_MANY_CELLS,
                    f"the workbook has more than {MAX_CELLS:,} cells; at most that many are read",
                    Where(number, None, sheet),
                )
                raise _TooManyCellsError
            yield number, row

    def too_many_rows(self, sheet: str) -> NoReturn:
        self.too_many(
            Code.TOO_MANY_ROWS,
            f"the sheet {sheet} has more than {MAX_ROWS:,} rows of data; at most that many are "
            "read (formatted empty rows count too: delete them)",
            Where(MAX_ROWS + 2, None, sheet),
        )

    def too_many_columns(self, sheet: str) -> NoReturn:
        self.too_many(
            Code.TOO_MANY_COLUMNS,
            f"the sheet {sheet} uses more than {MAX_COLUMNS} columns; at most that many are "
            "read (formatted empty columns count too: delete them)",
            Where(1, MAX_COLUMNS + 1, sheet),
        )

    def too_many(self, code: Code, message: str, where: Where) -> NoReturn:
        """A sheet over a limit: the problem, and no more reading of it."""
        self.fatal = True
        self.problem(code, message, where)
        raise _StopSheetError

    def refuse_cell(self, refused: tuple[Code, str] | None, where: Where, location: str) -> None:
        if refused is not None:
            self.problem(refused[0], refused[1], where, location)

    # -- the file's own fields

    def file_sheet(self, ws: ReadOnlyWorksheet) -> None:
        specs = {spec.name: spec for spec in fields.file_fields()}
        seen: dict[str, int] = {}
        for number, row in self.rows(ws, FILE_SHEET):
            name_cell = row[0] if row else None
            value_cell = row[1] if len(row) > 1 else None
            at_name = Where(number, 1, FILE_SHEET)
            at_value = Where(number, 2, FILE_SHEET)
            if name_cell is not None and name_cell.data_type == "f":
                self.refuse_cell(convert_cell(name_cell, _NAME)[1], at_name, "")
                continue
            title = "" if _empty(name_cell) else str(name_cell.value).strip()  # type: ignore[union-attr]
            if number == 1 and title == FILE_HEADERS[0]:
                continue
            if not title:
                if not _empty(value_cell):
                    self.problem(Code.NO_NAME, "a value without a field name in column A", at_value)
                continue
            first = f"first in row {seen[title]}" if title in seen else ""
            spec = self.named_field("field", title, first, specs, at_name, title)
            seen.setdefault(title, number)
            if spec is None:
                continue
            for cut in range(1, len(spec.path)):
                self.positions.setdefault(spec.path[:cut], at_name)
            self.positions[spec.path] = at_value
            if value_cell is None:
                continue
            value, refused = convert_cell(value_cell, spec)
            self.refuse_cell(refused, at_value, spec.name)
            if value is not _ABSENT:
                node = self.raw
                for part in spec.path[:-1]:
                    node = node.setdefault(part, {})
                node[spec.path[-1]] = value

    # -- the lists

    def list_sheet(self, ws: ReadOnlyWorksheet, kind: ListSpec) -> None:
        sheet = kind.name
        self.positions[(sheet,)] = Where(1, None, sheet)
        specs = {spec.name: spec for spec in kind.fields}
        columns: dict[int, FieldSpec] = {}
        unnamed: set[int] = set()
        items: list[dict[str, object]] = []
        width = 0
        reported_unnamed: set[int] = set()
        for number, row in self.rows(ws, sheet):
            if number == 1:
                width = len(row)
                columns, unnamed = self.header(row, kind, specs)
                continue
            self.item(number, row, kind, columns, items)
            for column, cell in enumerate(row, start=1):
                nameless = column in unnamed or column > width
                if nameless and column not in reported_unnamed and not _empty(cell):
                    reported_unnamed.add(column)
                    self.problem(
                        Code.NO_NAME,
                        f"column {column_letters(column)} has values but no field name in row 1",
                        Where(number, column, sheet),
                        sheet,
                    )
        self.missing_columns(kind, columns, width, items)
        if items or kind.min_items:  # an empty optional list is an absent one
            self.raw[sheet] = items

    def named_field(
        self,
        what: str,
        title: str,
        first: str,
        specs: dict[str, FieldSpec],
        where: Where,
        location: str,
    ) -> FieldSpec | None:
        """The field a name (``what``: a field in column A, or a column header) stands for.

        None, with the problem recorded, for a name used before (``first`` says where) or a
        name the format does not have.
        """
        if first:
            self.problem(
                Code.DUPLICATE_KEY,
                f"the {what} '{title}' appears twice ({first})",
                where,
                location,
                title,
            )
            return None
        spec = specs.get(title)
        if spec is None:
            self.problem(
                Code.UNKNOWN_FIELD,
                unknown_name_message("field", title, list(specs)),
                where,
                location,
                title,
            )
        return spec

    def header(
        self, row: Sequence[_Cell], kind: ListSpec, specs: dict[str, FieldSpec]
    ) -> tuple[dict[int, FieldSpec], set[int]]:
        columns: dict[int, FieldSpec] = {}
        unnamed: set[int] = set()
        seen: dict[str, int] = {}
        for column, cell in enumerate(row, start=1):
            where = Where(1, column, kind.name)
            if cell.data_type in ("f", "e"):
                self.refuse_cell(convert_cell(cell, _NAME)[1], where, kind.name)
                continue
            if _empty(cell):
                unnamed.add(column)
                continue
            title = str(cell.value).strip()
            first = f"first in column {column_letters(seen[title])}" if title in seen else ""
            spec = self.named_field("column", title, first, specs, where, kind.name)
            seen.setdefault(title, column)
            if spec is not None:
                columns[column] = spec
        return columns, unnamed

    def item(
        self,
        number: int,
        row: Sequence[_Cell],
        kind: ListSpec,
        columns: dict[int, FieldSpec],
        items: list[dict[str, object]],
    ) -> None:
        values: dict[str, object] = {}
        refused: list[tuple[tuple[Code, str], Where, str]] = []
        for column, spec in columns.items():
            if column > len(row):
                continue
            value, problem = convert_cell(row[column - 1], spec)
            if problem is not None:
                refused.append((problem, Where(number, column, kind.name), spec.name))
            elif value is not _ABSENT:
                values[spec.name] = value
        if not values and not refused:
            return  # an empty row
        index = len(items)
        items.append(values)
        self.positions[(kind.name, index)] = Where(number, 1, kind.name)
        for column, spec in columns.items():
            self.positions[(kind.name, index, spec.name)] = Where(number, column, kind.name)
        for problem, where, name in refused:
            self.refuse_cell(problem, where, format_location((kind.name, index, name)))

    def missing_columns(
        self,
        kind: ListSpec,
        columns: dict[int, FieldSpec],
        width: int,
        items: list[dict[str, object]],
    ) -> None:
        """A required column that is not there: one problem at the first free header cell.

        Each row's missing field then points to that column (and is not listed again).
        """
        present = {spec.name for spec in columns.values()}
        free = max(width, max(columns, default=0)) + 1
        for spec in kind.fields:
            if not spec.required or spec.name in present or not items:
                continue
            self.problem(
                Code.MISSING_FIELD,
                f"the sheet has no column '{spec.name}', which every row needs",
                Where(1, free, kind.name),
                kind.name,
                spec.name,
            )
            self.absent_columns.add((kind.name, free))
            for index in range(len(items)):
                row = self.positions[(kind.name, index)].line
                self.positions[(kind.name, index, spec.name)] = Where(row, free, kind.name)
            free += 1


_NAME = FieldSpec(
    name="name", path=("name",), kind="text", required=True, description="a field name"
)


def _sheet_order() -> list[str]:
    return [FILE_SHEET, *(kind.name for kind in fields.list_specs())]


def _read_cells(data: bytes, name: str) -> _Reader:
    """Stream the workbook's sheets into a _Reader (the zip has been checked already)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    reader = _Reader()
    reader.positions[()] = Where(None, None, FILE_SHEET)
    kinds = {kind.name: kind for kind in fields.list_specs()}
    for kind in kinds:
        reader.positions[(kind,)] = Where(None, None, kind)
    known = [*_sheet_order(), README_SHEET]
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # a damaged package: any parser error means the same to a user
        raise refusal(
            Code.NOT_XLSX, f"this workbook cannot be read ({_reason(exc)})", name
        ) from None
    try:
        for title in book.sheetnames:
            ws = book[title]
            if title == README_SHEET:
                continue
            if title not in known:
                reader.problem(
                    Code.UNKNOWN_SHEET,
                    unknown_name_message("sheet", title, known),
                    Where(None, None, title),
                )
                continue
            if not isinstance(ws, ReadOnlyWorksheet):
                reader.problem(
                    Code.UNKNOWN_SHEET,
                    f"the sheet {title} is a chart, not a table",
                    Where(None, None, title),
                )
                continue
            try:
                if title == FILE_SHEET:
                    reader.file_sheet(ws)
                else:
                    reader.list_sheet(ws, kinds[title])
            except _StopSheetError:
                continue
    except _TooManyCellsError:
        reader.fatal = True
    except EvidenceError:
        raise
    except Exception as exc:  # malformed XML deep inside a sheet
        raise refusal(
            Code.NOT_XLSX, f"this workbook cannot be read ({_reason(exc)})", name
        ) from None
    finally:
        book.close()
    return reader


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text if len(text) <= 120 else text[:119] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def read_workbook(data: bytes, name: str, *, max_bytes: int) -> Evidence:
    """Validate the bytes of an .xlsx workbook (an upload or a file) as evidence.

    Parameters
    ----------
    data
        The workbook's bytes.
    name
        The file name, used in messages (and ``.xlsm`` is refused by it).
    max_bytes
        Larger data is refused before anything is parsed.

    Raises
    ------
    EvidenceError
        With every problem: each has the sheet, and where there is one the row and column
        (``LoadProblem.cell`` reads ``results!F12``); codes and messages are the YAML ones.
    """
    if len(data) > max_bytes:
        raise too_large_error(len(data), max_bytes, name)
    if name.lower().endswith(".xlsm"):
        raise refusal(Code.MACRO_WORKBOOK, MACROS, name)
    check_package(data, name)
    reader = _read_cells(data, name)
    order = _sheet_order()
    if reader.fatal:
        raise problems_error(reader.problems, name, sheets=order)
    # A number where text belongs is fixed in the cell, not by quotes as in YAML.
    evidence, found = document_problems(
        reader.raw, reader.positions, text_hint=" (format the cell as text)"
    )
    cells = {(p.sheet, p.line, p.column) for p in reader.problems if p.line is not None}
    found = [
        p
        for p in found
        if (p.sheet, p.line, p.column) not in cells  # the cell's own problem says it already
        and not (p.code == Code.MISSING_FIELD and (p.sheet, p.column) in reader.absent_columns)
    ]
    if reader.problems or found or evidence is None:
        raise problems_error([*reader.problems, *found], name, sheets=order)
    return evidence


# --------------------------------------------------------------------------- either kind


def is_workbook(name: str, data: bytes = b"") -> bool:
    """Whether a file is read as a workbook: by its name, or by its first bytes (a zip)."""
    return name.lower().endswith(WORKBOOK_SUFFIXES) or data.startswith((ZIP_MAGIC, OLE_MAGIC))


def read_evidence_bytes(data: bytes, *, name: str, max_bytes: int) -> Evidence:
    """Validate evidence bytes, YAML or workbook (an upload): the one entry point for both.

    A workbook is recognised by its name (``.xlsx``, ``.xlsm``) or its first bytes; anything
    else is read as YAML. The byte cap applies before either is parsed.
    """
    if is_workbook(name, data):
        return read_workbook(data, name, max_bytes=max_bytes)
    return load_evidence_bytes(data, name=name, max_bytes=max_bytes)
