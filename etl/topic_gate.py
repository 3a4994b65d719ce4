"""A cheap test before parsing: could any statement of this document be tagged with a topic?

The tagger puts a statement on a topic only when one of the topic's cue phrases occurs in the
document (matched as written or by lemma). This gate asks a looser question of the raw text:
does every telling word of some cue phrase occur anywhere in it, in any inflection the
lemmatizer's own rules and exception lists could map to the same lemma? When not, no statement of
the document can be tagged, and its sentences need no parse. The gate only ever says "maybe"
more often than the tagger finds a cue, never less.
"""

from __future__ import annotations

import logging
import re

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

from etl.codebook_model import Codebook
from etl.topics import exact_phrase

log = logging.getLogger(__name__)

WORD = re.compile(r"\w+|[^\w\s]")
EXACT = "="  # marks a word that must occur in capitals, as written
PUNCTUATION_TELLS = frozenset("%$€£")  # the only non-word characters that make a cue telling
MAX_MEMORY = 200_000


class TopicGate:
    """Says whether a text may hold a topic cue phrase of the codebook."""

    def __init__(self, codebook: Codebook, nlp: Language):
        self.rules: list[tuple[str, str]] = []
        self.exceptions: dict[str, set[str]] = {}
        if "lemmatizer" in nlp.pipe_names:
            lookups = nlp.get_pipe("lemmatizer").lookups
            if lookups.has_table("lemma_rules"):
                self.rules = sorted({(old, new) for rules in lookups.get_table("lemma_rules").values()
                                     for old, new in rules if old})
            if lookups.has_table("lemma_exc"):
                for forms in lookups.get_table("lemma_exc").values():
                    for form, lemmas in forms.items():
                        self.exceptions.setdefault(form.lower(), set()).update(x.lower() for x in lemmas)
        self._memory: dict[str, frozenset[str]] = {}
        self.always = False  # a phrase made only of common words: every text may match
        # Per topic: its cue phrases, and what can put a statement in its context (a context
        # phrase, or a name of a group whose speakers count as context, or of their members).
        self.topics: list[tuple[list[Phrase], list[Phrase] | None]] = []
        speaker_groups = _speaker_context(codebook)
        for topic in codebook.topics:
            cues = [self._phrase(topic.id, p) for p in topic.cues]
            context = None
            if topic.context:
                names = [n for group in speaker_groups.get(topic.id, ()) for n in _names_of(codebook, group)]
                context = [self._phrase(topic.id, p) for p in (*topic.context, *names)]
            self.topics.append((cues, context))

    def _phrase(self, topic_id: str, phrase: str) -> "Phrase":
        if exact_phrase(phrase):  # matched in capitals only ("US", "MAP"): "us" in a text is no sign of it
            return tuple(frozenset({EXACT + w}) for w in WORD.findall(phrase) if w[0].isalnum())
        words = [w for w in WORD.findall(phrase.lower())
                 if (w[0].isalnum() or w in PUNCTUATION_TELLS) and w not in STOP_WORDS]
        if not words:
            log.info("topic %s: phrase %r has no telling word; every document gets parsed", topic_id, phrase)
            self.always = True
        return tuple(self.forms(w) for w in words)

    def forms(self, word: str) -> frozenset[str]:
        """The word and every lemma the lemmatizer could give it, lower case."""
        known = self._memory.get(word)
        if known is None:
            found = {word}
            found.update(self.exceptions.get(word, ()))
            found.update(word[:-len(old)] + new for old, new in self.rules if word.endswith(old))
            known = frozenset(found)
            if len(self._memory) < MAX_MEMORY:
                self._memory[word] = known
        return known

    def may_be_topical(self, text: str) -> bool:
        """False only when no cue phrase of any topic can occur in the text."""
        if self.always:
            return True
        present: set[str] = set()
        for word in set(WORD.findall(text)):
            present.update(self.forms(word.lower()))
            if word.isupper():
                present.add(EXACT + word)

        def occurs(phrase: Phrase) -> bool:
            return all(not forms.isdisjoint(present) for forms in phrase)
        return any(any(map(occurs, cues)) and (context is None or any(map(occurs, context)))
                   for cues, context in self.topics)


Phrase = tuple[frozenset[str], ...]


def _speaker_context(codebook: Codebook) -> dict[str, set[str]]:
    """Topic id -> groups whose own speakers put a statement in the topic's context (as the tagger has it)."""
    from etl.topics import TopicFinder

    return TopicFinder(codebook).speaker_context


def _names_of(codebook: Codebook, group_id: str) -> list[str]:
    """Every name by which the group, or a person who ever held a role in it, can be mentioned."""
    names: list[str] = []
    for actor in codebook.actors:
        if actor.id == group_id:
            names.extend((actor.name, *actor.aliases, *actor.metonyms, *actor.adjectives))
        elif any(role.group == group_id for role in actor.roles):
            names.extend((actor.name, *actor.aliases))
    return names
