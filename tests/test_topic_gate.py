"""The topic gate: a cheap 'maybe' before parsing, never a 'no' where the tagger could tag."""

from __future__ import annotations

import pytest

from etl.codebook import load_codebook
from etl.models import Document
from etl.engine import Engine
from etl.nlp import load_nlp
from etl.topic_gate import TopicGate


@pytest.fixture(scope="module")
def gate():
    return TopicGate(load_codebook(), load_nlp())


@pytest.mark.parametrize("text", [
    "Kyiv's NATO membership bid stalled on Tuesday, the foreign minister said.",
    "The Ukrainian president said his country's future lay in the alliance; allies were admitting it slowly.",
    "Paris said it would not rule out sending troops to Ukraine after a ceasefire.",
    "Allies must spend 2% of GDP on defence, the US president said.",
    "Germany's chancellor said Berlin was doing its fair share on defence spending.",
])
def test_topical_texts_pass(gate, text):
    assert gate.may_be_topical(text)


@pytest.mark.parametrize("text", [
    "The striker said the club had played its best football of the season on Saturday.",
    "The central bank held rates, its governor told reporters; inflation was easing, she said.",
    "us and them, said the singer of the band.",  # 'us' in lower case is not the US
])
def test_other_news_is_gated_off(gate, text):
    assert not gate.may_be_topical(text)


def test_inflections_and_irregular_forms_count(gate):
    # the codebook's cue "admitted to NATO"-style phrases match by lemma: the gate must too
    assert gate.forms("allies") >= {"allies", "ally"}
    assert "send" in gate.forms("sent")


def test_gated_document_yields_untagged_statements_only_on_request():
    text = "\"We played well,\" said Ana Ruiz, the coach. The striker said the team was tired."
    doc = Document(id="d1", origin="club.md", fmt="text", title="Match", text=text, url=None,
                   source=None, published=None, date_source="none")
    assert Engine(untagged=False).extract(doc).statements == ()
    assert Engine(untagged=True).extract(doc).statements  # the same text, fully parsed


def test_a_gated_document_is_not_even_tokenized_unless_a_transcript_label_can_name_a_speaker():
    engine = Engine(untagged=False)

    def prepared(text):
        doc = Document(id="d2", origin="club.md", fmt="text", title="Match", text=text, url=None,
                       source=None, published=None, date_source="none")
        prep = engine.extractor.prepare(doc)
        engine._parse([prep])
        return prep, engine._finish(prep)

    prep, extraction = prepared("The striker said the team was tired.\n\nThe coach said they would rest.")
    assert prep.idle and all(s.doc is None for s in prep.sentences) and extraction.statements == ()
    interview = ("Ana Ruiz coaches the club.\n\nRUIZ: We played well.\n\nRUIZ: The team was tired.\n\n"
                 "RUIZ: We will rest now.")
    prep, extraction = prepared(interview)
    assert not prep.idle and all(s.doc is not None for s in prep.sentences)
    assert [s.actor_name for s in extraction.statements] == ["Ana Ruiz"] * 3  # off-topic, but her answers
