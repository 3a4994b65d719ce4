"""POS, morphology and lemma for parsed sentences, remembered per (word, tag, dependency).

spaCy's attribute ruler and rule lemmatizer spend tens of microseconds per token in Python, but
for a single token their output depends only on its text, fine-grained tag and dependency label.
So the first time a combination is seen the real components decide, and afterwards the answer is
copied from memory. Where one of the ruler's few multi-token patterns matches ("gon na", "there
is"), the token it writes to is remembered under its key plus the patterns that wrote to it, since
those are all that decide its answer; the other tokens of the sentence keep their plain keys. So
the result is the same token for token.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

COMPONENTS = ("attribute_ruler", "lemmatizer")
KEY_ATTRS = [ORTH, TAG, DEP]  # what the ruler and lemmatizer read of a single token
READ_ATTRS = [*KEY_ATTRS, LOWER]  # what is read of every token, in one array
VALUE_ATTRS = [POS, MORPH, LEMMA]  # what they write
MAX_ENTRIES = 500_000  # a bound on memory for endless streams; news vocabulary stays far below it


class CachedTokenAttributes:
    """Does the work of the attribute ruler and lemmatizer, from memory where it can."""

    def __init__(self, nlp: Language):
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.contextual = _Contextual(self.ruler.patterns)
        self.memory: dict[tuple, tuple[int, int, int]] = {}  # (orth, tag, dep[, rules]) -> pos, morph, lemma
        self.signature = _Signature(self.ruler.patterns)
        self.ruled: dict[tuple, tuple[int, int, int]] = {}  # signature -> the ruler's pos, morph, lemma

    def __call__(self, doc: Doc) -> Doc:
        """Set pos, morph and lemma on every token of a tagged and parsed doc."""
        rows = doc.to_array(READ_ATTRS).tolist()
        written = self.contextual.written(doc, rows)
        if written is None:
            return self.lemmatizer(self.ruler(doc))
        memory = self.memory
        keys = [(orth, tag, dep) for orth, tag, dep, _ in rows]
        for i, rules in written.items():
            keys[i] = (*keys[i], rules)
        values = [memory.get(key) for key in keys]
        missing = [i for i, value in enumerate(values) if value is None]
        if any(i in written for i in missing):
            # A multi-token pattern's answer needs the sentence: the real components decide it
            # all, and each token's answer holds for its key anywhere (the patterns that wrote to
            # a token are part of its key).
            doc = self.lemmatizer(self.ruler(doc))
            if len(memory) < MAX_ENTRIES:
                memory.update(zip(keys, map(tuple, doc.to_array(VALUE_ATTRS).tolist())))
            return doc
        if missing:  # new words: decided apart from the sentence, all in one small doc
            for i, value in zip(missing, self._decide(doc.vocab, [keys[i] for i in missing])):
                values[i] = value
        if values:
            doc.from_array(VALUE_ATTRS, numpy.array(values, dtype="uint64"))
        return doc

    def _decide(self, vocab, keys: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """The real components' answers for tokens seen apart from their sentence, remembered (no
        single-token pattern looks beyond its token). They go through as one doc of tokens that
        each head themselves, unless a multi-token pattern would match across two of them."""
        unique = list(dict.fromkeys(keys))
        strings = vocab.strings
        alone = Doc(vocab, words=[strings[orth] for orth, _, _ in unique],
                    tags=[strings[tag] for _, tag, _ in unique],
                    deps=[strings[dep] or "dep" for _, _, dep in unique],
                    heads=list(range(len(unique))), spaces=[False] * len(unique))
        if len(unique) > 1 and self.contextual.written(alone, alone.to_array(READ_ATTRS).tolist()) != {}:
            return [self._decide(vocab, [key])[0] for key in keys]
        # A new word is mostly a name or a rare word, which the ruler tells apart only by its tag:
        # its answer for the word's signature is remembered too, and only the lemmatizer runs.
        signatures = [self.signature(vocab[orth], tag, strings[dep] or "dep") for orth, tag, dep in unique] \
            if self.signature.exact else []
        if signatures and all(sig in self.ruled for sig in signatures):
            alone.from_array(VALUE_ATTRS, numpy.array([self.ruled[sig] for sig in signatures], dtype="uint64"))
        else:
            before = alone.to_array([TAG, DEP]).tolist()
            self.ruler(alone)
            if signatures and len(self.ruled) < MAX_ENTRIES:
                # a signature whose tag or dependency the ruler rewrites is never taken from memory
                self.ruled.update((sig, tuple(value)) for sig, value, tag_dep, after in zip(
                    signatures, alone.to_array(VALUE_ATTRS).tolist(), before, alone.to_array([TAG, DEP]).tolist())
                    if tag_dep == after)
        decided = dict(zip(unique, map(tuple, self.lemmatizer(alone).to_array(VALUE_ATTRS).tolist())))
        if len(self.memory) < MAX_ENTRIES:
            self.memory.update(decided)
        return [decided[key] for key in keys]


class _Signature:
    """What the ruler's single-token patterns can tell apart of a token: its tag, whether it is
    whitespace, and its lower-case form and dependency only where some pattern names them."""

    def __init__(self, patterns: list[dict]):
        self.lowers: set[str] = set()
        self.deps: set[str] = set()
        self.lower_regexes: list[re.Pattern] = []  # "^n[ou]thin'$": whether each matches is part of it
        self.exact = True  # False: some pattern tests what a signature does not hold
        for entry in patterns:
            for pattern in entry["patterns"]:
                if len(pattern) != 1:
                    continue  # the multi-token patterns are _Contextual's
                for attr, want in pattern[0].items():
                    if attr == "LOWER" and isinstance(want, dict) and want.keys() == {"REGEX"}:
                        self.lower_regexes.append(re.compile(want["REGEX"]))
                        continue
                    listed = _listed(want) if attr in ("LOWER", "DEP") else set()
                    if listed is None or attr not in ("LOWER", "DEP", "TAG", "IS_SPACE"):
                        self.exact = False
                    elif attr == "LOWER":
                        self.lowers |= listed
                    elif attr == "DEP":
                        self.deps |= listed

    def __call__(self, lexeme, tag: int, dep: str) -> tuple:
        """The token's signature: tokens that share one match the same single-token patterns."""
        lower = lexeme.lower_
        return (lower if lower in self.lowers else None, tuple(bool(r.search(lower)) for r in self.lower_regexes),
                tag, dep if dep in self.deps else None, lexeme.is_space)


def _listed(want) -> set[str] | None:
    """Every value an equality or (NOT_)IN test names; None for any other test."""
    if isinstance(want, str):
        return {want}
    if isinstance(want, dict) and want.keys() <= {"IN", "NOT_IN"}:
        return {value for values in want.values() for value in values}
    return None


class _Contextual:
    """The ruler's multi-token patterns ("gon na", "there is"): where in a doc does one write?"""

    def __init__(self, patterns: list[dict]):
        # (rule number, pattern, index of a spec with a LOWER test, that test, token written to);
        # the rule number is the ruler's own, whose order decides which rule is applied last.
        self.patterns = []
        self.exact = True  # False: some pattern tests what _fits cannot check, so a hit may be wrong
        for rule, entry in enumerate(patterns):
            for pattern in entry["patterns"]:
                if len(pattern) < 2:
                    continue
                anchor = next((k for k, spec in enumerate(pattern) if "LOWER" in spec), None)
                if anchor is None:
                    raise ValueError(f"attribute ruler pattern with no LOWER test: {pattern}")
                self.exact = self.exact and all(attr in COLUMNS and _checkable(want)
                                                for spec in pattern for attr, want in spec.items())
                index = entry.get("index", 0)
                self.patterns.append((rule, pattern, anchor, _test(pattern[anchor]["LOWER"]),
                                      index if index >= 0 else len(pattern) + index))
        self._anchors: dict[int, bool] = {}  # LOWER hash -> does any pattern's anchor test pass

    def written(self, doc: Doc, rows: list[list[int]]) -> dict[int, tuple[int, ...]] | None:
        """Token index -> the multi-token rules that write to it, in the ruler's order; None when
        a pattern that cannot be checked exactly matches (the doc then needs the real ruler).
        `rows`: the doc's READ_ATTRS array as lists, so no Token object is made."""
        strings = doc.vocab.strings
        anchors = self._anchors
        hits = False
        for h in {row[3] for row in rows}:
            known = anchors.get(h)
            if known is None:
                known = any(test(strings[h]) for _, _, _, test, _ in self.patterns)
                if len(anchors) < MAX_ENTRIES:
                    anchors[h] = known
            hits = hits or known
        if not hits:
            return {}  # the usual case: no word any pattern starts from
        lowers = [strings[row[3]] for row in rows]
        out: dict[int, set[int]] = {}
        for rule, pattern, anchor, test, index in self.patterns:
            for i, lower in enumerate(lowers):
                start = i - anchor
                if not test(lower) or start < 0 or start + len(pattern) > len(rows):
                    continue
                if all(_fits(strings, rows[start + k], spec) for k, spec in enumerate(pattern)):
                    if not self.exact:
                        return None
                    out.setdefault(start + index, set()).add(rule)
        return {i: tuple(sorted(rules)) for i, rules in out.items()}


def _test(want):
    """A predicate on a string for one attribute test of a ruler pattern."""
    if isinstance(want, str):
        return want.__eq__
    if "IN" in want:
        return set(want["IN"]).__contains__
    if "REGEX" in want:
        return re.compile(want["REGEX"]).search
    return lambda value: True  # an operator this check does not know: treat it as matching


def _checkable(want) -> bool:
    """Whether _test decides this attribute test exactly."""
    return isinstance(want, str) or isinstance(want, dict) and len(want) == 1 and ("IN" in want or "REGEX" in want)


COLUMNS = {"ORTH": 0, "TAG": 1, "DEP": 2, "LOWER": 3}  # where each attribute sits in a READ_ATTRS row


def _fits(strings, row: list[int], spec: dict) -> bool:
    """Whether a token (its READ_ATTRS row) passes one token spec; an attribute not known here
    counts as passing."""
    return all(attr not in COLUMNS or _test(want)(strings[row[COLUMNS[attr]]]) for attr, want in spec.items())
