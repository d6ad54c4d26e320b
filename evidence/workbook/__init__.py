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

The package: layout.py (the sheets, the limits, lists in a cell), write.py, cells.py (one
cell read for the model) and read.py (a whole workbook read and validated, or YAML bytes
passed to the loader).
"""

from evidence.workbook.cells import *  # noqa: F403
from evidence.workbook.layout import *  # noqa: F403
from evidence.workbook.read import *  # noqa: F403
from evidence.workbook.write import *  # noqa: F403
