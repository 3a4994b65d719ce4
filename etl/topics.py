"""Cue matching: the codebook's topic and stance phrases compiled into spaCy PhraseMatchers.

Every phrase is matched three ways, all built once per matcher: on LOWER (the phrase as
written, any case), on LEMMA (its inflections: "rules out" for "rule out") and, for phrases
written in capitals only ("MAP"), on ORTH so that a common word ("map") does not match.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from etl.codebook_model import Codebook

log = logging.getLogger(__name__)

GENERIC = "*"  # the topic slot of generic (all-topic) cues
KINDS = ("cue", "context", "exclude", "target", "support", "oppose", "neutral", "complaint")
POLARITY = {"support": 1, "oppose": -1, "neutral": 0}


@dataclass(frozen=True)
class Cue:
    """One matched phrase: which list it came from and where it sits (token offsets)."""

    topic: str  # topic id, or GENERIC
    kind: str  # one of KINDS, or "negation"
    start: int
    end: int
    text: str

    @property
    def polarity(self) -> int:
        """+1 support, -1 oppose, 0 neutral (or not a stance cue)."""
        return POLARITY.get(self.kind, 0)

    def overlaps(self, other: "Cue") -> bool:
        """True when the two cues share a token."""
        return self.start < other.end and other.start < self.end


def phrase_lists(codebook: Codebook) -> dict[tuple[str, str], tuple[str, ...]]:
    """(topic or GENERIC, kind) -> phrases, for every list the tagger matches."""
    lists: dict[tuple[str, str], tuple[str, ...]] = {
        (GENERIC, "support"): codebook.stance_support,
        (GENERIC, "oppose"): codebook.stance_oppose,
        (GENERIC, "neutral"): codebook.stance_neutral,
        (GENERIC, "negation"): codebook.negations,
    }
    for topic in codebook.topics:
        for kind in KINDS:
            kind_field = {"cue": "cues", "target": "targets", "complaint": "complaints"}.get(kind, kind)
            lists[(topic.id, kind)] = tuple(getattr(topic, kind_field, ()))
    return lists


def _exact(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


class CueMatcher:
    """Finds every codebook cue in a Doc; build once, call per document."""

    def __init__(self, codebook: Codebook, nlp: Language):
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.has_lemmas = "lemmatizer" in nlp.pipe_names
        lemma_phrases: list[tuple[str, str]] = []
        for (topic, kind), phrases in phrase_lists(codebook).items():
            label = f"{topic}\t{kind}"
            exact = [nlp.make_doc(p) for p in phrases if _exact(p)]
            loose = [p for p in phrases if not _exact(p)]
            if exact:
                self.exact.add(label, exact)
            if loose:
                self.lower.add(label, [nlp.make_doc(p) for p in loose])
                lemma_phrases.extend((label, p) for p in loose if kind != "negation")
        if self.has_lemmas and lemma_phrases:
            self._add_lemma_patterns(nlp, lemma_phrases)

    def _add_lemma_patterns(self, nlp: Language, labelled: list[tuple[str, str]]) -> None:
        keep = [p for p in nlp.pipe_names if p in ("tok2vec", "tagger", "attribute_ruler",
                                                    "lemmatizer")]
        by_label: dict[str, list[Doc]] = {}
        with nlp.select_pipes(enable=keep):
            docs = nlp.pipe(p for _, p in labelled)
            for (label, _), doc in zip(labelled, docs):
                by_label.setdefault(label, []).append(doc)
        for label, docs in by_label.items():
            self.lemma.add(label, docs)

    def __call__(self, doc: Doc) -> list[Cue]:
        """Every cue in the doc, once per (list, position), in text order."""
        found = self.lower(doc) + self.exact(doc)
        if self.has_lemmas and doc.has_annotation("LEMMA"):
            found += self.lemma(doc)
        strings = doc.vocab.strings
        cues = set()
        for match_id, start, end in found:
            topic, kind = strings[match_id].split("\t")
            cues.add(Cue(topic, kind, start, end, doc[start:end].text))
        return sorted(cues, key=lambda c: (c.start, -c.end, c.topic, c.kind))
