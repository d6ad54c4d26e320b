"""Load an evidence file: safe YAML in, validated Evidence out, every problem explained.

The YAML is read by evidence/yaml_reader.py, the plain document is validated by
evidence/validation.py, and every problem is an evidence/problems.py LoadProblem.
"""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path

from evidence.codes import Code
from evidence.models import Evidence
from evidence.problems import (
    MAX_PROBLEMS,
    EvidenceError,
    LoadProblem,
    format_location,
    problems_error,
)
from evidence.validation import document_problems, validate_document
from evidence.yaml_reader import MAX_ALIAS_NODES, MAX_DEPTH, read_yaml_document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_PROBLEMS",
    "EvidenceError",
    "LoadProblem",
    "document_problems",
    "format_location",
    "load_evidence",
    "load_evidence_bytes",
    "parse_evidence",
    "problems_error",
    "read_evidence_file",
    "too_large_error",
]
"""The public names: the entry points, and what callers outside the package have always
imported from here (problems, limits, validation), whose homes are the modules named above."""

_MB = 1024 * 1024  # sizes are shown in MB of 2**20 bytes, as Streamlit counts uploads
DEFAULT_MAX_BYTES = 50 * _MB
"""Files on disk larger than this are refused before parsing."""


class _GcPaused:
    """Pause the cyclic garbage collector while a large, acyclic tree is built.

    CPython 3.11 runs a collection every few hundred allocations, and the full ones walk every
    live object. Measured again for this version (``benchmarks/bench_loader.py`` with and
    without ``--without-gc-pause``, 2 cores): a 4 MB file loads in 0.7 s paused and 2.6-2.9 s
    not, a 42 MB one in 11-15 s and 28-32 s. So the pause stays. Nodes, plain values and
    models hold no cycles, so reference counting still frees them. Loads run in threads (one
    per Streamlit session): a shared count re-enables the collector only when the last load
    ends.
    """

    _lock = threading.Lock()
    _active = 0
    _was_enabled = False

    def __enter__(self) -> None:
        with _GcPaused._lock:
            if _GcPaused._active == 0:
                _GcPaused._was_enabled = gc.isenabled()
                gc.disable()
            _GcPaused._active += 1

    def __exit__(self, *exc_info: object) -> None:
        with _GcPaused._lock:
            _GcPaused._active -= 1
            if _GcPaused._active == 0 and _GcPaused._was_enabled:
                gc.enable()


def parse_evidence(data: bytes, name: str = "evidence file") -> Evidence:
    """Validate the bytes of an evidence file.

    Raises
    ------
    EvidenceError
        With every problem found: location, line, column, code and message.
    """
    with _GcPaused():
        return _parse(data, name)


def _parse(data: bytes, name: str) -> Evidence:
    raw, positions, problems = read_yaml_document(data, name)
    return validate_document(raw, positions, name, problems=problems)


def too_large_error(size: int, max_bytes: int, name: str) -> EvidenceError:
    """The error for a file of ``size`` bytes over the cap of ``max_bytes``."""
    message = f"the file is {size / _MB:.1f} MB; the limit is {max_bytes / _MB:.0f} MB"
    return EvidenceError([LoadProblem("", None, None, Code.TOO_LARGE, message)], name)


def read_evidence_file(
    path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> bytes:
    """The bytes of the file at ``path``; one larger than ``max_bytes`` is refused unread.

    Raises EvidenceError (file_not_found, not_a_file, unreadable, too_large).
    """
    file = Path(path)
    name = str(path)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            raise too_large_error(size, max_bytes, name)
        return file.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(
            [LoadProblem("", None, None, Code.FILE_NOT_FOUND, f"there is no file at {name}")], name
        ) from None
    except IsADirectoryError:
        raise EvidenceError(
            [LoadProblem("", None, None, Code.NOT_A_FILE, f"{name} is a folder, not a file")], name
        ) from None
    except PermissionError:
        raise EvidenceError(
            [LoadProblem("", None, None, Code.UNREADABLE, f"{name} cannot be read (permission)")],
            name,
        ) from None


def load_evidence(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Evidence:
    """Load and validate the evidence file at ``path``.

    A file larger than ``max_bytes`` is refused before it is read.
    """
    return parse_evidence(read_evidence_file(path, max_bytes=max_bytes), str(path))


def load_evidence_bytes(data: bytes, *, name: str, max_bytes: int) -> Evidence:
    """Validate evidence given as bytes (an upload), refusing anything over ``max_bytes``."""
    if len(data) > max_bytes:
        raise too_large_error(len(data), max_bytes, name)
    return parse_evidence(data, name)
