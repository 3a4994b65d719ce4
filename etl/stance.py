"""Reading one stance cue on the dependency parse: negation scope, modality and nesting.

A cue's polarity flips for each negation on its path to the clause root ("does not believe
that membership is realistic"), and multiplies by the polarity of every cue that governs it
("rejected demands that Kyiv renounce membership": oppose x oppose = support). The walk stops
at clause boundaries that do not carry negation over (conjuncts, relative and adverbial
clauses), so "will not send ours, but others should go" keeps its two halves apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from etl.topics import Cue

# Dependencies across which a negation or a governing cue does not reach.
STOP_DEPS = frozenset({"conj", "relcl", "parataxis", "appos"})
# An adverbial clause stops the walk when it is a condition, time or reason ("until it joins");
# "calls for Ukraine to abandon..." is parsed as an adverbial clause too, and must not stop.
ADVERBIAL_MARKS = frozenset({"if", "unless", "until", "because", "when", "while", "although",
                             "though", "after", "before", "since", "once", "whereas", "as"})
ADJUNCT_PREPS = frozenset({"after", "before", "despite", "since", "amid", "following", "during"})
CONDITION_MARKS = frozenset({"if"})
COMPLEMENT_HEADS = frozenset({"decide", "determine", "say", "know", "judge", "assess", "ask"})
# Where a cue's clause ends in one of these, it is background to the main clause.
BACKGROUND_DEPS = frozenset({"relcl", "advcl", "prep", "acl"})
NEG_CHILD_DEPS = frozenset({"neg", "det", "advmod", "preconj"})
NEG_SUBJECTS = frozenset({"nobody", "none", "nothing", "noone", "no-one"})
WEAK_MODALS = frozenset({"could", "might", "may"})
STRONG_MODALS = frozenset({"must", "will", "shall", "should", "'ll", "wo", "ca", "can"})
INTENSIFIERS = frozenset({"strongly", "fully", "firmly", "absolutely", "categorically",
                          "clearly", "completely", "totally", "resolutely", "unequivocally"})
# A cue joined to another as its modifier agrees with it ("dangerous provocation"), and a cue
# in an "as"-phrase describes the object ("dismissed it as a fantasy"): neither nests.
MODIFIER_DEPS = frozenset({"amod", "advmod", "compound", "npadvmod"})
PREDICATIVE_PREPS = frozenset({"as", "like"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
# The clause of an extraposed subject: "it is premature [to talk about joining]".
EXTRAPOSED_DEPS = frozenset({"xcomp", "ccomp", "csubj"})
EVALUATION_VERBS = frozenset({"call", "describe", "brand", "label", "dub", "deem", "term",
                              "regard", "view", "see", "consider"})
# "failed to pay", "declined to rule out": the verb negates its infinitive complement.
NEGATING_VERBS = frozenset({"fail", "neglect", "decline"})
# A negated clause placed at the front ("would not fight on the front line") limits the role of
# a force, it does not refuse the force itself.
FRONT_WORDS = frozenset({"front", "frontline", "front-line", "frontlines", "contact"})
QUOTE_CHARS = frozenset("\"'“”‘’«»")
# Phrases that limit a denial to the present: "not on the table for now" leaves the future open.
FOR_NOW = frozenset({"for now", "for the time being", "at present", "at the moment", "for the moment",
                     "at this stage", "at this point", "at this time", "as of now", "as things stand",
                     "in the coming days", "in the coming weeks", "in the coming months", "in the short term",
                     "in the near term"})

BASE_WEIGHT = 0.8
NEGATED_SUPPORT_WEIGHT = 0.7  # "not realistic": a firm no
NEGATED_OPPOSE_WEIGHT = 0.45  # "cannot be ruled out": a guarded yes
WEAK_MODAL_FACTOR = 0.6
INTENSIFIER_FACTOR = 1.2


@dataclass
class Reading:
    """One stance cue as read in context."""

    cue: Cue
    sign: int  # +1 support, -1 oppose, 0 neutral, after negation and nesting
    weight: float  # strength in [0, 1]
    negated: bool
    modality: str | None
    outer: list[Cue] = field(default_factory=list)  # cues governing this one
    absorbed: bool = False  # a modifier of another cue: that cue speaks for both
    path: tuple[int, ...] = ()  # token indexes from the cue up to its clause root
    subject: Token | None = None  # the subject of the cue's clause, if any
    negated_at: tuple[int, ...] = ()  # tokens carrying the negations counted
    rule_name: str | None = None  # set when a later rule overrides the cue's own reading
    judges: Cue | None = None  # the cue this one modifies with the opposite polarity

    @property
    def rule(self) -> str:
        """A short name for how this cue decided: e.g. negated-support-cue, nested-oppose-cue."""
        if self.rule_name:
            return self.rule_name
        kind = {1: "support", -1: "oppose", 0: "neutral"}[self.cue.polarity]
        prefix = "nested-" if self.outer else ""
        return f"{prefix}{'negated-' if self.negated else ''}{kind}-cue"

    def sign_before_negation(self) -> int:
        """The polarity this cue lends to what it governs: its own, flipped by its negation."""
        return -self.cue.polarity if self.negated else self.cue.polarity

    @property
    def evidence(self) -> str:
        """The cue text, with any governing cues in front ("rejected … renounce")."""
        return " … ".join([c.text for c in reversed(self.outer)] + [self.cue.text])


def clause_path(token: Token, lo: int, hi: int) -> list[Token]:
    """The token and its heads up to the root, stopping at clause boundaries or the span edge."""
    path = [token]
    while not _boundary(token) and token.head.i != token.i:
        token = token.head
        if not lo <= token.i < hi:
            break
        path.append(token)
    return path


def _boundary(token: Token) -> bool:
    if token.dep_ == "conj" and token.pos_ not in ("VERB", "AUX") \
            and token.head.pos_ not in ("VERB", "AUX"):
        return False  # coordinated words ("complex and least effective"), not clauses
    if token.dep_ == "relcl" and _negative_or_any(token.head):
        return False  # "no politician who would claim...", "any way that Russia could allow..."
    if token.dep_ == "relcl" and token.head.dep_ == "attr" and any(c.dep_ == "neg" for c in token.head.head.children):
        return False  # "was not something the United States was prepared to extend": denied as a whole
    if token.dep_ in STOP_DEPS:
        return True
    if token.dep_ == "advcl":
        if token.head.lemma_ in COMPLEMENT_HEADS:
            return False  # "to decide when Ukraine is ready": the clause is what is decided
        marks = [c.lower_ for c in token.children if c.dep_ in ("mark", "advmod")]
        if token.tag_ == "VBG" and not marks and token.i > 0 and token.doc[token.i - 1].text == ",":
            return True  # ", drawing pushback from senators": a participle adds what followed
        return any(m in ADVERBIAL_MARKS for m in marks)
    if token.dep_ == "prep" and token.lower_ in ADJUNCT_PREPS:
        return True  # "increase spending after years of cuts": the cuts are background
    return False


def _reduced_relative(token: Token) -> bool:
    return token.dep_ == "acl" and token.tag_ == "VBN" and any(
        c.dep_ == "agent" for c in token.children)


def _negative_or_any(noun: Token) -> bool:
    return noun.lower_ in NEG_SUBJECTS or any(
        c.dep_ == "det" and c.lower_ in ("no", "any") for c in noun.children)


def negation_heads(path: list[Token], own: range | set[int],
                   negations: frozenset[str]) -> list[int]:
    """The path tokens that carry a negation: 'not'/'never' children, 'no' determiners, 'without'."""
    on_path = {t.i for t in path}
    heads = []
    for k, token in enumerate(path):
        if token.i not in own and token.lower_ in negations and token.pos_ == "ADP":
            heads.append(token.i)  # "without sending troops"
        if k and token.lower_ in NEG_SUBJECTS:
            heads.append(token.i)  # "nothing that would close the road"
        if k == len(path) - 1 and token.dep_ == "appos":
            first = min(t.i for t in token.subtree)
            if first > 0 and token.doc[first - 1].lower_ == "not" and token.doc[first - 1].i not in own:
                heads.append(token.i)  # "a lasting peace, not a repeat of past promises": B is denied
        if k > 1 and token.lemma_.lower() in ABSENCE_NOUNS and token.pos_ == "NOUN" and path[k - 1].lower_ == "of":
            heads.append(token.i)  # "the absence of support"
        if k and token.lemma_ in NEGATING_VERBS and path[k - 1].dep_ == "xcomp" \
                and token.i not in own:
            heads.append(token.i)
        # "no ground troops and no soldiers": coordinated nouns, each denied, are one denial.
        shared = k > 0 and path[k - 1].dep_ == "conj" and path[k - 1].pos_ in ("NOUN", "PROPN") and any(
            c.dep_ == "det" and c.lower_ in negations for c in path[k - 1].children)
        for child in token.children:
            if child.i in own or child.i in on_path:
                continue
            if _not_only(child) or _not_but(child):
                continue  # "not only unreasonable but counterproductive" denies nothing
            if shared and child.dep_ == "det":
                continue
            if child.dep_ == "neg" or (child.dep_ in NEG_CHILD_DEPS and child.lower_ in negations) \
                    or _no_longer(child):
                if not _placed_at_front(token):
                    heads.append(token.i)
            elif child.dep_.startswith("nsubj") and _negative_subject(child, negations):
                heads.append(token.i)  # "nobody wants", "no country will send"
            elif k == 0 and child.dep_ == "dobj" and any(
                    g.dep_ in ("det", "preconj") and g.lower_ in ("neither", "no") for g in child.children):
                heads.append(token.i)  # the cue verb's own object denied: "send neither arms nor troops"
    return heads


def _not_whether_but_when(head: Token, path: list[Token]) -> bool:
    """"The question is no longer whether Ukraine joins but when": the denied doubt is a
    certainty, so the negation on 'is' does not reach what 'whether' introduces."""
    doc = head.doc
    for t in path:
        if t.head.i != head.i or t.dep_ not in ("advcl", "ccomp", "csubj"):
            continue
        for mark in t.children:
            if mark.lower_ in ("whether", "if") and mark.dep_ == "mark":
                # "but when" after the clause, however the parser hung it
                end = mark.sent.end
                return any(doc[i].lower_ == "but" and doc[i + 1].lower_ == "when"
                           for i in range(mark.i + 1, end - 1))
    return False


def _not_only(token: Token) -> bool:
    """'not' of 'not only/just/merely ... but (also)'."""
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return token.lower_ == "not" and nxt is not None and nxt.lower_ in ("only", "just", "merely", "simply")


def _not_but(token: Token) -> bool:
    """'not' of 'not A but B' ("would be not a probability but an inevitability"): a correction
    that puts B in A's place, not a denial of the clause."""
    if token.lower_ != "not" or token.i + 1 >= len(token.doc):
        return False
    contrasted = token.nbor(1)
    if contrasted.dep_ == "det":
        contrasted = contrasted.head
    if contrasted.pos_ in ("VERB", "AUX"):
        return False  # "are not going ..., but would defend": two clauses, the first denied
    return any(c.dep_ == "cc" and c.lower_ == "but" for c in contrasted.children)


def _no_longer(token: Token) -> bool:
    """'no longer' / 'no more' hang as 'longer' with a 'no' child."""
    return token.lower_ in ("longer", "more") and token.dep_ == "advmod" and any(
        c.lower_ == "no" for c in token.children)


def _placed_at_front(verb: Token) -> bool:
    """True when the clause's place phrase is the front line: 'not fight along the front'."""
    for token in verb.children:
        if token.dep_ in ("dobj", "attr") and any(t.lower_ in FRONT_WORDS for t in token.subtree):
            return True  # "would not patrol the front line"
    for token in verb.subtree:
        if token.dep_ == "prep" and token.lower_ in ("on", "at", "along", "near") and any(
                t.lower_ in FRONT_WORDS for t in token.subtree):
            return True
    return False


def _negative_subject(subject: Token, negations: frozenset[str]) -> bool:
    if subject.lower_ in NEG_SUBJECTS:
        return True
    return any(c.dep_ == "det" and c.lower_ in negations for c in subject.children)


def modality_of(path: list[Token], own: range | set[int] = range(0)) -> str | None:
    """The modal verb of the cue's clause ("must", "could"), if any."""
    for token in path:
        if token.tag_ == "MD":  # an elided verb: "but European troops should."
            return token.lower_
        for child in token.children:
            if child.tag_ == "MD":
                return {"wo": "will", "ca": "can", "'ll": "will"}.get(child.lower_, child.lower_)
        if token.pos_ in ("VERB", "AUX") and token.i not in own:
            break
    return None


JUDGED_CLAUSE_DEPS = frozenset({"advcl", "ccomp", "xcomp", "csubj"})
# Nouns that deny what follows them: "the absence of a timeline", "a lack of support".
ABSENCE_NOUNS = frozenset({"absence", "lack", "want", "dearth"})


def _judges_an_absence(path: list[Token]) -> bool:
    """True when the cue judges a lack: "called the absence of a timeline absurd", "the lack of
    an invitation is a mistake". Judging a lack negatively asks for the thing lacked."""
    for token in path[1:]:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        if token.lemma_ not in EVALUATION_VERBS and token.lemma_ != "be":
            return False
        on_path = {t.i for t in path}
        return any(c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.i not in on_path and c.lemma_.lower() in ABSENCE_NOUNS
                   for c in token.children)
    return False
DENIALS = frozenset({"not", "n't", "never", "neither", "no", "without"})


def _judges_a_denial(path: list[Token], own) -> bool:
    """True when the cue is the predicate of "it is <cue> when/that/to ..." and that clause
    denies something ("absurd when a time frame is not set", "a mistake not to invite them")."""
    for below, token in zip(path, path[1:]):
        if token.lemma_ != "be" or below.dep_ not in ("acomp", "attr"):
            continue
        clauses = [c for c in (*token.children, *path[0].children) if c.dep_ in JUDGED_CLAUSE_DEPS]
        return any(t.i not in own and t.lower_ in DENIALS and t.dep_ in ("neg", "preconj", "det", "advmod")
                   and not _not_only(t) for clause in clauses for t in clause.subtree)
    return False


def intensified(path: list[Token]) -> bool:
    """True when 'strongly', 'firmly'... modifies the cue or its verb."""
    return any(c.lower_ in INTENSIFIERS for t in path[:2] for c in t.children)


def scare_quoted(doc: Doc, cue: Cue) -> bool:
    """True when the cue is held at arm's length with "so-called" (quote marks alone are not:
    news quotes names and the speaker's own words the same way)."""
    # Only the few tokens before the cue: Doc.text would join the whole document.
    before = doc[max(0, cue.start - 5):cue.start].text.rstrip(" " + "".join(QUOTE_CHARS)).lower()
    return before.endswith("so-called") or before.endswith("so called")


def read_cue(doc: Doc, cue: Cue, governing: dict[int, Cue], lo: int, hi: int,
             negations: frozenset[str]) -> Reading:
    """Read a stance cue: its final sign and weight, negation, modality and governing cues."""
    span = doc[cue.start:cue.end]
    own = range(cue.start, cue.end)
    path = clause_path(span.root, lo, hi)
    sign = cue.polarity
    outer: list[Cue] = []
    for below, token in zip(path, path[1:]):
        if token.dep_ == "prep" and token.lower_ in PREDICATIVE_PREPS:
            break
        if _reduced_relative(below):
            break  # "the gaps left by cuts": describes the noun, governed by nothing above
        other = governing.get(token.i)
        if other is None and below.dep_ in EXTRAPOSED_DEPS and token.lemma_ == "be":
            other = _predicate_cue(token, governing)  # "it is premature to talk of joining"
        if other is None or other == cue or token.i in own or other in outer:
            continue
        if other.polarity == 0 and any(c.dep_ == "auxpass" for c in token.children):
            continue  # "will be considered occupiers": regarded as, not deliberated
        if below.dep_ == "conj":
            continue  # "invaders and occupiers": coordinated cues agree, neither governs
        if not outer and below.dep_ in MODIFIER_DEPS:
            if cue.polarity * other.polarity < 0:
                # "an unrealistic goal": the modifier judges its noun and speaks for both; when
                # the noun is itself denied ("the absence of a timeline, absurd"), so is the verdict.
                rest = path[path.index(token):]
                denied = len(negation_heads(rest, set(range(other.start, other.end)), negations)) % 2 == 1
                return Reading(cue, -cue.polarity if denied else cue.polarity, BASE_WEIGHT, denied, None,
                               path=tuple(t.i for t in path), judges=other)
            return Reading(cue, cue.polarity, BASE_WEIGHT, False, None, [other], absorbed=True)
        outer.append(other)
        sign *= other.polarity
    if cue.polarity == 0 and any(o.polarity for o in outer):
        # "take part in a mission under a UN mandate": the polar cue above speaks for both.
        return Reading(cue, 0, BASE_WEIGHT, False, None, outer, absorbed=True)
    # A governing cue's own negation ("no plans") is already in its polarity. An -ing participle
    # describing a noun ("allies spending barely 2% could not expect ...") is not denied by the
    # clause its noun belongs to ("no soldiers sent there" is, through its noun's "no").
    skip = set(own).union(*(range(o.start, o.end) for o in outer))
    cut = next((k for k, t in enumerate(path[:-1]) if t.dep_ == "acl" and t.tag_ == "VBG"), None)
    denied = path[:cut + 1] if cut is not None and not outer else path
    heads = [h for h in negation_heads(denied, skip, negations) if not _not_whether_but_when(doc[h], path)]
    negated = len(heads) % 2 == 1
    modality = modality_of(path, own)
    weight = BASE_WEIGHT
    if sign == 0 and negated and any(o.polarity == 0 for o in outer) and cue.polarity:
        # "not considering sending soldiers": declining even to weigh it is a refusal.
        return Reading(cue, -1, NEGATED_SUPPORT_WEIGHT, True, modality_of(path, own), outer,
                       path=tuple(t.i for t in path), subject=_subject(path),
                       negated_at=tuple(heads), rule_name="negated-neutral-cue")
    if cue.polarity and not outer and (_judges_a_denial(path, own) or _judges_an_absence(path)):
        # "It is absurd when no time frame is set": the judgement falls on a denial, so it flips.
        negated = not negated
    promise = outer[-1] if outer else cue
    if promise.polarity and _denies_a_past_promise(doc[promise.start:promise.end].root, negations):
        # "allies had never promised that membership would be part of a deal": setting the record
        # straight about a past commitment takes no side on the thing itself.
        return Reading(cue, 0, BASE_WEIGHT, True, modality, outer, path=tuple(t.i for t in path),
                       subject=_subject(path), negated_at=tuple(heads), rule_name="denied-promise")
    if negated and sign > 0 and limited_to_now(path, own):
        # "no consensus for now on sending troops": a denial for the present only decides nothing.
        return Reading(cue, 0, BASE_WEIGHT, True, modality, outer, path=tuple(t.i for t in path),
                       subject=_subject(path), negated_at=tuple(heads), rule_name="negated-for-now")
    if negated:
        weight = NEGATED_SUPPORT_WEIGHT if sign > 0 else NEGATED_OPPOSE_WEIGHT
        sign = -sign
    elif modality in WEAK_MODALS:
        weight *= WEAK_MODAL_FACTOR
    if intensified(path):
        weight = min(1.0, weight * INTENSIFIER_FACTOR)
    if negated and modality:
        modality = {"can": "cannot", "will": "will not"}.get(modality, f"{modality} not")
    return Reading(cue, sign, weight, negated, modality, outer, path=tuple(t.i for t in path),
                   subject=_subject(path), negated_at=tuple(heads))


# Verbs of commitment; denied in the past tense with a that-clause they correct the record.
COMMISSIVES = frozenset({"promise", "agree", "pledge", "guarantee", "commit", "vow"})


def _denies_a_past_promise(verb: Token, negations: frozenset[str]) -> bool:
    """True for "had never promised that ...", "never agreed that ...", not "never agreed to send"."""
    return verb.lemma_ in COMMISSIVES and verb.tag_ in ("VBD", "VBN") and any(
        c.dep_ == "neg" or c.lower_ in negations for c in verb.children) and any(
        c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        for c in verb.children)


def limited_to_now(path: list[Token], own: range | set[int] = range(0)) -> bool:
    """True when the clause is limited to the present: "not on the table at present", "for now"."""
    # The phrase may hang on the clause's verb or deeper in its predicate ("not on the agenda for
    # now"), but it must belong to the same clause.
    on_path = {t.i for t in path}.union(own)
    for tok in path[-1].subtree:
        if tok.dep_ not in ("prep", "advmod", "npadvmod") or " ".join(t.lower_ for t in tok.subtree) not in FOR_NOW:
            continue
        verb = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
        if verb is not None and verb.i in on_path:
            return True
    return False


def _predicate_cue(verb: Token, governing: dict[int, Cue]) -> Cue | None:
    """The cue that is the predicate of 'it is ... to/that ...' (its acomp or attr)."""
    for child in verb.children:
        if child.dep_ in ("acomp", "attr") and child.i in governing:
            return governing[child.i]
    return None


def _predicts(path: list[Token]) -> bool:
    """A main-clause "would" that foretells rather than supposes: "Ukraine would be in NATO", not
    "troops would go if ..." or "would have been"."""
    top = path[-1]
    return top.dep_ in ("ROOT", "ccomp", "parataxis") and not any(
        c.dep_ in ("advcl", "aux") and (c.lower_ == "have" or any(m.lower_ in ("if", "unless") for m in c.children))
        for t in path for c in t.children)


def rhetorical(doc: Doc, reading: Reading) -> bool:
    """True when the cue's clause is a 'why should/would...?' question: it argues the opposite."""
    if not reading.path:
        return False
    top = doc[reading.path[-1]]
    sent = top.sent
    if not sent.text.rstrip(" \"'”’»").endswith("?"):
        return False
    return any(c.lower_ == "why" for c in top.children) and any(
        c.tag_ == "MD" for c in top.children)


def background(doc: Doc, reading: Reading) -> bool:
    """True when the cue sits in a relative, adverbial or adjunct clause, not the main one."""
    return bool(reading.path) and doc[reading.path[-1]].dep_ in BACKGROUND_DEPS


def tree_distance(a: tuple[int, ...], b: set[int] | tuple[int, ...]) -> int:
    """Steps from the start of path `a` to the first token it shares with `b` (large if none)."""
    for steps, token in enumerate(a):
        if token in b:
            return steps
    return 1000


def compose_conditions(doc: Doc, readings: list[Reading]) -> None:
    """A cue in an "if" clause takes the polarity of the main clause's cues.

    "If NATO sends troops, a direct conflict would be inevitable": support x oppose = oppose.
    """
    for cond in readings:
        if not cond.path or cond.absorbed:
            continue
        top = doc[cond.path[-1]]
        if top.dep_ != "advcl" or not any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS
                                          for c in top.children):
            continue
        for main in readings:
            if main is cond or main.absorbed or top.head.i not in main.path or main.cue in cond.outer:
                continue
            cond.sign *= main.sign_before_negation() if main.cue.polarity else 0
            cond.outer.append(main.cue)


def compose_evaluations(doc: Doc, readings: list[Reading]) -> None:
    """'called X Y', 'described X as Y': the evaluation Y, said after X, takes X's polarity.

    "called the 5% target an arbitrary priority": support x oppose = oppose. The parse of these
    clauses varies, so the rule goes by order: the later cue under the same verb judges the
    earlier one.
    """
    for verb in {doc[i] for r in readings for i in r.path
                 if doc[i].lemma_ in EVALUATION_VERBS and doc[i].pos_ == "VERB"}:
        under = sorted((r for r in readings if verb.i in r.path and not r.absorbed
                        and r.cue.start > verb.i), key=lambda r: r.cue.start)
        # "a necessary response to a more dangerous world": a prepositional phrase is no verdict
        # ("described it as dangerous" is one: "as" introduces the verdict)
        under = under[:1] + [r for r in under[1:] if not any(
            doc[i].dep_ == "prep" and doc[i].lower_ not in PREDICATIVE_PREPS for i in r.path[:r.path.index(verb.i)])]
        if len(under) < 2:
            continue
        thing, verdict = under[0], under[-1]
        if thing.cue.polarity * verdict.cue.polarity < 0 and verdict.cue not in thing.outer \
                and thing.cue not in verdict.outer:
            sign = verdict.sign_before_negation()
            thing.sign = (thing.cue.polarity or 1) * sign
            thing.outer.append(verdict.cue)
            thing.rule_name = "evaluated"


def compose_subjects(doc: Doc, readings: list[Reading], framings: frozenset[str] = frozenset()) -> None:
    """A cue in subject position takes the polarity of its clause's predicate cue.

    "Sending troops would be a mistake": support x oppose = oppose; "Joining NATO is the
    only way": support. The predicate cue then stops being a leaf of its own. A framing (the
    proposal itself in loaded words: "foreign intervention was unacceptable") is not a second
    sign: the predicate's judgement decides alone.
    """
    for subj in readings:
        for k in range(1, len(subj.path)):
            if doc[subj.path[k - 1]].dep_ not in SUBJECT_DEPS:
                continue
            head = subj.path[k]
            for pred in readings:
                if pred is subj or pred.absorbed or pred.cue in subj.outer or head not in pred.path:
                    continue
                at = pred.path.index(head)
                if at == 0 or doc[pred.path[at - 1]].dep_ in SUBJECT_DEPS:
                    continue
                if any(doc[i].dep_ == "conj" for i in pred.path[:at]) and pred.cue.polarity and any(
                        o.polarity == pred.cue.polarity for o in subj.outer):
                    continue  # "unreasonable and counterproductive": coordinated verdicts agree, one counts
                below = sum(1 for i in pred.negated_at if i in pred.path[:at])
                if subj.cue.text.lower() in framings:
                    subj.sign = 1 if subj.sign * subj.cue.polarity >= 0 else -1  # as if it named the proposal
                subj.sign *= pred.cue.polarity * (-1 if below % 2 else 1)
                subj.outer.append(pred.cue)
            if not subj.outer and _described_stance(doc, subj, k):
                # "public backing for membership also mattered": others' support, talked about
                subj.sign, subj.rule_name, subj.absorbed = 0, "described-stance", True
            break  # the nearest subject position only


# Nouns naming a stance someone holds: as a subject with no verdict on it, they are described.
STANCE_NOUNS = frozenset({"support", "backing", "opposition", "resistance", "objection", "objections"})


def _described_stance(doc: Doc, reading: Reading, k: int) -> bool:
    """True when the cue is a stance noun that is its clause's subject ("support for membership
    was growing"), with nothing in the clause judging it."""
    root = doc[reading.cue.start:reading.cue.end].root
    return k == 1 and root.lower_ in STANCE_NOUNS and root.dep_ in SUBJECT_DEPS and not reading.negated


def _subject(path: list[Token]) -> Token | None:
    """Who does what the cue's clause says: its subject, or for "expect Washington to keep paying"
    the object that the infinitive's doer is."""
    for token in path:
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if token.dep_ == "xcomp":
            doer = next((c for c in token.head.children if c.dep_ == "dobj" and c.i < token.i), None)
            if doer is not None:
                return doer
    return None


def read_topic_cue(doc: Doc, cue: Cue, lo: int, hi: int,
                   negations: frozenset[str]) -> tuple[int, str | None, bool, str]:
    """With no stance cue, the topic phrase itself: (sign, modality, negated, rule).

    "There will be no troops on Ukrainian soil" -> -1; "European troops should (go)" -> +1;
    a bare mention -> 0.
    """
    span = doc[cue.start:cue.end]
    path = clause_path(span.root, lo, hi)
    own = range(cue.start, cue.end)
    negated = len(negation_heads(path, own, negations)) % 2 == 1
    negated = negated or any(doc[i].lower_ in negations for i in own)
    modality = modality_of(path)
    if negated and limited_to_now(path, own):
        return 0, modality, True, "negated-for-now"
    if negated:
        return -1, modality, True, "negated-topic"
    if any(c.dep_ == "neg" for t in path for c in t.children) and any(
            _placed_at_front(t) for t in path):
        return 1, modality, False, "front-limited-topic"  # the force's role is being planned
    if modality in STRONG_MODALS or modality == "would" and _predicts(path):
        return 1, modality, False, "modal-topic"
    return 0, modality, False, "topic-only"
