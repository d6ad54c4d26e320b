"""One evidence reader: a path or bytes in, the evidence (or every problem) out.

It tells the three ways of writing evidence apart and sends each to its reader: an ``.xlsx``
workbook (by its name or its first bytes: evidence/workbook/), a ClinicalTrials.gov results
record (``.json`` / ``.xml``: evidence/ctgov), and YAML (evidence/loader.py) for anything else.
The size limit applies before any of them parses. The dashboard's shell and uploader, the
command lines (``python -m evidence``, ``python -m components.export``) all read through here,
so a workbook that validates on the command line also loads through ``EVIDENCE_FILE``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from evidence.ctgov import RECORD_MAX_BYTES, import_record, is_record
from evidence.loader import DEFAULT_MAX_BYTES, read_evidence_file
from evidence.models import Evidence
from evidence.workbook import read_evidence_bytes

__all__ = ["Read", "read_evidence", "read_evidence_path"]


@dataclass(frozen=True)
class Read:
    """What a file held: its evidence, its bytes, and what an import left out (with why)."""

    evidence: Evidence
    data: bytes
    skipped: tuple[str, ...] = ()


def read_evidence(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Read:
    """Evidence from bytes named ``name``: YAML, a workbook or a registry record.

    Raises EvidenceError with every problem (a YAML line, a workbook cell, a record's JSON
    path or XML element).
    """
    if is_record(name):
        imported = import_record(data, name, max_bytes=min(max_bytes, RECORD_MAX_BYTES))
        return Read(imported.evidence, data, imported.skipped)
    return Read(read_evidence_bytes(data, name=name, max_bytes=max_bytes), data)


def read_evidence_path(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Read:
    """Evidence from a file on disk (its size checked before it is read), as ``read_evidence``."""
    data = read_evidence_file(path, max_bytes=max_bytes)
    return read_evidence(data, str(path), max_bytes=max_bytes)
