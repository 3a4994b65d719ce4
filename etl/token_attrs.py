"""POS, morphology and lemma for parsed sentences, remembered per (word, tag, dependency).

spaCy's attribute ruler and rule lemmatizer spend tens of microseconds per token in Python, but
for a single token their output depends only on its text, fine-grained tag and dependency label.
So the first time a combination is seen the real components decide, and afterwards the answer is
copied from memory. A sentence where one of the ruler's few multi-token patterns matches ("gon na",
"there is") goes through the real components, so the result is the same token for token.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

COMPONENTS = ("attribute_ruler", "lemmatizer")
KEY_ATTRS = [ORTH, TAG, DEP]  # what the ruler and lemmatizer read of a single token
VALUE_ATTRS = [POS, MORPH, LEMMA]  # what they write
FEW = 3  # new tokens in a sentence decided one by one; more, and the sentence goes through whole
MAX_ENTRIES = 500_000  # a bound on memory for endless streams; news vocabulary stays far below it


class CachedTokenAttributes:
    """Does the work of the attribute ruler and lemmatizer, from memory where it can."""

    def __init__(self, nlp: Language):
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.contextual = _Contextual(self.ruler.patterns)
        self.memory: dict[tuple[int, int, int], tuple[int, int, int]] = {}

    def __call__(self, doc: Doc) -> Doc:
        """Set pos, morph and lemma on every token of a tagged and parsed doc."""
        if self.contextual.matches(doc):
            return self.lemmatizer(self.ruler(doc))
        memory = self.memory
        keys = list(map(tuple, doc.to_array(KEY_ATTRS).tolist()))
        values = [memory.get(key) for key in keys]
        missing = [i for i, value in enumerate(values) if value is None]
        if len(missing) > FEW:
            # No multi-token pattern matched, so each token's answer holds for its key anywhere.
            doc = self.lemmatizer(self.ruler(doc))
            if len(memory) < MAX_ENTRIES:
                memory.update(zip(keys, map(tuple, doc.to_array(VALUE_ATTRS).tolist())))
            return doc
        for i in missing:  # a new name or number in a known sentence: decide that token alone
            values[i] = self._decide(doc.vocab, keys[i])
        if values:
            doc.from_array(VALUE_ATTRS, numpy.array(values, dtype="uint64"))
        return doc


    def _decide(self, vocab, key: tuple[int, int, int]) -> tuple[int, int, int]:
        """The real components' answer for one token seen alone, remembered (no single-token
        pattern looks beyond its token)."""
        orth, tag, dep = key
        strings = vocab.strings
        alone = Doc(vocab, words=[strings[orth]], tags=[strings[tag]], deps=[strings[dep] or "dep"],
                    heads=[0], spaces=[False])
        value = tuple(self.lemmatizer(self.ruler(alone)).to_array(VALUE_ATTRS).tolist()[0])
        if len(self.memory) < MAX_ENTRIES:
            self.memory[key] = value
        return value


class _Contextual:
    """The ruler's multi-token patterns ("gon na", "there is"): does one match in a doc?"""

    def __init__(self, patterns: list[dict]):
        self.patterns = []  # (pattern, index of a spec with a LOWER test, that test)
        for entry in patterns:
            for pattern in entry["patterns"]:
                if len(pattern) < 2:
                    continue
                anchor = next((k for k, spec in enumerate(pattern) if "LOWER" in spec), None)
                if anchor is None:
                    raise ValueError(f"attribute ruler pattern with no LOWER test: {pattern}")
                self.patterns.append((pattern, anchor, _test(pattern[anchor]["LOWER"])))
        self._anchors: dict[int, bool] = {}  # LOWER hash -> does any pattern's anchor test pass

    def matches(self, doc: Doc) -> bool:
        """True when some multi-token pattern matches somewhere in the doc."""
        strings = doc.vocab.strings
        anchors = self._anchors
        hits = False
        for h in set(doc.to_array(LOWER).tolist()):
            known = anchors.get(h)
            if known is None:
                known = any(test(strings[h]) for _, _, test in self.patterns)
                if len(anchors) < MAX_ENTRIES:
                    anchors[h] = known
            hits = hits or known
        if not hits:
            return False  # the usual case: no word any pattern starts from
        lowers = [t.lower_ for t in doc]
        for pattern, anchor, test in self.patterns:
            for i, lower in enumerate(lowers):
                start = i - anchor
                if not test(lower) or start < 0 or start + len(pattern) > len(doc):
                    continue
                if all(_fits(doc[start + k], spec) for k, spec in enumerate(pattern)):
                    return True
        return False


def _test(want):
    """A predicate on a string for one attribute test of a ruler pattern."""
    if isinstance(want, str):
        return want.__eq__
    if "IN" in want:
        return set(want["IN"]).__contains__
    if "REGEX" in want:
        return re.compile(want["REGEX"]).search
    return lambda value: True  # an operator this check does not know: treat it as matching


ATTRS = {"LOWER": lambda t: t.lower_, "TAG": lambda t: t.tag_, "DEP": lambda t: t.dep_,
         "ORTH": lambda t: t.text}


def _fits(token, spec: dict) -> bool:
    """Whether a token passes one token spec; an attribute not known here counts as passing."""
    return all(attr not in ATTRS or _test(want)(ATTRS[attr](token)) for attr, want in spec.items())
