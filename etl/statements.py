"""Statement extraction: sentences attributed to speakers, with quote type, date and confidence."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from etl.attribution import (TEMPORAL_SUBORDINATORS, Attribution, SentenceRules, date_blind, dates_another_clause, has_content,
                              is_finite, is_past, nested_in, quote_is_full)
from etl.codebook_model import Codebook
from etl.models import Actor, Document, Statement
from etl.quotes import Quote, find_quotes
from etl.segment import Span, paragraphs, sentences
from etl.speakers import Context, Speaker, SpeakerResolver, fold, slugify, names_someone_new, opening_name, opens_with_title
from etl.statement_dates import (MONTHS, WEEKDAYS, DateCue, days_before, find_cues, is_relative, latest_full_date,
                                 occasion_day, occasion_named, same_occasion)
from etl.topic_gate import TopicGate
from etl.topics import WINDOW_TEXT

log = logging.getLogger(__name__)

NAMED = frozenset({"name", "alias", "surname", "unknown"})  # how a person named in the text was resolved

CONTEXT_SENTENCES = 2  # sentences before the paragraph that the tagger also sees as context
BASE_CONFIDENCE = {"direct": 0.95, "mixed": 0.9, "indirect": 0.88, "according_to": 0.85, "reported": 0.75}


# "KYIV —", "NEWPORT, Wales —", "BRUSSELS (Reuters) -" at the start of an article.
_DATELINE = re.compile(r"[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][\w .'’-]{1,30})?(?:\s*\([^)]{1,30}\))?\s*[—–-]{1,2}\s+")


def _inside(att: Attribution, outer: Attribution) -> bool:
    """True when an attribution sits in the reported words of `outer`."""
    if att.verb is not None and outer.verb is not None and _joins_a_new_clause(att):
        return False
    if att.verb is not None and outer.verb is not None:
        if outer.verb.dep_ == "parataxis" and outer.kind == "speech":
            return att.verb.i in outer.content  # the host clause of "X, he said, Y" is his
        return att.verb.i in outer.content and nested_in(att.verb, outer.verb)
    node = att.verb if att.verb is not None else att.subject
    return node.i in outer.content


def _joins_a_new_clause(att: Attribution) -> bool:
    """", and Italy's minister, Antonio Tajani, said ...": a speaker of their own after a comma and
    a conjunction, even where the parser hung their clause inside the first speaker's words."""
    if att.kind != "speech" or att.subject.head.i != att.verb.i:
        return False
    first = min(t.i for t in att.subject.subtree)
    doc = att.subject.doc
    return first >= 2 and doc[first - 1].lower_ in ("and", "but", "while", "whereas") and doc[first - 2].text == ","


# "RUTTE: ...", or in bold with the name as written: "**Levytska:** ...".
_LABEL = re.compile(r"([A-Z][A-Z.'’\-]*(?: [A-Z][A-Z.'’\-]*){0,3}):\s"
                    r"|\*\*([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3}):\*\*\s")
QUESTION_LABELS = frozenset({"Q", "QUESTION", "REPORTER", "INTERVIEWER", "MODERATOR"})
MIN_TRANSCRIPT_LABELS = 3
_YEAR = re.compile(r"\d{4}")


def _transcript_labels(text: str, sents: list[Sentence]) -> dict[int, str]:
    """Paragraph -> speaker label, for a transcript: paragraphs opening "NAME:" in capitals, and
    the unlabelled paragraphs that continue an answer. Empty unless several labels occur."""
    labels: dict[int, str] = {}
    seen: set[int] = set()
    for sent in sents:
        if sent.para in seen:
            continue
        seen.add(sent.para)
        match = _LABEL.match(text, sent.span.start)
        if match:
            labels[sent.para] = match.group(1) or match.group(2)
    if len(labels) < MIN_TRANSCRIPT_LABELS:
        return {}
    out: dict[int, str] = {}
    current = None
    for para in sorted(seen):
        current = labels.get(para, current)
        if current is not None:
            out[para] = current
    return out


def _conversation_day(document: Document, sents: list[Sentence], first_label: int) -> DateCue | None:
    """The date the introduction before a transcript's first label gives the conversation."""
    intro = [s for s in sents if s.para < first_label]
    if not intro or document.published is None:
        return None
    for cue in find_cues(document.text, document.published, intro[0].span.start, intro[-1].span.end):
        if cue.day is not None and cue.day <= document.published:
            return cue
    return None


def _introduced_person(text: str, surname: str) -> Speaker | None:
    """A new person whose one-word label is the surname of a full name opening a sentence of the
    text ("Oksana Levytska runs the programme" for "Levytska:"), else None."""
    if " " in surname or not surname[:1].isupper():
        return None
    pattern = r"(?:^|(?<=[\n.!?] ))([A-Z][\w'’\-]+) " + re.escape(surname) + r"\b"
    for match in re.finditer(pattern, text, re.IGNORECASE if surname.isupper() else 0):
        first = match.group(1)
        if first.lower() in STOP_WORDS or not first.istitle():
            continue
        name = f"{first} {match.group(0).split()[-1]}"
        actor = Actor(id=f"person:{slugify(name)}", name=name, kind="person", known=False)
        return Speaker(actor, None, surname, "unknown")
    return None


def _appositive_name(subject):
    """The proper name set beside a common-noun subject by commas ("the minister, Ana Ruiz,"), also
    through a title in between ("our guest, the economist Ana Ruiz,")."""
    if subject.lower_.rstrip(".") in MONTHS or subject.lower_ in WEEKDAYS:
        # "On Tuesday, 1 April, the American president, George W. Bush, said": the parser took
        # the date for the subject and hung the speaker on it as an apposition.
        follow = next((c for c in subject.children if c.dep_ == "appos" and c.i > subject.i), None)
        return (_appositive_name(follow) or follow) if follow is not None else None
    if subject.pos_ != "NOUN":
        return None
    for child in subject.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i > subject.i:
            return child
    for child in subject.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i > subject.i:
            inner = next((g for g in child.children if g.dep_ in ("appos", "compound") and g.pos_ == "PROPN"
                          and g.i > child.i), None)
            if inner is not None:
                return inner
    return None


def _sentence_of(sents: list[Sentence], statement: Statement) -> int:
    """Index of the sentence holding a statement's start."""
    for i, sent in enumerate(sents):
        if sent.span.start <= statement.start < sent.span.end:
            return i
    return 0


def _clause_span(sent: Sentence, att: Attribution) -> Span:
    """A second speaker's own clause: from their subject to the end of what their verb governs."""
    head = att.verb if att.verb is not None else att.subject
    tokens = list(head.subtree) + list(att.subject.subtree)
    first = min(t.i for t in tokens)
    last = max(t.i for t in tokens)
    doc, base = sent.doc, sent.span.start
    while last > first and (doc[last].is_space or doc[last].is_punct and doc[last].text not in "\"”’»"):
        last -= 1
    return Span(base + doc[first].idx, base + doc[last].idx + len(doc[last]))


def co_subjects(subject) -> list:
    """Speakers coordinated with the subject: "Britain and France", "countries, among them Italy and Poland"."""
    heads = [subject]
    if subject.tag_ == "NNS":  # a plural noun with its members listed, not "Gabriel, a Social Democrat"
        heads += [c for c in subject.children if c.dep_ == "appos"]
        heads += [g for c in subject.children if c.dep_ == "prep" and c.lower_ in ("including", "like")
                  for g in c.children if g.dep_ == "pobj"]
        # "The leaders, among them A and B, said": the parser may make the members a second subject.
        heads += [c for c in subject.head.children if c.dep_ == "nsubj" and c.i > subject.i
                  and any(g.dep_ == "prep" and g.lower_ == "among" for g in c.children)]
    out = []
    for head in heads:
        for tok in (head, *head.conjuncts):
            if tok.i != subject.i and tok not in out and tok.pos_ in ("PROPN", "NOUN"):
                out.append(tok)
    return out


def _core_start(tok):
    """The first token of a name's own words: "Keir" of "Keir Starmer"."""
    first = tok
    for left in reversed(list(tok.lefts)):
        if left.dep_ in ("compound", "flat", "det", "amod", "poss", "case") and left.i == first.i - 1:
            first = left
    while first.i > 0 and first.dep_ == "case":
        first = first.doc[first.i - 1]
    return first


# Words that open a clause of their own: "... on Monday after Trump said": Monday is not Trump's.
_SUBORDINATORS = TEMPORAL_SUBORDINATORS


def _subordinate_start(att: Attribution) -> int:
    """Offset in the sentence where the speaker's clause opens after a subordinator, else 0."""
    for tok in (att.subject, att.fallback):
        if tok is None:
            continue
        first = _core_start(tok)
        if first.i > 0 and first.doc[first.i - 1].lower_ in _SUBORDINATORS:
            return first.doc[first.i - 1].idx
    return 0


# What a live-blog heading may hold besides its date: "Updated 12 Feb 2025, 14:32 GMT".
_TIME_STAMP = re.compile(r"\b(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?|GMT|UTC|BST|CET|CEST|"
                         r"EST|EDT|ET|local time|[Uu]pdated|[Pp]osted|[Pp]ublished|at)\b", re.I)


# A live-blog entry's leading time: "10:05", "14.32 GMT:", "2.15pm —".
_LEADING_TIME = re.compile(
    r"(?:\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|BST|CET|CEST|EST|EDT|ET)\b)?\s*[:|—–-]?"
    r"|\d{1,2}(?:\.\d{2})?\s*(?:[ap]\.?m\.?|(?:[ap]\.?m\.?\s*)?(?:GMT|UTC|BST|CET|CEST|EST|EDT|ET)\b)\s*[:|—–-]?"
    r"|\d{1,2}\.\d{2}\s*[:|—–-])\s+(?=\S)", re.I)  # "14.32 GMT", "2pm:", but not "2.50 euros"


# A Markdown run-in heading, "**Sánchez isn't budging.** Spanish Prime Minister ...": the
# sentence splitter sees no end after the closing emphasis marks, but the heading ends there.
_RUN_IN_END = re.compile(r"[.!?:][*_]{1,3}\s+(?=[\"“‘«(]?[A-Z0-9À-ÖØ-Þ])")


def _run_in_split(text: str, sent: Span) -> list[Span]:
    """A sentence cut after each emphasised run-in heading it opens with."""
    out = []
    start = sent.start
    for match in _RUN_IN_END.finditer(text, sent.start, sent.end):
        end = match.end() - len(match.group(0)) + len(match.group(0).rstrip())
        out.append(Span(start, end))
        start = match.end()
    out.append(Span(start, sent.end))
    return out


def _skip_time_stamp(text: str, para: Span) -> Span:
    match = _LEADING_TIME.match(text, para.start, para.end)
    return Span(match.end(), para.end) if match else para


# "NEW DELHI/BRUSSELS: The United States ...": a dateline closed by a colon, as some wires write it.
_COLON_DATELINE = re.compile(r"([A-Z][A-Z'’-]{2,}(?:[ /][A-Z][A-Z'’-]+){0,3}):\s+(?=[A-Z])")


def _skip_dateline(text: str, para: Span) -> Span:
    match = _DATELINE.match(text, para.start, para.end)
    if match is None:
        match = _COLON_DATELINE.match(text, para.start, para.end)
        # not a transcript's speaker label, which comes back at the start of later paragraphs
        if match is not None and re.search(r"\n\s*(?:\*\*)?" + re.escape(match.group(1)) + r":", text):
            match = None
    return Span(match.end(), para.end) if match else para


@dataclass
class Sentence:
    """One sentence of a document, with its paragraph, quotations and (once parsed) spaCy Doc."""

    span: Span
    para: int
    quotes: list[Quote]
    doc: Doc | None = None
    needs_parse: bool = True  # False: no quote and no speech cue, a tokenizer Doc is enough


@dataclass
class Prepared:
    """A document cut into sentences, ready for the parser; texts() feeds nlp.pipe."""

    document: Document
    sentences: list[Sentence]
    # True when nothing in the document can become a statement unless the engine parses every
    # sentence: no sentence is worth a parse and no transcript label names a speaker.
    idle: bool = False

    def texts(self) -> list[str]:
        """The texts to parse, one per sentence: the sentence and the whitespace after it.

        Joined after a prefix (the text before the first sentence, e.g. a dateline), they give
        back the document's text exactly, so one Doc of the whole document can be assembled.
        """
        text = self.document.text
        starts = [s.span.start for s in self.sentences] + [len(text)]
        return [text[starts[i]:starts[i + 1]] for i in range(len(self.sentences))]

    def prefix(self) -> str:
        """The text before the first sentence (a dateline, leading space), unparsed."""
        end = self.sentences[0].span.start if self.sentences else len(self.document.text)
        return self.document.text[:end]


@dataclass
class _Found:
    statement: Statement
    speaker: Speaker
    quote: Quote | None = None


@dataclass
class _DocState:
    ctx: Context = field(default_factory=Context)
    dates: dict[str, tuple[date, str, int]] = field(default_factory=dict)  # actor -> day, cue, sentence
    found: dict[int, list[_Found]] = field(default_factory=dict)  # sentence index -> statements
    quote_owner: dict[int, _Found] = field(default_factory=dict)  # quote start -> attributed statement
    leadin: dict[int, _Found] = field(default_factory=dict)  # paragraph -> "X wrote on Telegram:"
    scene: tuple[int, date, str, int] | None = None  # paragraph, day, cue, sentence of the last dated event
    scene_speaker: str | None = None  # who spoke in the scene's sentence (None: an event, not speech)
    last_day: tuple[date, str] | None = None  # for "on the same day"
    default_cue: str | None = None  # why the default date is what it is, when not the publication date
    section: tuple[date, str, int] | None = None  # day, cue, sentence of a live-blog date heading
    subject_at: dict[int, Speaker] = field(default_factory=dict)  # sentence -> subject of a non-statement
    conversation: DateCue | None = None  # the day a transcript's introduction gives its conversation

    def dated(self, actor_id: str, sent: Sentence, cue: DateCue, index: int, spoke: bool = False) -> None:
        """Remember that the actor did something on the cue's day, in this paragraph's scene."""
        self.scene_speaker = actor_id if spoke else None
        self.dates[actor_id] = (cue.day, cue.text, index)
        self.scene = (sent.para, cue.day, cue.text, index)
        self.last_day = (cue.day, cue.text)


class StatementExtractor:
    """Finds the statements of a document; parse sentences between prepare() and finish()."""

    def __init__(self, codebook: Codebook, nlp: Language):
        self.codebook = codebook
        self.nlp = nlp
        self.rules = SentenceRules(codebook)
        self.resolver = SpeakerResolver(codebook, nlp)
        self.gate = TopicGate(codebook, nlp)
        self.untagged_too = True  # False: skip parsing documents where no topic can be tagged

    def prepare(self, document: Document) -> Prepared:
        """Cut the text into paragraphs and sentences and find its quotations."""
        text = document.text
        paras = paragraphs(text)
        quotes = find_quotes(text, paras)
        # A document that cannot hold a topic cue yields only untagged statements: when those are
        # not wanted, its sentences are tokenized but not parsed.
        wanted = self.untagged_too or self.gate.may_be_topical(text)
        out = []
        for p_index, para in enumerate(paras):
            if p_index == 0:
                para = _skip_dateline(text, para)
            para = _skip_time_stamp(text, para)
            for sent in (piece for whole in sentences(text, para) for piece in _run_in_split(text, whole)):
                overlapping = [q for q in quotes if q.start < sent.end and q.end > sent.start]
                cue = wanted and (bool(overlapping) or self.rules.may_attribute(text[sent.start:sent.end]))
                out.append(Sentence(sent, p_index, overlapping, needs_parse=cue))
        prepared = Prepared(document, out, idle=not wanted and not _transcript_labels(text, out))
        if wanted:
            # A sentence naming a codebook person is parsed too; the others keep the tokens made
            # to find out, so they are not tokenized twice.
            # So is one opening on a new person's full name, or on the bare surname of one: it
            # may make them the antecedent of a later "he" or "she".
            introduced: set[str] = set()
            for sent, sent_text in zip(out, prepared.texts()):
                surname = opening_name(sent_text)
                if surname is not None:
                    introduced.add(surname)
                if not sent.needs_parse:
                    sent.doc = self.nlp.make_doc(sent_text)
                    sent.needs_parse = self._names_person(sent.doc) or surname is not None or (
                        len(sent.doc) > 1 and fold(sent.doc[0].text) in introduced and not sent.doc[1].is_title
                    ) or opens_with_title(sent.doc) or names_someone_new(sent.doc)
        return prepared

    def _transcript_line(self, document: Document, index: int, sent: Sentence, label: str,
                         state: _DocState) -> bool:
        """One sentence of a transcript answer: a direct statement of the labelled speaker, unless
        the answer reports someone else's position ("Spain thinks it can ..."), which stays theirs.
        What the speaker's own organisation holds ("NATO is convinced") is the speaker's.
        False when the label names nobody known ("UPDATE:"): the sentence is read as any other."""
        if label.upper() in QUESTION_LABELS:
            return True
        speaker = self._label_speaker(label, document, state)
        if speaker is None:
            return False
        if document.text[sent.span.start:sent.span.end].strip("*_: ") == label:
            return True  # the label alone, cut off as a run-in heading
        # "I don't think ..." names no one the rules can resolve: the labelled speaker says it.
        if sent.doc.has_annotation("DEP") and self._attribute(document, index, sent, state) \
                and state.found.get(index):
            for found in state.found.get(index, []):
                if found.statement is not None and found.speaker.actor.id == speaker.group_id:
                    found.statement = replace(
                        found.statement, actor_id=speaker.actor.id, actor_name=speaker.actor.name,
                        actor_kind=speaker.actor.kind, group_id=speaker.group_id, mention=label)
                    found.speaker = speaker
            return True
        att = Attribution(sent.doc[0], None, f"{label}:", "colon", frozenset(range(len(sent.doc))))
        found = self._found(document, index, sent, sent.span, att, speaker, state.conversation, "direct",
                            "transcript", state)
        state.found.setdefault(index, []).append(found)
        state.ctx.note(speaker)
        return True

    def _label_speaker(self, label: str, document: Document, state: _DocState) -> Speaker | None:
        """The person a transcript label names: a surname ("RUTTE", "MR RUTTE") of someone the
        article names, else the one codebook person of that surname holding a role that day, else
        a new person the article introduces by full name ("Oksana Levytska runs ...")."""
        day = document.published
        key = fold(label.split()[-1])
        actor_id = state.ctx.surnames.get(key)
        if actor_id is not None and self.codebook.actor(actor_id) is not None:
            return self.resolver.known(actor_id, day, label, "surname")
        if actor_id is not None:
            previous = state.ctx.named.get(actor_id)
            return replace(previous, mention=label, how="surname") if previous else None
        holders = [a for a in self.resolver.surnames.get(key, [])
                   if (entry := self.codebook.actor(a)) is not None and entry.group_on(day) is not None]
        if len(holders) == 1:
            return self.resolver.known(holders[0], day, label, "surname")
        return _introduced_person(document.text, label) if len(holders) == 0 else None

    def _relayed_member(self, att: Attribution, group: Speaker, candidates: list[Attribution], day,
                        state: _DocState, mentions) -> Speaker | None:
        """A person of the speaking group whose own speech the group's words report, if any."""
        for inner in candidates:
            if inner is att or inner.kind != "speech" or inner.verb is None or att.verb is None:
                continue
            if inner.verb.i not in att.content or not nested_in(inner.verb, att.verb):
                continue
            person = self.resolver.resolve(inner.subject, day, state.ctx, mentions)
            if person is not None and person.actor.kind == "person" and person.group_id == group.actor.id:
                return person
        return None

    def _clause_antecedent(self, att: Attribution, day, state: _DocState, mentions) -> Speaker | None:
        """"Mr Biden gave his answer on Friday, when he told reporters ...": a he/she in a clause
        below another whose subject is a person named there refers to that person."""
        subject, verb = att.subject, att.verb
        if verb is None or verb.dep_ == "parataxis":  # "X, he added, ...": X is what was said
            return None
        if subject.pos_ != "PRON" or subject.lower_ not in ("he", "she", "they"):
            return None
        group = subject.lower_ == "they"  # "NATO leaders declined ..., but they said ..."
        for above in verb.ancestors:
            for child in above.children:
                if child.dep_ == "nsubj" and (child.pos_ == "PROPN" or group and child.pos_ == "NOUN"):
                    found = self.resolver.resolve(child, day, state.ctx, mentions)
                    if found is None or found.actor.kind != ("group" if group else "person"):
                        return None
                    if group or found.actor.known and found.how in NAMED:
                        return replace(found, mention=subject.text, how="pronoun")
                    return None
        return None

    def _names_person(self, tokens: Doc) -> bool:
        """True when a codebook person is named: the parse then tells whether they are the subject,
        the likely antecedent of a later "he" or "she"."""
        return any(kind == "name" and (entry := self.codebook.actor(target)) is not None
                   and entry.kind == "person"
                   for _, kind, target in self.resolver.mentions(tokens))

    def finish(self, prepared: Prepared) -> tuple[list[Statement], list[Actor], dict[str, Doc]]:
        """Statements from parsed sentences, the new actors they name, and each statement's Doc."""
        state = _DocState()
        document = prepared.document
        if document.published is None:
            # An undated article: its latest full date ("on 3 March 2025") stands in for the
            # publication date, so weekday cues still resolve; the cue says so.
            anchor = latest_full_date(document.text)
            if anchor is not None:
                document = replace(document, published=anchor.day)
                state.default_cue = f"undated; latest full date in text: {anchor.text}"
        pending: list[int] = []
        transcript = _transcript_labels(document.text, prepared.sentences)
        if transcript:
            # "We spoke to her on Thursday, 6 March": the conversation's day dates its answers.
            state.conversation = _conversation_day(document, prepared.sentences, min(transcript))
        for index, sent in enumerate(prepared.sentences):
            if sent.doc is None:
                continue
            if self._section_header(document, index, sent, state):
                continue
            if sent.para in transcript and self._transcript_line(document, index, sent, transcript[sent.para],
                                                                  state):
                # A transcript's speaker label ("RUTTE:") owns its answer; questions ("Q:") are nobody's.
                self._note_names(sent, state)
                continue
            if not sent.doc.has_annotation("DEP"):
                self._note_cheap(document, index, sent, state)  # nothing said here: who and when
            elif not self._attribute(document, index, sent, state):
                self._note_subject(document, index, sent, state)
                if sent.quotes:
                    pending.append(index)
            self._note_full_date(document, sent, state)
            self._note_names(sent, state)
        for index in pending:
            self._quote_only(document, prepared.sentences, index, state)
        statements, actors, docs = [], {}, {}
        cache: dict[tuple[int, int], Doc] = {}
        for index in sorted(state.found):
            for found in state.found[index]:
                statements.append(found.statement)
                docs[found.statement.id] = self._context_doc(prepared, index, cache)
                if not found.speaker.actor.known:
                    actors[found.speaker.actor.id] = found.speaker.actor
        return statements, list(actors.values()), docs

    def _context_doc(self, prepared: Prepared, index: int, cache: dict) -> Doc:
        """The sentence's paragraph and the sentences before it, as one Doc: the tagger's context.

        A window rather than the whole article keeps tagging linear in the article's length.
        """
        sents = prepared.sentences
        para = sents[index].para
        first = index
        while first > 0 and sents[first - 1].para == para:
            first -= 1
        first = max(0, first - CONTEXT_SENTENCES)  # one window per paragraph, shared by its statements
        last = index
        while last + 1 < len(sents) and sents[last + 1].para == para:
            last += 1
        key = (first, last)
        if key not in cache:
            texts = prepared.texts()
            parts = [sents[i].doc if sents[i].doc is not None else self.nlp.make_doc(texts[i])
                     for i in range(first, last + 1)]
            if len(parts) == 1:
                doc = parts[0]
            else:
                doc = Doc.from_docs(parts, ensure_whitespace=False, exclude=["tensor", "user_data"])
                # The window's text, sliced rather than rebuilt token by token (Doc.text) by the tagger.
                doc.user_data[WINDOW_TEXT] = "".join(texts[first:last + 1])
            cache[key] = doc
        return cache[key]

    # --- one sentence -------------------------------------------------------------------

    def _inside_quote(self, sent: Sentence):
        base = sent.span.start

        def inside(tok) -> bool:
            pos = base + tok.idx
            return any(q.start <= pos < q.end for q in sent.quotes)
        return inside

    def _attribute(self, document: Document, index: int, sent: Sentence, state: _DocState) -> bool:
        """Statements of one sentence: the main speaker's, then other speakers' own clauses."""
        sdoc = sent.doc
        inside = self._inside_quote(sent)
        mentions = self.resolver.mentions(sdoc)
        blocked: set[int] = set()  # what an unnamed speaker said is nobody else's statement
        taken: list[Attribution] = []
        speakers: set[str] = set()
        attributed = anonymous = False
        candidates = self.rules.candidates(sdoc, inside)
        for att in candidates:
            verb_i = att.verb.i if att.verb is not None else None
            if att.subject.i in att.content:
                continue
            # "Washington wants Europe to pay more, officials said": the unnamed speakers report
            # a named group's position, which stays a reported statement of that group.
            reported_group = anonymous and att.kind == "reported" and not taken and verb_i in blocked
            if (anonymous or verb_i in blocked) and not reported_group:
                continue
            if any(_inside(att, t) for t in taken):
                continue  # speech reported inside another speaker's words belongs to that speaker
            if att.kind == "according_to" and any(t.kind == "speech" and t.verb is not None
                                                  and t.verb.dep_ == "ROOT" for t in taken):
                continue  # "According to officials, the premier told ...": only the source
            cue = self._date_cue(document, sent, att)
            day = cue.day if cue and cue.day else self._scene_day(document, sent, state)
            speaker = None
            named = _appositive_name(att.subject)
            if named is not None:  # "the coach, Ana Ruiz, said": the name, not the title, speaks
                speaker = self.resolver.resolve(named, day, state.ctx, mentions)
            if speaker is None:
                speaker = self._clause_antecedent(att, day, state, mentions)
            if speaker is None:
                speaker = self.resolver.resolve(att.subject, day, state.ctx, mentions)
            if speaker is None and att.fallback is not None:
                speaker = self.resolver.resolve(att.fallback, day, state.ctx, mentions)
            if speaker is None and att.subject.tag_ == "NNS":
                # "Several allies, including France and Britain, said": the members listed speak.
                members = co_subjects(att.subject)
                speaker = self.resolver.resolve(members[0], day, state.ctx, mentions) if members else None
            if speaker is None:
                if not taken and att.kind == "speech" and att.verb is not None and att.verb.dep_ == "ROOT":
                    anonymous = True  # attributed to someone we cannot name: not anyone else's quote
                if att.kind != "according_to":
                    blocked.update(att.content)
                continue
            if speaker.actor.kind == "group" and att.kind == "speech":
                # "Downing Street said that Starmer had told the meeting ...": the office relays
                # what its own leader said, and the statement is the leader's.
                speaker = self._relayed_member(att, speaker, candidates, day, state, mentions) or speaker
            if speaker.actor.id in speakers or (reported_group and not speaker.by_name):
                continue
            found = self._statement(document, index, sent, att, speaker, cue, state, main=not taken)
            if found is None:
                continue
            attributed = True
            if found.statement is None:  # a colon lead-in: the quote follows in the next paragraph
                return True
            taken.append(att)
            speakers.add(speaker.actor.id)
            state.found.setdefault(index, []).append(found)
            state.ctx.note(speaker)
            self._co_speakers(document, index, sent, att, found, cue, state, mentions, speakers)
        if taken and all(t.verb is not None and t.verb.dep_ != "ROOT" for t in taken):
            # "X hit back on Wednesday at Y, who accused ...": Y spoke, but X did something that
            # day, and a person X is what a following "he" or "she" is about.
            self._note_subject(document, index, sent, state, people_only=True)
        return attributed or anonymous

    @staticmethod
    def _scene_day(document: Document, sent: Sentence, state: _DocState) -> date | None:
        """The day a sentence with no date of its own is set on: its paragraph's dated scene
        ("On 19 February 2019, X signed ... The then president said"), else publication.
        Roles ("the president") are resolved on it."""
        if state.scene is not None and state.scene[0] == sent.para:
            return state.scene[1]
        return document.published

    def _co_speakers(self, document: Document, index: int, sent: Sentence, att: Attribution,
                     found: _Found, cue: DateCue | None, state: _DocState, mentions,
                     speakers: set[str]) -> None:
        """"Italy and Poland have said ...": each further coordinated speaker said it too.

        Their statement runs from their own name to the end of the first speaker's, so every
        statement keeps a span (and id) of its own.
        """
        first = found.statement
        day = cue.day if cue and cue.day else document.published
        for tok in co_subjects(att.subject):
            speaker = self.resolver.resolve(tok, day, state.ctx, mentions)
            if speaker is None or speaker.actor.id in speakers:
                continue
            start = sent.span.start + _core_start(tok).idx
            if not first.start < start < first.end:
                continue
            span = Span(start, first.end)
            other = self._found(document, index, sent, span, att, speaker, cue, first.quote_type,
                                first.rule + "_coordinated", state)
            speakers.add(speaker.actor.id)
            state.found[index].append(other)

    def _statement(self, document: Document, index: int, sent: Sentence, att: Attribution,
                   speaker: Speaker, cue: DateCue | None, state: _DocState, main: bool) -> _Found | None:
        """The statement one attribution makes, or None when the verb carries nothing said."""
        text, base = document.text, sent.span.start
        span = sent.span if main else _clause_span(sent, att)
        own_quotes = [q for q in sent.quotes if q.start >= span.start and q.end <= max(span.end, q.end)
                      and q.start < span.end]
        verb_end = base + att.verb.idx + len(att.verb) if att.verb is not None else None
        anchor = base + (att.verb.idx if att.verb is not None else att.subject.idx)
        direct = [q for q in own_quotes if not (q.start <= base + att.subject.idx < q.end)
                  and quote_is_full(text, q, span.start, verb_end)]
        # A quotation begun in an earlier sentence and closed before "X said" is X's too.
        if main:
            direct += [q for q in sent.quotes if q.start < base and q.end <= anchor]
        fragments = [q for q in own_quotes if q not in direct and q.end <= span.end]
        if not main and (att.kind != "speech" or att.verb is None or not is_finite(att.verb)):
            return None  # a second speaker needs a clause of their own: "and Spain said it would"
        if att.verb is not None and not direct and not fragments and \
                not has_content(att.verb, self.rules.objects_ok(att.verb, att.kind),
                                self.rules.content_preps(att.verb)):
            if main and text[base:sent.span.end].rstrip().endswith(":"):
                state.ctx.note(speaker)
                state.leadin[sent.para] = self._found(document, index, sent, span, att, speaker, cue,
                                                      "direct", "colon_leadin", state)
                return _Found(None, speaker)  # type: ignore[arg-type]
            return None
        if att.kind == "colon":  # 'Rutte: "..."', '"..." — Rutte', 'Rutte's message was clear: ...'
            direct = [q for q in own_quotes if not q.start <= base + att.subject.idx < q.end]
            qtype = "direct" if direct else "indirect"
        elif att.kind == "according_to":
            qtype = "according_to"
        elif direct:
            qtype = "direct"
        elif fragments:
            qtype = "mixed"
        elif speaker.by_name or (att.kind == "reported" and speaker.actor.kind == "group"):
            qtype = "reported"
        else:
            qtype = "indirect"
        rule = {"direct": "direct_quote", "mixed": "mixed_quote", "according_to": "according_to",
                "reported": "reported_position", "indirect": "speech_verb"}[qtype]
        if not main:
            rule += "_clause"
        found = self._found(document, index, sent, span, att, speaker, cue, qtype, rule, state)
        for q in direct:
            state.quote_owner[q.start] = found
        return found

    def _found(self, document, index: int, sent, span: Span, att: Attribution, speaker: Speaker,
               cue: DateCue | None, qtype: str, rule: str, state: _DocState) -> _Found:
        day, date_cue = self._date(document, index, sent, att, speaker, cue, state)
        confidence = BASE_CONFIDENCE[qtype] * speaker.confidence
        start, end = span.start, span.end
        statement = Statement(
            doc_id=document.id, start=start, end=end, text=document.text[start:end],
            actor_id=speaker.actor.id, actor_name=speaker.actor.name, actor_kind=speaker.actor.kind,
            group_id=speaker.group_id, mention=speaker.mention, cue=att.cue, quote_type=qtype,
            date=day, date_cue=date_cue, confidence=round(confidence, 3), rule=rule,
            needs_review=not speaker.actor.known,
        )
        return _Found(statement, speaker)

    def _date_cue(self, document: Document, sent: Sentence, att: Attribution) -> DateCue | None:
        """The date cue of the speech clause: outside quotations and the reported content."""
        sdoc, base = sent.doc, sent.span.start
        cues = find_cues(document.text, document.published, base, sent.span.end)
        blind = att.content if att.kind == "according_to" else date_blind(att.verb, att.subject)
        content_chars = [(base + sdoc[i].idx, base + sdoc[i].idx + len(sdoc[i])) for i in blind]
        anchor = base + (att.verb.idx if att.verb is not None else att.subject.idx)
        clause_start = base + _subordinate_start(att)
        best = None
        for cue in cues:
            if any(q.start <= cue.start < q.end for q in sent.quotes):
                continue
            if any(s <= cue.start < e for s, e in content_chars):
                continue
            if cue.start < clause_start:
                continue
            cue_tok = sdoc.char_span(cue.start - base, cue.end - base, alignment_mode="expand")
            if cue_tok is not None and att.verb is not None and dates_another_clause(cue_tok.root, att.verb):
                continue
            if best is None or abs(cue.start - anchor) < abs(best.start - anchor):
                best = cue
        return best

    def _date(self, document, index, sent, att, speaker, cue, state) -> tuple[date | None, str | None]:
        actor_id = speaker.actor.id
        if cue is not None and cue.day is not None and is_relative(cue.text) and state.last_day is not None:
            # "A day earlier, X had said": counted back from the day the article last told of.
            cue = replace(cue, day=state.last_day[0] - timedelta(days=days_before(cue.text)))
        if cue is not None and cue.day is not None:
            state.dated(actor_id, sent, cue, index, spoke=True)
            return cue.day, cue.text
        if cue is not None:
            return None, cue.text  # "on Wednesday" in an undated article: the day is unknown
        text = document.text[sent.span.start:sent.span.end]
        named = occasion_named(text)
        if named is not None and self._in_speech_clause(sent, named[1]):
            dated = occasion_day(document.text, sent.span.start, named[0], document.published)
            if dated is not None:
                state.dates[actor_id] = (dated.day, dated.text, index)
                return dated.day, dated.text
        if state.last_day is not None and same_occasion(text):
            state.dates[actor_id] = (*state.last_day, index)  # later "he said" is that day too
            return state.last_day  # "on the same day", "told the same breakfast"
        # A date heading of a live-blog section dates the entries under it; a past report with
        # no cue happened when this speaker last did something dated, or on the day this
        # paragraph's scene is set ("... in Brussels on Thursday. X said"): the latest of these.
        options = [state.section] if state.section is not None else []
        past = att.verb is None or is_past(att.verb) or speaker.how == "document"
        if past and actor_id in state.dates:
            options.append(state.dates[actor_id])
        # Another speaker's dated remark sets no scene: "A said on Monday ... B said" may be any day.
        if past and state.scene is not None and state.scene[0] == sent.para \
                and state.scene_speaker in (None, actor_id):
            options.append(state.scene[1:])
        if options:
            return max(options, key=lambda o: o[2])[:2]
        return document.published, state.default_cue  # a present position holds on that day

    @staticmethod
    def _in_speech_clause(sent: Sentence, offset: int) -> bool:
        """False when the character offset sits in a relative clause ("X, who had met Y at the
        summit a day earlier, said"): that clause tells of another occasion."""
        tok = sent.doc.char_span(offset, offset + 1, alignment_mode="expand")
        return tok is not None and not any(a.dep_ == "relcl" for a in tok.root.ancestors) \
            and tok.root.dep_ != "relcl"

    @staticmethod
    def _section_header(document: Document, index: int, sent: Sentence, state: _DocState) -> bool:
        """A line that is only a date ("Thursday, July 12") dates the live-blog entries under it."""
        text = document.text[sent.span.start:sent.span.end]
        if len(text) > 40:
            return False
        cues = find_cues(document.text, document.published, sent.span.start, sent.span.end)
        if len(cues) != 1 or cues[0].day is None:
            return False
        rest = text[:cues[0].start - sent.span.start] + " " + text[cues[0].end - sent.span.start:]
        if _TIME_STAMP.sub(" ", rest).strip(" ,.:|—–-"):
            return False
        state.section = (cues[0].day, cues[0].text, index)
        return True

    def _note_cheap(self, document: Document, index: int, sent: Sentence, state: _DocState) -> None:
        """Without a parse: a codebook actor opening the sentence becomes the salient subject."""
        mentions = self.resolver.mentions(sent.doc)
        cues = find_cues(document.text, document.published, sent.span.start, sent.span.end)
        day = next((c.day for c in cues if c.day), document.published)
        dated = next((c for c in cues if c.day), None)
        if dated is not None:
            state.last_day = (dated.day, dated.text)  # "Allies met on Tuesday. A day earlier, ..."
        for span, kind, target in mentions[:1]:
            lead = sent.doc[:span.start]
            if len(lead) > 6 or any(t.is_lower and t.lower_ not in ("the", "a", "an") for t in lead):
                return  # not the opening subject ("In Berlin, the mood...": no)
            speaker = self.resolver.resolve(span.root, day, state.ctx, mentions) if kind != "name" \
                else self.resolver.known(target, day, span.text, "name")
            if speaker is None:
                return
            state.ctx.note(speaker)
            state.subject_at[index] = speaker
            dated = next((c for c in cues if c.day), None)
            if dated is not None:
                state.dated(speaker.actor.id, sent, dated, index)

    @staticmethod
    def _note_full_date(document: Document, sent: Sentence, state: _DocState) -> None:
        """A date with its year ("at the summit on 11 July 2018") is the day a later "the same
        day" points to, even when no statement of this sentence took it."""
        if not _YEAR.search(document.text, sent.span.start, sent.span.end):
            return  # the usual case, found without reading every date cue again
        cues = [c for c in find_cues(document.text, document.published, sent.span.start, sent.span.end)
                if c.day is not None and _YEAR.search(c.text)]
        if cues and (state.last_day is None or state.last_day[1] != cues[-1].text):
            state.last_day = (cues[-1].day, cues[-1].text)

    def _note_names(self, sent: Sentence, state: _DocState) -> None:
        """Every codebook person named in the sentence, for later "the president" or surnames."""
        day = None
        for span, kind, target in self.resolver.mentions(sent.doc):
            entry = self.codebook.actor(target) if kind == "name" else None
            if entry is not None and entry.kind == "person" and target not in state.ctx.named:
                state.ctx.note(self.resolver.known(target, day, span.text, "name"), salient=False)

    def _note_subject(self, document: Document, index: int, sent: Sentence, state: _DocState,
                      salient: bool = True, people_only: bool = False) -> None:
        """A sentence with no statement still makes its subject the likely antecedent of "he";
        `people_only`: a group subject is remembered but not made an antecedent."""
        sdoc = sent.doc
        roots = [t for t in sdoc if t.dep_ == "ROOT"]
        if not roots:
            return
        subjects = [c for c in roots[0].children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects:
            return
        cue = self._date_cue(document, sent, Attribution(subjects[0], roots[0], roots[0].text, "other",
                                                         frozenset()))
        day = cue.day if cue and cue.day else document.published
        mentions = self.resolver.mentions(sdoc)
        named = _appositive_name(subjects[0])  # "Our guest, the economist Ana Ruiz, was less sure"
        speaker = (self.resolver.resolve(named, day, state.ctx, mentions) if named is not None else None) \
            or self.resolver.resolve(subjects[0], day, state.ctx, mentions)
        if speaker is None or speaker.actor.kind != "person":
            # "The words were still being parsed when Keir Starmer set out his answer": a person
            # named as the subject of another clause is the likelier antecedent of a later "he";
            # so is one named after an empty "it" or "there" ("Then it was the turn of Ana Ruiz").
            empty = subjects[0].lower_ in ("it", "there") and subjects[0].i == roots[0].i - 1 \
                and roots[0].lemma_ == "be"
            for tok in sdoc:
                if (tok.dep_ in ("nsubj", "nsubjpass") or empty and tok.dep_ in ("pobj", "attr")) \
                        and tok.pos_ == "PROPN" and tok not in subjects:
                    other = self.resolver.resolve(tok, day, state.ctx, mentions)
                    if other is not None and other.actor.kind == "person" and other.how in NAMED:
                        speaker = other
                        break
        if cue is not None and cue.day is not None:
            state.dated(speaker.actor.id if speaker else "", sent, cue, index)
        if speaker is None or not speaker.actor.known and speaker.actor.kind == "group":
            return
        salient = salient and not (people_only and speaker.actor.kind != "person")
        state.ctx.note(speaker, salient=salient)
        if salient:
            state.subject_at[index] = speaker

    # --- quotations without their own attribution ---------------------------------------

    @staticmethod
    def _only_quote(text: str, sent: Sentence) -> bool:
        """True when the sentence is nothing but a quotation (and closing punctuation)."""
        if len(sent.quotes) != 1:
            return False
        q = sent.quotes[0]
        return q.start <= sent.span.start and not text[q.end:sent.span.end].strip(" .,!?")

    def _after_subject(self, document: Document, sents: list[Sentence], index: int, speaker: Speaker,
                       state: _DocState) -> None:
        """A quotation standing alone right after a sentence about a person is that person's."""
        if speaker.actor.kind != "person":
            return
        sent = sents[index]
        day, cue = document.published, state.default_cue
        if speaker.actor.id in state.dates and state.dates[speaker.actor.id][2] == index - 1:
            day, cue = state.dates[speaker.actor.id][:2]
        start, end = sent.span.start, sent.span.end
        statement = Statement(
            doc_id=document.id, start=start, end=end, text=document.text[start:end],
            actor_id=speaker.actor.id, actor_name=speaker.actor.name, actor_kind=speaker.actor.kind,
            group_id=speaker.group_id, mention=speaker.mention, cue="quote", quote_type="direct",
            date=day, date_cue=cue, confidence=round(BASE_CONFIDENCE["direct"] * speaker.confidence * 0.8, 3),
            rule="quote_after_subject", needs_review=not speaker.actor.known,
        )
        found = _Found(statement, speaker)
        state.found[index] = [found]
        for q in sent.quotes:
            state.quote_owner.setdefault(q.start, found)

    def _quote_only(self, document: Document, sents: list[Sentence], index: int, state: _DocState) -> None:
        sent = sents[index]
        owner, rule, factor = None, "", 1.0
        for q in sent.quotes:
            if q.start in state.quote_owner:
                owner, rule = state.quote_owner[q.start], "quote_span"
                # the further the sentence from the "X said" that names its speaker, the less sure
                gap = abs(_sentence_of(sents, owner.statement) - index)
                factor = max(0.6, 0.95 ** max(gap, 1))
                break
        if owner is None:
            prev = (state.found.get(index - 1) or [None])[0]
            quoted = sum(min(q.end, sent.span.end) - max(q.start, sent.span.start) for q in sent.quotes)
            mostly_quote = quoted >= 0.6 * (sent.span.end - sent.span.start)
            if prev and sents[index - 1].para == sent.para and mostly_quote:
                owner, rule, factor = prev, "quote_follows", 0.85
            elif sent.para - 1 in state.leadin and mostly_quote and index > 0 \
                    and sents[index - 1].para == sent.para - 1:
                owner, rule, factor = state.leadin[sent.para - 1], "colon_leadin", 0.9
            elif prev and sents[index - 1].para == sent.para - 1 and self._only_quote(document.text, sent) \
                    and (index + 1 == len(sents) or sents[index + 1].para != sent.para
                         or self._only_quote(document.text, sents[index + 1])):
                # A paragraph that is only a quotation, right after a paragraph ending in a
                # statement, goes on in the voice of that statement's speaker.
                owner, rule, factor = prev, "quote_next_paragraph", 0.8
            elif self._only_quote(document.text, sent) and index - 1 in state.subject_at \
                    and sents[index - 1].para == sent.para:
                # 'Rutte was blunt. "We will not ..."': the person just described speaks.
                self._after_subject(document, sents, index, state.subject_at[index - 1], state)
                return
        if owner is None or owner.statement is None:
            return
        base = owner.statement
        start, end = sent.span.start, sent.span.end
        statement = Statement(
            doc_id=document.id, start=start, end=end, text=document.text[start:end],
            actor_id=base.actor_id, actor_name=base.actor_name, actor_kind=base.actor_kind,
            group_id=base.group_id, mention=base.mention, cue=base.cue, quote_type="direct",
            date=base.date, date_cue=base.date_cue,
            confidence=round(BASE_CONFIDENCE["direct"] * owner.speaker.confidence * factor, 3),
            rule=rule, needs_review=base.needs_review,
        )
        found = _Found(statement, owner.speaker)
        state.found[index] = [found]
        for q in sent.quotes:
            state.quote_owner.setdefault(q.start, found)
