"""The gate before a workbook is parsed: is it a plain .xlsx workbook of a reasonable size.

Everything here looks at the zip's directory and a few bytes of its parts, never at more:
the byte cap has applied already, and openpyxl parses nothing until these checks pass.
Each refusal is one LoadProblem with a code of its own (documented in docs/evidence-format.md):
``not_xlsx`` (not a workbook, damaged, .xls, .ods, encrypted, a DOCTYPE), ``macro_workbook``
(.xlsm content or a VBA project), ``zip_bomb`` (a part that unpacks to more than MAX_RATIO
times its size, or too many parts) and ``too_large`` (more than MAX_UNPACKED in all).
"""

from __future__ import annotations

import io
import zipfile
import zlib

from evidence.codes import Code
from evidence.problems import EvidenceError, LoadProblem

_MB = 1024 * 1024
MAX_UNPACKED = 3 * _MB
"""The parts of a workbook may unpack to this much in all (the bundled file: 0.3 MB).

openpyxl parses some parts whole before a cell is read: shared strings, styles, and a sheet
that does not declare its size (to size it). At about 5 MB a second on a busy core, this cap
bounds that time; the cell cap (evidence/workbook/layout.py) bounds the rest.
"""
MAX_RATIO = 100
"""A part larger than RATIO_FLOOR may not unpack to more than this many times its size."""
RATIO_FLOOR = 1 * _MB
MAX_PARTS = 1_000
"""Parts (zip members) of a workbook; Excel writes a few dozen."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
ZIP_MAGIC = b"PK\x03\x04"
_HEAD = 4096  # bytes of each XML part checked for a DOCTYPE (it must precede the root element)
_DOCTYPES = tuple("<!DOCTYPE".encode(c) for c in ("utf-8", "utf-16-le", "utf-16-be"))
MACROS = (
    "this workbook holds macros (.xlsm); macros are never run here: save it as an Excel "
    "workbook (.xlsx)"
)


def refusal(code: Code, message: str, name: str) -> EvidenceError:
    """The error for a whole file refused for one reason (no sheet, row or column)."""
    return EvidenceError([LoadProblem("", None, None, code, message)], name)


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # cut inside a character at the end
    return True


def _find(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    lower = name.lower()
    return next((i for i in archive.infolist() if i.filename.lower() == lower), None)


def check_package(data: bytes, name: str) -> None:
    """Refuse what is not a plain .xlsx workbook, before any of its XML is parsed.

    Raises
    ------
    EvidenceError
        With one problem: ``not_xlsx``, ``macro_workbook``, ``zip_bomb`` or ``too_large``.
    """
    if not data.startswith(ZIP_MAGIC):
        if data.startswith(OLE_MAGIC):
            raise refusal(
                Code.NOT_XLSX,
                "this is an old Excel 97-2003 workbook (.xls) or a password-protected file; "
                "save it as an Excel workbook (.xlsx) without a password",
                name,
            )
        hint = (
            " (it looks like text: a YAML file must end in .yaml)" if _looks_like_text(data) else ""
        )
        raise refusal(Code.NOT_XLSX, f"this is not an Excel .xlsx workbook{hint}", name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise refusal(
            Code.NOT_XLSX, "this is not an Excel .xlsx workbook (its zip is damaged)", name
        ) from None
    with archive:
        _check_parts(archive, name)


def _check_parts(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise refusal(
            Code.ZIP_BOMB,
            f"the workbook has {len(infos):,} parts; a workbook has a few dozen (a zip bomb?)",
            name,
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise refusal(
                Code.ZIP_BOMB,
                f"the part {info.filename} unpacks to {ratio:,.0f} times its size; at most "
                f"{MAX_RATIO} are read (a zip bomb?)",
                name,
            )
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise refusal(
                Code.NOT_XLSX, "this is not a plain .xlsx workbook (encrypted or odd zip)", name
            )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED:
        raise refusal(
            Code.TOO_LARGE,
            f"the workbook unpacks to {unpacked / _MB:,.1f} MB; the limit is "
            f"{MAX_UNPACKED / _MB:.0f} MB",
            name,
        )
    if any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise refusal(Code.MACRO_WORKBOOK, MACROS, name)
    try:
        _check_content(archive, name)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError):
        raise refusal(
            Code.NOT_XLSX, "this is not an Excel .xlsx workbook (its zip is damaged)", name
        ) from None


def _check_content(archive: zipfile.ZipFile, name: str) -> None:
    mimetype = _find(archive, "mimetype")
    if mimetype is not None and archive.read(mimetype)[:200].startswith(b"application/vnd.oasis"):
        raise refusal(
            Code.NOT_XLSX,
            "this is an OpenDocument file (.ods); save it as an Excel workbook (.xlsx)",
            name,
        )
    types = _find(archive, "[Content_Types].xml")
    if types is None or types.file_size > _MB:
        raise refusal(Code.NOT_XLSX, "this is not an Excel .xlsx workbook", name)
    content = archive.read(types).lower()
    if b"macroenabled" in content:
        raise refusal(Code.MACRO_WORKBOOK, MACROS, name)
    if b"spreadsheetml.sheet.main" not in content and b"spreadsheetml.template.main" not in content:
        what = (
            "a Word document"
            if b"wordprocessingml" in content
            else "a PowerPoint presentation"
            if b"presentationml" in content
            else "not an Excel .xlsx workbook"
        )
        raise refusal(Code.NOT_XLSX, f"this is {what}, not an Excel .xlsx workbook", name)
    # The XML parsers used are safe from entity expansion (expat >= 2.4 limits it; entities
    # are not resolved), but no workbook needs a DOCTYPE: refuse one outright.
    for info in archive.infolist():
        if info.filename.lower().endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as part:
                head = part.read(_HEAD)
            if any(doctype in head for doctype in _DOCTYPES):
                raise refusal(
                    Code.NOT_XLSX,
                    f"the part {info.filename} declares a DOCTYPE, which no workbook needs",
                    name,
                )
