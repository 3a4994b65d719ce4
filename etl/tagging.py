"""Tag a statement with the topics it bears on and the speaker's stance on each.

Topics come from the codebook's cue phrases (topics.CueMatcher); the stance from the
statement's stance cues read on the dependency parse (stance.read_cue). A statement whose
own words name no topic may borrow one from the sentence before it ("Asked about Kyiv's bid
to join the alliance, he said: 'It is not realistic.'") when it carries a stance cue.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from etl.codebook_model import Codebook, Topic
from etl.models import Statement, Tag
from etl.stance import (Reading, clause_path, compose_conditions, compose_subjects, read_cue,
                         read_topic_cue,
                         scare_quoted)
from etl.topics import GENERIC, Cue, CueMatcher

log = logging.getLogger(__name__)

STANCE_KINDS = ("support", "oppose", "neutral")
THRESHOLD = 0.2  # |score| below this is neutral
CONTEXT_SENTENCES = 6  # how far back context phrases ("Ukraine") may sit
BORROW_SENTENCES = 2  # how far back (same paragraph) a topic may be borrowed from
QUESTION_LEMMAS = frozenset({"ask", "question", "press"})
POSSESSIVES = frozenset({"our", "my", "its", "their"})
TARGET_DEPS = frozenset({"amod", "compound", "poss", "nmod", "npadvmod"})


@dataclass
class _Parsed:
    """A doc with its cues and sentence bounds, kept while its statements are tagged."""

    doc: Doc
    cues: list[Cue]
    sents: list[tuple[int, int]]  # token bounds of each sentence


@dataclass
class _Decision:
    stance: str
    score: float
    confidence: float
    cue: str
    rule: str
    negated: bool
    modality: str | None


class Tagger:
    """Topic and stance tagger; build once per codebook, then call tag() per statement."""

    def __init__(self, codebook: Codebook, nlp: Language | None = None):
        if nlp is None:
            from etl.nlp import load_nlp
            nlp = load_nlp()
        self.codebook = codebook
        self.nlp = nlp
        self.matcher = CueMatcher(codebook, nlp)
        self.negations = frozenset(n.lower() for n in codebook.negations)
        self.group_of: dict[str, str] = {}  # lower name/adjective -> group id
        for actor in codebook.actors:
            if actor.kind == "group":
                for name in (actor.name, *actor.aliases, *actor.metonyms, *actor.adjectives):
                    self.group_of.setdefault(name.lower(), actor.id)
        self.speaker_context = {
            t.id: {self.group_of[c.lower()] for c in t.context if c.lower() in self.group_of}
            for t in codebook.topics}
        self._parsed: _Parsed | None = None

    # --- public -------------------------------------------------------------------
    def tag(self, statement: Statement, doc: Doc | None = None) -> list[Tag]:
        """One Tag per topic (and per opposed target) the statement bears on; [] if none."""
        parsed, lo, hi = self._locate(statement, doc)
        if hi <= lo:
            return []
        cues = [c for c in parsed.cues if c.start < hi and c.end > self._window_start(parsed, lo)]
        topics = self._topics(statement, parsed, cues, lo, hi)
        if not topics:
            return []
        stance_cues = self._stance_cues(cues, lo, hi, topics)
        tags = []
        for topic, (topic_cues, borrowed) in topics.items():
            tags.extend(self._tag_topic(statement, parsed.doc, topic, topic_cues, borrowed,
                                        stance_cues[topic.id], lo, hi))
        return tags

    # --- locating the statement ---------------------------------------------------
    def _locate(self, statement: Statement, doc: Doc | None) -> tuple[_Parsed, int, int]:
        """The parsed doc holding the statement and the statement's token bounds in it."""
        if doc is not None:
            start = statement.start
            if doc.text[start:statement.end] != statement.text:
                # A doc of part of the document (a sentence): find the statement in it.
                found = doc.text.find(statement.text)
                start = found if found >= 0 else None
            if start is not None:
                span = doc.char_span(start, start + len(statement.text), alignment_mode="expand")
                if span is not None:
                    parsed = self._parse_cached(doc)
                    return parsed, span.start, span.end
        parsed = self._parse_cached(self.nlp(statement.text))
        return parsed, 0, len(parsed.doc)

    def _parse_cached(self, doc: Doc) -> _Parsed:
        if self._parsed is None or self._parsed.doc is not doc:
            sents = [(s.start, s.end) for s in doc.sents] if doc.has_annotation("DEP") \
                else [(0, len(doc))]
            self._parsed = _Parsed(doc, self.matcher(doc), sents)
        return self._parsed

    def _sentence_index(self, parsed: _Parsed, token: int) -> int:
        for index, (start, end) in enumerate(parsed.sents):
            if start <= token < end:
                return index
        return len(parsed.sents) - 1

    def _window_start(self, parsed: _Parsed, lo: int, sentences: int = BORROW_SENTENCES,
                      across_paragraphs: bool = False) -> int:
        """Start of the sentence `sentences` before the statement's (within its paragraph)."""
        index = self._sentence_index(parsed, lo)
        start = parsed.sents[index][0]
        text = parsed.doc.text
        for _ in range(sentences):
            if index == 0:
                break
            prev = parsed.sents[index - 1][0]
            if not across_paragraphs and "\n" in text[parsed.doc[prev].idx:parsed.doc[start].idx]:
                break  # another paragraph
            index, start = index - 1, prev
        return start

    # --- topics -------------------------------------------------------------------
    def _topics(self, statement: Statement, parsed: _Parsed, cues: list[Cue], lo: int,
                hi: int) -> dict[Topic, tuple[list[Cue], bool]]:
        """Topic -> (its cues, borrowed from the sentence before?) for the statement."""
        ctx_lo = self._window_start(parsed, lo, CONTEXT_SENTENCES, across_paragraphs=True)
        ctx_hi = parsed.sents[self._sentence_index(parsed, hi - 1)][1]
        prev_lo = self._window_start(parsed, lo)
        has_polar = any(c.kind in ("support", "oppose") and lo <= c.start and c.end <= hi
                        for c in cues)
        out: dict[Topic, tuple[list[Cue], bool]] = {}
        own_any = any(c.kind == "cue" and lo <= c.start < hi for c in cues)
        for topic in self.codebook.topics:
            mine = [c for c in cues if c.topic == topic.id]
            found = [c for c in mine if c.kind == "cue" and c.start >= prev_lo]
            found = [c for c in found if not self._excluded(statement, parsed, topic, c, mine)]
            own = [c for c in found if lo <= c.start < hi]
            borrowed = not own
            if borrowed and not (found and has_polar and not own_any):
                continue
            if topic.context and not self._in_context(statement, parsed, topic, ctx_lo, ctx_hi):
                log.debug("%s: topic %s without context", statement.id, topic.id)
                continue
            out[topic] = (own or found, borrowed)
        return out

    def _excluded(self, statement: Statement, parsed: _Parsed, topic: Topic, cue: Cue,
                  mine: list[Cue]) -> bool:
        """True when an exclude phrase overlaps the cue, or shares its sentence unanswered."""
        excludes = [c for c in mine if c.kind == "exclude"]
        if any(e.overlaps(cue) for e in excludes):
            return True
        target = self._target(statement, parsed.doc, topic, cue)
        if target and target.lower() in {e.lower() for e in topic.exclude}:
            return True  # "its troops" said by Moscow: Russian troops
        s_start, s_end = parsed.sents[self._sentence_index(parsed, cue.start)]
        if not any(s_start <= e.start < s_end for e in excludes):
            return False
        return not any(c.kind == "context" and s_start <= c.start < s_end for c in mine)

    def _in_context(self, statement: Statement, parsed: _Parsed, topic: Topic, lo: int,
                    hi: int) -> bool:
        if statement.group_id in self.speaker_context[topic.id]:
            return True
        return any(c.topic == topic.id and c.kind == "context" and lo <= c.start < hi
                   for c in parsed.cues)

    # --- stance cues --------------------------------------------------------------
    def _stance_cues(self, cues: list[Cue], lo: int, hi: int,
                     topics: dict[Topic, tuple[list[Cue], bool]]) -> dict[str, list[Cue]]:
        """Topic id -> stance cues in the statement: its own, plus the generic ones nearest it."""
        inside = [c for c in cues if c.kind in STANCE_KINDS and lo <= c.start and c.end <= hi]
        out: dict[str, list[Cue]] = {t.id: [] for t in topics}
        for cue in inside:
            if cue.topic != GENERIC:
                if cue.topic in out:
                    out[cue.topic].append(cue)
                continue
            nearest = min(topics, key=lambda t: min(_distance(cue, c) for c in topics[t][0]))
            out[nearest.id].append(cue)
        return {tid: _longest(found, tid) for tid, found in out.items()}

    def _all_cues(self, topic_id: str, kind: str, lo: int, hi: int) -> list[Cue]:
        parsed = self._parsed
        return [c for c in parsed.cues if c.topic == topic_id and c.kind == kind
                and lo <= c.start < hi] if parsed else []

    # --- one topic ----------------------------------------------------------------
    def _tag_topic(self, statement: Statement, doc: Doc, topic: Topic, topic_cues: list[Cue],
                   borrowed: bool, stance_cues: list[Cue], lo: int, hi: int) -> list[Tag]:
        usable = [c for c in stance_cues if not scare_quoted(doc, c)]
        governing = {i: c for c in usable for i in range(c.start, c.end)}
        readings = [read_cue(doc, c, governing, lo, hi, self.negations) for c in usable]
        compose_subjects(doc, readings)
        compose_conditions(doc, readings)
        complaints = {i for c in self._all_cues(topic.id, "complaint", lo, hi) for i in
                      range(c.start, c.end)}
        for reading in readings:
            # "Germany does not pay its fair share" demands more; "we will not pay" refuses.
            if (reading.negated and reading.sign < 0 and reading.first_person is not True
                    and complaints.intersection(reading.negated_at)):
                reading.sign, reading.rule_name = 1, "complaint"
        # "Asked about Kyiv's bid to join, he said..." : the question is not the answer.
        readings = [r for r in readings if not _in_question(doc, r)]
        outer = {o for r in readings if not r.absorbed for o in r.outer}
        leaves = [r for r in readings if r.cue not in outer and not r.absorbed]
        # A relative clause describes ("the path that allies promised"); the main clause decides.
        main = [r for r in leaves if not _in_relative_clause(doc, r)]
        leaves = main or leaves
        if not borrowed:
            # Prefer cues in the topic phrase's own clause over cues elsewhere in the sentence.
            near = set().union(*(_clause_of(doc, c, lo, hi) for c in topic_cues))
            linked = [r for r in leaves if near.intersection(r.path)]
            leaves = linked or leaves
        targets = {}
        if topic.targets and not borrowed:
            for cue in topic_cues:
                target = self._target(statement, doc, topic, cue)
                if target:
                    targets[cue] = target
        groups = _by_target(targets, leaves)
        decisions = {}
        for target, (t_cues, t_leaves) in groups.items():
            cues_here = t_cues or topic_cues
            decisions[target] = self._decide(doc, cues_here, t_leaves, borrowed, lo, hi)
        if len({d.stance for d in decisions.values()}) > 1:
            chosen = decisions  # opposed targets: one tag each
        else:
            only = next(iter(decisions)) if len(decisions) == 1 else None
            chosen = {only: self._decide(doc, topic_cues, leaves, borrowed, lo, hi)}
        topic_cue = topic_cues[0].text if topic_cues else ""
        return [Tag(statement_id=statement.id, topic=topic.id, stance=d.stance,
                    score=round(d.score, 2), confidence=round(d.confidence, 2), cue=d.cue,
                    rule=d.rule, codebook_version=self.codebook.version, target=target,
                    negated=d.negated, modality=d.modality,
                    topic_cue=(next((c.text for c, t in targets.items() if t == target),
                                    topic_cue) if target else topic_cue))
                for target, d in chosen.items()]

    def _decide(self, doc: Doc, topic_cues: list[Cue], leaves: list[Reading], borrowed: bool,
                lo: int, hi: int) -> _Decision:
        """The stance from the leaf readings, or from the topic phrase itself."""
        polar = [r for r in leaves if r.sign != 0]
        suffix = "+context" if borrowed else ""
        if polar:
            score = sum(r.sign * r.weight for r in polar)
            mixed = len({r.sign for r in polar}) > 1
            if mixed:
                score *= 0.5
            score = max(-1.0, min(1.0, score))
            stance = _stance(score)
            deciding = max(polar, key=lambda r: (r.sign * score > 0, r.weight))
            confidence = 0.55 + 0.1 * min(len(polar) - 1, 2) + (0.0 if borrowed else 0.1)
            confidence -= 0.25 if mixed else 0.0
            rule = ("mixed-cues" if mixed else deciding.rule) + suffix
            return _Decision(stance, score, _conf(confidence, borrowed), deciding.evidence,
                             rule, deciding.negated, deciding.modality)
        if leaves:
            first = leaves[0]
            return _Decision("neutral", 0.0, _conf(0.5, borrowed), first.evidence,
                             first.rule + suffix, first.negated, first.modality)
        for cue in topic_cues:
            sign, modality, negated = read_topic_cue(doc, cue, lo, hi, self.negations)
            if sign:
                rule = "negated-topic" if negated else "modal-topic"
                return _Decision(_stance(sign * 0.6), sign * (0.6 if negated else 0.5),
                                 _conf(0.5, borrowed), cue.text, rule + suffix, negated, modality)
        return _Decision("neutral", 0.0, _conf(0.35, borrowed), "", "topic-only" + suffix,
                         False, None)

    def _target(self, statement: Statement, doc: Doc, topic: Topic, cue: Cue) -> str | None:
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


def _in_question(doc: Doc, reading: Reading) -> bool:
    top = doc[reading.path[-1]] if reading.path else None
    return top is not None and top.dep_ == "advcl" and top.lemma_ in QUESTION_LEMMAS


def _clause_of(doc: Doc, cue: Cue, lo: int, hi: int) -> set[int]:
    return {t.i for t in clause_path(doc[cue.start:cue.end].root, lo, hi)} | set(
        range(cue.start, cue.end))


def _in_relative_clause(doc: Doc, reading: Reading) -> bool:
    return bool(reading.path) and doc[reading.path[-1]].dep_ == "relcl"


def _by_target(targets: dict[Cue, str], leaves: list[Reading]
               ) -> dict[str | None, tuple[list[Cue], list[Reading]]]:
    """Split the leaves among the targets named in the statement (nearest target phrase)."""
    if len(set(targets.values())) < 2:
        return {next(iter(targets.values()), None): ([], leaves)}
    groups: dict[str | None, tuple[list[Cue], list[Reading]]] = {}
    for cue, target in targets.items():
        groups.setdefault(target, ([], []))[0].append(cue)
    for reading in leaves:
        nearest = min(targets, key=lambda c: _distance(reading.cue, c))
        groups[targets[nearest]][1].append(reading)
    return groups


def _distance(a: Cue, b: Cue) -> int:
    if a.overlaps(b):
        return 0
    return b.start - a.end if a.end <= b.start else a.start - b.end


def _longest(cues: list[Cue], topic_id: str) -> list[Cue]:
    """Drop stance cues inside longer ones ("no veto" over "veto"); topic cues win ties."""
    ranked = sorted(cues, key=lambda c: (-(c.end - c.start), c.topic != topic_id, c.start))
    kept: list[Cue] = []
    for cue in ranked:
        if not any(cue.overlaps(k) for k in kept):
            kept.append(cue)
    return sorted(kept, key=lambda c: c.start)


def _stance(score: float) -> str:
    return "support" if score >= THRESHOLD else "oppose" if score <= -THRESHOLD else "neutral"


def _conf(value: float, borrowed: bool) -> float:
    return max(0.05, min(0.95, value * (0.75 if borrowed else 1.0)))
