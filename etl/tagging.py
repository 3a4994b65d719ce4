"""Tag a statement with the topics it bears on and the speaker's stance on each.

Topics come from the codebook's cue phrases (topics.TopicFinder): the statement's own, else a
follow-up word or a stance cue right after the topic was named ("Asked about Kyiv's bid to
join the alliance, he said: 'It is not realistic.'"). The stance comes from the statement's
stance cues read on the dependency parse (stance.read_cue): negation, nesting, modality.
Every Tag keeps its evidence: deciding cue, topic cue, rule, modality and codebook version.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc

from etl.codebook_model import Codebook, Topic
from etl.models import Statement, Tag
from etl.stance import (Reading, background, clause_path, compose_conditions, compose_evaluations,
                         compose_subjects,
                         read_cue, read_topic_cue, rhetorical, scare_quoted, tree_distance)
from etl.topics import GENERIC, WINDOW_TEXT, Cue, CueMatcher, Found, Parsed, TopicFinder

log = logging.getLogger(__name__)

STANCE_KINDS = ("support", "oppose", "neutral")
THRESHOLD = 0.2  # |score| below this is neutral
QUESTION_LEMMAS = frozenset({"ask", "question", "press"})
# The group a topic's proposition measures others against: burden-sharing asks Europe to carry
# more *relative to the United States*, so America refusing to pay supports it.
COUNTERPARTS = {"burden_sharing": "united_states"}
# "Warsaw says the same", "Tusk said much the same of Poland": the words of the statement
# before, now in another speaker's mouth.
_ECHO = re.compile(r"\b(?:say|says|said|saying|did|does|argued|told\s+\w+(?:\s+\w+)?)\s+"
                   r"(?:much\s+|exactly\s+|largely\s+)?the\s+same\b"
                   # an elliptical yes to the question just told: "Colby said he did."
                   r"|\b(?:said|replied|answered)\s+(?:that\s+)?(?:he|she|they|it)\s+"
                   r"(?:did|does|do|would|was|were|had|agreed)\W*$", re.IGNORECASE)
ECHO_CHARS = 600  # how far back the statement echoed may end


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
    """Topic and stance tagger; build once per codebook, then call tag() per statement.

    Statements of one document should come in text order: a statement that only follows up
    on a topic ("We need to do more") is tagged when a recent statement named it.
    """

    def __init__(self, codebook: Codebook, nlp: Language | None = None):
        if nlp is None:
            from etl.nlp import load_nlp
            nlp = load_nlp()
        self.codebook = codebook
        self.nlp = nlp
        self.matcher = CueMatcher(codebook, nlp)
        self.finder = TopicFinder(codebook)
        self.negations = frozenset(n.lower() for n in codebook.negations)
        self._framings = {t.id: frozenset(f.lower() for f in t.framings) for t in codebook.topics}
        self._parsed: Parsed | None = None
        self._last: tuple[str, int, list[Tag]] = ("", 0, [])  # doc, end and tags of the last tagged statement

    # --- public -------------------------------------------------------------------
    def tag(self, statement: Statement, doc: Doc | None = None) -> list[Tag]:
        """One Tag per topic (and per opposed target) the statement bears on; [] if none."""
        parsed, lo, hi = self._locate(statement, doc)
        if hi <= lo:
            return []
        topics = self.finder.find(statement, parsed, lo, hi)
        if log.isEnabledFor(logging.DEBUG):  # the id is a hash, not worth making for nothing
            log.debug("%s: topics %s", statement.id, {t.id: f.origin for t, f in topics.items()})
        tags = []
        if topics:
            stance_cues = self._stance_cues(parsed.cues, lo, hi, topics)
            for topic, found in topics.items():
                tags.extend(self._tag_topic(statement, parsed.doc, topic, found,
                                            stance_cues[topic.id], lo, hi))
        if not tags:
            tags = self._echo(statement)
        self.finder.remember(statement, sorted({t.topic for t in tags}))
        if tags:
            self._last = (statement.doc_id, statement.end, tags)
        return tags

    def _echo(self, statement: Statement) -> list[Tag]:
        """A statement that says "the same" as the one just before takes its topics and stances."""
        doc_id, end, tags = self._last
        if doc_id != statement.doc_id or not 0 <= statement.start - end <= ECHO_CHARS \
                or not _ECHO.search(statement.text):
            return []
        return [replace(t, statement_id=statement.id, rule="echoes-previous", cue="the same",
                        confidence=round(t.confidence * 0.8, 2)) for t in tags]

    # --- locating the statement ---------------------------------------------------
    def _locate(self, statement: Statement, doc: Doc | None) -> tuple[Parsed, int, int]:
        """The parsed doc holding the statement and the statement's token bounds in it."""
        if doc is not None:
            parsed = self._parse_cached(doc)
            start = statement.start
            if parsed.text[start:statement.end] != statement.text:
                # A doc of part of the document (a sentence): find the statement in it.
                found = parsed.text.find(statement.text)
                start = found if found >= 0 else None
            if start is not None:
                span = doc.char_span(start, start + len(statement.text), alignment_mode="expand")
                if span is not None:
                    return parsed, span.start, span.end
        parsed = self._parse_cached(self.nlp(statement.text))
        return parsed, 0, len(parsed.doc)

    def _parse_cached(self, doc: Doc) -> Parsed:
        if self._parsed is None or self._parsed.doc is not doc:
            sents = [(s.start, s.end) for s in doc.sents] if doc.has_annotation("DEP") \
                else [(0, len(doc))]
            self._parsed = Parsed(doc, self.matcher(doc), sents, doc.user_data.get(WINDOW_TEXT, ""))
        return self._parsed

    # --- stance cues --------------------------------------------------------------
    def _stance_cues(self, cues: list[Cue], lo: int, hi: int,
                     topics: dict[Topic, Found]) -> dict[str, list[Cue]]:
        """Topic id -> stance cues in the statement: its own, plus the generic ones nearest it."""
        inside = [c for c in cues if c.kind in STANCE_KINDS and lo <= c.start and c.end <= hi]
        out: dict[str, list[Cue]] = {t.id: [] for t in topics}
        for cue in inside:
            if cue.topic != GENERIC:
                if cue.topic in out:
                    out[cue.topic].append(cue)
                continue
            nearest = min(topics, key=lambda t: min((_distance(cue, c) for c in topics[t].cues),
                                                    default=len(self._parsed.doc)))
            out[nearest.id].append(cue)
        return {tid: _longest(found, tid) for tid, found in out.items()}

    def _speaker_is(self, statement: Statement, reading: Reading) -> bool:
        """True when the cue's clause subject is the speaker: I, we, or the speaker's group."""
        subject = reading.subject
        if subject is None:
            return False
        if subject.lower_ in ("i", "we"):
            return True
        group = self.finder.group_of.get(subject.lower_) or self.finder.group_of.get(
            " ".join(t.lower_ for t in subject.subtree if t.dep_ != "det"))
        return group is not None and group == statement.group_id

    def _subject_group(self, reading: Reading) -> str | None:
        """The group named by the cue's clause subject ('Washington', 'Americans'), if any."""
        subject = reading.subject
        if subject is None:
            return None
        group_of = self.finder.group_of
        words = " ".join(t.lower_ for t in subject.subtree if t.dep_ != "det")
        return (group_of.get(subject.lower_) or group_of.get(words)
                or group_of.get(subject.lower_.removesuffix("s")))

    def _all_cues(self, topic_id: str, kind: str, lo: int, hi: int) -> list[Cue]:
        parsed = self._parsed
        return [c for c in parsed.cues if c.topic == topic_id and c.kind == kind
                and lo <= c.start < hi] if parsed else []

    # --- one topic ----------------------------------------------------------------
    def _tag_topic(self, statement: Statement, doc: Doc, topic: Topic, found: Found,
                   stance_cues: list[Cue], lo: int, hi: int) -> list[Tag]:
        topic_cues = list(found.cues)
        borrowed = found.origin != "own"
        usable = [c for c in stance_cues if not scare_quoted(doc, c)]
        governing = {i: c for c in usable for i in range(c.start, c.end)}
        readings = [read_cue(doc, c, governing, lo, hi, self.negations) for c in usable]
        judged = {r.judges for r in readings if r.judges is not None}
        for reading in readings:
            if reading.cue in judged:
                reading.absorbed = True
        compose_subjects(doc, readings, self._framings.get(topic.id, frozenset()))
        compose_evaluations(doc, readings)
        compose_conditions(doc, readings)
        complaints = {i for c in self._all_cues(topic.id, "complaint", lo, hi) for i in
                      range(c.start, c.end)}
        counterpart = COUNTERPARTS.get(topic.id)
        for reading in readings:
            if (counterpart and reading.negated and reading.sign < 0
                    and complaints.intersection(range(reading.cue.start, reading.cue.end))
                    and self._subject_group(reading) == counterpart):
                # "America should not pay for Europe's defence": others should pay instead.
                reading.sign, reading.rule_name = 1, "counterpart-refuses"
                continue
            # "Germany does not pay its fair share" demands more; "we will not pay" refuses.
            # A modal on the negated verb makes it a refusal or a prescription ("should not spend").
            if (reading.negated and reading.sign < 0 and not self._speaker_is(statement, reading)
                    and (complaints.intersection(reading.negated_at)
                         or complaints.intersection(range(reading.cue.start, reading.cue.end)))
                    and not _modal_negation(doc, reading)):
                reading.sign, reading.rule_name = 1, "complaint"
        # "Asked about Kyiv's bid to join, he said..." : the question is not the answer.
        readings = [r for r in readings if not _in_question(doc, r) and not _buried(doc, r)]
        for reading in readings:
            if reading.sign and rhetorical(doc, reading):
                # "Why should we send our soldiers there?" argues against it.
                reading.sign, reading.rule_name = -reading.sign, "rhetorical-question"
        outer = {o for r in readings if not r.absorbed for o in r.outer}
        leaves = [r for r in readings if r.cue not in outer and not r.absorbed]
        # A relative or adverbial clause describes ("the path that allies promised", "before
        # deciding whether to back it"); the main clause decides.
        main = [r for r in leaves if not background(doc, r)]
        leaves = main or leaves
        # Prefer cues in the topic phrase's own clause over cues elsewhere in the sentence.
        near = set().union(*(_clause_of(doc, c, lo, hi) for c in topic_cues if c.start >= lo))
        linked = [r for r in leaves if near.intersection(r.path)]
        leaves = linked or leaves
        targets = {}
        if topic.targets and not borrowed:
            for cue in topic_cues:
                target = self.finder.target(statement, doc, topic, cue)
                if target:
                    targets[cue] = target
        groups = _by_target(targets, leaves)
        decisions = {}
        for target, (t_cues, t_leaves) in groups.items():
            cues_here = t_cues or topic_cues
            decisions[target] = self._decide(doc, cues_here, t_leaves, found.origin, lo, hi)
        if len({d.stance for d in decisions.values()}) > 1:
            chosen = decisions  # opposed targets: one tag each
        else:
            only = next(iter(decisions)) if len(decisions) == 1 else None
            chosen = {only: self._decide(doc, topic_cues, leaves, found.origin, lo, hi)}
        topic_cue = topic_cues[0].text if topic_cues else ""
        return [Tag(statement_id=statement.id, topic=topic.id, stance=d.stance,
                    score=round(d.score, 2), confidence=round(d.confidence, 2), cue=d.cue,
                    rule=d.rule, codebook_version=self.codebook.version, target=target,
                    negated=d.negated, modality=d.modality,
                    topic_cue=(next((c.text for c, t in targets.items() if t == target),
                                    topic_cue) if target else topic_cue))
                for target, d in chosen.items()]

    def _decide(self, doc: Doc, topic_cues: list[Cue], leaves: list[Reading], origin: str,
                lo: int, hi: int) -> _Decision:
        """The stance from the leaf readings, or from the topic phrase itself."""
        polar = [r for r in leaves if r.sign != 0]
        borrowed = origin != "own"
        suffix = "" if origin == "own" else f"+{origin}"
        if polar:
            mixed = len({r.sign for r in polar}) > 1
            if mixed:
                # Opposite cues: the one nearest the topic phrase in the parse decides.
                near = {i for c in topic_cues if c.start >= lo
                        for i in _clause_of(doc, c, lo, hi)}
                turn = _contrast_at(doc, lo, hi)  # after "but", the point being made
                closest = min(polar, key=lambda r: (tree_distance(r.path, near),
                                                    r.cue.start < turn,
                                                    abs(r.cue.start - _first(topic_cues, lo))))
                polar = [r for r in polar if r.sign == closest.sign]
            score = max(-1.0, min(1.0, sum(r.sign * r.weight for r in polar)))
            if mixed:
                score *= 0.75
            stance = _stance(score)
            deciding = max(polar, key=lambda r: r.weight)
            confidence = 0.55 + 0.1 * min(len(polar) - 1, 2) + (0.0 if borrowed else 0.1)
            confidence -= 0.2 if mixed else 0.0
            rule = ("nearest-of-mixed" if mixed else deciding.rule) + suffix
            return _Decision(stance, score, _conf(confidence, borrowed), deciding.evidence,
                             rule, deciding.negated, deciding.modality)
        # A timing hedge ("should eventually be in NATO", "one day") says when, not whether: with
        # nothing else to go by, the topic phrase and its modal decide.
        deciding = [r for r in leaves if not _hedge(doc, r)]
        if deciding:
            first = deciding[0]
            return _Decision("neutral", 0.0, _conf(0.5, borrowed), first.evidence,
                             first.rule + suffix, first.negated, first.modality)
        for cue in topic_cues if origin == "own" else ():
            sign, modality, negated, rule = read_topic_cue(doc, cue, lo, hi, self.negations)
            if sign:
                return _Decision(_stance(sign * 0.6), sign * (0.6 if negated else 0.5),
                                 _conf(0.5, borrowed), cue.text, rule + suffix, negated, modality)
        if leaves:
            return _Decision("neutral", 0.0, _conf(0.5, borrowed), leaves[0].evidence,
                             leaves[0].rule + suffix, leaves[0].negated, leaves[0].modality)
        return _Decision("neutral", 0.0, _conf(0.35, borrowed), "", "topic-only" + suffix,
                         False, None)


def _hedge(doc: Doc, reading: Reading) -> bool:
    """A neutral cue that only times the clause: an adverbial like "eventually" or "one day"."""
    root = doc[reading.cue.start:reading.cue.end].root
    return reading.cue.polarity == 0 and not reading.outer and root.dep_ in ("advmod", "npadvmod")


BURIED_PREPS = 3  # prepositional phrases a cue may sit in, below its clause's verb, and still speak


def _buried(doc: Doc, reading: Reading) -> bool:
    """True when the cue sits three prepositional phrases down from its clause's verb ("part of
    any settlement of the war with Russia"): it names something, it takes no position."""
    preps = 0
    for i in reading.path:
        token = doc[i]
        if token.pos_ in ("VERB", "AUX"):
            break
        preps += token.dep_ == "prep"
    return preps >= BURIED_PREPS and not reading.outer


def _modal_negation(doc: Doc, reading: Reading) -> bool:
    """True when a negated verb carries a modal ('will not pay', 'should not spend'): a refusal
    or a prescription, where 'are not paying what they should' stays a complaint."""
    return any(c.tag_ == "MD" for i in reading.negated_at for c in doc[i].children)


def _in_question(doc: Doc, reading: Reading) -> bool:
    return any(doc[i].dep_ == "advcl" and doc[i].lemma_ in QUESTION_LEMMAS for i in reading.path)


def _contrast_at(doc: Doc, lo: int, hi: int) -> int:
    return next((t.i for t in doc[lo:hi] if t.lower_ in ("but", "however", "yet")), hi)


def _first(cues: list[Cue], lo: int) -> int:
    return min((c.start for c in cues if c.start >= lo), default=lo)


def _clause_of(doc: Doc, cue: Cue, lo: int, hi: int) -> set[int]:
    return {t.i for t in clause_path(doc[cue.start:cue.end].root, lo, hi)} | set(
        range(cue.start, cue.end))


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
