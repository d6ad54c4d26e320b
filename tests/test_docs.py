from __future__ import annotations

import json
import re

from conftest import ROOT

from evidence.models import json_schema


def test_committed_json_schema_matches_models():
    committed = json.loads((ROOT / "docs" / "evidence.schema.json").read_text())
    assert committed == json_schema(), "run: python -m evidence schema > docs/evidence.schema.json"


def test_bundled_evidence_points_editors_at_the_schema():
    head = (ROOT / "data" / "evidence.yaml").read_text().splitlines()[0]
    assert head == "# yaml-language-server: $schema=../docs/evidence.schema.json"


def test_readme_commands_name_files_that_exist():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, flags=re.DOTALL)
    run, test = blocks[0], blocks[1]
    for name in [*re.findall(r"-r (\S+)", run), "dashboard.py"]:
        assert (ROOT / name).exists(), name
    assert "bash .ci/run" in test
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_error_codes_page_lists_exactly_the_closed_set():
    from evidence.codes import Code

    page = (ROOT / "docs" / "error-codes.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z_0-9]+)` \| (.+) \|$", page, flags=re.MULTILINE))
    assert rows == {code.value: code.description for code in Code}


def test_every_code_the_loaders_use_is_in_the_closed_set():
    # Codes are written as Code members; a bare string code would escape the set.
    from evidence.codes import Code

    known = {code.value for code in Code}
    for path in (ROOT / "evidence").rglob("*.py"):  # packages too (frames/, workbook/...)
        text = path.read_text()
        for literal in re.findall(r"LoadProblem\([^)]*?\"([a-z_]+)\"", text):
            assert literal in known, (path.name, literal)


def test_architecture_page_names_only_files_that_exist():
    page = (ROOT / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"(?:evidence|components|pages|tests|data|docs)/[\w./{},*<>-]+", page))
    assert len(named) > 20
    for name in named:
        name = name.rstrip(".,)")
        if "{" in name:  # components/{panels,sidebar}.py
            head, rest = name.split("{", 1)
            options, tail = rest.split("}", 1)
            paths = [head + option + tail for option in options.split(",")]
        elif "<" in name or "*" in name:
            continue
        else:
            paths = [name]
        for path in paths:
            assert (ROOT / path).exists(), path
