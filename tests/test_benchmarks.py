"""The benchmarks' grown evidence files stay valid as the format gains cross-references."""

from __future__ import annotations

import sys

import yaml
from conftest import BUNDLED, ROOT

from evidence.loader import parse_evidence

sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_loader import grown


def test_grown_file_is_valid_and_as_many_times_larger() -> None:
    # A new reference between cohorts (subgroup_of) once made every grown file invalid,
    # and every benchmark above the bundled size failed.
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    evidence = parse_evidence(yaml.safe_dump(grown(data, 3), allow_unicode=True).encode())
    assert len(evidence.cohorts) == 3 * len(data["cohorts"])
    assert len(evidence.results) == 3 * len(data["results"])
    nested = [c for c in evidence.cohorts if c.subgroup_of]
    assert nested
    assert all(c.subgroup_of.endswith("_x2") == c.id.endswith("_x2") for c in nested)
