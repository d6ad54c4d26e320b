from __future__ import annotations

import json
import re

import pytest
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


def _word_lists(text: str) -> list[tuple[str, set[str]]]:
    """(field, words) of each ``field: value  # a | b | c`` comment listing a field's words.

    A list may go on over the next lines while a line ends with ``|``, and may name its field
    itself on another key's line (``endpoints:  # category: a | b``).
    """
    from evidence.vocabulary import VOCABULARIES

    names = {v.name for v in VOCABULARIES}
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = re.match(r"^\s*(?:- )?(\w+):[^#]*#\s*(.*)$", lines[i])
        if line and "|" in line.group(2):
            name, listed = line.groups()
            named = re.match(r"(\w+):\s*(.*)$", listed)
            if named and named.group(1) in names:
                name, listed = named.groups()
            chunks = [listed]
            while chunks[-1].rstrip().endswith("|") and i + 1 < len(lines):
                i += 1
                chunks.append(lines[i].split("#", 1)[1])
            pieces = [
                re.match(r"\s*(?:optional:\s*)?(\w+)", p) for p in " ".join(chunks).split("|")
            ]
            found.append((name, {p.group(1) for p in pieces if p}))
        i += 1
    return found


@pytest.mark.parametrize(
    ("page", "least"), [("docs/evidence-format.md", 15), ("data/template.yaml", 12)]
)
def test_word_lists_in_the_format_page_and_template_are_the_vocabularies(page, least):
    # The words are declared once (evidence/vocabulary.py), but these two files list them in
    # comments for people: tried in a copy, a new design word reached every page, the schema
    # and the workbook, and left both lists (and the downloadable template) without it.
    from evidence.vocabulary import VOCABULARIES

    words = {v.name: set(v) for v in VOCABULARIES}
    lists = _word_lists((ROOT / page).read_text())
    assert len(lists) >= least
    for name, listed in lists:
        assert listed == words[name], (page, name, sorted(words[name] ^ listed))


def test_format_page_names_every_field():
    from evidence import fields

    page = (ROOT / "docs" / "evidence-format.md").read_text()
    named = [spec.path[-1] for spec in fields.file_fields()]
    named += [spec.name for kind in fields.list_specs() for spec in kind.fields]
    missing = [n for n in named if not re.search(rf"(^|[\s`]){n}(:|`)", page, flags=re.M)]
    assert missing == []
