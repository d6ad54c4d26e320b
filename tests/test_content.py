"""Every field of every bundled verdict card and source entry, in every medium that shows it.

The blocks are composed once (components/content.py); these tests read each medium back as
its reader sees it (the page's elements, the offline page's text, the slide and its notes,
the README) and look for each field of each block there.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import textwrap
from html import unescape
from pathlib import Path

import pytest
from conftest import APP, BUNDLED, ROOT
from streamlit.testing.v1 import AppTest

from components import content
from components.export import deck, files, html
from components.loaded import Filters, LoadedEvidence
from components.specs import ChartSpec

DAY = dt.date(2026, 2, 3)


def _plain(text: str) -> str:
    """Whitespace collapsed, Markdown escapes removed: the text as a reader reads it."""
    return " ".join(re.sub(r"\\(.)", r"\1", text).split())


def _missing(texts: tuple[str, ...], medium: str) -> list[str]:
    return [text for text in texts if text and _plain(text) not in medium]


@pytest.fixture(scope="module")
def cards(bundled: LoadedEvidence) -> tuple[content.VerdictCard, ...]:
    built = content.verdict_cards(bundled, Filters())
    assert len(built) == len(bundled.verdicts) > 0
    return built


@pytest.fixture(scope="module")
def entries(bundled: LoadedEvidence) -> tuple[content.SourceEntry, ...]:
    built = content.source_entries(bundled, bundled.sources)
    assert len(built) == len(bundled.sources) > 0
    return built


@pytest.fixture(scope="module")
def file_specs(bundled: LoadedEvidence) -> list[ChartSpec]:
    return files.file_specs(bundled, Filters())


@pytest.fixture(scope="module")
def offline_text(bundled: LoadedEvidence, file_specs: list[ChartSpec]) -> str:
    page = html.view_html(bundled, Filters(), exported=DAY, specs=file_specs).decode()
    body = page.split("<main>", 1)[1].split("</main>", 1)[0]
    return _plain(unescape(re.sub(r"<[^>]+>", " ", body)))


def _page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(path)
    return at.run()


def test_cards_hold_figures_effects_and_caveats_of_the_bundled_file(cards):
    """The fields the media must show are not empty where the evidence has them."""
    assert any(card.figures for card in cards)
    assert any(card.effects for card in cards)
    assert any(aside.startswith("Caveat: ") for card in cards for aside in card.asides)
    assert any(aside.startswith("Our note: ") for card in cards for aside in card.asides)
    assert all(card.reference.endswith(content.PARAPHRASED) for card in cards)


def test_every_verdict_card_field_on_the_page(cards, monkeypatch):
    monkeypatch.setenv("EVIDENCE_FILE", str(BUNDLED))
    at = _page("pages/benefit_risk.py")
    assert not at.exception
    shown = _plain(" ".join(e.value for e in (*at.markdown, *at.caption, *at.subheader)))
    for card in cards:
        assert not _missing(card.texts(), shown), card.heading


def test_every_source_entry_field_on_the_sources_page(entries, monkeypatch):
    monkeypatch.setenv("EVIDENCE_FILE", str(BUNDLED))
    at = _page("pages/sources.py")
    assert not at.exception
    grid = at.dataframe[0].value
    for entry in entries:
        (row,) = grid[grid["Source"] == entry.name].to_dict("records")
        assert row["Citation"] == entry.citation
        for fact in entry.facts:
            assert row[fact.label] == fact.value, (entry.name, fact.label)
        for link in entry.links:
            assert row[link.kind] == link.url
        assert (row["Note"] if isinstance(row["Note"], str) else "") == entry.note


def test_every_verdict_card_field_on_the_offline_page(cards, offline_text):
    for card in cards:
        assert not _missing(card.texts(), offline_text), card.heading


def test_every_source_entry_field_on_the_offline_page(entries, offline_text):
    for entry in entries:
        assert not _missing(entry.texts(), offline_text), entry.name


def test_every_verdict_card_field_on_its_slide_or_in_its_notes(bundled, cards):
    from pptx import Presentation

    data = deck.deck_pptx(bundled, Filters(), [], images={}, exported=DAY)
    slides = list(Presentation(io.BytesIO(data)).slides)[-1 - len(cards) : -1]
    for slide, card in zip(slides, cards, strict=True):
        on_slide = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        notes = slide.notes_slide.notes_text_frame.text
        assert _plain(card.heading) in _plain(on_slide)
        assert _plain(card.statement) in _plain(on_slide)
        assert not _missing(card.texts(), _plain(on_slide + " " + notes)), card.heading


def test_every_source_entry_field_in_the_export_readme(bundled, file_specs):
    readme = files.readme_text(bundled, Filters(), file_specs, ["README.txt"], exported=DAY)
    used = {name for spec in file_specs for name in spec.sources()}
    listed = [e for e in content.source_entries(bundled, bundled.sources) if e.name in used]
    assert listed
    for entry in listed:
        assert not _missing(entry.texts(), _plain(readme)), entry.name
    for line in readme.split("Sources used", 1)[1].splitlines():
        assert len(line) <= 96 or " " not in line.strip()  # only an unbreakable link is longer


# A new optional source field, added where the issue says it goes: the model and the content.
COUNTRY_MODEL = "    note: Text | None = None\n"
COUNTRY_FACT = "    figures = int(row[fr.NUMBERS])\n"
CHECK = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from streamlit.testing.v1 import AppTest
    from components.export import files, html
    from components.loaded import Filters, load_path

    loaded = load_path(Path(os.environ["EVIDENCE_FILE"]))
    specs = files.file_specs(loaded, Filters())
    page = html.view_html(loaded, Filters(), specs=specs).decode()
    readme = files.readme_text(loaded, Filters(), specs, ["README.txt"])
    at = AppTest.from_file("dashboard.py", default_timeout=60)
    at.switch_page("pages/sources.py")
    at.run()
    assert not at.exception, at.exception
    grid = at.dataframe[0].value
    print("page", sorted(set(grid["Country"].dropna())))
    print("offline", page.count("country Atlantis"))
    print("readme", readme.count("country Atlantis"))
    """
)


def _copy_project(to: Path) -> None:
    keep = ("evidence", "components", "pages", "data", ".streamlit")
    for name in keep:
        shutil.copytree(ROOT / name, to / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "dashboard.py", to / "dashboard.py")


def _edit(path: Path, anchor: str, added: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) >= 1, f"{anchor!r} not in {path.name}"
    path.write_text(text.replace(anchor, anchor + added, 1), encoding="utf-8")


def test_a_new_optional_source_field_reaches_page_offline_page_and_readme(tmp_path):
    """Two edits (the model's field, one line where a source entry is built) and a file using
    it: the Sources page, the offline page and the export README all show the new field."""
    _copy_project(tmp_path)
    models = tmp_path / "evidence" / "models.py"
    if not models.exists():  # the models may live in a package
        models = next((tmp_path / "evidence").rglob("models*.py"))
    source_class = models.read_text(encoding="utf-8")
    start = source_class.index("class Source(")
    end = source_class.index(COUNTRY_MODEL, start) + len(COUNTRY_MODEL)
    models.write_text(
        source_class[:end] + "    country: Text | None = None\n" + source_class[end:],
        encoding="utf-8",
    )
    _edit(
        tmp_path / "components" / "content.py",
        COUNTRY_FACT,
        "    if source.country:\n"
        '        facts.append(Fact("Country", source.country, f"country {source.country}"))\n',
    )
    evidence = tmp_path / "data" / "evidence.yaml"
    text = evidence.read_text(encoding="utf-8")
    with_country = re.sub(
        r"(?m)^(  - id: (\S+)\n)(?=    citation:)", r"\1    country: Atlantis\n", text
    )
    assert with_country.count("country: Atlantis") >= 2
    evidence.write_text(with_country, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path), "EVIDENCE_FILE": str(evidence)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shown = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines()[-3:])
    assert shown["page"] == "['Atlantis']"
    assert int(shown["offline"]) >= 1
    assert int(shown["readme"]) >= 1
