"""Per-sentence attribution rules: who is said to have said this sentence, and how."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from spacy.attrs import DEP, LOWER, POS
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Token

from etl.codebook_model import Codebook
from etl.quotes import Quote
from etl.speakers import DOCUMENT_NOUNS

log = logging.getLogger(__name__)

# Dependents that carry what was said: "said that ...", "urged allies to ...", "called it ...".
CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "parataxis", "oprd"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "oprd"})
SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Verbs whose subject they share with the verb they hang from: "..., adding that", "and warned".
SHARED_SUBJECT_DEPS = ("conj", "advcl", "xcomp", "acl")


@dataclass(frozen=True)
class Attribution:
    """One rule's finding in a sentence: the speaker phrase's head, the cue and the kind."""

    subject: Token  # head of the phrase naming the speaker
    verb: Token | None  # the speech or reported verb (None for "according to")
    cue: str
    kind: str  # speech | reported | according_to
    content: frozenset[int]  # token indices of what was said (kept out of speaker and date cues)
    fallback: Token | None = None  # a name just before the verb, when the parse gave another subject


# Pronoun objects that may stand between a verb and its particle: "ruled it out", "rule nothing out".
PARTICLE_GAP = frozenset({"it", "this", "that", "anything", "nothing", "everything", "them"})
ADDRESSED = frozenset({"ask", "tell", "question", "press", "urge", "brief", "inform", "warn", "advise",
                       "remind", "assure", "reassure", "implore", "encourage", "challenge"})


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the verb it is chained to ("..., adding that")."""
    seen = 0
    while verb is not None and seen < 4:
        for child in verb.children:
            if child.dep_ in SUBJECT_DEPS:
                return child
        if verb.dep_ == "acl" and verb.head.dep_ == "ROOT" and verb.head.pos_ in ("PROPN", "NOUN") and (
                verb.tag_ == "VBD" or verb.tag_ == "VBN" and any(c.dep_ == "ccomp" for c in verb.children)):
            return verb.head  # "Gabriel, a Social Democrat, repeated that ...": a main verb misparsed
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            verb = verb.head.head  # "was quoted as saying": the subject of "quoted"
            seen += 1
            continue
        if verb.dep_ in SHARED_SUBJECT_DEPS and verb.head.i != verb.i:
            verb = verb.head
            seen += 1
            continue
        return None
    return None


# Verbs of asking, and the words that open what they ask: "asked whether", "pressed X on how".
QUESTION_VERBS = frozenset({"ask", "question", "press", "wonder", "inquire", "enquire", "query", "quiz"})
QUESTION_WORDS = frozenset({"whether", "if", "what", "how", "why", "when", "where", "who", "whom", "which"})


def question_asked(verb: Token) -> frozenset[int]:
    """Token indices of the question a verb of asking carries ("asked whether ..."); empty for a
    request ("asked allies to pay more") or any other verb."""
    if verb.lemma_.lower() not in QUESTION_VERBS:
        return frozenset()
    clauses = [c for c in verb.children if c.dep_ == "ccomp"]
    clauses += [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pcomp"]
    out: set[int] = set()
    for clause in clauses:
        if min(clause.subtree, key=lambda t: t.i).lower_ not in QUESTION_WORDS:
            continue
        if any(c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in SUBJECT_DEPS for g in c.children)
               for c in clause.children):
            return frozenset()  # "asked why ..., and insisted that ...": the parse hung the asker's next verb on the question
        out.update(t.i for t in clause.subtree)
        # a relative clause in the question tells what someone else said: "with X, who told allies ..."
        for relcl in (t for t in clause.subtree if t.dep_ == "relcl"):
            out.difference_update(t.i for t in relcl.subtree)
    return frozenset(out)


def agent_of(verb: Token) -> Token | None:
    """The speaker of a passive report: "the idea was rejected by Berlin" -> Berlin.

    Not for "was quoted by RIA Novosti as saying": there the agency only relays the speaker.
    """
    if verb.lemma_.lower() == "quote":
        return None
    for child in verb.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def content_of(verb: Token) -> frozenset[int]:
    """Token indices of the verb's clausal and object complements."""
    out: set[int] = set()
    for child in verb.children:
        if child.dep_ in CONTENT_DEPS or (child.dep_ == "prep" and child.lower_ == "as"):
            out.update(t.i for t in child.subtree)
        elif child.dep_ == "prep" and any(g.dep_ == "pcomp" and g.tag_ == "VBG" for g in child.children):
            out.update(t.i for t in child.subtree)  # "accused Berlin of failing to pay"
        elif child.dep_ == "acomp":
            out.update(t.i for g in child.children if g.dep_ != "advmod" for t in g.subtree)
    return frozenset(out)


def has_content(verb: Token, objects_ok: bool = True, preps: frozenset[str] = frozenset()) -> bool:
    """True when the verb carries something said: a clause or complement (or an object, if ok).

    A bare object is a statement only for position verbs ("opposes any expansion"); for plain
    speech verbs it is usually not speech at all ("added 130 billion", "announced incentives").
    `preps` are prepositions that make a cue with the verb ("called for", "objected to"): their
    object is what was asked for or objected to.
    """
    if verb.dep_ == "parataxis":
        return True  # "If troops were sent, he said, they would ...": the host clause was said
    for c in verb.children:
        if c.dep_ in CLAUSE_DEPS or (c.dep_ == "prep" and c.lower_ == "as"):
            return True
        if c.dep_ == "prep" and any(g.dep_ in ("pobj", "pcomp") for g in c.children) and (
                c.lower_ in preps or any(g.dep_ == "pcomp" and g.tag_ == "VBG" for g in c.children)):
            return True  # "called for a timeline"; "accused Berlin of failing to pay"
        if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i == verb.i + 2:
            return True  # "ruled out sending troops"
        if objects_ok and (c.dep_ == "dobj" or c.dep_ == "nsubjpass" and agent_of(verb) is not None):
            return True  # "rejected the plan", "the plan was rejected by Berlin"
        if c.dep_ == "dobj" and c.lower_ == "same":
            return True  # "Warsaw says the same": what was said before, said again
        if c.dep_ == "acomp" and c.i == verb.i + 1 and any(
                g.dep_ in CLAUSE_DEPS or g.dep_ == "prep" and any(h.dep_ in ("pobj", "pcomp") for h in g.children)
                for g in c.children):
            return True  # a position adjective with what it is about: "remains opposed to membership"
    # "told the same breakfast that ...": the parser hung the that-clause on a noun, but it was said.
    return any(t.lower_ == "that" and t.head.i > verb.i
               and (t.dep_ == "mark" or (t.head.dep_ == "relcl" and t.dep_ != "nsubj"))
               for t in verb.subtree)


def is_finite(verb: Token) -> bool:
    """A verb with its own tense ("said", "has said"), not an infinitive or participle."""
    return verb.tag_ in ("VBD", "VBZ", "VBP") or any(c.dep_ in ("aux", "auxpass") and c.lower_ != "to"
                                                    for c in verb.children)


def nested_in(verb: Token, outer: Token) -> bool:
    """True when `verb` is part of what `outer` reports, not a relative clause hung on a noun."""
    tok = verb
    while tok.head.i != tok.i:
        if tok.dep_ in ("relcl", "acl", "appos"):
            return False
        tok = tok.head
        if tok.i == outer.i:
            return True
    return False


# Past forms the "lemma + any ending" pattern cannot reach.
IRREGULAR = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "seek": ("sought",),
    "speak": ("spoke", "spoken"), "make": ("made",), "think": ("thought",), "hold": ("held",),
    "give": ("gave", "given"), "take": ("took", "taken"), "bring": ("brought",), "mean": ("meant",),
    "know": ("knew", "known"), "choose": ("chose", "chosen"), "read": ("read",), "put": ("put",),
    "lay": ("laid",), "rule": ("ruled",), "feel": ("felt",), "do": ("did", "done"),
    "be": ("is", "are", "was", "were", "been", "being", "am"), "see": ("saw", "seen"),
}


def form_pattern(lemma: str) -> str:
    """A regex for the inflected forms of a verb lemma (or phrase: "rule out", "call for")."""
    words = lemma.lower().split()
    head = words[0]
    # inflections only ("warns", "warned", "warning", "slammed"), not "statement" or "reasonable"
    forms = [re.escape(head) + r"(?:s|es|d|ed|ing|[a-z](?:ed|ing))?"]
    if head.endswith("e"):
        forms.append(re.escape(head[:-1]) + "ing")  # argue -> arguing (but "note" never as "not")
    if head.endswith("y"):
        forms.append(re.escape(head[:-1]) + "i(?:ed|es)")  # deny -> denied, denies
    forms += IRREGULAR.get(head, ())
    pattern = "(?:" + "|".join(forms) + ")"
    if len(words) == 2:  # "rule out" also as "ruled anything out", "made it clear"
        gap = "|".join(sorted(PARTICLE_GAP))
        return pattern + rf"(?:\s+(?:{gap}))?\s+{re.escape(words[1])}"
    return pattern + "".join(rf"\s+{re.escape(w)}" for w in words[1:])


class SentenceRules:
    """Finds speech, reported-position and according-to constructions in one parsed sentence."""

    def __init__(self, codebook: Codebook):
        self.speech = frozenset(v.lower() for v in codebook.speech_verbs)
        reported = frozenset(v.lower() for v in codebook.reported_verbs)
        self.reported = reported - self.speech
        self.position = reported & self.speech  # "rejected the plan": the object is the position
        self.according = tuple(p.lower().split() for p in codebook.according_to)
        words = [form_pattern(v) for v in sorted(self.speech | reported | {"quote", "read"})]
        words += [r"\s+".join(map(re.escape, p)) for p in self.according]
        preps: dict[str, set[str]] = {}
        for cue in self.speech | reported:
            parts = cue.split()
            if len(parts) == 2:
                preps.setdefault(parts[0], set()).add(parts[1])
        self._preps = {k: frozenset(v) for k, v in preps.items()}
        # Every form starts with a word character, so "no word character before" is the same test
        # as the word boundary, and Python's regex engine finds it faster than a leading \b.
        sources = [*self.speech, *reported, "quote", "read", *(" ".join(p) for p in self.according),
                   *(form for forms in IRREGULAR.values() for form in forms)]
        start = r"(?<!\w)" if all(re.match(r"\w", w) for w in sources) else r"\b"
        self._cheap = re.compile(start + "(?:" + "|".join(words) + r")\b", re.IGNORECASE)

    def may_attribute(self, text: str) -> bool:
        """Cheap test, before parsing: could this sentence carry a speech or reported verb?"""
        return self._cheap.search(text) is not None

    def candidates(self, sdoc: Doc, inside_quote) -> list[Attribution]:
        """Attributions in the sentence, main clauses first; none inside a quotation."""
        according = list(self._according(sdoc, inside_quote))
        found: list[Attribution] = []
        # Only verbs and roots can be speech verbs: they are picked from the array, without a Token per word.
        rows = sdoc.to_array([POS, DEP]).tolist()
        root = sdoc.vocab.strings["ROOT"]
        questions = frozenset(i for k, (pos, _) in enumerate(rows) if pos == VERB for i in question_asked(sdoc[k]))
        verbs = []
        for tok in (sdoc[k] for k, (pos, dep) in enumerate(rows) if pos == VERB or pos == AUX or dep == root):
            # a root with a subject is a verb even when tagged a noun ('the declaration states')
            is_verb = tok.pos_ in ("VERB", "AUX") or tok.dep_ == "ROOT" and any(
                c.dep_ == "nsubj" for c in tok.children)
            if not is_verb or inside_quote(tok):
                continue
            kind = self._verb_kind(tok)
            if kind is None:
                continue
            subject = agent_of(tok) or subject_of(tok)
            if subject is None or inside_quote(subject):
                continue
            if subject.dep_ == "nsubjpass" and subject.head.i == tok.i and tok.lemma_.lower() in ADDRESSED:
                continue  # "he was asked whether ...": the one asked has said nothing yet
            if tok.i in questions or question_asked(tok):
                continue  # "pressed X on what it would take": a question states no position, nor does what it asks about
            depth = sum(1 for _ in tok.ancestors)
            if tok.dep_ == "parataxis" and kind == "speech":
                # "Britain, he wrote, was ready to ...": the interjected speaker owns the host clause,
                # so it is weighed before any position the host clause itself reports.
                verbs.append((depth - 1, tok.head.i - 0.5, tok, subject, kind))
            else:
                verbs.append((depth, tok.i, tok, subject, kind))
        verbs.sort(key=lambda v: (v[0], v[1]))
        # "According to officials, the premier told the room that ...": the premier speaks, the
        # officials are only the source; otherwise the according-to phrase names the speaker.
        if any(v[2].dep_ == "ROOT" and v[4] == "speech" for v in verbs):
            main = [v for v in verbs if v[0] == 0]
            verbs = [v for v in verbs if v[0] != 0]
            for _, _, verb, subject, kind in main:
                found.append(self._attribution(verb, subject, kind))
            found.extend(according)
        else:
            found.extend(according)
        for _, _, verb, subject, kind in verbs:
            found.append(self._attribution(verb, subject, kind))
        found.extend(self._colon_label(sdoc, inside_quote))
        found.extend(self._copular_leadin(sdoc, inside_quote))
        found.extend(self._dash_signature(sdoc, inside_quote))
        return found

    def _attribution(self, verb: Token, subject: Token, kind: str) -> Attribution:
        """The attribution of one speech or reported verb and its subject, with what it carries."""
        content = content_of(verb)
        if verb.dep_ == "parataxis" and kind == "speech":
            own = {t.i for t in verb.subtree}
            content = frozenset(t.i for t in verb.head.subtree if t.i not in own)
        if subject.dep_ == "pobj":  # passive: what was rejected is the subject's phrase
            content |= {t.i for c in verb.children if c.dep_ == "nsubjpass" for t in c.subtree}
        return Attribution(subject, verb, self._cue_text(verb), kind, frozenset(content),
                           _name_before(verb) if subject.head.i != verb.i else None)

    @staticmethod
    def _dash_signature(sdoc: Doc, inside_quote):
        """A quotation signed with a dash, as in live blogs: '"We will not pay." — Donald Trump'."""
        # Only the last eight words after the closing punctuation are read: walk back to them
        # rather than making a Token for every word of the sentence.
        toks = []
        for i in range(len(sdoc) - 1, -1, -1):
            tok = sdoc[i]
            if tok.is_space or not toks and tok.is_punct and tok.text not in "—–-":
                continue
            toks.append(tok)
            if len(toks) == 8:
                break
        toks.reverse()
        for k in range(len(toks) - 1, max(len(toks) - 8, 0), -1):
            if toks[k].text in ("—", "–", "-", "--") and k > 0 and inside_quote(toks[k - 1]):
                name, sign = toks[-1], toks[k + 1:]
                if sign and len(sign) <= 5 and all(t.pos_ == "PROPN" or t.text[:1].isupper()
                                                   for t in sign):
                    yield Attribution(name, None, "—", "colon", frozenset(range(0, toks[k].i)))
                return

    @staticmethod
    def _colon_label(sdoc: Doc, inside_quote):
        """Live-blog and headline style, a name then a colon then a quotation: 'Rutte: "We ..."'."""
        for tok in sdoc[:10]:
            if tok.text != ":" or tok.i == 0 or tok.i + 1 >= len(sdoc):
                continue
            lead = sdoc[:tok.i]
            if any(t.pos_ in ("VERB", "AUX") for t in lead) or not inside_quote(sdoc[tok.i + 1]):
                return
            name = lead[-1]
            if name.pos_ in ("PROPN", "NOUN"):
                content = frozenset(range(tok.i + 1, len(sdoc)))
                yield Attribution(name, None, ":", "colon", content)
            return

    def content_preps(self, verb: Token) -> frozenset[str]:
        """Prepositions that form a cue with this verb ("call for", "object to", "insist on")."""
        lemma = verb.lemma_.lower()
        return self._preps.get(lemma, frozenset())

    @staticmethod
    def _copular_leadin(sdoc: Doc, inside_quote):
        """A clause then a colon then what was said, with no speech verb.

        'Macron struck a defiant tone: "..."', 'The NATO chief was blunt: "..."' (the subject
        speaks a quotation), 'Hegseth's message was clear: Europe must ...' (a message noun's
        owner speaks the clause).
        """
        colon = next((t for t in sdoc if t.text == ":" and not inside_quote(t)), None)
        if colon is None or colon.i + 2 >= len(sdoc) or colon.i > 15:
            return
        # The lead-in's own verb: before the colon, hung on what follows it (or the root).
        verbs = [t for t in sdoc[:colon.i] if t.pos_ in ("VERB", "AUX") and not inside_quote(t)
                 and (t.dep_ == "ROOT" or t.head.i > colon.i)]
        subject = next((c for v in verbs[:1] for c in v.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return
        content = frozenset(range(colon.i + 1, len(sdoc)))
        if subject.lower_ in MESSAGE_NOUNS:
            owner = next((c for c in subject.children if c.dep_ == "poss"), None)
            if owner is not None and owner.pos_ in ("PROPN", "NOUN"):
                yield Attribution(owner, None, ":", "colon", content)
        elif inside_quote(sdoc[colon.i + 1]) and subject.pos_ in ("PROPN", "NOUN"):
            yield Attribution(subject, None, ":", "colon", content)

    def objects_ok(self, verb: Token, kind: str) -> bool:
        """Whether a bare object makes this verb a statement ("opposes X" yes, "added X" no)."""
        if kind == "reported":
            return True
        # "praised Lloyd Austin" judges a person, not a policy; "praised the deal" is a position.
        return verb.lemma_.lower() in self.position and not any(
            c.dep_ == "dobj" and c.pos_ == "PROPN" for c in verb.children)

    def _cue_text(self, verb: Token) -> str:
        """The cue as written: the verb, with its particle or adjective when they make the cue."""
        doc = verb.doc
        if verb.i + 1 < len(doc) and doc[verb.i + 1].head.i == verb.i:
            key = f"{verb.lemma_.lower()} {doc[verb.i + 1].lower_}"
            if key in self.speech or key in self.reported:
                return f"{verb.text} {doc[verb.i + 1].text}"  # "is opposed", "called for"
        return verb.text

    def _verb_kind(self, tok: Token) -> str | None:
        """speech, reported or None, also for phrasal cues ("point out", "call for", "make clear")."""
        lemma = tok.lemma_.lower()
        keys = [lemma]
        if lemma == "quote" and any(c.dep_ == "nsubjpass" for c in tok.children):
            return "speech"  # "X was quoted as saying"
        if lemma == "read" and any(c.dep_ == "nsubj" and c.lower_ in DOCUMENT_NOUNS for c in tok.children):
            return "speech"  # "the declaration reads"
        # "made it clear", "ruled anything out": a pronoun object may stand between verb and particle
        gap = 2 if tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in PARTICLE_GAP else 1
        for child in tok.children:
            if child.dep_ in ("prt", "acomp", "prep", "ccomp", "oprd") and child.i in (tok.i + 1, tok.i + gap):
                keys.insert(0, f"{lemma} {child.lower_}")
        for key in keys:
            if key in self.speech:
                return "speech"
            if key in self.reported:
                return "reported"
        return None

    def _according(self, sdoc: Doc, inside_quote):
        strings = sdoc.vocab.strings
        words = [strings[lower] for lower in sdoc.to_array(LOWER).tolist()]  # no Token per word
        for phrase in self.according:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if n and words[i] != phrase[0] or words[i:i + n] != phrase or inside_quote(sdoc[i]):
                    continue
                last = sdoc[i + n - 1]
                objs = [c for c in last.children if c.dep_ == "pobj"]
                if not objs and i + n < len(sdoc):
                    # the parser sometimes hangs the name elsewhere; take the next noun
                    nxt = [t for t in sdoc[i + n:i + n + 6] if t.pos_ in ("PROPN", "NOUN", "PRON")]
                    objs = nxt[-1:] if nxt else []
                    # prefer the head of a multiword name
                    while objs and objs[0].dep_ in ("compound", "flat") and objs[0].head.i > objs[0].i:
                        objs = [objs[0].head]
                if not objs:
                    continue
                phrase_idx = set(range(i, i + n)) | {t.i for t in objs[0].subtree}
                content = frozenset(t.i for t in sdoc if t.i not in phrase_idx and not t.is_punct)
                yield Attribution(objs[0], None, " ".join(t.text for t in sdoc[i:i + n]),
                                  "according_to", content)


def _name_before(verb: Token) -> Token | None:
    """The proper noun right before the verb, past one appositive: "Trump, the front-runner, said"."""
    doc = verb.doc
    i = verb.i - 1
    if i >= 0 and doc[i].text == ",":
        j = i - 1
        while j >= 0 and doc[j].text != "," and i - j < 15:
            j -= 1
        i = j - 1 if j >= 0 and doc[j].text == "," else i
    if i >= 0 and doc[i].pos_ == "PROPN":
        return doc[i]
    return None


def date_blind(verb: Token | None, subject: Token) -> frozenset[int]:
    """Tokens whose date cues do not date the speech: reported clauses and relative clauses."""
    out: set[int] = set()
    if verb is not None:
        for child in verb.children:
            if child.dep_ in ("ccomp", "xcomp", "parataxis"):
                out.update(t.i for t in child.subtree)
    doc = subject.doc
    relcl = doc.vocab.strings["relcl"]
    # Only relative clauses can be blind; they are picked from the array, without a Token per word.
    for i in [i for i, dep in enumerate(doc.to_array(DEP).tolist()) if dep == relcl]:
        tok = doc[i]
        if tok.i not in out and (verb is None or not tok.is_ancestor(verb)
                                 and tok.i != verb.i) and not _dates_the_occasion(tok, verb):
            out.update(t.i for t in tok.subtree)  # not the speaker's own clause: "X, who told allies on Monday ..."
    return frozenset(out)


# Occasions of speech: a relative clause on one hung on the speech verb dates the speech.
OCCASION_NOUNS = frozenset({"interview", "speech", "address", "broadcast", "conference", "briefing", "post",
                            "statement", "remarks", "letter", "podcast", "programme", "program", "show"})


def _dates_the_occasion(relcl: Token, verb: Token | None) -> bool:
    """"In an interview that aired Sunday, July 9, Biden said": the relative clause dates the
    occasion on which the speaker spoke, not another event."""
    noun = relcl.head
    if verb is None or noun.lemma_.lower() not in OCCASION_NOUNS or not verb.is_ancestor(noun):
        return False
    tok = noun
    while tok.i != verb.i:  # hung on the verb through prepositions only: "in an interview that ..."
        if tok.dep_ not in ("pobj", "prep"):
            return False
        tok = tok.head
    return True


# Nouns for what someone said: "Hegseth's message was clear: ...".
MESSAGE_NOUNS = frozenset("message verdict view position answer response reply warning argument point".split())
# Words that put a clause at another time than its host: "... on Monday, after Trump said".
TEMPORAL_SUBORDINATORS = frozenset("after before since until once following".split())


def dates_another_clause(cue_token: Token, verb: Token | None) -> bool:
    """True when a date cue belongs to a host clause whose time the speech verb does not share.

    "Governments sought on Monday to calm voters after Trump had said ...": Monday dates the
    seeking, not the saying. A coordinated verb shares its time ("on Sunday pledged ... and said"),
    and so, unless told otherwise, does a relative clause ("X hit back on Wednesday at Y, who ...").
    """
    if verb is None:
        return False
    host = cue_token
    while host.head.i != host.i and host.pos_ not in ("VERB", "AUX"):
        host = host.head
    if host.i == verb.i or not any(a.i == host.i for a in verb.ancestors):
        return False
    tok = verb
    while tok.i != host.i:
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in TEMPORAL_SUBORDINATORS
                                       for c in tok.children):
            return True
        if tok.dep_ == "pcomp" and tok.head.lower_ in TEMPORAL_SUBORDINATORS:
            return True  # "after saying"
        tok = tok.head
    return False


def quote_is_full(text: str, quote: Quote, sent_start: int, verb_end: int | None) -> bool:
    """A quotation standing as a sentence of its own, not a fragment woven into the reporter's."""
    before = text[sent_start:quote.start].rstrip()
    if not before:
        return True
    inner = text[quote.inner_start:quote.inner_end].lstrip()
    if before.endswith((":", ",")) and verb_end is not None and verb_end <= quote.start:
        return not inner[:1].islower()  # ', "without crossing the threshold"' is a fragment
    between = text[verb_end:quote.start] if verb_end is not None and verb_end <= quote.start else None
    # X said "We ..." : an upper-case start straight after the verb phrase, with no "that".
    return bool(between is not None and inner[:1].isupper() and " that " not in f" {between} "
                and len(between) < 40 and inner.rstrip()[-1:] in ".!?,")


def is_past(verb: Token) -> bool:
    """True for a past-tense report ("said", "had told"), not a present position ("demands")."""
    tok = verb
    for _ in range(3):
        if tok.tag_ == "VBD":
            return True
        if tok.tag_ == "VBN":
            auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
            return not any(a.lower_ in ("has", "have", "'s", "'ve") for a in auxes)
        if tok.tag_ == "VBG" and tok.dep_ in SHARED_SUBJECT_DEPS:
            tok = tok.head
            continue
        return False
    return False
