"""The remembered token attributes equal what spaCy's own ruler and lemmatizer give, token for token."""

from __future__ import annotations

import pytest

from etl.nlp import load_nlp
from etl.token_attrs import COMPONENTS, CachedTokenAttributes

TEXTS = [
    "The defence secretary said on Wednesday that NATO membership for Ukraine was not realistic.",
    "\"We're gonna win this,\" he told reporters, adding that there is no plan to send troops.",
    "I ain't paying for their defence, y'all know that, let's be clear.",
    "There were doubts; there's a summit in June and allies are spending 2% of GDP.",
    "She'd said the alliance's door remains open, but Berlin didn't agree.",
    "Allies pledged, pledges were made, and the pledging continued   through the night.",
    "C'mon, he said: \"It's time Europe paid its fair share.\"",
]


def annotations(doc):
    """pos, morphology and lemma of every token."""
    return [(t.text, t.pos_, str(t.morph), t.lemma_) for t in doc]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_same_attributes_cold_and_warm(nlp):
    expected = [annotations(d) for d in nlp.pipe(TEXTS, disable=["ner"])]
    cached = CachedTokenAttributes(nlp)
    for _ in range(2):  # first pass fills the memory, second pass reads from it
        docs = nlp.pipe(TEXTS, disable=["ner", *COMPONENTS])
        assert [annotations(cached(d)) for d in docs] == expected
    assert cached.memory


def test_multi_token_patterns_use_the_real_ruler(nlp):
    cached = CachedTokenAttributes(nlp)
    # warm the memory with the words alone, then use them where a two-token pattern applies
    for text in ("We go to the shop.", "I got it. Is it there? It is.", "Let us go."):
        cached(next(nlp.pipe([text], disable=["ner", *COMPONENTS])))
    for text in ("We're gonna go.", "You gotta see it.", "There is a plan.", "Let's go."):
        expected = annotations(nlp(text))
        got = annotations(cached(next(nlp.pipe([text], disable=["ner", *COMPONENTS]))))
        assert [g[1:] for g in got] == [e[1:] for e in expected], text



def test_a_token_a_multi_token_pattern_writes_to_is_remembered_with_that_pattern(nlp):
    cached = CachedTokenAttributes(nlp)
    for text in ("There is a plan.", "We're gonna go.", "Let's go."):
        cached(next(nlp.pipe([text], disable=["ner", *COMPONENTS])))
    assert any(len(key) == 4 for key in cached.memory)
    ruler_calls = []
    real = cached.ruler
    cached.ruler = lambda doc: ruler_calls.append(doc) or real(doc)
    # the same constructions again come from memory, and match spaCy's
    for text in ("There is a plan.", "Let's go.", "We're gonna go."):
        expected = annotations(nlp(text))
        got = annotations(cached(next(nlp.pipe([text], disable=["ner", *COMPONENTS]))))
        assert got == expected, text
    assert ruler_calls == []


def test_extraction_of_a_long_article_raises_no_spacy_warnings():
    """Tagger windows merge sentence docs; spaCy warns (W102) when merged docs carry user data."""
    import warnings

    from etl.engine import Engine
    from etl.models import Document

    # one-sentence paragraphs: each is a window of its own, then part of the next windows
    paragraphs = ["Olaf Scholz said on Monday that Germany would raise its defence spending.",
                  "He added that allies must do more for Ukraine's security.",
                  "Mark Rutte said NATO membership for Ukraine was irreversible."]
    text = "\n\n".join(paragraphs * 3)
    doc = Document(id="w", origin="w.md", fmt="markdown", title=None, text=text, url=None,
                   source=None, published=None, date_source="none")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        extraction = Engine().extract(doc)
    assert extraction.tags


def test_new_words_that_would_form_a_pattern_side_by_side_are_decided_apart(nlp):
    strings = nlp.vocab.strings
    keys = [(strings.add("got"), strings.add("VBD"), strings.add("ROOT")),
            (strings.add("ta"), strings.add("TO"), strings.add("aux"))]
    together = CachedTokenAttributes(nlp)._decide(nlp.vocab, keys)
    apart = [CachedTokenAttributes(nlp)._decide(nlp.vocab, [key])[0] for key in keys]
    assert together == apart
    # side by side in one doc, "got ta" would have made the lemma of "ta" "to"
    assert strings[apart[1][2]] != "to"


def test_new_words_the_ruler_cannot_tell_apart_from_known_ones_skip_it(nlp):
    cached = CachedTokenAttributes(nlp)
    cached(next(nlp.pipe(["Nowak said the plan was sound."], disable=["ner", *COMPONENTS])))
    calls = []
    real = cached.ruler
    cached.ruler = lambda doc: calls.append(len(doc)) or real(doc)
    text = "Kowalski said the deal was sound."  # a new surname and noun, in the same roles
    assert annotations(cached(next(nlp.pipe([text], disable=["ner", *COMPONENTS])))) == annotations(nlp(text))
    assert calls == []
    # a word a pattern names, or a new role, still goes through the ruler, with the same result
    for text in ("Kowalski said it was nothin' new.", "I told Kowalski the deal was sound."):
        assert annotations(cached(next(nlp.pipe([text], disable=["ner", *COMPONENTS])))) == annotations(nlp(text))
    assert calls
