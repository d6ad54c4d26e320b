"""The closed vocabularies: declared once, each word with its human words, unknown words safe."""

from __future__ import annotations

import typing

import pandas as pd
import pytest
from conftest import FIXTURES, ROOT
from pydantic import BaseModel

from components import charts, tables
from evidence import frames as fr
from evidence import models, vocabulary
from evidence.codes import Code
from evidence.loader import load_evidence

WORDS = [(v.name, w) for v in vocabulary.VOCABULARIES for w in v]


@pytest.mark.parametrize(("name", "word"), WORDS)
def test_every_word_has_its_human_words(name, word):
    vocab = next(v for v in vocabulary.VOCABULARIES if v.name == name)
    label = vocab.label(word)
    assert label.strip()
    assert label != word  # a word for people, not the id itself
    assert vocab.phrase(word).strip()


def _vocabulary_fields() -> dict[str, list[tuple[type[BaseModel], str]]]:
    found: dict[str, list[tuple[type[BaseModel], str]]] = {}
    for model in (models.Endpoint, models.Regimen, models.Source, models.Cohort, models.Result,
                  models.Comparison, models.Finding, models.Verdict, models.Appraisal):  # fmt: skip
        for name, field in model.model_fields.items():
            for meta in [*field.metadata, *typing.get_args(field.annotation)]:
                for item in [meta, *getattr(meta, "__metadata__", ())]:
                    if isinstance(item, vocabulary.Vocabulary):
                        found.setdefault(item.name, []).append((model, name))
    return found


def test_every_vocabulary_types_a_field_and_every_field_names_its_vocabulary():
    fields = _vocabulary_fields()
    assert set(fields) == {v.name for v in vocabulary.VOCABULARIES}
    for name, places in fields.items():
        assert any(field == name for _, field in places), (name, places)


@pytest.mark.parametrize("vocab", vocabulary.VOCABULARIES, ids=lambda v: v.name)
def test_schema_lists_exactly_the_declared_words(vocab):
    schema = models.json_schema()
    enums = [
        prop.get("enum") or next(o["enum"] for o in prop["anyOf"] if "enum" in o)
        for definition in schema["$defs"].values()
        for field, prop in definition["properties"].items()
        if field == vocab.name
    ]
    assert enums
    assert all(enum == list(vocab) for enum in enums)


def test_a_word_outside_the_vocabulary_is_refused_as_not_allowed():
    text = (FIXTURES / "valid_minimal.yaml").read_text()
    text = text.replace("design: randomized_phase3", "design: cluster_randomised", 1)
    from evidence.loader import EvidenceError, parse_evidence

    with pytest.raises(EvidenceError) as error:
        parse_evidence(text.encode())
    problem = error.value.problems[0]
    assert problem.code == Code.NOT_ALLOWED
    assert "'randomized_phase3'" in problem.message  # the allowed words are listed


def test_unknown_word_shows_a_readable_fallback_never_a_key_error():
    for vocab in vocabulary.VOCABULARIES:
        assert vocab.label("brand_new_word") == "Brand new word"
        assert vocab.phrase("brand_new_word") == "brand new word"
        assert vocab.mark("brand_new_word") == ""
        assert vocab.colour("brand_new_word") == vocabulary.FALLBACK_COLOUR
        assert not vocab.has_flag("brand_new_word", "randomised")


def test_display_tables_put_unknown_words_in_words():
    frame = pd.DataFrame({fr.DESIGN: ["cluster_randomised"], fr.REPORTED_BY: ["registry"]})
    shown = tables.display(frame, {fr.DESIGN: "Design", fr.REPORTED_BY: "Reported by"})
    assert shown.iloc[0].tolist() == ["Cluster randomised", "Registry"]


def test_plane_keeps_cohorts_whose_verdict_word_it_does_not_know():
    results = fr.result_table(load_evidence(ROOT / "tests" / "fixtures" / "valid_minimal.yaml"))
    plane = fr.plane_table(results, harm="tox", benefit="orr", verdict_of={"b_zeta": "mixed"})
    fig = charts.plane_figure(plane, title="t", x_title="x", y_title="y")
    drawn = [t for t in fig.data if t.x and t.x[0] is not None]
    assert [t.name for t in drawn] == ["Mixed"]
    assert list(drawn[0].x) == [50.0]
