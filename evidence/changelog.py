"""What changed in an evidence file, version by version: the change log beside it.

A file ``X.yaml`` may have a change log ``X.changelog.yaml`` in the same folder (the bundled
evidence has ``data/evidence.changelog.yaml``). It is read by the same safe loader, so a
broken log gets the same line-precise problems as an evidence file. Its newest version names
the data version it describes (``3f2a9c1e (2026-12-01)``: the file's content hash and review
date), so the dashboard can tell when a log and its file disagree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field

from evidence.loader import read_evidence_file
from evidence.models import Model, Text
from evidence.validation import validate_document
from evidence.yaml_reader import read_yaml_document

SUFFIX = ".changelog.yaml"


class Change(Model):
    """One change: what a reader sees differently, why, and where the reason comes from."""

    what: Text
    why: Text
    source: Text
    items: tuple[Text, ...] = Field(default=(), description="Ids or cohort/endpoint keys")


class Version(Model):
    """One version of the evidence file and what changed in it."""

    data_version: Text = Field(description="Content hash and review date, as the pages show")
    date: dt.date
    summary: Text
    changes: tuple[Change, ...] = ()


class ChangeLog(Model):
    """Every version of an evidence file, newest first."""

    versions: tuple[Version, ...] = Field(min_length=1)

    @property
    def newest(self) -> Version:
        """The latest version."""
        return self.versions[0]


def changelog_path(evidence_path: str | Path) -> Path:
    """Where the change log of an evidence file would be: ``X.yaml`` -> ``X.changelog.yaml``."""
    path = Path(evidence_path)
    return path.with_name(path.name.removesuffix(path.suffix) + SUFFIX)


def load_changelog(path: str | Path) -> ChangeLog:
    """Read and validate a change log (raises EvidenceError with every problem)."""
    raw, positions, problems = read_yaml_document(read_evidence_file(path), str(path))
    return validate_document(raw, positions, str(path), problems=problems, model=ChangeLog)
