"""Analyst review writes: confirmations, corrections and rejections, kept apart from ETL writes.

`overrides` is the audit log; `statement_overrides` and `tag_overrides` hold the correction in
force, keyed by the ETL's content-derived ids so that refresh and retag find them again.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from db.store import now
from etl.models import content_id


def _log_override(db: Database, statement_id: str, tag_id: str | None, action: str, field: str | None,
                  old: object, new: object, analyst: str, note: str | None) -> None:
    db.execute(
        "INSERT INTO overrides (statement_id, tag_id, action, field, old_value, new_value, analyst, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [statement_id, tag_id, action, field,
         None if old is None else json.dumps(old), None if new is None else json.dumps(new),
         analyst, note, now()],
    )


def _require_analyst(analyst: str) -> str:
    analyst = (analyst or "").strip()
    if not analyst:
        raise ValueError("an analyst name is required for every correction")
    return analyst


def confirm_statement(db: Database, statement_id: str, analyst: str, note: str | None = None) -> None:
    """Mark a statement as checked and right."""
    analyst = _require_analyst(analyst)
    with db.atomic():
        db.execute(
            "INSERT INTO statement_overrides (statement_id, confirmed, analyst, updated_at) VALUES (?, 1, ?, ?)"
            " ON CONFLICT(statement_id) DO UPDATE SET confirmed = 1, analyst = excluded.analyst,"
            " updated_at = excluded.updated_at",
            [statement_id, analyst, now()],
        )
        _log_override(db, statement_id, None, "confirm", "statement", None, None, analyst, note)


def reject_statement(db: Database, statement_id: str, analyst: str, note: str | None = None) -> None:
    """Reject a statement: it disappears from charts and exports (the audit log keeps it)."""
    analyst = _require_analyst(analyst)
    with db.atomic():
        db.execute(
            "INSERT INTO statement_overrides (statement_id, rejected, analyst, updated_at) VALUES (?, 1, ?, ?)"
            " ON CONFLICT(statement_id) DO UPDATE SET rejected = 1, analyst = excluded.analyst,"
            " updated_at = excluded.updated_at",
            [statement_id, analyst, now()],
        )
        _log_override(db, statement_id, None, "reject", "statement", None, None, analyst, note)


def correct_actor(db: Database, statement_id: str, actor_id: str, analyst: str, note: str | None = None) -> None:
    """Attribute a statement to another actor."""
    analyst = _require_analyst(analyst)
    old = next(iter(db.query("SELECT actor_id FROM statements WHERE id = ?", [statement_id])), {})
    with db.atomic():
        db.execute(
            "INSERT INTO statement_overrides (statement_id, actor_id, analyst, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(statement_id) DO UPDATE SET actor_id = excluded.actor_id,"
            " analyst = excluded.analyst, updated_at = excluded.updated_at",
            [statement_id, actor_id, analyst, now()],
        )
        _log_override(db, statement_id, None, "correct", "actor", old.get("actor_id"), actor_id, analyst, note)


def correct_tag(db: Database, tag_id: str, analyst: str, *, topic_id: str | None = None,
                stance: str | None = None, reject: bool = False, note: str | None = None) -> None:
    """Correct a tag's topic or stance, or reject the tag alone."""
    analyst = _require_analyst(analyst)
    if stance is not None and stance not in ("support", "oppose", "neutral"):
        raise ValueError(f"unknown stance {stance!r}")
    rows = list(db.query("SELECT statement_id, topic_id, stance FROM tags WHERE id = ?", [tag_id]))
    if not rows:
        raise KeyError(f"no tag {tag_id}")
    old = rows[0]
    with db.atomic():
        db.execute(
            "INSERT INTO tag_overrides (tag_id, statement_id, topic_id, stance, rejected, analyst, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(tag_id) DO UPDATE SET topic_id = COALESCE(excluded.topic_id, tag_overrides.topic_id),"
            " stance = COALESCE(excluded.stance, tag_overrides.stance), rejected = excluded.rejected,"
            " analyst = excluded.analyst, updated_at = excluded.updated_at",
            [tag_id, old["statement_id"], topic_id, stance, int(reject), analyst, now()],
        )
        if topic_id is not None:
            _log_override(db, old["statement_id"], tag_id, "correct", "topic", old["topic_id"], topic_id, analyst, note)
        if stance is not None:
            _log_override(db, old["statement_id"], tag_id, "correct", "stance", old["stance"], stance, analyst, note)
        if reject:
            _log_override(db, old["statement_id"], tag_id, "reject", "tag", None, None, analyst, note)


def add_tag(db: Database, statement_id: str, topic_id: str, stance: str, analyst: str,
            *, note: str | None = None, codebook_version: str = "analyst") -> str:
    """An analyst puts an untagged (or differently tagged) statement on a topic."""
    analyst = _require_analyst(analyst)
    score = {"support": 1.0, "oppose": -1.0, "neutral": 0.0}[stance]
    tag_id = content_id(statement_id, topic_id, "")
    with db.atomic():
        db.execute(
            "INSERT INTO tags (id, statement_id, topic_id, stance, score, confidence, rule, codebook_version, origin)"
            " VALUES (?, ?, ?, ?, ?, 1.0, 'analyst', ?, 'analyst')"
            " ON CONFLICT(id) DO UPDATE SET origin = 'analyst'",
            [tag_id, statement_id, topic_id, stance, score, codebook_version],
        )
        db.execute(
            "INSERT INTO tag_overrides (tag_id, statement_id, stance, analyst, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(tag_id) DO UPDATE SET stance = excluded.stance, rejected = 0,"
            " analyst = excluded.analyst, updated_at = excluded.updated_at",
            [tag_id, statement_id, stance, analyst, now()],
        )
        _log_override(db, statement_id, tag_id, "correct", "topic", None, topic_id, analyst, note)
    return tag_id


def _log_actor_review(db: Database, actor_id: str, action: str, merged_into: str | None,
                      analyst: str, note: str | None) -> None:
    db.execute(
        "INSERT INTO actor_reviews (actor_id, action, merged_into, analyst, note, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [actor_id, action, merged_into, analyst, note, now()],
    )


def confirm_actor(db: Database, actor_id: str, analyst: str, note: str | None = None) -> None:
    """Accept a newly seen actor as a real, distinct speaker (it leaves the review queue)."""
    analyst = _require_analyst(analyst)
    if not list(db.query("SELECT 1 FROM actors WHERE id = ?", [actor_id])):
        raise KeyError(f"no actor {actor_id}")
    with db.atomic():
        _log_actor_review(db, actor_id, "confirm", None, analyst, note)


def merge_actor(db: Database, actor_id: str, into: str, analyst: str, note: str | None = None) -> int:
    """A newly seen actor is really another one: re-attribute each of its statements; returns how many."""
    analyst = _require_analyst(analyst)
    if actor_id == into:
        raise ValueError("an actor cannot be merged into itself")
    if not list(db.query("SELECT 1 FROM actors WHERE id = ?", [into])):
        raise KeyError(f"no actor {into}")
    ids = [r["id"] for r in db.query("SELECT id FROM statements WHERE actor_id = ?", [actor_id])]
    with db.atomic():
        for statement_id in ids:
            db.execute(
                "INSERT INTO statement_overrides (statement_id, actor_id, analyst, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(statement_id) DO UPDATE SET actor_id = excluded.actor_id,"
                " analyst = excluded.analyst, updated_at = excluded.updated_at",
                [statement_id, into, analyst, now()],
            )
            _log_override(db, statement_id, None, "correct", "actor", actor_id, into, analyst, note)
        _log_actor_review(db, actor_id, "merge", into, analyst, note)
    return len(ids)
