"""Writes: runs, documents with their statements and tags (one transaction each), codebook sync, overrides."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterable, Iterator

from sqlite_utils import Database

from etl.models import Document, Extraction, content_id


def now() -> str:
    """The current UTC time as an ISO string (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    sqlite-utils' atomic() begins a deferred transaction: one that reads first and then writes
    fails at once with "database is locked" if another connection is writing, because SQLite
    skips the busy handler when a reader asks to become a writer. Taking the lock up front lets
    the busy timeout wait for the other writer (a second ingest, an analyst's correction).
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


# --- runs and errors ---------------------------------------------------------

def start_run(db: Database, kind: str, *, args: str = "", codebook_version: str | None = None,
              software_version: str | None = None) -> int:
    """Record the start of a run and return its id."""
    with write_transaction(db):
        cursor = db.execute(
            "INSERT INTO runs (kind, started_at, status, pid, args, codebook_version, software_version)"
            " VALUES (?, ?, 'running', ?, ?, ?, ?)",
            [kind, now(), os.getpid(), args, codebook_version, software_version],
        )
    return cursor.lastrowid


def finish_run(db: Database, run_id: int, status: str, counts: dict, summary: str) -> None:
    """Close a run with its status, counts and one-line summary."""
    columns = ["docs_new", "docs_retagged", "docs_duplicate", "docs_unchanged", "docs_failed", "docs_undated",
               "statements", "tags", "errors", "inputs"]
    values = {c: int(counts.get(c, 0)) for c in columns}
    with write_transaction(db):
        db.execute(
            "UPDATE runs SET ended_at = :ended_at, status = :status, summary = :summary, "
            + ", ".join(f"{c} = :{c}" for c in columns) + " WHERE id = :run_id",
            {**values, "ended_at": now(), "status": status, "summary": summary, "run_id": run_id},
        )


def mark_interrupted_runs(db: Database) -> int:
    """Runs left 'running' by a process that no longer exists are marked 'interrupted'."""
    stale = []
    for row in db.query("SELECT id, pid FROM runs WHERE status = 'running'"):
        if not _pid_alive(row["pid"]):
            stale.append(row["id"])
    if stale:
        with write_transaction(db):
            for run_id in stale:
                db.execute(
                    "UPDATE runs SET status = 'interrupted', ended_at = COALESCE(ended_at, ?),"
                    " summary = COALESCE(summary, 'interrupted before it finished') WHERE id = ?",
                    [now(), run_id],
                )
    return len(stale)


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def record_error(db: Database, run_id: int | None, input_name: str, message: str,
                 level: str = "error") -> None:
    """Record a problem with one input; the run goes on."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO ingest_errors (run_id, input, level, message, created_at) VALUES (?, ?, ?, ?, ?)",
            [run_id, input_name, level, message, now()],
        )


# --- incremental inputs --------------------------------------------------------

def input_seen(db: Database, key: str) -> bool:
    """True when this input key (unchanged file, feed item) was fully processed before."""
    return bool(list(db.query("SELECT 1 FROM seen_inputs WHERE key = ?", [key])))


def seen_keys(db: Database, keys: list[str]) -> set[str]:
    """The subset of `keys` already fully processed; one indexed query for the lot."""
    if not keys:
        return set()
    # Keys travel as one JSON array parameter: no limit on the number of SQL variables to mind.
    rows = db.execute("SELECT key FROM seen_inputs WHERE key IN (SELECT value FROM json_each(?))",
                      [json.dumps(keys)]).fetchall()
    return {row[0] for row in rows}


def mark_input_seen(db: Database, key: str, origin: str, doc_id: str | None, run_id: int | None) -> None:
    """Remember a processed input so the next refresh skips it."""
    db.execute(
        "INSERT OR REPLACE INTO seen_inputs (key, origin, doc_id, run_id, seen_at) VALUES (?, ?, ?, ?, ?)",
        [key, origin, doc_id, run_id, now()],
    )


# --- documents -----------------------------------------------------------------

def existing_document_id(db: Database, doc: Document) -> str | None:
    """The id of a stored copy of this article (same normalised text, or same URL), if any."""
    rows = list(db.query(
        "SELECT id FROM documents WHERE id = ? OR (url IS NOT NULL AND url = ?) LIMIT 1",
        [doc.id, doc.url],
    ))
    return rows[0]["id"] if rows else None


def _document_row(doc: Document, run_id: int | None) -> dict:
    return {
        "id": doc.id,
        "url": doc.url,
        "source": doc.source,
        "title": doc.title,
        "published": doc.published.isoformat() if doc.published else None,
        "date_source": doc.date_source,
        "undated": 0 if doc.published else 1,
        "text": doc.text,
        "raw_format": doc.fmt,
        "origin": doc.origin,
        "ingest_run": run_id,
        "ingested_at": now(),
    }


def store_document(db: Database, doc: Document, extraction: Extraction | None, run_id: int | None,
                   *, extractor_version: str | None = None, input_key: str | None = None) -> bool:
    """Store a new document with its statements and tags in one transaction.

    Returns False (and writes nothing but the input mark) when the article is already stored.
    """
    with write_transaction(db):
        if existing_document_id(db, doc):
            if input_key:
                mark_input_seen(db, input_key, doc.origin, doc.id, run_id)
            return False
        db["documents"].insert(_document_row(doc, run_id))
        if extraction is not None:
            _write_extraction(db, doc.id, extraction, run_id, extractor_version)
        if input_key:
            mark_input_seen(db, input_key, doc.origin, doc.id, run_id)
    return True


def replace_extraction(db: Database, doc_id: str, extraction: Extraction, run_id: int | None,
                       *, extractor_version: str | None = None) -> None:
    """Swap a stored document's engine statements and tags for new ones (retag), in one transaction.

    Analyst overrides live in their own tables, keyed by content-derived ids, and are untouched;
    analyst-added tags (origin 'analyst') are kept.
    """
    with write_transaction(db):
        keep = {r["statement_id"] for r in db.query(
            "SELECT statement_id FROM tags WHERE origin = 'analyst' AND statement_id IN "
            "(SELECT id FROM statements WHERE doc_id = ?)", [doc_id])}
        db.execute("DELETE FROM tags WHERE origin = 'engine' AND statement_id IN "
                   "(SELECT id FROM statements WHERE doc_id = ?)", [doc_id])
        new_ids = {s.id for s in extraction.statements}
        for row in list(db.query("SELECT id FROM statements WHERE doc_id = ?", [doc_id])):
            if row["id"] not in new_ids and row["id"] not in keep:
                db.execute("DELETE FROM statements WHERE id = ?", [row["id"]])
        _write_extraction(db, doc_id, extraction, run_id, extractor_version)


def _write_extraction(db: Database, doc_id: str, extraction: Extraction, run_id: int | None,
                      extractor_version: str | None) -> None:
    for actor in extraction.actors:
        db.execute(
            "INSERT OR IGNORE INTO actors (id, name, kind, group_id, title, known, first_seen_run)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [actor.id, actor.name, actor.kind, actor.group_id, actor.title, int(actor.known), run_id],
        )
    if extraction.statements:
        db["statements"].upsert_all(
            [
                {
                    "id": s.id, "doc_id": doc_id, "actor_id": s.actor_id, "group_id": s.group_id,
                    "mention": s.mention, "text": s.text, "start": s.start, "end": s.end,
                    "cue": s.cue, "quote_type": s.quote_type,
                    "date": s.date.isoformat() if s.date else None, "date_cue": s.date_cue,
                    "confidence": round(float(s.confidence), 4), "rule": s.rule,
                    "needs_review": int(s.needs_review), "run_id": run_id,
                }
                for s in extraction.statements
            ],
            pk="id",
        )
    if extraction.tags:
        db["tags"].upsert_all(
            [
                {
                    "id": t.id, "statement_id": t.statement_id, "topic_id": t.topic,
                    "stance": t.stance, "score": round(float(t.score), 4),
                    "confidence": round(float(t.confidence), 4), "target": t.target, "cue": t.cue,
                    "topic_cue": t.topic_cue, "rule": t.rule, "negated": int(t.negated),
                    "modality": t.modality, "codebook_version": t.codebook_version,
                    "origin": "engine", "run_id": run_id,
                }
                for t in extraction.tags
            ],
            pk="id",
        )
    db.execute("UPDATE documents SET extracted_run = ?, extractor_version = ? WHERE id = ?",
               [run_id, extractor_version, doc_id])


# --- codebook --------------------------------------------------------------------

def sync_codebook(db: Database, codebook) -> None:
    """Mirror the codebook's actors, roles and topics into the database (one transaction)."""
    with write_transaction(db):
        for actor in codebook.actors:
            db.execute(
                "INSERT INTO actors (id, name, kind, known, codebook_version) VALUES (?, ?, ?, 1, ?)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
                " known = 1, codebook_version = excluded.codebook_version",
                [actor.id, actor.name, actor.kind, codebook.version],
            )
        db.execute("DELETE FROM actor_roles")
        for actor in codebook.actors:
            for role in actor.roles:
                start = role.start.isoformat() if role.start else None
                end = role.end.isoformat() if role.end else None
                db.execute(
                    "INSERT OR REPLACE INTO actor_roles (id, actor_id, group_id, office, title, start_date, end_date)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [content_id(actor.id, role.group, role.office, start), actor.id, role.group,
                     role.office, role.title, start, end],
                )
        for topic in codebook.topics:
            db.execute(
                "INSERT INTO topics (id, label, proposition, codebook_version) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET label = excluded.label,"
                " proposition = excluded.proposition, codebook_version = excluded.codebook_version",
                [topic.id, topic.label, topic.proposition, codebook.version],
            )


def iter_documents_for_retag(db: Database, batch: int = 200) -> Iterable[dict]:
    """Stored documents (id, text, published, origin...) in id order, a batch at a time."""
    last = ""
    while True:
        rows = list(db.query(
            "SELECT id, origin, raw_format, title, text, url, source, published, date_source, extractor_version"
            " FROM documents WHERE id > ? ORDER BY id LIMIT ?", [last, batch]))
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]
