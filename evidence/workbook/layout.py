"""What writing and reading a workbook agree on: its sheets, its limits, lists in a cell."""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidence.writer import number as number_text

FILE_SHEET = "evidence"
"""The first sheet: the file's own fields (format, title, ..., editorial.*), one per row."""
README_SHEET = "read me"
FILE_HEADERS = ("field", "value", f"about (the '{README_SHEET}' sheet explains the workbook)")
SEPARATOR = ";"
"""Separates the values of a list held in one cell."""

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")


MAX_ROWS = 5_000
"""Rows of data read per sheet (the bundled file's largest list has about 100)."""
MAX_COLUMNS = 60
"""Columns read per sheet (the widest list has 12 fields)."""
MAX_CELLS = 20_000
"""Cells read in all (the bundled file has about 2,600): bounds the time spent parsing."""
ENTRY_ROWS = MAX_ROWS + 1
"""Drop-downs and text formats cover the rows a reader accepts (2 .. ENTRY_ROWS)."""

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
