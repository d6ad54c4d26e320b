"""Read a workbook into Evidence, every problem located by its cell.

The package is checked first (evidence/xlsx_package.py), then the sheets are streamed within
the limits of layout.py; YAML bytes go to the loader instead (read_evidence_bytes).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from evidence import fields
from evidence.codes import Code
from evidence.fields import FieldSpec, ListSpec
from evidence.loader import load_evidence_bytes, too_large_error
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
from evidence.workbook.cells import ABSENT, SheetCell, convert_cell, is_empty
from evidence.workbook.layout import (
    FILE_HEADERS,
    FILE_SHEET,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    README_SHEET,
    WORKBOOK_SUFFIXES,
)
from evidence.xlsx_package import MACROS, OLE_MAGIC, ZIP_MAGIC, check_package, refusal

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet


class _StopSheetError(Exception):
    """A sheet is too large to read; its problem is recorded already."""


class _TooManyCellsError(Exception):
    """The workbook holds more cells than are read; stop reading."""


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

    def rows(
        self, ws: ReadOnlyWorksheet, sheet: str
    ) -> Iterator[tuple[int, tuple[SheetCell, ...]]]:
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
            title = "" if is_empty(name_cell) else str(name_cell.value).strip()  # type: ignore[union-attr]
            if number == 1 and title == FILE_HEADERS[0]:
                continue
            if not title:
                if not is_empty(value_cell):
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
            if value is not ABSENT:
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
                if nameless and column not in reported_unnamed and not is_empty(cell):
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
        self, row: Sequence[SheetCell], kind: ListSpec, specs: dict[str, FieldSpec]
    ) -> tuple[dict[int, FieldSpec], set[int]]:
        columns: dict[int, FieldSpec] = {}
        unnamed: set[int] = set()
        seen: dict[str, int] = {}
        for column, cell in enumerate(row, start=1):
            where = Where(1, column, kind.name)
            if cell.data_type in ("f", "e"):
                self.refuse_cell(convert_cell(cell, _NAME)[1], where, kind.name)
                continue
            if is_empty(cell):
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
        row: Sequence[SheetCell],
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
            elif value is not ABSENT:
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
