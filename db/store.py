"""Writes: runs, documents with their statements and tags (one transaction each), codebook sync, overrides."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterable, Iterator

from sqlite_utils import Database

from db.points_cache import deferred_points
from etl.models import Document, Extraction, content_id


def now() -> str:
    """The current UTC time as an ISO string (seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def has_state(db: Database, table: str) -> bool:
    """Whether a run has written the one row of a stored result's state table (False before its migration)."""
    return table in db.table_names() and next(db.query(f"SELECT COUNT(*) AS n FROM {table}"))["n"] > 0


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


_DOCUMENT_COLUMNS = ("id", "url", "source", "title", "published", "date_source", "undated", "text",
                     "raw_format", "origin", "ingest_run", "ingested_at", "extracted_run", "extractor_version")
_STATEMENT_COLUMNS = ("id", "doc_id", "actor_id", "group_id", "mention", "text", "start", "end", "cue",
                      "quote_type", "date", "date_cue", "confidence", "rule", "needs_review", "run_id")
_TAG_COLUMNS = ("id", "statement_id", "topic_id", "stance", "score", "confidence", "target", "cue",
                "topic_cue", "rule", "negated", "modality", "codebook_version", "origin", "run_id")


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _upsert_sql(table: str, columns: tuple[str, ...]) -> str:
    """An insert that overwrites every column of a row already stored under the same id."""
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != "id")
    return f"{_insert_sql(table, columns)} ON CONFLICT(id) DO UPDATE SET {updates}"


_INSERT_DOCUMENT = _insert_sql("documents", _DOCUMENT_COLUMNS)
_UPSERT_STATEMENT = _upsert_sql("statements", _STATEMENT_COLUMNS)
_UPSERT_TAG = _upsert_sql("tags", _TAG_COLUMNS)
_INSERT_ACTOR = ("INSERT OR IGNORE INTO actors (id, name, kind, group_id, title, known, first_seen_run)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?)")


def _document_row(doc: Document, run_id: int | None, extracted_run: int | None,
                  extractor_version: str | None) -> tuple:
    return (doc.id, doc.url, doc.source, doc.title, doc.published.isoformat() if doc.published else None,
            doc.date_source, 0 if doc.published else 1, doc.text, doc.fmt, doc.origin, run_id, now(),
            extracted_run, extractor_version)


def _statement_row(s, doc_id: str, run_id: int | None) -> tuple:
    return (s.id, doc_id, s.actor_id, s.group_id, s.mention, s.text, s.start, s.end, s.cue, s.quote_type,
            s.date.isoformat() if s.date else None, s.date_cue, round(float(s.confidence), 4), s.rule,
            int(s.needs_review), run_id)


def _tag_row(t, run_id: int | None) -> tuple:
    return (t.id, t.statement_id, t.topic, t.stance, round(float(t.score), 4), round(float(t.confidence), 4),
            t.target, t.cue, t.topic_cue, t.rule, int(t.negated), t.modality, t.codebook_version, "engine", run_id)


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
        # The extraction's run goes in with the row: a later UPDATE of the document would make
        # the search index drop and re-read its whole text.
        extracted = (run_id, extractor_version) if extraction is not None else (None, None)
        db.conn.execute(_INSERT_DOCUMENT, _document_row(doc, run_id, *extracted))
        if extraction is not None and (extraction.statements or extraction.tags or extraction.actors):
            with deferred_points(db) as touched:
                _write_extraction(db, doc.id, extraction, run_id, touched)
        if input_key:
            mark_input_seen(db, input_key, doc.origin, doc.id, run_id)
    return True


def replace_extraction(db: Database, doc_id: str, extraction: Extraction, run_id: int | None,
                       *, extractor_version: str | None = None) -> None:
    """Swap a stored document's engine statements and tags for new ones (retag), in one transaction.

    Analyst overrides live in their own tables, keyed by content-derived ids, and are untouched;
    analyst-added tags (origin 'analyst') are kept.
    """
    with write_transaction(db), deferred_points(db) as touched:
        stored = [r["id"] for r in db.query("SELECT id FROM statements WHERE doc_id = ?", [doc_id])]
        touched.extend(stored)
        keep = {r["statement_id"] for r in db.query(
            "SELECT statement_id FROM tags WHERE origin = 'analyst' AND statement_id IN "
            "(SELECT id FROM statements WHERE doc_id = ?)", [doc_id])}
        db.execute("DELETE FROM tags WHERE origin = 'engine' AND statement_id IN "
                   "(SELECT id FROM statements WHERE doc_id = ?)", [doc_id])
        new_ids = {s.id for s in extraction.statements}
        db.conn.executemany("DELETE FROM statements WHERE id = ?",
                            [(i,) for i in stored if i not in new_ids and i not in keep])
        _write_extraction(db, doc_id, extraction, run_id, touched)
        db.execute("UPDATE documents SET extracted_run = ?, extractor_version = ? WHERE id = ?",
                   [run_id, extractor_version, doc_id])


def _write_extraction(db: Database, doc_id: str, extraction: Extraction, run_id: int | None,
                      touched: list[str]) -> None:
    """Actors, statements and tags of one document; the statements written go in `touched`."""
    db.conn.executemany(_INSERT_ACTOR, [(a.id, a.name, a.kind, a.group_id, a.title, int(a.known), run_id)
                                        for a in extraction.actors])
    db.conn.executemany(_UPSERT_STATEMENT, [_statement_row(s, doc_id, run_id) for s in extraction.statements])
    db.conn.executemany(_UPSERT_TAG, [_tag_row(t, run_id) for t in extraction.tags])
    touched.extend(s.id for s in extraction.statements)
    touched.extend(t.statement_id for t in extraction.tags)


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
        # Roles change only where the codebook changed them: every role written again would wake
        # the triggers that rebuild cache rows and mark shift lines changed, on every run.
        wanted = {}
        for actor in codebook.actors:
            for role in actor.roles:
                start = role.start.isoformat() if role.start else None
                end = role.end.isoformat() if role.end else None
                row = (content_id(actor.id, role.group, role.office, start), actor.id, role.group,
                       role.office, role.title, start, end)
                wanted[row[0]] = row
        stored = {r[0]: tuple(r) for r in db.conn.execute(
            "SELECT id, actor_id, group_id, office, title, start_date, end_date FROM actor_roles")}
        gone = [(role_id,) for role_id, row in stored.items() if wanted.get(role_id) != row]
        db.conn.executemany("DELETE FROM actor_roles WHERE id = ?", gone)
        db.conn.executemany(
            "INSERT INTO actor_roles (id, actor_id, group_id, office, title, start_date, end_date)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", [row for role_id, row in wanted.items() if stored.get(role_id) != row])
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
