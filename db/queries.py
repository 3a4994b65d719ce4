"""Reads: parameterised SQL, aggregation in SQL, list[dict] out. The dashboard and exports use these."""

from __future__ import annotations

from sqlite_utils import Database


def recent_runs(db: Database, limit: int = 20) -> list[dict]:
    """The latest runs, newest first, with their counts and error totals."""
    return list(db.query(
        "SELECT r.*, (SELECT COUNT(*) FROM ingest_errors e WHERE e.run_id = r.id) AS problems"
        " FROM runs r ORDER BY r.id DESC LIMIT ?", [limit]))


def run_problems(db: Database, run_id: int) -> list[dict]:
    """Every recorded problem of one run, in order."""
    return list(db.query(
        "SELECT input, level, message, created_at FROM ingest_errors WHERE run_id = ? ORDER BY id", [run_id]))


def last_run(db: Database) -> dict | None:
    """The newest run, or None on an empty database."""
    rows = recent_runs(db, 1)
    return rows[0] if rows else None


def documents(db: Database, *, search: str | None = None, limit: int = 50, offset: int = 0) -> list[dict]:
    """Stored documents, newest publication first; `search` is a full-text query over title and text."""
    if search:
        return list(db.query(
            "SELECT d.id, d.published, d.undated, d.source, d.title, d.url, d.origin,"
            " snippet(documents_fts, 1, '[', ']', '…', 12) AS snippet"
            " FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid"
            " WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            [fts_query(search), limit, offset]))
    return list(db.query(
        "SELECT id, published, undated, source, title, url, origin, NULL AS snippet FROM documents"
        " ORDER BY published DESC NULLS LAST, id LIMIT ? OFFSET ?", [limit, offset]))


def counts(db: Database) -> dict:
    """Totals for the status line: documents, statements, tags, actors."""
    row = next(db.query(
        "SELECT (SELECT COUNT(*) FROM documents) AS documents,"
        " (SELECT COUNT(*) FROM statements) AS statements,"
        " (SELECT COUNT(*) FROM tags) AS tags,"
        " (SELECT COUNT(*) FROM actors) AS actors"))
    return row


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: each word a quoted prefix term."""
    words = [w.replace('"', '""') for w in text.split() if w.strip()]
    return " ".join(f'"{w}"*' for w in words) or '""'
