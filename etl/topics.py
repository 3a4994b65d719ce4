"""Topics: the codebook's phrases compiled into spaCy PhraseMatchers, and which topics a
statement bears on (its own cue phrases, else a follow-up word or stance cue in a passage
whose topic was just named).

Every phrase is matched three ways, all built once per matcher: on LOWER (the phrase as
written, any case), on LEMMA (its inflections: "rules out" for "rule out") and, for phrases
written in capitals only ("MAP"), on ORTH so that a common word ("map") does not match.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from etl.codebook_model import Codebook, Topic

log = logging.getLogger(__name__)

GENERIC = "*"  # the topic slot of generic (all-topic) cues
KINDS = ("cue", "context", "exclude", "target", "support", "oppose", "neutral", "complaint",
         "followup")
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
            kind_field = {"cue": "cues", "target": "targets", "complaint": "complaints",
                          "followup": "followups"}.get(kind, kind)
            lists[(topic.id, kind)] = tuple(getattr(topic, kind_field, ()))
    return lists


def exact_phrase(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


INTENSIFIERS = ("far", "much", "a lot", "significantly", "considerably", "substantially")


def with_intensifiers(phrases: list[str]) -> list[str]:
    """The phrases, plus each "<word> more ..." with a degree word before "more" ("pay far more")."""
    out = list(phrases)
    for phrase in phrases:
        words = phrase.split()
        if len(words) >= 2 and "more" in words[1:]:
            k = words.index("more", 1)
            out.extend(" ".join(words[:k] + [degree] + words[k:]) for degree in INTENSIFIERS)
    return out


class CueMatcher:
    """Finds every codebook cue in a Doc; build once, call per document."""

    def __init__(self, codebook: Codebook, nlp: Language):
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.has_lemmas = "lemmatizer" in nlp.pipe_names
        self._labels: dict[int, tuple[str, str]] = {}  # match id -> (topic, kind)
        lemma_phrases: list[tuple[str, str]] = []
        for (topic, kind), phrases in phrase_lists(codebook).items():
            label = f"{topic}\t{kind}"
            exact = [nlp.make_doc(p) for p in phrases if exact_phrase(p)]
            loose = with_intensifiers([p for p in phrases if not exact_phrase(p)])
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
        if not found:
            return []
        strings = doc.vocab.strings
        labels = self._labels
        # A phrase's text is sliced from the doc's by character offsets, as Span.text gives it,
        # rather than joined token by token.
        text = doc.user_data.get(WINDOW_TEXT) or doc.text
        bounds = doc.to_array([IDX, LENGTH]).tolist()
        cues = []
        # The three matchers often find the same phrase: each (list, position) is made a Cue once.
        for match_id, start, end in set(found):
            label = labels.get(match_id)
            if label is None:
                label = labels[match_id] = tuple(strings[match_id].split("\t"))
            first, (last, length) = bounds[start][0], bounds[end - 1]
            cues.append(Cue(label[0], label[1], start, end, text[first:last + length]))
        return sorted(cues, key=lambda c: (c.start, -c.end, c.topic, c.kind))


# --- finding a statement's topics ---------------------------------------------------

BORROW_SENTENCES = 2  # how far back (same paragraph) a topic phrase may sit for a follow-up
CONTEXT_SENTENCES = 6  # how far back context phrases ("Ukraine") may sit, across paragraphs
MEMORY_CHARS = 1500  # how far back a topic of an earlier statement stays active
POSSESSIVES = frozenset({"our", "my", "its", "their"})
TARGET_DEPS = frozenset({"amod", "compound", "poss", "nmod", "npadvmod"})


WINDOW_TEXT = "stancewatch_text"  # Doc.user_data key: a window's exact text, when its maker knows it


@dataclass
class Parsed:
    """A doc with its cues and sentence bounds, kept while its statements are tagged."""

    doc: Doc
    cues: list[Cue]
    sents: list[tuple[int, int]]  # token bounds of each sentence
    text: str = ""  # the doc's text, built once: Doc.text joins every token on each call

    def __post_init__(self) -> None:
        if not self.text:
            self.text = self.doc.text

    def sentence_index(self, token: int) -> int:
        """Index of the sentence holding the token."""
        for index, (start, end) in enumerate(self.sents):
            if start <= token < end:
                return index
        return len(self.sents) - 1

    def window_start(self, token: int, sentences: int, across_paragraphs: bool = False) -> int:
        """Start of the sentence `sentences` before the token's (within its paragraph)."""
        index = self.sentence_index(token)
        start = self.sents[index][0]
        for _ in range(sentences):
            if index == 0:
                break
            prev = self.sents[index - 1][0]
            between = self.text[self.doc[prev].idx:self.doc[start].idx]
            if not across_paragraphs and "\n" in between:
                break  # another paragraph
            index, start = index - 1, prev
        return start


@dataclass(frozen=True)
class Found:
    """Why a statement is on a topic: its own cues, a follow-up word, or the context alone."""

    cues: tuple[Cue, ...]
    origin: str  # "own" | "followup" | "context"


class TopicFinder:
    """Decides which topics a statement bears on; remembers recent topics per document."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self.group_of: dict[str, str] = {}  # lower name/alias/adjective -> group id
        for actor in codebook.actors:
            if actor.kind == "group":
                for name in (actor.name, *actor.aliases, *actor.metonyms, *actor.adjectives):
                    self.group_of.setdefault(name.lower(), actor.id)
        self.speaker_context = {
            t.id: {self.group_of[c.lower()] for c in t.context if c.lower() in self.group_of}
            for t in codebook.topics}
        # Names: group names, and context/exclude phrases the codebook writes with a capital
        # ("in Poland", "European"); an acronym only if it names a group (NATO, not GDP).
        self.names = set(self.group_of) | {
            p.lower() for t in codebook.topics for p in (*t.context, *t.exclude)
            if any(w[:1].isupper() and not w.isupper() for w in p.split())}
        self._memory: tuple[str, list[tuple[int, str]]] = ("", [])

    def find(self, statement, parsed: Parsed, lo: int, hi: int) -> dict[Topic, Found]:
        """Topic -> Found for the statement spanning tokens [lo, hi) of the parsed doc."""
        prev_lo = parsed.window_start(lo, BORROW_SENTENCES)
        ctx_lo = parsed.window_start(lo, CONTEXT_SENTENCES, across_paragraphs=True)
        ctx_hi = parsed.sents[parsed.sentence_index(hi - 1)][1]
        cues = [c for c in parsed.cues if prev_lo <= c.start < hi]
        own: dict[Topic, list[Cue]] = {}
        earlier: dict[Topic, list[Cue]] = {}
        for topic in self.codebook.topics:
            mine = [c for c in cues if c.topic == topic.id]
            found = [c for c in mine if c.kind == "cue"
                     and not self._excluded(statement, parsed, topic, c, mine)]
            if not found or (topic.context and
                             not self._in_context(statement, parsed, topic, ctx_lo, ctx_hi)):
                continue
            inside = [c for c in found if lo <= c.start]
            (own if inside else earlier)[topic] = inside or found
        if own:
            return {t: Found(tuple(c), "own") for t, c in own.items()}
        active = self._active(statement, earlier)
        followed = {}
        for topic in active:
            mine = [c for c in cues if c.topic == topic.id]
            words = [c for c in mine if c.kind == "followup" and lo <= c.start
                     and not self._excluded(statement, parsed, topic, c, mine)]
            if words:
                followed[topic] = Found(tuple(words), "followup")
        if followed:
            return followed
        if not active:
            return {}
        # A stance cue alone: a generic one only right after the topic was named in the
        # text; after an earlier statement, only a cue of the topic's own ("irreversible").
        topic = active[0]
        inside = [c for c in cues if c.topic == topic.id and lo <= c.start]
        excluded = [self._is_name(c) for c in inside if c.kind == "exclude"]
        if excluded and not any(c.kind == "context" and (all(excluded) or not self._is_name(c))
                                for c in inside):
            return {}  # "Greece blocked an invitation to Macedonia": another country's matter
        allowed = (GENERIC, topic.id) if topic in earlier else (topic.id,)
        if any(c.kind in ("support", "oppose") and c.topic in allowed and lo <= c.start
               for c in cues):
            return {topic: Found(tuple(earlier.get(topic, ())), "context")}
        return {}

    def remember(self, statement, topic_ids: list[str]) -> None:
        """Note the topics of a tagged statement, so that the next ones may follow up on them."""
        doc_id, seen = self._memory
        if doc_id != statement.doc_id:
            seen = []
            self._memory = (statement.doc_id, seen)
        seen.extend((statement.end, t) for t in topic_ids)

    def _recent(self, statement) -> list[tuple[int, str]]:
        doc_id, seen = self._memory
        if doc_id != statement.doc_id:
            return []
        return [(end, t) for end, t in seen if statement.start - MEMORY_CHARS <= end <= statement.start]

    def _active(self, statement, earlier: dict[Topic, list[Cue]]) -> list[Topic]:
        """Topics named just before the statement, then those of recent statements, newest first."""
        ranked = sorted(earlier, key=lambda t: -max(c.start for c in earlier[t]))
        for _, topic_id in sorted(self._recent(statement), reverse=True):
            topic = self.codebook.topic(topic_id)
            if topic is not None and topic not in ranked:
                ranked.append(topic)
        return ranked

    def _excluded(self, statement, parsed: Parsed, topic: Topic, cue: Cue,
                  mine: list[Cue]) -> bool:
        """True when an exclude phrase overlaps the cue, or shares its sentence unanswered."""
        excludes = [c for c in mine if c.kind == "exclude"]
        if any(e.overlaps(cue) for e in excludes):
            return True
        target = self.target(statement, parsed.doc, topic, cue)
        if target and target.lower() in {e.lower() for e in topic.exclude}:
            return True  # "its troops" said by Moscow: Russian troops
        s_start, s_end = parsed.sents[parsed.sentence_index(cue.start)]
        if not any(s_start <= e.start < s_end for e in excludes):
            return False
        # A context phrase inside the cue or an exclude cannot vouch for it ("per cent of GDP"
        # beside "health budget", "energy security"). A place excluded ("in Poland") is
        # answered by a place named ("Ukraine"); a subject excluded ("tariffs") only by a
        # subject word ("defence"), not by a name ("European").
        near = [e for e in excludes if s_start <= e.start < s_end]
        named = all(self._is_name(e) for e in near)
        return not any(c.kind == "context" and s_start <= c.start < s_end
                       and not c.overlaps(cue) and not any(c.overlaps(e) for e in near)
                       and (named or not self._is_name(c)) for c in mine)

    def _is_name(self, cue: Cue) -> bool:
        """True when the phrase names a place, people or body ("in Poland", "European", "NATO")."""
        return cue.text.lower() in self.names

    def _in_context(self, statement, parsed: Parsed, topic: Topic, lo: int, hi: int) -> bool:
        if statement.group_id in self.speaker_context[topic.id]:
            return True
        if self._recent(statement):
            return True  # an earlier statement nearby was on one of the topics
        return any(c.topic == topic.id and c.kind == "context" and lo <= c.start < hi
                   for c in parsed.cues)

    def target(self, statement, doc: Doc, topic: Topic, cue: Cue) -> str | None:
        """Whose troops or spending: 'US troops', 'European troops', 'French soldiers'."""
        if not topic.targets:
            return None
        noun = doc[cue.start:cue.end].root
        words = {w.lower() for w in topic.targets}
        for child in noun.children:
            if child.dep_ not in TARGET_DEPS or child.i >= noun.i:
                continue
            lower = child.lower_
            if lower in POSSESSIVES:
                group = self.codebook.actor(statement.group_id) if statement.group_id else None
                if group is None or group.kind != "group" or not group.adjectives:
                    continue
                label = group.adjectives[0]
            elif lower in words or lower in self.group_of:
                label = child.text
                if child.dep_ == "poss" or lower.endswith("'s"):
                    group = self.codebook.actor(self.group_of.get(lower, ""))
                    label = group.adjectives[0] if group and group.adjectives else child.text
            else:
                continue
            return f"{label} {noun.lower_}"
        return None
