"""Flat rows for one document's extraction: one per (statement, topic), as `stance extract` prints them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from etl.codebook_model import Codebook
from etl.demonyms import DEMONYMS
from etl.models import Actor, Document, Extraction, Statement, Tag


def group_name(codebook: Codebook, group_id: str | None, actors: dict[str, Actor]) -> str | None:
    """Display name of a group id: the codebook's, a newly seen group's, or a known country's."""
    if group_id is None:
        return None
    entry = codebook.actor(group_id)
    if entry is not None:
        return entry.name
    if group_id in actors:
        return actors[group_id].name
    for gid, name in DEMONYMS.values():
        if gid == group_id:
            return name
    return group_id


def _title(codebook: Codebook, statement: Statement, actors: dict[str, Actor]) -> str | None:
    if statement.actor_id in actors:
        return actors[statement.actor_id].title
    entry = codebook.actor(statement.actor_id)
    if entry is None:
        return None
    for role in entry.roles:
        if role.holds_on(statement.date):
            return role.title
    return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def statement_row(document: Document, statement: Statement, tag: Tag | None, codebook: Codebook,
                  actors: dict[str, Actor]) -> dict:
    """One JSON-ready row: the statement, and the topic and stance of `tag` (None: untagged)."""
    confidence = statement.confidence * (tag.confidence if tag else 1.0)
    return {
        "doc": document.origin,
        "actor": statement.actor_name,
        "actor_kind": statement.actor_kind,
        "actor_id": statement.actor_id,
        "group": group_name(codebook, statement.group_id, actors),
        "topic": tag.topic if tag else None,
        "stance": tag.stance if tag else None,
        "score": tag.score if tag else None,
        "confidence": round(confidence, 3),
        "date": _iso(statement.date),
        "text": statement.text,
        "quote_type": statement.quote_type,
        "cue": statement.cue,
        "start": statement.start,
        "end": statement.end,
        "target": tag.target if tag else None,
        "stance_cue": tag.cue if tag else None,
        "topic_cue": tag.topic_cue if tag else None,
        "rule": tag.rule if tag else None,
        "statement_rule": statement.rule,
        "statement_confidence": statement.confidence,
        "codebook_version": tag.codebook_version if tag else codebook.version,
        "statement_id": statement.id,
        "needs_review": statement.needs_review,
        "mention": statement.mention,
        "title": _title(codebook, statement, actors),
        "date_cue": statement.date_cue,
        "published": _iso(document.published),
    }


def extraction_rows(document: Document, extraction: Extraction, codebook: Codebook,
                    include_untagged: bool = False) -> Iterator[dict]:
    """Rows for every tag of every statement, plus untagged statements when asked."""
    actors = {a.id: a for a in extraction.actors}
    by_statement: dict[str, list[Tag]] = {}
    for tag in extraction.tags:
        by_statement.setdefault(tag.statement_id, []).append(tag)
    for statement in extraction.statements:
        tags = by_statement.get(statement.id, [])
        for tag in tags:
            yield statement_row(document, statement, tag, codebook, actors)
        if not tags and include_untagged:
            yield statement_row(document, statement, None, codebook, actors)
