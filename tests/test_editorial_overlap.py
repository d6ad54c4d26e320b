"""The evidence file paraphrases the editorial; it must never copy a run of 8 of its words.

The editorial itself is not part of the project. tests/fixtures/editorial_8gram_hashes.txt
holds only hashes of its 8-word runs (see the comment at the top of that file), so this test
can check every free-text string of data/evidence.yaml without the editorial's sentences.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import yaml
from conftest import FIXTURES, ROOT

SHINGLE = 8
HASH_CHARS = 16
# A word: letters or digits or %, with internal hyphens ("3-4", "allo-sct", "65-75").
WORD = re.compile(r"(?:[^\W_]|%)+(?:-(?:[^\W_]|%)+)*")
LINE_BREAK_HYPHEN = re.compile(r"-[ \t]*\r?\n\s*")


def words(text: str) -> list[str]:
    """The normalised words of a text, as the fixture was built."""
    text = LINE_BREAK_HYPHEN.sub("", text)  # "dex-\namethasone" -> "dexamethasone"
    return WORD.findall(text.lower())


def shingle_hashes(text: str) -> dict[str, str]:
    """Hash -> 8-word run, for every run of 8 consecutive words of ``text``."""
    ws = words(text)
    runs = (" ".join(ws[i : i + SHINGLE]) for i in range(len(ws) - SHINGLE + 1))
    return {hashlib.sha256(run.encode()).hexdigest()[:HASH_CHARS]: run for run in runs}


def editorial_hashes() -> set[str]:
    lines = (FIXTURES / "editorial_8gram_hashes.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def strings(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string value of a loaded YAML document (not the keys), with its path."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, f"{path}[{i}]")


def overlaps(document: object, known: set[str]) -> list[str]:
    found = []
    for path, text in strings(document):
        runs = [run for digest, run in shingle_hashes(text).items() if digest in known]
        if runs:
            found.append(f"{path}: {text!r} (copies: {'; '.join(runs)})")
    return found


def test_fixture_holds_hashes_only() -> None:
    known = editorial_hashes()
    assert len(known) > 500  # the editorial is about 1,400 words
    assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in known)


def test_normalisation_joins_line_break_hyphens_and_keeps_internal_ones() -> None:
    assert words("Dex-\namethasone, grade 3-4 (RD).1,2 83%") == [
        "dexamethasone",
        "grade",
        "3-4",
        "rd",
        "1",
        "2",
        "83%",
    ]


def test_overlap_check_catches_a_copied_run() -> None:
    # A made-up 8-word run, hashed the way the fixture is: the check must find it.
    run = "one two three four five six seven eight"
    digest = hashlib.sha256(run.encode()).hexdigest()[:HASH_CHARS]
    document = {"verdicts": [{"statement": "One, two; three-\nfour? No: one two three four."}]}
    assert overlaps(document, {digest}) == []
    document["verdicts"][0]["statement"] = "Said: One two Three four five, six seven eight!"
    assert overlaps(document, {digest}) == [
        f"verdicts[0].statement: {document['verdicts'][0]['statement']!r} (copies: {run})"
    ]


def test_no_string_of_the_evidence_file_copies_8_words_of_the_editorial() -> None:
    document = yaml.safe_load((ROOT / "data" / "evidence.yaml").read_text(encoding="utf-8"))
    found = overlaps(document, editorial_hashes())
    assert not found, "strings copying the editorial (paraphrase them):\n" + "\n".join(found)
