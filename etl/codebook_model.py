"""The codebook's in-memory shape: actors with dated roles, offices, topics and cues.

This module is the contract between the codebook loader (`etl.codebook`), speaker
resolution (`etl.speakers`) and tagging (`etl.tagging`). Loading and checking the YAML
lives in `etl.codebook`; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Role:
    """A person's office in a group over a date range (end None: still in office)."""

    group: str  # group actor id
    office: str  # office id, e.g. "head_of_government", "defense_minister"
    title: str  # as the person's office is usually written, e.g. "Secretary of Defense"
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date | None) -> bool:
        """True when the role was held on `day` (an unknown day matches any role)."""
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ActorEntry:
    """One actor in the codebook."""

    id: str
    name: str  # display name
    kind: str  # "person" | "group"
    aliases: tuple[str, ...] = ()  # other names and spellings that name the actor as a speaker
    metonyms: tuple[str, ...] = ()  # groups only: "the Kremlin", "Moscow"
    adjectives: tuple[str, ...] = ()  # groups only: "Russian", "U.S.", used in titles and targets
    roles: tuple[Role, ...] = ()  # persons only
    line: int = 0  # line in the codebook file, for messages

    def group_on(self, day: date | None) -> str | None:
        """The group this actor speaks for on `day`: itself for a group, else its role's group."""
        if self.kind == "group":
            return self.id
        for role in self.roles:
            if role.holds_on(day):
                return role.group
        return None


@dataclass(frozen=True)
class Office:
    """A kind of office and the generic titles that name it ("defence minister")."""

    id: str
    titles: tuple[str, ...]


@dataclass(frozen=True)
class OfficePhrase:
    """A phrase that names an office of one group on its own ("the Pentagon chief")."""

    phrase: str
    group: str
    office: str


@dataclass(frozen=True)
class Topic:
    """A proposition actors take a stance on, with the phrases that signal it."""

    id: str
    label: str
    proposition: str
    cues: tuple[str, ...]  # phrases that put a statement on this topic
    context: tuple[str, ...] = ()  # at least one must occur nearby (e.g. Ukraine, Kyiv), if given
    exclude: tuple[str, ...] = ()  # out-of-scope cues (Sweden's accession, exercises elsewhere)
    support: tuple[str, ...] = ()  # topic-specific support cues
    oppose: tuple[str, ...] = ()  # topic-specific oppose cues
    neutral: tuple[str, ...] = ()  # topic-specific noncommittal cues
    targets: tuple[str, ...] = ()  # whose troops/spending, beyond group adjectives ("European")
    complaints: tuple[str, ...] = ()  # negated by a third party, still support: "they don't pay"
    followups: tuple[str, ...] = ()  # put a statement on the topic only right after it was named
    framings: tuple[str, ...] = ()  # the proposal named in loaded words ("intervention"): judged, the judgement decides


@dataclass(frozen=True)
class Codebook:
    """Everything the engine knows that an analyst may edit."""

    version: str
    path: str
    actors: tuple[ActorEntry, ...]
    offices: tuple[Office, ...]
    office_phrases: tuple[OfficePhrase, ...]
    topics: tuple[Topic, ...]
    speech_verbs: tuple[str, ...]  # lemmas: say, tell, warn, ...
    reported_verbs: tuple[str, ...]  # lemmas for ascribed positions: demand, want, oppose, ...
    according_to: tuple[str, ...]  # "according to", "in the words of", ...
    stance_support: tuple[str, ...] = ()  # generic support cues
    stance_oppose: tuple[str, ...] = ()  # generic oppose cues
    stance_neutral: tuple[str, ...] = ()  # generic noncommittal cues
    negations: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def actor(self, actor_id: str) -> ActorEntry | None:
        """The actor with this id, or None."""
        for entry in self.actors:
            if entry.id == actor_id:
                return entry
        return None

    def topic(self, topic_id: str) -> Topic | None:
        """The topic with this id, or None."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        return None

    def holders(self, group: str, office: str, day: date | None) -> list[ActorEntry]:
        """Persons who held `office` in `group` on `day`."""
        return [
            a for a in self.actors
            if a.kind == "person" and any(
                r.group == group and r.office == office and r.holds_on(day) for r in a.roles
            )
        ]
