"""Import a ClinicalTrials.gov results record (API v2 JSON or classic XML) into the format.

``read_record`` reads either format into a neutral Record (``record.py``), ``map_record``
turns it into an evidence document (``mapping.py``), and ``import_record`` validates that
with the project's loader. ``merge.py`` adds it to an existing evidence file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence.codes import Code
from evidence.ctgov.mapping import map_record
from evidence.ctgov.read_json import read_json_record
from evidence.ctgov.read_xml import read_xml_record
from evidence.ctgov.record import Record, record_error
from evidence.loader import too_large_error
from evidence.models import Evidence
from evidence.problems import EvidenceError, LoadProblem
from evidence.validation import validate_document

RECORD_SUFFIXES = (".json", ".xml")
"""File names read as registry records (the uploader and the command line)."""
RECORD_MAX_BYTES = 10 * 1024 * 1024
"""A record on disk larger than this is refused unread (real ones weigh 0.1-1 MB)."""


@dataclass(frozen=True)
class Imported:
    """A record's evidence, validated, and what was left out of it (one line each, why)."""

    evidence: Evidence
    skipped: tuple[str, ...]
    record: Record


def is_record(name: str) -> bool:
    """Whether a file name is that of a registry record (.json or .xml)."""
    return name.lower().endswith(RECORD_SUFFIXES)


def read_record(data: bytes, name: str, *, max_bytes: int = RECORD_MAX_BYTES) -> Record:
    """A registry record, JSON or XML (told by its first character), as neutral values.

    Raises EvidenceError naming what is wrong and where (a JSON path or an XML element).
    """
    if len(data) > max_bytes:
        raise too_large_error(len(data), max_bytes, name)
    if b"\x00" in data:
        raise record_error(name, Code.BINARY_FILE, "", "a binary file, not a JSON or XML record")
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not start:
        raise EvidenceError([LoadProblem("", 1, 1, Code.EMPTY_FILE, "the file is empty")], name)
    if start in (b"{", b"["):
        return read_json_record(data, name)
    if start == b"<":
        return read_xml_record(data, name)
    raise record_error(
        name,
        Code.RECORD_SYNTAX,
        "",
        "neither JSON nor XML: a registry record starts with '{' (API v2 JSON) or '<' "
        "(classic XML)",
    )


def import_record(data: bytes, name: str, *, max_bytes: int = RECORD_MAX_BYTES) -> Imported:
    """The record's evidence, checked by the loader like any evidence file.

    Raises EvidenceError: the record's own problems, or no_results when nothing maps.
    """
    record = read_record(data, name, max_bytes=max_bytes)
    if not re.fullmatch(r"NCT\d{8}", record.nct):  # every id of the import starts with it
        raise record_error(
            name,
            Code.BAD_NCT,
            "protocolSection.identificationModule.nctId"
            if record.format.endswith("JSON")
            else "clinical_study/id_info/nct_id",
            f"'{record.nct[:40]}' is not a registry id like NCT00056160",
            record.nct[:80],
        )
    doc, skipped = map_record(record)
    if not doc["endpoints"]:
        raise record_error(
            name,
            Code.NO_RESULTS,
            "",
            "no outcome measure or adverse event of the record maps to the format "
            f"(skipped: {'; '.join(skipped[:3]) or 'nothing posted'})",
        )
    evidence = validate_document(doc, {}, f"{name} (as imported)", model=Evidence)
    return Imported(evidence, tuple(skipped), record)


__all__ = ["RECORD_MAX_BYTES", "RECORD_SUFFIXES", "Imported", "import_record", "is_record"]
