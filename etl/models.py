"""The small frozen records that flow through the ETL: raw article -> document -> statements -> tags."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date


def content_id(*parts: object, length: int = 16) -> str:
    """Stable id derived from content, so a re-run produces the same ids."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class RawArticle:
    """One article as found in an input, before cleaning: body is HTML or text as given."""

    origin: str  # path, or URL, plus "#n" for the n-th feed/JSONL item (1-based)
    body: str
    fmt: str  # "text" | "markdown" | "html" | "rss" | "atom" | "jsonl"
    title: str | None = None
    published: str | None = None  # raw date string from metadata, parsed later
    url: str | None = None
    source: str | None = None
    guid: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One clean article: boilerplate removed, date resolved, id from the normalised text."""

    id: str
    origin: str
    fmt: str
    title: str | None
    text: str
    url: str | None
    source: str | None
    published: date | None
    date_source: str  # "cli" | "metadata" | "filename" | "none"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Actor:
    """An actor a statement is attributed to: from the codebook, or newly seen in the text."""

    id: str
    name: str
    kind: str  # "person" | "group"
    group_id: str | None = None  # for a newly seen person, the group their title gives
    title: str | None = None  # the title in front of a newly seen person's name
    known: bool = True  # False: not in the codebook, flagged for review


@dataclass(frozen=True)
class Statement:
    """A claim the document attributes to an actor, with the evidence to explain it."""

    doc_id: str
    start: int  # character offsets into Document.text
    end: int
    text: str  # Document.text[start:end]
    actor_id: str
    actor_name: str
    actor_kind: str
    group_id: str | None  # the actor's group on the statement date
    mention: str  # how the text names the speaker ("the Pentagon chief", "he")
    cue: str  # speech verb or construction
    quote_type: str  # direct | indirect | mixed | according_to | reported
    date: date | None
    date_cue: str | None  # "on Wednesday", or None when the publication date was used
    confidence: float
    rule: str = ""  # which extraction rule found it
    needs_review: bool = False

    @property
    def id(self) -> str:
        """Content-derived id: same document and span, same id on every run."""
        return content_id(self.doc_id, self.start, self.end)


@dataclass(frozen=True)
class Tag:
    """One topic and stance for one statement, with its evidence."""

    statement_id: str
    topic: str
    stance: str  # support | oppose | neutral
    score: float  # [-1, 1], support > 0
    confidence: float  # [0, 1]
    cue: str  # the phrase that decided the stance
    rule: str  # the rule or model that decided
    codebook_version: str
    target: str | None = None  # "US troops", "European troops"
    negated: bool = False
    modality: str | None = None
    topic_cue: str = ""  # the phrase that put the statement on this topic

    @property
    def id(self) -> str:
        """Content-derived id, stable across re-runs and re-tags."""
        return content_id(self.statement_id, self.topic, self.target or "")


@dataclass(frozen=True)
class Extraction:
    """Everything the engine found in one document."""

    statements: tuple[Statement, ...] = ()
    tags: tuple[Tag, ...] = ()
    actors: tuple[Actor, ...] = field(default_factory=tuple)  # newly seen actors
