"""Workbook tests: round trips, each bad cell at its (sheet, row, column, code), hostile files.

Bad workbooks are made here, not stored: a good workbook is written from a valid YAML file
and one cell is edited with openpyxl (or one part of its zip is replaced), so each test
shows its defect. Cells are found by their column's header (``cell("results", "value", 3)``)
and, on the file sheet, by their field's row: a column added to the format moves no test.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import io
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import strategies
from conftest import BUNDLED, FIXTURES, MINIMAL, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evidence import fields, vocabulary
from evidence.loader import EvidenceError, LoadProblem, load_evidence
from evidence.models import Evidence
from evidence.reader import read_evidence_path
from evidence.workbook import (
    FILE_SHEET,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    README_SHEET,
    is_workbook,
    join_items,
    read_evidence_bytes,
    read_workbook,
    split_items,
    template_workbook,
    write_workbook,
)
from evidence.xlsx_package import MAX_PARTS, MAX_UNPACKED, RATIO_FLOOR

EVERY_FIELD = FIXTURES / "valid_every_field.yaml"
VALID = {
    "bundled": BUNDLED,
    "template": ROOT / "data" / "template.yaml",
    "valid_minimal": MINIMAL,
    "valid_sparse": FIXTURES / "valid_sparse.yaml",
    "valid_every_field": EVERY_FIELD,
}
# As for hostile YAML (tests/test_loader.py), but counted in CPU seconds of this process: the
# machine is shared, and waiting for a core is not work the reader did.
HOSTILE_SECONDS = 1.0
BIG = 50 * 1024 * 1024

Row = tuple[str, int | None, int | None, str]


@functools.cache
def workbook_of(path: Path) -> bytes:
    return write_workbook(load_evidence(path))


def edited(edit: Callable[[Workbook], object], path: Path = MINIMAL) -> bytes:
    """The workbook of ``path`` with one edit made in openpyxl."""
    book = load_workbook(io.BytesIO(workbook_of(path)))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def _layout() -> tuple[dict[str, list[str]], list[str]]:
    """Each sheet's header row, and the file sheet's field names (its rows), as written."""
    book = load_workbook(io.BytesIO(workbook_of(MINIMAL)))
    headers = {ws.title: [str(c.value) for c in ws[1]] for ws in book.worksheets}
    names = get_column_letter(headers[FILE_SHEET].index("field") + 1)
    return headers, [str(c.value) for c in book[FILE_SHEET][names]]


def col(sheet: str, header: str) -> int:
    """The column (1-based) headed ``header`` on ``sheet``."""
    return _layout()[0][sheet].index(header) + 1


def after_last(sheet: str) -> int:
    """The first column of ``sheet`` with no header."""
    return len(_layout()[0][sheet]) + 1


def file_row(field: str) -> int:
    """The row of a file field (``updated``, ``editorial.journal``) on the file sheet."""
    return _layout()[1].index(field) + 1


def cell(sheet: str, header: str, row: int) -> str:
    """A cell by its column's header and its row: ``cell("results", "value", 3)``."""
    return f"{get_column_letter(col(sheet, header))}{row}"


def file_cell(field: str, header: str = "value") -> str:
    """The cell of a file field: its value, or (``header="field"``) its name."""
    return cell(FILE_SHEET, header, file_row(field))


def at(sheet: str, header: str, row: int, code: str) -> Row:
    """A problem expected in the column headed ``header``."""
    return (sheet, row, col(sheet, header), code)


def set_cell(sheet: str, ref: str, value: object, data_type: str | None = None):
    def edit(book: Workbook) -> None:
        target = book[sheet][ref]
        target.value = value
        if data_type is not None:
            target.data_type = data_type

    return edit


def problems_of(data: bytes, name: str = "bad.xlsx", max_bytes: int = BIG) -> list[LoadProblem]:
    with pytest.raises(EvidenceError) as info:
        read_workbook(data, name, max_bytes=max_bytes)
    assert info.value.name == name
    return info.value.problems


def rows(data: bytes, name: str = "bad.xlsx") -> list[Row]:
    return [(p.sheet, p.line, p.column, p.code) for p in problems_of(data, name)]


def sheet_of(book: Workbook, name: str) -> Worksheet:
    ws = book[name]
    assert isinstance(ws, Worksheet)
    return ws


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("path", VALID.values(), ids=VALID.keys())
def test_workbook_round_trip_loads_to_an_equal_model(path: Path) -> None:
    evidence = load_evidence(path)
    assert read_workbook(write_workbook(evidence), "x.xlsx", max_bytes=BIG) == evidence


@pytest.mark.slow  # property-based: many generated examples
@given(strategies.evidence(strategies.CELL_TEXT))
@settings(strategies.STEADY, max_examples=25)
def test_workbook_round_trips_any_storable_text_and_numbers(evidence: Evidence) -> None:
    assert read_workbook(write_workbook(evidence), "x.xlsx", max_bytes=BIG) == evidence


def test_workbook_keeps_floats_that_openpyxl_would_round() -> None:
    evidence = load_evidence(EVERY_FIELD)
    assert evidence.results[1].value == 0.30000000000000004
    again = read_workbook(write_workbook(evidence), "x.xlsx", max_bytes=BIG)
    assert again.results[1].value == 0.30000000000000004


def test_write_workbook_refuses_text_a_cell_cannot_hold() -> None:
    evidence = load_evidence(MINIMAL)
    bad = evidence.model_copy(
        update={"title": "bell\x07"}  # valid in YAML ("\a"), not in XML 1.0
    )
    with pytest.raises(EvidenceError) as info:
        write_workbook(bad)
    assert [(p.location, p.code) for p in info.value.problems] == [("title", "not_storable")]
    assert "U+0007" in info.value.problems[0].message


def test_template_workbook_is_the_template_and_explains_itself() -> None:
    data = template_workbook()
    assert read_workbook(data, "t.xlsx", max_bytes=BIG) == load_evidence(VALID["template"])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == FILE_SHEET
    assert book.sheetnames[-1] == README_SHEET
    assert book.active is not None
    assert book.active.title == FILE_SHEET


# --------------------------------------------------------------------------- layout


def test_sheets_and_headers_are_the_formats_lists_and_fields_in_order() -> None:
    book = load_workbook(io.BytesIO(workbook_of(MINIMAL)))
    kinds = fields.list_specs()
    assert book.sheetnames == [FILE_SHEET, *(k.name for k in kinds), README_SHEET]
    for kind in kinds:
        header = [c.value for c in sheet_of(book, kind.name)[1]]
        assert header == [spec.name for spec in kind.fields]
    first = [row[0] for row in sheet_of(book, FILE_SHEET).iter_rows(min_row=2, values_only=True)]
    assert first == [spec.name for spec in fields.file_fields()]
    assert "editorial.citation" in first


def test_every_data_sheet_has_a_frozen_header_and_sensible_widths() -> None:
    book = load_workbook(io.BytesIO(workbook_of(BUNDLED)))
    for name in [FILE_SHEET, *(k.name for k in fields.list_specs())]:
        ws = sheet_of(book, name)
        assert ws.freeze_panes == "A2", name
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        assert all(8 <= w <= 80 for w in widths), (name, widths)


def test_vocabulary_and_reference_columns_carry_drop_downs() -> None:
    book = load_workbook(io.BytesIO(workbook_of(MINIMAL)))
    expected = 0
    for kind in fields.list_specs():
        ws = sheet_of(book, kind.name)
        rules = {str(rule.sqref).split(":")[0]: rule for rule in ws.data_validations.dataValidation}
        for column, spec in enumerate(kind.fields, start=1):
            rule = rules.get(f"{ws.cell(row=1, column=column).column_letter}2")
            if spec.vocabulary is not None:
                expected += 1
                assert rule is not None, (kind.name, spec.name)
                assert rule.type == "list"
                assert rule.formula1 == '"' + ",".join(spec.vocabulary) + '"'
                assert rule.showErrorMessage != spec.many  # "induction; maintenance" is fine
            elif spec.refers_to is not None:
                expected += 1
                assert rule is not None, (kind.name, spec.name)
                assert rule.formula1 == f"{spec.refers_to}_ids"  # a named range, see below
                assert rule.showErrorMessage != spec.many  # a list of ids cannot be checked
            else:
                assert rule is None, (kind.name, spec.name)
    assert expected == 23 + 20  # the vocabulary and reference columns of the format today
    names = {n: book.defined_names[n].attr_text for n in book.defined_names}
    assert names == {
        f"{kind.name}_ids": f"'{kind.name}'!$A$2:$A${MAX_ROWS + 1}"
        for kind in fields.list_specs()
        if kind.id_field is not None
    }


def test_a_new_vocabulary_word_reaches_the_drop_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(vocabulary.UNIT.words, "mmol_per_l", vocabulary.Word("mmol/L"))  # type: ignore[index]
    book = load_workbook(io.BytesIO(write_workbook(load_evidence(MINIMAL))))
    formulas = [
        rule.formula1 for rule in sheet_of(book, "endpoints").data_validations.dataValidation
    ]
    assert '"percent,months,years,patients,score,ratio,mmol_per_l"' in formulas


def test_ids_and_pmids_are_text_cells_and_numbers_are_number_cells() -> None:
    book = load_workbook(io.BytesIO(workbook_of(EVERY_FIELD)))
    sources = sheet_of(book, "sources")
    pmid = sources[cell("sources", "pmid", 2)]
    digits_id = sheet_of(book, "settings")[cell("settings", "id", 3)]
    assert (pmid.value, pmid.data_type, pmid.number_format) == ("18032763", "s", "@")
    assert (digits_id.value, digits_id.data_type) == ("2013", "s")
    letter = get_column_letter
    # Rows typed in later too: the whole column is formatted as text, the year's as a number.
    assert sources.column_dimensions[letter(col("sources", "pmid"))].number_format == "@"
    assert sources.column_dimensions[letter(col("sources", "year"))].number_format == "General"
    results = sheet_of(book, "results")
    value, events = results[cell("results", "value", 2)], results[cell("results", "events", 2)]
    assert (value.value, value.data_type) == (61, "n")
    assert (events.value, events.data_type) == (122, "n")
    assert results[cell("results", "ci", 2)].value == "54.0; 67.5"
    assert sheet_of(book, "verdicts")[cell("verdicts", "regimens", 2)].value == "q_d; obs"
    agents = sheet_of(book, "regimens")[cell("regimens", "agents", 2)].value
    assert agents == 'drug Q; dexamethasone; "an agent; with a semicolon"; "a ""quoted"" agent"'
    equals = sheet_of(book, "settings")[cell("settings", "note", 2)]
    assert (equals.data_type, equals.value) == (
        "s",
        "=not a formula, just text that starts with an equals sign",
    )
    na = sources[cell("sources", "note", 2)]
    assert (na.data_type, na.value) == ("s", "#N/A is not an error here")
    updated = sheet_of(book, FILE_SHEET)[file_cell("updated")]
    assert updated.is_date
    assert updated.number_format == "yyyy-mm-dd"


def test_read_me_has_one_row_per_column_of_every_sheet() -> None:
    book = load_workbook(io.BytesIO(workbook_of(MINIMAL)))
    table = list(sheet_of(book, README_SHEET).iter_rows(values_only=True))
    start = table.index(
        ("sheet", "column", "required", "type", "allowed words or reference", "description")
    )
    listed = [(row[0], row[1]) for row in table[start + 1 :]]
    expected = [(FILE_SHEET, spec.name) for spec in fields.file_fields()]
    expected += [(k.name, spec.name) for k in fields.list_specs() for spec in k.fields]
    assert listed == expected
    by_column = {(row[0], row[1]): row for row in table[start + 1 :]}
    assert by_column[("results", "qualifier")][2] == "optional (default: exact)"
    assert by_column[("results", "ci")][3] == "two numbers: low; high"
    assert by_column[("cohorts", "source")][4] == "an id from the sources sheet"
    assert "high, moderate, low, unclear" in str(by_column[("verdicts", "efficacy")][4])
    notes = " ".join(str(row[0]) for row in table[:start])
    assert "separate the values with ';'" in notes
    assert "Formulas are never evaluated" in notes


# --------------------------------------------------------------------------- bad cells

# valid_minimal.yaml's workbook: its results rows 2-6 are results[0..4]; settings rows 2-4
# are first_line, relapsed and empty_setting (referenced by nothing).
RESULTS, SETTINGS = "results", "settings"
BAD_CELLS: list[tuple[str, Callable[[Workbook], object], list[Row]]] = [
    (
        "text-in-number",
        set_cell(RESULTS, cell(RESULTS, "value", 3), "abc"),
        [at(RESULTS, "value", 3, "wrong_type")],
    ),
    (
        "unknown-id",
        set_cell(RESULTS, cell(RESULTS, "cohort", 4), "nobody"),
        [at(RESULTS, "cohort", 4, "unknown_reference")],
    ),
    (
        "bad-word",
        set_cell("endpoints", cell("endpoints", "unit", 2), "percentage"),
        [at("endpoints", "unit", 2, "not_allowed")],
    ),
    (
        "empty-required",
        set_cell(RESULTS, cell(RESULTS, "reported_by", 3), None),
        [at(RESULTS, "reported_by", 3, "missing_field")],
    ),
    (
        "formula",
        set_cell(RESULTS, cell(RESULTS, "value", 3), "=2*12"),
        [at(RESULTS, "value", 3, "formula_cell")],
    ),
    (
        "duplicate-id",
        set_cell(SETTINGS, cell(SETTINGS, "id", 4), "first_line"),
        [at(SETTINGS, "id", 4, "duplicate_id")],
    ),
    (
        "float-id",
        set_cell(SETTINGS, cell(SETTINGS, "id", 4), 1.5),
        [at(SETTINGS, "id", 4, "wrong_type")],
    ),
    (
        "text-in-count",
        set_cell(RESULTS, cell(RESULTS, "events", 3), "29"),
        [at(RESULTS, "events", 3, "wrong_type")],
    ),
    (
        "error-value",
        set_cell(RESULTS, cell(RESULTS, "locator", 2), "#N/A", "e"),
        [at(RESULTS, "locator", 2, "error_cell")],
    ),
    (
        "date-in-text",
        set_cell(
            "verdicts",
            cell("verdicts", "editorial_ref", 2),
            __import__("datetime").datetime(2026, 1, 2),
        ),
        [at("verdicts", "editorial_ref", 2, "wrong_type")],
    ),
    (
        "ci-word",
        set_cell(RESULTS, cell(RESULTS, "ci", 6), "20.1; abc"),
        [at(RESULTS, "ci", 6, "wrong_type")],
    ),
    (
        "ci-one-number",
        set_cell(RESULTS, cell(RESULTS, "ci", 6), 20.1),
        [at(RESULTS, "ci", 6, "wrong_length")],
    ),
    (
        "ci-excludes-value",
        set_cell(RESULTS, cell(RESULTS, "ci", 6), "25.0; 30.0"),
        [at(RESULTS, "ci", 6, "ci_excludes_value")],
    ),
    (
        "bad-rests-on",
        set_cell("verdicts", cell("verdicts", "rests_on", 2), "a_zeta/orr; a_zeta"),
        [at("verdicts", "rests_on", 2, "bad_rests_on")],
    ),
    (
        "unknown-header",
        set_cell(SETTINGS, cell(SETTINGS, "note", 1), "nte"),
        [at(SETTINGS, "note", 1, "unknown_field")],
    ),
    (
        "duplicate-header",
        set_cell(SETTINGS, cell(SETTINGS, "description", 1), "label"),
        [at(SETTINGS, "description", 1, "duplicate_key")],
    ),
    (
        "value-without-header",
        set_cell(SETTINGS, f"{get_column_letter(after_last(SETTINGS))}3", "stray"),
        [(SETTINGS, 3, after_last(SETTINGS), "no_name")],
    ),
    (
        "required-column-deleted",
        lambda book: sheet_of(book, RESULTS).delete_cols(col(RESULTS, "reported_by")),
        # One problem, at the first free header cell (one column fewer now), not one per row.
        [(RESULTS, 1, after_last(RESULTS) - 1, "missing_field")],
    ),
    (
        "unknown-sheet",
        lambda book: setattr(book["findings"], "title", "finding"),
        [("finding", None, None, "unknown_sheet")],
    ),
    (
        "unknown-file-field",
        set_cell(FILE_SHEET, file_cell("editorial.journal", "field"), "editorial.jornal"),
        [(FILE_SHEET, file_row("editorial.journal"), col(FILE_SHEET, "field"), "unknown_field")],
    ),
    (
        "editorial-without-citation",
        set_cell(FILE_SHEET, file_cell("editorial.journal"), "Imaginary Journal"),
        [(FILE_SHEET, file_row("editorial.citation"), col(FILE_SHEET, "value"), "missing_field")],
    ),
    (
        "bad-date",
        set_cell(FILE_SHEET, file_cell("updated"), "2026-02-30"),
        [(FILE_SHEET, file_row("updated"), col(FILE_SHEET, "value"), "wrong_type")],
    ),
    (
        "formula-in-header",
        set_cell(SETTINGS, cell(SETTINGS, "label", 1), "=A1"),
        [
            at(SETTINGS, "label", 1, "formula_cell"),
            (SETTINGS, 1, after_last(SETTINGS), "missing_field"),
        ],
    ),
    (
        "several-at-once",
        lambda book: [
            set_cell(RESULTS, cell(RESULTS, "value", 3), "abc")(book),
            set_cell(RESULTS, cell(RESULTS, "cohort", 4), "nobody")(book),
            set_cell("endpoints", cell("endpoints", "unit", 2), "percentage")(book),
            set_cell(RESULTS, cell(RESULTS, "n", 2), "=1/0")(book),
        ],
        [
            at("endpoints", "unit", 2, "not_allowed"),
            at(RESULTS, "n", 2, "formula_cell"),
            at(RESULTS, "value", 3, "wrong_type"),
            at(RESULTS, "cohort", 4, "unknown_reference"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in BAD_CELLS], ids=[c[0] for c in BAD_CELLS]
)
def test_read_workbook_bad_cell_reports_exact_sheet_row_column_code(
    edit: Callable[[Workbook], object], expected: list[Row]
) -> None:
    assert rows(edited(edit)) == expected


# The same defect as a YAML fixture, written into the workbook: the same problems.
def same(fixture: str, sheet: str, header: str, row: int, value: object):
    """A YAML fixture's defect written into the cell of ``header`` and ``row``; where it is."""
    return (
        fixture,
        set_cell(sheet, cell(sheet, header, row), value),
        (sheet, row, col(sheet, header)),
    )


SAME_AS_YAML = [
    same("bad_string_for_number.yaml", RESULTS, "value", 6, "twenty-four"),
    same("bad_not_allowed.yaml", "endpoints", "unit", 2, "percentage"),
    same("bad_unknown_cohort.yaml", RESULTS, "cohort", 4, "b_zeta2"),
    same("bad_missing_field.yaml", RESULTS, "reported_by", 3, None),
    same("bad_duplicate_id.yaml", SETTINGS, "id", 4, "relapsed"),
    same("bad_string_for_count.yaml", RESULTS, "events", 3, "29"),
    same("bad_out_of_range.yaml", "cohorts", "median_age", 2, 150),
    same("bad_bad_id.yaml", SETTINGS, "id", 4, "Empty Setting"),
]


@pytest.mark.parametrize(
    ("fixture", "edit", "where"), SAME_AS_YAML, ids=[c[0] for c in SAME_AS_YAML]
)
def test_read_workbook_problem_has_the_yaml_code_message_and_location(
    fixture: str, edit: Callable[[Workbook], object], where: tuple[str, int, int]
) -> None:
    with pytest.raises(EvidenceError) as info:
        load_evidence(FIXTURES / fixture)
    from_yaml = [(p.location, p.code, p.message) for p in info.value.problems]
    problems = problems_of(edited(edit))
    assert [(p.location, p.code, p.message) for p in problems] == from_yaml
    assert [(p.sheet, p.line, p.column) for p in problems] == [where]


def test_problem_names_its_cell_like_results_f12() -> None:
    ref = cell(RESULTS, "value", 3)
    [problem] = problems_of(edited(set_cell(RESULTS, ref, "abc")))
    assert problem.cell == f"results!{ref}"
    assert problem.as_line("bad.xlsx") == (
        f"bad.xlsx:results!{ref}: results[1].value: expected a number, got 'abc' [wrong_type]"
    )


def test_messages_say_what_to_do() -> None:
    formula, header, sheet = (
        problems_of(edited(set_cell(RESULTS, cell(RESULTS, "value", 3), "=2*12")))[0],
        problems_of(edited(set_cell(SETTINGS, cell(SETTINGS, "label", 1), "lable")))[0],
        problems_of(edited(lambda book: setattr(book["findings"], "title", "finding")))[0],
    )
    assert formula.message == (
        "the cell holds a formula (=2*12); formulas are never evaluated: type the value itself"
    )
    assert header.message == "unknown field 'lable'; did you mean 'label'?"
    assert sheet.message == "unknown sheet 'finding'; did you mean 'findings'?"


def test_a_decimal_in_an_id_column_is_refused_with_a_cell_hint() -> None:
    [problem] = problems_of(edited(set_cell(SETTINGS, cell(SETTINGS, "id", 4), 1.5)))
    # YAML's message would end "(put it in quotes)": a cell is fixed by its format instead.
    assert problem.message == "expected text, got '1.5' (format the cell as text)"


def test_a_pmid_typed_as_a_number_reads_as_its_digits() -> None:
    data = edited(set_cell("sources", cell("sources", "pmid", 2), 18032763))
    assert read_workbook(data, "x.xlsx", max_bytes=BIG).sources[0].pmid == "18032763"


def test_a_date_typed_as_text_and_moved_columns_and_empty_rows_read() -> None:
    def edit(book: Workbook) -> None:
        sheet_of(book, FILE_SHEET)[file_cell("updated")].value = "2026-03-01"
        results = sheet_of(book, RESULTS)
        value = get_column_letter(col(RESULTS, "value"))
        results.move_range(f"{value}1:{value}6", cols=20)  # 'value' moves 20 columns right
        results.insert_rows(4, amount=3)  # empty rows inside the list

    evidence = read_workbook(edited(edit), "x.xlsx", max_bytes=BIG)
    assert str(evidence.updated) == "2026-03-01"
    assert [r.value for r in evidence.results] == [60.0, 30.0, 70.0, 50.0, 24.5]


def test_a_missing_list_sheet_is_an_empty_list() -> None:
    data = edited(lambda book: [book.remove(book[n]) for n in ("findings", "comparisons")])
    evidence = read_workbook(data, "x.xlsx", max_bytes=BIG)
    assert evidence.findings == ()
    assert evidence.comparisons == ()


# --------------------------------------------------------------------------- hostile files


def rezip(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def retyped(old: bytes, new: bytes) -> bytes:
    """A good workbook whose content types say ``new`` where they said ``old``."""
    types = zipfile.ZipFile(io.BytesIO(good())).read("[Content_Types].xml")
    return rezip(good(), replace={"[Content_Types].xml": types.replace(old, new)})


def sheet_part(name: str) -> str:
    """The zip part of a sheet of a workbook written here (openpyxl numbers them in order)."""
    book = load_workbook(io.BytesIO(workbook_of(MINIMAL)), read_only=True)
    return f"xl/worksheets/sheet{book.sheetnames.index(name) + 1}.xml"


def sheet_xml(
    rows_: int, columns: int, *, dimension: bool, header: list[str] | None = None
) -> bytes:
    """A worksheet of ``rows_`` rows and ``columns`` text cells each, the first row a header."""
    header = header or [spec.name for spec in fields.list_specs()[5].fields]  # results

    def letter(c: int) -> str:
        out = ""
        while c:
            c, rest = divmod(c - 1, 26)
            out = chr(65 + rest) + out
        return out

    parts = ['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if dimension:
        parts.append(f'<dimension ref="A1:{letter(columns)}{rows_}"/>')
    parts.append("<sheetData>")
    for r in range(1, rows_ + 1):
        cells = "".join(
            f'<c r="{letter(c)}{r}" t="inlineStr"><is><t>'
            f"{header[c - 1] if r == 1 and c <= len(header) else f'x{r}'}</t></is></c>"
            for c in range(1, columns + 1)
        )
        parts.append(f'<row r="{r}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def refused(
    data: bytes, name: str = "hostile.xlsx", max_bytes: int = BIG
) -> tuple[list[str], float]:
    """The codes a workbook is refused with, and the CPU seconds the refusal took."""
    with frozen_heap():
        start = time.process_time()
        with pytest.raises(EvidenceError) as info:
            read_workbook(data, name, max_bytes=max_bytes)
        elapsed = time.process_time() - start
    return [p.code for p in info.value.problems], elapsed


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Time code without the heap the earlier tests left.

    In the full suite the collector otherwise walks that heap during a timed call and bills
    the reader for it (1.04 s of CPU once, against 0.5-0.6 s alone). The timed code's own
    garbage is still collected and counted.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def good() -> bytes:
    return workbook_of(MINIMAL)


HOSTILE: list[tuple[str, Callable[[], bytes], str, str]] = [
    # id, build, code, a word of the message
    ("yaml-text", lambda: MINIMAL.read_bytes(), "not_xlsx", "looks like text"),
    ("png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not_xlsx", "not an Excel"),
    ("old-xls", lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 500, "not_xlsx", ".xls"),
    ("truncated-zip", lambda: good()[: len(good()) // 2], "not_xlsx", "damaged"),
    (
        "opendocument",
        lambda: rezip(good(), add={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        "not_xlsx",
        ".ods",
    ),
    (
        "word-document",
        lambda: retyped(b"spreadsheetml.sheet.main", b"wordprocessingml.document.main"),
        "not_xlsx",
        "Word document",
    ),
    (
        "vba-project",
        lambda: rezip(good(), add={"xl/vbaProject.bin": b"\x00" * 64}),
        "macro_workbook",
        "macros",
    ),
    (
        "macro-content-type",
        lambda: retyped(b"sheet.main+xml", b"sheet.macroEnabled.main+xml"),
        "macro_workbook",
        "macros",
    ),
    (
        "zip-bomb-ratio",
        lambda: rezip(good(), add={"xl/media/image1.png": b"\x00" * (3 * RATIO_FLOOR)}),
        "zip_bomb",
        "zip bomb",
    ),
    (
        "unpacks-too-large",
        lambda: rezip(good(), add={"xl/media/image1.png": os.urandom(MAX_UNPACKED)}),
        "too_large",
        "unpacks to",
    ),
    (
        "too-many-parts",
        lambda: rezip(good(), add={f"customXml/item{i}.xml": b"<a/>" for i in range(MAX_PARTS)}),
        "zip_bomb",
        "parts",
    ),
    (
        "doctype-entities",
        lambda: rezip(
            good(),
            replace={
                "xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                + b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                + zipfile.ZipFile(io.BytesIO(good())).read("xl/workbook.xml")
            },
        ),
        "not_xlsx",
        "DOCTYPE",
    ),
    (
        "malformed-sheet-xml",
        lambda: rezip(good(), replace={sheet_part("results"): b"<worksheet><sheetData><row r="}),
        "not_xlsx",
        "cannot be read",
    ),
    (
        "huge-sheet",
        lambda: rezip(
            good(), replace={sheet_part("results"): sheet_xml(MAX_ROWS + 2, 1, dimension=True)}
        ),
        "too_many_rows",
        f"more than {MAX_ROWS:,} rows",
    ),
    (
        "huge-sheet-undeclared",
        lambda: rezip(
            good(), replace={sheet_part("results"): sheet_xml(MAX_ROWS + 2, 1, dimension=False)}
        ),
        "too_many_rows",
        f"more than {MAX_ROWS:,} rows",
    ),
    (
        "wide-sheet-undeclared",
        lambda: rezip(
            good(), replace={sheet_part("results"): sheet_xml(2, MAX_COLUMNS + 1, dimension=False)}
        ),
        "too_many_columns",
        f"more than {MAX_COLUMNS} columns",
    ),
    (
        "too-many-cells",
        lambda: rezip(
            good(),
            replace={sheet_part("results"): sheet_xml(MAX_CELLS // 11 + 2, 11, dimension=False)},
        ),
        "too_many_cells",
        f"more than {MAX_CELLS:,} cells",
    ),
    (
        # The most work a file can ask for: a sheet without a declared size (openpyxl then
        # parses it whole to size it) as large as the unpacked cap allows.
        "largest-undeclared-sheet",
        lambda: rezip(
            good(),
            replace={sheet_part("results"): sheet_xml(_rows_that_fit(), 11, dimension=False)},
        ),
        "too_many_cells",
        f"more than {MAX_CELLS:,} cells",
    ),
]


def _rows_that_fit() -> int:
    per_row = len(sheet_xml(3, 11, dimension=False)) / 3
    return int((MAX_UNPACKED - len(good()) * 10) / per_row)


@pytest.mark.parametrize(
    ("build", "code", "word"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_hostile_workbook_is_refused_fast_with_its_code(
    build: Callable[[], bytes], code: str, word: str
) -> None:
    data = build()
    with frozen_heap():
        start = time.process_time()
        with pytest.raises(EvidenceError) as info:
            read_workbook(data, "hostile.xlsx", max_bytes=BIG)
        elapsed = time.process_time() - start
    codes = [p.code for p in info.value.problems]
    assert code in codes
    assert any(word in p.message for p in info.value.problems if p.code == code)
    if code not in ("too_many_rows", "too_many_columns", "too_many_cells"):
        assert codes == [code]  # the file is refused whole, before any cell is read
    assert elapsed < HOSTILE_SECONDS, f"{elapsed:.2f} s of CPU"


def test_macro_workbook_is_refused_by_its_name() -> None:
    codes, elapsed = refused(good(), name="evidence.xlsm")
    assert codes == ["macro_workbook"]
    assert elapsed < HOSTILE_SECONDS


def test_byte_cap_applies_before_anything_is_parsed() -> None:
    garbage = b"PK\x03\x04" + b"\x00" * 2000  # would be not_xlsx if it were looked at
    assert refused(garbage, max_bytes=1000)[0] == ["too_large"]
    data = good()
    assert refused(data, max_bytes=len(data) - 1)[0] == ["too_large"]
    assert read_workbook(data, "x.xlsx", max_bytes=len(data)) == load_evidence(MINIMAL)


def test_a_formula_is_never_evaluated_even_with_a_cached_value() -> None:
    # A formula cell written by Excel carries its last result; it must not be used.
    part = sheet_part("results")
    xml = zipfile.ZipFile(io.BytesIO(good())).read(part)
    ref = cell(RESULTS, "value", 2)
    start = xml.index(f'<c r="{ref}"'.encode())
    end = xml.index(b"</c>", start) + 4
    cached = f'<c r="{ref}"><f>WEBSERVICE("http://example.invalid/")</f><v>60</v></c>'.encode()
    problems = problems_of(rezip(good(), replace={part: xml[:start] + cached + xml[end:]}))
    assert [(p.cell, p.code) for p in problems] == [(f"results!{ref}", "formula_cell")]
    assert "WEBSERVICE" in problems[0].message


# --------------------------------------------------------------------------- lists in a cell


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("a; b", ["a", "b"]),
        ("a;b;", ["a", "b"]),
        (" a ;; b ", ["a", "b"]),
        ('"a; b"; c', ["a; b", "c"]),
        ('"say ""hi"""; x', ['say "hi"', "x"]),
        ('"unclosed; x', ['"unclosed', "x"]),
        ("", []),
        ("0.42; 0.72", ["0.42", "0.72"]),
    ],
)
def test_split_items(text: str, items: list[str]) -> None:
    assert split_items(text) == items


@pytest.mark.parametrize(
    "items", [["a", "b"], ["a; b", 'say "hi"', "c"], ['"quoted"'], ["x"]], ids=str
)
def test_join_then_split_gives_the_items_back(items: list[str]) -> None:
    assert split_items(join_items(items)) == items


# --------------------------------------------------------------------------- either kind


def test_read_evidence_bytes_takes_yaml_or_a_workbook() -> None:
    yaml_bytes = MINIMAL.read_bytes()
    expected = load_evidence(MINIMAL)
    assert read_evidence_bytes(yaml_bytes, name="e.yaml", max_bytes=BIG) == expected
    assert read_evidence_bytes(good(), name="e.xlsx", max_bytes=BIG) == expected
    # A workbook is known by its bytes too, whatever its name says.
    assert read_evidence_bytes(good(), name="e.yaml", max_bytes=BIG) == expected
    assert is_workbook("E.XLSX")
    assert is_workbook("x.bin", good())
    assert not is_workbook("e.yml", MINIMAL.read_bytes())


def test_load_evidence_file_reads_a_workbook_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    path.write_bytes(good())
    assert read_evidence_path(path).evidence == load_evidence(MINIMAL)
    with pytest.raises(EvidenceError) as info:
        read_evidence_path(path, max_bytes=100)
    assert [p.code for p in info.value.problems] == ["too_large"]


def test_import_evidence_does_not_import_openpyxl() -> None:
    code = "import sys, evidence, evidence.workbook; print('openpyxl' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


@functools.cache
def _parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(good())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.mark.slow  # property-based: many generated examples
@given(st.data())
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
def test_any_damage_to_a_workbook_is_an_evidence_error_never_a_crash(data: st.DataObject) -> None:
    parts = _parts()
    if data.draw(st.booleans(), label="damage the zip itself"):
        raw = bytearray(good())
        start = data.draw(st.integers(0, len(raw) - 1), label="at")
        junk = data.draw(st.binary(min_size=1, max_size=64), label="junk")
        damaged = bytes(raw[:start] + junk + raw[start + len(junk) :])
    else:
        name = data.draw(st.sampled_from(sorted(parts)), label="part")
        content = parts[name]
        start = data.draw(st.integers(0, len(content)), label="at")
        junk = data.draw(
            st.binary(max_size=40) | st.sampled_from([b"<", b"&", b"</row>", b'"', b"\x00"]),
            label="junk",
        )
        cut = data.draw(st.integers(0, 40), label="cut")
        damaged = rezip(good(), replace={name: content[:start] + junk + content[start + cut :]})
    outcome = _read_or_error(damaged)
    if isinstance(outcome, EvidenceError):
        assert outcome.problems
        assert all(p.code and p.message for p in outcome.problems)
    else:
        assert isinstance(outcome, Evidence)


def _read_or_error(data: bytes) -> Evidence | EvidenceError:
    try:
        return read_workbook(data, "damaged.xlsx", max_bytes=BIG)
    except EvidenceError as exc:
        return exc


def _id_reference_fields() -> list[tuple[str, fields.FieldSpec]]:
    from evidence import models

    return [
        (kind.name, spec)
        for kind in fields.list_specs()
        for spec in kind.fields
        if spec.name != "id" and spec.pattern == models.ID_RULE.pattern
    ]


@pytest.mark.parametrize(
    ("list_name", "spec"), _id_reference_fields(), ids=lambda v: getattr(v, "name", v)
)
def test_the_workbook_knows_every_reference_the_models_check(list_name, spec):
    """A field the consistency checks resolve as an id of another list has that list in
    fields.REFERENCES (its drop-down and its words in the read-me), and only such a field."""
    import copy

    import yaml

    from evidence import loader
    from evidence.codes import Code

    data = yaml.safe_load((FIXTURES / "valid_minimal.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    cohort = data["cohorts"][0]  # an appraisal of the minimal file's first source, whole
    data.setdefault("appraisals", [{"source": cohort["source"], "domain": "risk_of_bias",
                                    "rating": "serious", "reason": "Open label."}])  # fmt: skip
    data[list_name][0][spec.name] = ["zz_not_an_id_here"] if spec.many else "zz_not_an_id_here"
    with pytest.raises(loader.EvidenceError) as raised:
        loader.parse_evidence(yaml.safe_dump(data).encode("utf-8"))
    unknown = [
        p
        for p in raised.value.problems
        if p.code is Code.UNKNOWN_REFERENCE and spec.name in p.location
    ]
    assert unknown, raised.value.problems
    assert spec.refers_to is not None
