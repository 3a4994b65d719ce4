"""Speaker resolution: from the words naming a speaker to an actor, on the day they spoke."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.language import Language
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from etl.codebook_model import ActorEntry, Codebook
from etl.demonyms import DEMONYMS
from etl.first_names import gender_of
from etl.models import Actor

log = logging.getLogger(__name__)

# Nouns for people who speak for a group: "German officials", "a Kremlin spokesman".
SPOKES_NOUNS = frozenset("""
official officials spokesman spokeswoman spokesperson spokespeople diplomat diplomats government
ministry administration embassy delegation envoy envoys mission leadership cabinet presidency
leaders ministers
""".split())
# A leader's bodies speak for the leader's country: "Orbán's government", "the Trump administration".
GOVERNING_BODIES = frozenset("government administration cabinet ministry".split())
# Who speaks for a person: "the prime minister's spokesman", "Macron's office".
PERSONAL_VOICES = frozenset("spokesman spokeswoman spokesperson office aide aides".split())
# Prepositions that tie a spokesperson to whom they speak for: "a spokesman for", "an aide to"
# ("officials at the Élysée" only places them).
VOICE_PREPS = frozenset("for to".split())
# Words that only frame a title: "the", "then-", "former" are kept out of titles.
_DETS = frozenset("the a an then former outgoing incoming acting".split())
PRONOUNS = {"he": "m", "she": "f", "they": None, "it": None}  # None: a group
# Texts that speak for the body that issued them: "the summit declaration says".
DOCUMENT_NOUNS = frozenset("declaration communique communiqué statement resolution".split())
NAME_PARTICLES = frozenset("de van von der den da di du le la al bin ter".split())
# Nouns that make up titles; a phrase ending in one is a role, never a new person's name.
TITLE_WORDS = frozenset("""
president minister secretary chancellor chief leader general premier spokesman spokeswoman
ambassador envoy commander head chairman chairwoman chair senator governor mayor king queen
director representative adviser advisor counsellor deputy speaker officer
""".split())
_CONFIDENCE = {
    "name": 1.0, "alias": 1.0, "surname": 0.95, "title": 0.85, "office": 0.85,
    "metonym": 0.9, "group": 0.95, "spokes": 0.85, "pronoun": 0.8, "unknown": 0.75, "document": 0.8,
}


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: "Kristen Michal" -> "kristen-michal"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for comparisons."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", ascii_text.lower()).strip()


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the actor, their group on the day, and how the text named them."""

    actor: Actor
    group_id: str | None
    mention: str
    how: str  # name | alias | surname | title | office | metonym | group | spokes | pronoun | unknown

    @property
    def confidence(self) -> float:
        """How much the resolution itself can be trusted."""
        return _CONFIDENCE.get(self.how, 0.7)

    @property
    def by_name(self) -> bool:
        """True when the group was named directly ("Moscow", "the Kremlin"), not via its people."""
        return self.actor.kind == "group" and self.how in ("metonym", "group", "unknown")


@dataclass
class Context:
    """What one document has said so far: who spoke, who was named, and their genders."""

    recent: list[Speaker] = field(default_factory=list)  # most recent speaker/subject last
    named: dict[str, Speaker] = field(default_factory=dict)  # actor id -> last mention
    surnames: dict[str, str] = field(default_factory=dict)  # folded surname -> actor id
    gender: dict[str, str] = field(default_factory=dict)

    def note(self, speaker: Speaker, salient: bool = True) -> None:
        """Remember a mention; salient ones (speakers, subjects) become pronoun antecedents."""
        key = speaker.actor.id
        self.named.pop(key, None)
        self.named[key] = speaker
        if speaker.actor.kind == "person":
            parts = speaker.actor.name.split()
            if len(parts) > 1:
                self.surnames.setdefault(fold(parts[-1]), key)
        if salient:
            self.recent = [s for s in self.recent if s.actor.id != key][-8:] + [speaker]


MENTION_CACHE = 512  # recent sentence docs whose mentions are kept (a few articles' worth)


class SpeakerResolver:
    """Resolves subject phrases to actors using the codebook's names, titles and dated roles."""

    def __init__(self, codebook: Codebook, nlp: Language):
        self.codebook = codebook
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._entries: dict[str, ActorEntry] = {a.id: a for a in codebook.actors}
        self._kinds: dict[int, tuple[str, str]] = {}
        self.groups: dict[str, str] = {}  # folded name/adjective/metonym -> group id
        self.offices: dict[str, str] = {}  # folded title -> office id
        self.surnames: dict[str, list[str]] = {}
        # Entity recognition is the costliest step of the pipeline and only new names need it,
        # so the Engine parses without it and it runs here, on demand, one sentence at a time.
        self.ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
        self._mentions: dict[int, tuple[Doc, list]] = {}  # id of a recent doc -> (doc, its mentions)
        self._build(nlp)

    def _add(self, nlp: Language, key: str, kind: str, target: str, phrases) -> None:
        phrases = [p for p in phrases if p and p.strip()]
        if not phrases:
            return
        match_id = nlp.vocab.strings.add(key)
        self._kinds[match_id] = (kind, target)
        self.matcher.add(key, [nlp.make_doc(p) for p in phrases])

    def _build(self, nlp: Language) -> None:
        for entry in self.codebook.actors:
            names = (entry.name, *entry.aliases)
            self._add(nlp, f"actor:{entry.id}", "name", entry.id, names)
            if entry.kind == "group":
                self._add(nlp, f"metonym:{entry.id}", "metonym", entry.id, entry.metonyms)
                for word in (*names, *entry.metonyms, *entry.adjectives):
                    folded = fold(word)
                    self.groups.setdefault(folded, entry.id)
                    if folded.startswith("the "):
                        self.groups.setdefault(folded[4:], entry.id)
            else:
                parts = entry.name.split()
                if len(parts) > 1:
                    self.surnames.setdefault(fold(parts[-1]), []).append(entry.id)
                for role in entry.roles:
                    self.offices.setdefault(fold(role.title), role.office)
        for office in self.codebook.offices:
            for title in office.titles:
                self.offices.setdefault(fold(title), office.id)
        for i, phrase in enumerate(self.codebook.office_phrases):
            self._add(nlp, f"office:{i}", "office", f"{phrase.group}|{phrase.office}", [phrase.phrase])

    # --- mentions -----------------------------------------------------------------------

    def mentions(self, doc: Doc) -> list[tuple[Span, str, str]]:
        """Codebook mentions in a doc: (span, kind, target), longest first where they overlap."""
        # A sentence is asked about several times (who speaks, who is named, who is the subject).
        cached = self._mentions.get(id(doc))
        if cached is not None and cached[0] is doc:
            return cached[1]
        kept = self._find_mentions(doc)
        if len(self._mentions) >= MENTION_CACHE:
            self._mentions.clear()
        self._mentions[id(doc)] = (doc, kept)
        return kept

    def _find_mentions(self, doc: Doc) -> list[tuple[Span, str, str]]:
        found = []
        for match_id, start, end in self.matcher(doc):
            kind, target = self._kinds[match_id]
            found.append((doc[start:end], kind, target))
        # The longest wins where matches overlap ("the [Pentagon chief]" over "[the Pentagon]").
        priority = {"name": 0, "office": 1, "metonym": 2}
        found.sort(key=lambda m: (-(m[0].end - m[0].start), priority[m[1]], m[0].start))
        kept, taken = [], set()
        for span, kind, target in found:
            if not taken.intersection(range(span.start, span.end)):
                kept.append((span, kind, target))
                taken.update(range(span.start, span.end))
        kept.sort(key=lambda m: m[0].start)
        return kept

    # --- resolution ---------------------------------------------------------------------

    def group_of(self, text: str) -> str | None:
        """The group id a name, adjective or metonym stands for ("German", "the Kremlin")."""
        folded = fold(text)
        folded = re.sub(r"(?:'s|’s|')$", "", folded).strip()
        if folded.startswith("the "):
            folded = folded[4:]
        return self.groups.get(folded) or self.groups.get("the " + folded)

    def _group_or_demonym(self, text: str) -> str | None:
        group = self.group_of(text)
        if group:
            return group
        hit = DEMONYMS.get(fold(text))
        return hit[0] if hit else None

    def known(self, actor_id: str, day: date | None, mention: str, how: str) -> Speaker:
        """A Speaker for a codebook actor, with the group it spoke for on `day`."""
        entry = self._entries[actor_id]
        actor = Actor(id=entry.id, name=entry.name, kind=entry.kind)
        return Speaker(actor, entry.group_on(day), mention, how)

    def resolve(self, head: Token, day: date | None, ctx: Context, mentions) -> Speaker | None:
        """The actor named by the noun phrase headed by `head`, or None when it names nobody."""
        if head.dep_ in ("nsubj", "nsubjpass", "pobj") and head.lower_ in ("who", "which", "that"):
            head = head.head.head if head.head.dep_ == "relcl" else head
        core = _core(head)
        text = head.doc.text[core[0].idx:core[-1].idx + len(core[-1])]
        lower = head.lower_
        if lower in PRONOUNS and head.pos_ == "PRON":
            return self._pronoun(lower, ctx, text)
        if lower in DOCUMENT_NOUNS:
            return self._document(core, day, ctx, text)
        speaker = self._by_mention(head, core, day, mentions, text)
        if speaker is None:
            # "The opposition leader, Friedrich Merz, said": the apposition names the speaker, but
            # not through a name inside it ("Ana Ruiz, Macron's choice for the post, said").
            for child in head.children:
                if child.dep_ == "appos":
                    speaker = self._by_mention(child, _core(child), day, mentions, text, own=True)
                    if speaker:
                        break
        if speaker is None:
            speaker = self._by_title(head, core, day, ctx, text, mentions)
        if speaker is None:
            speaker = self._by_surname(head, core, day, ctx, text)
        if speaker is None and (head.lower_ in GOVERNING_BODIES or head.lower_ in PERSONAL_VOICES):
            speaker = self._body_of_leader(head, day, ctx, mentions, text)
        if speaker is None and (head.lower_ in SPOKES_NOUNS or head.lower_ in PERSONAL_VOICES):
            speaker = self._voice_for(head, day, ctx, mentions, text)
        if speaker is None and head.text[:1].isupper():  # a lower-case head names no one new
            speaker = self._unknown(head, core, day, text)
        return speaker

    def ensure_entities(self, doc: Doc) -> None:
        """Run entity recognition on a sentence parsed without it (in place)."""
        if self.ner is not None and not doc.has_annotation("ENT_IOB"):
            self.ner(doc)

    def _by_mention(self, head, core, day, mentions, text, own: bool = False) -> Speaker | None:
        """The codebook actor a mention in the phrase names; `own`: only a mention of its head."""
        lo, hi = core[0].i, core[-1].i + 1
        best = None
        for span, kind, target in mentions:
            if span.start < lo or span.end > hi:
                continue
            covers_head = span.start <= head.i < span.end
            if own and not covers_head:
                continue
            entry = self._entries.get(target) if kind in ("name", "metonym") else None
            if kind == "name" and entry and entry.kind == "person":
                group = entry.group_on(day)
                if head.lower_ in GOVERNING_BODIES and not covers_head and group and self._entries.get(group):
                    return self.known(group, day, text, "spokes")  # "Orbán's government": Hungary
                return self.known(target, day, text, "name")
            if covers_head and kind == "name":
                best = self.known(target, day, text, "group")
            elif covers_head and kind == "metonym":
                best = self.known(target, day, text, "metonym")
            elif covers_head and kind == "office":
                group, office = target.split("|", 1)
                holders = self.codebook.holders(group, office, day)
                if len(holders) == 1:
                    best = self.known(holders[0].id, day, text, "office")
        if best is None and head.lower_ in SPOKES_NOUNS:
            for span, kind, target in mentions:
                entry = self._entries.get(target)
                if lo <= span.start and span.end <= hi and entry and entry.kind == "group":
                    return self.known(target, day, text, "spokes")
        return best

    def _modifier_group(self, core: list[Token]) -> str | None:
        for tok in core:
            if tok.dep_ in ("poss", "amod", "compound", "nmod") or tok.tag_ == "NNP":
                group = self._group_or_demonym(tok.text)
                if group:
                    return group
        # multiword modifiers: "the United States'", "Downing Street"
        words = [t.text for t in core if t.dep_ != "case"]
        for n in (3, 2):
            for i in range(len(words) - n + 1):
                group = self.group_of(" ".join(words[i:i + n]))
                if group:
                    return group
        return None

    def _by_title(self, head, core, day, ctx, text, mentions=()) -> Speaker | None:
        """Role-only mentions: "Germany's chancellor", "the Russian president", "the president"."""
        title_words = [t for t in core if t.lower_ not in _DETS
                       and (t.dep_ not in ("poss", "case") or t.i == head.i)  # "the minister's aide"
                       and self._group_or_demonym(t.text) is None]
        title = fold(" ".join(t.text for t in title_words))
        office = self.offices.get(title)
        if office is None and title == "leader":
            return self._leader(core, day, ctx, text)
        if office is None:
            if head.lower_ in SPOKES_NOUNS and any(t.lower_ == "same" for t in core):
                # "the same official said": the unnamed voice that spoke last
                last = next((r for r in reversed(ctx.recent) if r.how == "spokes"), None)
                if last is not None:
                    return replace(last, mention=text)
            if head.lower_ in SPOKES_NOUNS:
                group = self._modifier_group(core)
                if group and self.codebook.actor(group):
                    return self.known(group, day, text, "spokes")
                if any(t.lower_ in ("government", "ministry", "foreign") for t in core if t.i != head.i):
                    # "a government spokesman" right after a named government spoke: that one.
                    last = ctx.recent[-1] if ctx.recent else None
                    if last is not None and last.actor.kind == "group" and last.actor.known:
                        return replace(last, mention=text, how="spokes")
            return None
        former = any(t.lower_ in ("former", "ex") for t in core)
        group = self._modifier_group(core)
        if group is None and any(t.dep_ == "poss" and t.lower_ in ("its", "their") for t in core):
            group = self._antecedent_group(head, ctx, mentions)  # "Poland will not ..., its minister said"
        if group and not former:
            holders = self.codebook.holders(group, office, day)
            if len(holders) == 1:
                return self.known(holders[0].id, day, text, "title")
            return None
        # No group given ("the president"), or a former holder: the person last named who held
        # this office on the day (or, for "the former president", before it). "A spokesman"
        # is someone not yet named.
        if any(t.dep_ == "det" and t.lower_ in ("a", "an") for t in core):
            return None
        for key in reversed(list(ctx.named)):
            entry = self._entries.get(key)
            if entry is None or entry.kind != "person":
                continue
            for role in entry.roles:
                if role.office != office or (group and role.group != group):
                    continue
                held = (role.end is not None and day is not None and role.end < day) if former \
                    else role.holds_on(day)
                if held:
                    return self.known(key, day, text, "title")
        return None

    def _antecedent_group(self, head, ctx: Context, mentions) -> str | None:
        """The group "its"/"their" points to: the last one named before it in the sentence, else in the text."""
        before = [target for span, kind, target in mentions if span.end <= head.i and kind in ("name", "metonym")
                  and self._entries.get(target) is not None and self._entries[target].kind == "group"]
        if before:
            subjects = [target for span, kind, target in mentions if span.end <= head.i
                        and span.root.dep_ in ("nsubj", "nsubjpass") and target in before]
            return (subjects or before)[-1]
        for speaker in reversed(ctx.recent):
            if speaker.actor.kind == "group" and speaker.actor.known:
                return speaker.actor.id
        return None

    def _body_of_leader(self, head, day, ctx: Context, mentions, text: str) -> Speaker | None:
        """"Putin's government" is Putin's country; "the prime minister's spokesman" speaks for the PM."""
        for child in head.children:
            if child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
                leader = self.resolve(child, day, ctx, mentions)
                if leader is None or leader.actor.kind != "person":
                    continue
                if head.lower_ in PERSONAL_VOICES:
                    return replace(leader, mention=text, how="spokes")
                if leader.group_id and self._entries.get(leader.group_id):
                    return self.known(leader.group_id, day, text, "spokes")
        return None

    def _voice_for(self, head, day, ctx: Context, mentions, text: str) -> Speaker | None:
        """"A spokeswoman for the alliance", "an official for the ministry", "an aide to the
        president": the group (or the person's own voice) named after the preposition."""
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in VOICE_PREPS:
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj" or obj.pos_ not in ("PROPN", "NOUN"):
                    continue
                owner = self.resolve(obj, day, ctx, mentions)
                if owner is None or not owner.actor.known:
                    continue
                if owner.actor.kind == "group":
                    return replace(owner, mention=text, how="spokes")
                if head.lower_ in PERSONAL_VOICES:
                    return replace(owner, mention=text, how="spokes")
                if owner.group_id and self._entries.get(owner.group_id):
                    return self.known(owner.group_id, day, text, "spokes")  # "an official of Orbán's"
        return None

    def _leader(self, core, day, ctx: Context, text: str) -> Speaker | None:
        """"The Hungarian leader": the head of state or of government of that group on the day.

        The one the article last named wins; with no such mention, only a sole holder in the
        codebook is taken, since "leader" does not say which of the two offices is meant.
        """
        group = self._modifier_group(core)
        if group is None:
            return None
        holders = {a.id for office in ("head_of_state", "head_of_government")
                   for a in self.codebook.holders(group, office, day)}
        for key in reversed(list(ctx.named)):
            if key in holders:
                return self.known(key, day, text, "title")
        if len(holders) == 1:
            return self.known(holders.pop(), day, text, "title")
        return None

    def _by_surname(self, head, core, day, ctx, text) -> Speaker | None:
        # A surname the text has already given in full counts even where the parser took it for
        # a common noun ("Crane was unconvinced" at the start of a sentence).
        if head.pos_ != "PROPN" and not (head.is_title and fold(head.text) in ctx.surnames):
            return None
        key = fold(head.text)
        given = {fold(t.text) for t in core if t.i < head.i and t.pos_ == "PROPN" and t.dep_ == "compound"
                 and t.text[:1].isupper() and t.lower_ not in TITLE_WORDS
                 and t.lower_.rstrip(".") not in HONORIFICS}  # "Mr Sowa" gives no first name
        if given:
            # "Jarosław Kaczyński" is not Lech Kaczyński: a first name that differs rules them out.
            return self._by_full_name(key, given, day)
        if key in ctx.surnames:
            actor_id = ctx.surnames[key]
            if actor_id in self._entries:
                return self.known(actor_id, day, text, "surname")
            previous = ctx.named.get(actor_id)
            return replace(previous, mention=text, how="surname") if previous else None
        candidates = self.surnames.get(key, [])
        live = [c for c in candidates if self._entries[c].group_on(day) is not None] or candidates
        if len(live) == 1:
            return self.known(live[0], day, text, "surname")
        return None

    def _by_full_name(self, surname: str, given: set[str], day) -> Speaker | None:
        """The codebook person with this surname whose names include every given name, if one."""
        fits = []
        for actor_id in self.surnames.get(surname, []):
            entry = self._entries[actor_id]
            words = {fold(w) for n in (entry.name, *entry.aliases) for w in n.split()}
            if given <= words:
                fits.append(actor_id)
        if len(fits) == 1:
            return self.known(fits[0], day, self._entries[fits[0]].name, "name")
        return None

    def _unknown(self, head, core, day, text) -> Speaker | None:
        """A speaker the codebook lacks: a PERSON with its title, or an ORG/GPE as a group."""
        if head.lower_ in TITLE_WORDS or fold(head.text) in self.offices:
            return None
        if head.pos_ != "PROPN" and len(core) == 1 and len(head.text.split()) < 2:
            # One common word ("Officials", "Some") is neither a group, which needs a proper noun,
            # nor a person, who needs a title or two words: no entity label can change that, so
            # the costly recognition is not run for it.
            return None
        self.ensure_entities(head.doc)
        ent = head.ent_type_
        if ent == "PERSON" or (head.pos_ == "PROPN" and _looks_like_name(core, head)):
            name_toks = self._name_run(core, head)
            first = name_toks[0].i
            name = head.doc.text[name_toks[0].idx:head.idx + len(head)]
            title_toks = [t for t in core if t.i < first and t.lower_ not in _DETS
                          and t.dep_ not in ("poss", "case", "punct")]
            group = None
            title_words = []
            for tok in title_toks:
                found = self._group_or_demonym(tok.text) if group is None else None
                if found:
                    group = found
                else:
                    title_words.append(tok.text)
            title = " ".join(title_words) or None
            if title is None and len(name.split()) < 2:
                return None  # a bare unknown surname is too thin to stand as an actor
            actor = Actor(id=f"person:{slugify(name)}", name=name, kind="person",
                          group_id=group, title=title, known=False)
            return Speaker(actor, group, text, "unknown")
        if ent in ("ORG", "GPE", "NORP") and head.pos_ == "PROPN":
            name = " ".join(t.text for t in core if t.ent_type_ == ent and t.dep_ != "case")
            name = re.sub(r"^the\s+", "", name, flags=re.I).strip() or head.text
            group = self._group_or_demonym(name)
            if group and self.codebook.actor(group):
                return self.known(group, day, text, "group")
            actor = Actor(id=f"group:{slugify(name)}", name=name, kind="group", known=False)
            return Speaker(actor, actor.id, text, "unknown")
        return None

    def _name_run(self, core: list[Token], head: Token) -> list[Token]:
        """The name's own tokens: back from the head over names and particles, up to the title."""
        run = [head]
        for tok in reversed([t for t in core if t.i < head.i]):
            if tok.i != run[0].i - 1:
                break
            word = tok.lower_
            particle = word in NAME_PARTICLES and tok.ent_type_ == "PERSON"
            if not (tok.pos_ == "PROPN" or particle or tok.ent_type_ == "PERSON"):
                break
            if word in TITLE_WORDS or word.rstrip(".") in HONORIFICS or fold(tok.text) in self.offices \
                    or self._group_or_demonym(tok.text):
                break  # "Sen. Ana Ruiz" is Ana Ruiz, titled "Sen."
            run.insert(0, tok)
        while len(run) > 1 and run[0].lower_ in NAME_PARTICLES:
            run.pop(0)
        return run

    def _document(self, core, day, ctx: Context, text: str) -> Speaker | None:
        """"The NATO communique said": the named body, else the group the article last had speak."""
        group = self._modifier_group(core)
        if group is None:  # "a statement from the Élysée", "the communique issued by NATO"
            for tok in core[-1].subtree:
                if tok.dep_ == "pobj" and tok.head.lower_ in ("from", "by", "of"):
                    group = self._modifier_group(_core(tok)) or self.group_of(
                        tok.doc[_core(tok)[0].i:tok.i + 1].text)
                    if group:
                        break
        if group and self.codebook.actor(group):
            return self.known(group, day, text, "document")
        for speaker in reversed(ctx.recent):
            if speaker.actor.kind == "group" and speaker.actor.known:
                return replace(speaker, mention=text, how="document")
        return None

    def _pronoun(self, pronoun: str, ctx: Context, text: str) -> Speaker | None:
        """he/she: the latest speaker or subject of a compatible gender; they: the latest group."""
        want = PRONOUNS[pronoun]
        for speaker in reversed(ctx.recent):
            if want is None:
                if speaker.actor.kind == "group":
                    return replace(speaker, mention=text, how="pronoun")
                continue
            if speaker.actor.kind != "person":
                continue
            known_gender = ctx.gender.get(speaker.actor.id) or gender_of(speaker.actor.name.split()[0])
            if known_gender and known_gender != want:
                continue
            ctx.gender[speaker.actor.id] = want
            return replace(speaker, mention=text, how="pronoun")
        return None


# Courtesy titles and short titles that may stand before a newly introduced name.
HONORIFICS = frozenset("mr mrs ms dr sen rep gen prof senator professor".split())


def opening_name(text: str) -> str | None:
    """The surname of a person's full name opening a sentence ("Ana Ruiz, of ...", "Sen. Ana Ruiz"), else None."""
    # Such a sentence introduces someone a later "he", "she" or bare surname may point back to,
    # even when it reports no speech, so it is worth a parse. The name is two capitalised words:
    # after a courtesy title, set off by a comma, or with a first name the lists know.
    words = text.split(maxsplit=4)
    titled = bool(words) and words[0].rstrip(".").lower() in HONORIFICS
    words = words[1:] if titled else words
    if len(words) < 3:
        return None
    first, second = words[0], words[1]
    comma = second.endswith(",")
    second = second.rstrip(",")
    if not (first.isalpha() and second.isalpha() and first.istitle() and second.istitle()):
        return None
    if first.lower() in STOP_WORDS or second.lower() in STOP_WORDS:
        return None
    return fold(second) if titled or comma or gender_of(first) is not None else None


def names_someone_new(tokens: Doc) -> bool:
    """True when a known first name and a capitalised word follow each other anywhere in the
    sentence ("Our guest, the economist Darius Mickevicius, was less sure")."""
    return any(gender_of(t.text) is not None and t.is_title and t.i + 1 < len(tokens) and tokens[t.i + 1].is_title
               for t in tokens)


def opens_with_title(tokens: Doc) -> bool:
    """True when a sentence opens on a role ("Britain's defence secretary has also moved"): its
    subject is a person a later "he" or "she" may point back to."""
    return any(t.lower_ in TITLE_WORDS for t in tokens[:5]) and not any(t.lower_ in PRONOUNS for t in tokens[:2])


def _core(head: Token) -> list[Token]:
    """The noun phrase's core: the head with its left modifiers (no clauses or appositions)."""
    keep = {"compound", "amod", "det", "poss", "case", "nmod", "nummod", "flat", "punct", "npadvmod"}
    tokens = [head]
    stack = [c for c in head.lefts]
    while stack:
        tok = stack.pop()
        if tok.dep_ in keep and not (tok.dep_ == "punct" and tok.text not in ".-"):
            tokens.append(tok)
            stack.extend(tok.lefts)
            if tok.dep_ in ("poss", "compound", "nmod"):
                stack.extend(c for c in tok.rights if c.dep_ in ("case", "compound", "flat"))
    tokens.extend(c for c in head.rights if c.dep_ in ("flat", "compound"))
    tokens.sort(key=lambda t: t.i)
    # keep a contiguous run ending at the head
    run = [tokens[-1]] if tokens[-1].i >= head.i else [head]
    for tok in reversed(tokens[:-1]):
        if tok.i == run[0].i - 1:
            run.insert(0, tok)
        elif tok.i < run[0].i - 1:
            break
    return run


def _looks_like_name(core: list[Token], head: Token) -> bool:
    """Two capitalised tokens ending in the head, as in "Kristen Michal", when NER missed it."""
    caps = [t for t in core if t.i <= head.i and t.text[:1].isupper() and t.is_alpha]
    return (len(caps) >= 2 and caps[-1].i == head.i and head.lower_ not in TITLE_WORDS
            and head.ent_type_ not in ("ORG", "GPE", "NORP", "DATE"))
