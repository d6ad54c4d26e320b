"""One evidence reader for every way in (evidence/reader.py): a workbook, a registry record
or YAML loads the same through EVIDENCE_FILE, the uploader and both command lines."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import APP, BUNDLED, FIXTURES, ROOT
from streamlit.testing.v1 import AppTest

from components.registry import PAGES
from evidence.loader import EvidenceError
from evidence.reader import read_evidence, read_evidence_path
from evidence.workbook import write_workbook


@pytest.fixture(scope="module")
def twin(tmp_path_factory) -> object:
    """The bundled evidence written as a workbook."""
    path = tmp_path_factory.mktemp("twin") / "evidence.xlsx"
    path.write_bytes(write_workbook(read_evidence_path(BUNDLED).evidence))
    return path


def test_a_workbook_a_record_and_yaml_are_told_apart_and_read(twin):
    assert read_evidence_path(twin).evidence == read_evidence_path(BUNDLED).evidence
    read = read_evidence_path(FIXTURES / "ctgov" / "v2_record.json")
    assert read.evidence.sources[0].nct
    assert isinstance(read.skipped, tuple)
    with pytest.raises(EvidenceError):
        read_evidence(b"\x00\x01 not evidence", "x.yaml")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.key)
def test_every_page_renders_a_workbook_named_by_evidence_file(page, twin, monkeypatch):
    monkeypatch.setenv("EVIDENCE_FILE", str(twin))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page.path).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


@pytest.mark.slow  # two export commands end to end
def test_export_command_writes_the_same_files_for_a_workbook_as_for_its_yaml_twin(twin, tmp_path):
    outputs = {}
    for name, source in (("yaml", BUNDLED), ("xlsx", twin)):
        out = tmp_path / name
        done = subprocess.run(
            [sys.executable, "-m", "components.export", "--evidence", str(source),
             "--formats", "csv", "--out", str(out)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs[name] = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".csv"}
    assert outputs["yaml"]
    assert outputs["yaml"].keys() == outputs["xlsx"].keys()
    assert outputs["yaml"] == outputs["xlsx"]
