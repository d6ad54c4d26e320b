"""Problems in an evidence file: where each is, its stable code, its message, its value.

A consistency check of the models finds a Problem at a path into the document
(ConsistencyError carries all of them); a reader (YAML, workbook, registry record) reports a
LoadProblem at a line or a cell, so that a problem reads the same wherever it was found, and
an EvidenceError carries every one of them at once.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from evidence.codes import Code

MAX_PROBLEMS = 500  # more than this helps nobody; the count is still reported

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One consistency problem found after the fields themselves validated."""

    path: tuple[str | int, ...]
    code: Code
    message: str
    value: object = None


class ConsistencyError(ValueError):
    """Raised by Evidence's validator; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} consistency problem(s): " + problems[0].message)


@dataclass(frozen=True)
class Where:
    """A place outside a YAML text, 1-based: a workbook cell is (row, column) of a sheet."""

    line: int | None
    column: int | None
    sheet: str = ""


def column_letters(column: int) -> str:
    """A spreadsheet column's letters: 1 -> A, 27 -> AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class LoadProblem:
    """One problem in an evidence file, as shown to the person who wrote it.

    For a YAML file ``line`` and ``column`` are the text's; for a workbook ``sheet`` is set and
    they are the cell's row and column (``cell`` then reads ``results!F12``).
    """

    location: str
    line: int | None
    column: int | None
    code: Code
    message: str
    value: str = ""
    sheet: str = ""

    @property
    def cell(self) -> str:
        """``sheet!F12`` for a workbook problem with a known cell, else ""."""
        if not self.sheet or not self.line:
            return self.sheet
        return f"{self.sheet}!{column_letters(self.column or 1)}{self.line}"

    def as_line(self, filename: str) -> str:
        """Render as ``FILE:LINE:COL: location: message`` (``FILE:sheet!F12: ...``)."""
        if self.sheet:
            where = f"{filename}:{self.cell}"
        else:
            where = f"{filename}:{self.line or 0}:{self.column or 0}"
        loc = f" {self.location}:" if self.location else ""
        return f"{where}:{loc} {self.message} [{self.code}]"


class EvidenceError(Exception):
    """An evidence file could not be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[LoadProblem], name: str = "evidence file") -> None:
        self.problems = problems
        self.name = name
        count = len(problems)
        super().__init__(f"{name}: {count} problem{'s' if count != 1 else ''}")


def format_location(path: Path_) -> str:
    """Render a path as ``results[12].value``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# A bounded repr: an error's input can be the whole document (a missing top-level field), and
# a full repr of it costs time and memory in proportion to the file, or more through aliases.
_REPR = reprlib.Repr()  # keyword arguments need Python 3.12
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple = 3, 6, 6, 6
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 80


def short_value(value: object, limit: int = 80) -> str:
    """A value as a problem shows it: its text or a bounded repr, at most ``limit`` characters."""
    text = _REPR.repr(value) if not isinstance(value, str) else value[:limit]
    return text if len(text) <= limit else text[: limit - 1] + "…"


Position = yaml.Mark | Where
"""Where a value came from: a YAML mark (0-based) or a Where (1-based, e.g. a cell)."""


def problem_at(
    code: Code, message: str, mark: Position | None = None, location: str = "", value: str = ""
) -> LoadProblem:
    """A problem at ``mark``: a YAML mark (0-based) or a Where (1-based, e.g. a cell)."""
    if isinstance(mark, Where):
        return LoadProblem(location, mark.line, mark.column, code, message, value, mark.sheet)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return LoadProblem(location, line, column, code, message, value)


def problems_error(
    problems: Sequence[LoadProblem], name: str, *, sheets: Sequence[str] = ()
) -> EvidenceError:
    """The EvidenceError for ``problems``: sorted by place, at most MAX_PROBLEMS listed.

    Workbook problems sort by sheet in the order of ``sheets`` (others after them, by name),
    then by row and column.
    """
    rank = {sheet: i for i, sheet in enumerate(sheets)}
    found = sorted(
        problems,
        key=lambda p: (rank.get(p.sheet, len(rank)), p.sheet, p.line or 0, p.column or 0),
    )
    if len(found) > MAX_PROBLEMS:
        hidden = len(found) - MAX_PROBLEMS
        more = f"{hidden} more problem{'s' if hidden != 1 else ''} not listed; fix these first"
        found = [*found[:MAX_PROBLEMS], LoadProblem("", None, None, Code.TOO_MANY, more)]
    return EvidenceError(found, name)
