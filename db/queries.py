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


def data_stamp(db: Database) -> tuple:
    """What changes whenever the data does: last run id and status, last review write (a cache key)."""
    row = next(db.query(
        "SELECT (SELECT MAX(id) FROM runs) AS run_id,"
        " (SELECT status || COALESCE(ended_at, '') FROM runs ORDER BY id DESC LIMIT 1) AS run_state,"
        " (SELECT MAX(id) FROM overrides) AS override_id,"
        " (SELECT MAX(id) FROM actor_reviews) AS actor_review_id"))
    return (row["run_id"], row["run_state"], row["override_id"], row["actor_review_id"])


def freshness(db: Database) -> dict:
    """The last refresh (kind, status, times, summary), statements it added, and the latest statement date."""
    run = last_run(db)
    row = next(db.query(
        "SELECT (SELECT MAX(date) FROM statements) AS latest_statement,"
        " (SELECT COUNT(*) FROM statements) AS statements,"
        " (SELECT COUNT(*) FROM documents) AS documents"))
    new = 0
    if run:
        new = next(db.query("SELECT COUNT(*) AS n FROM statements WHERE run_id = ?", [run["id"]]))["n"]
    return {"last_run": run, "new_statements": new, **row}


def topic_list(db: Database) -> list[dict]:
    """Topics (id, label, proposition), including any that tags use but the codebook table lacks."""
    return list(db.query(
        "SELECT id, label, proposition FROM topics"
        " UNION SELECT DISTINCT topic_id, topic_id, '' FROM tags WHERE topic_id NOT IN (SELECT id FROM topics)"
        " ORDER BY id"))


def actor_list(db: Database, kind: str | None = None) -> list[dict]:
    """Actors with a statement count, by name; `kind` is 'person' or 'group' to narrow."""
    sql = ("SELECT a.id, a.name, a.kind, a.known,"
           " (SELECT COUNT(*) FROM statements s WHERE s.actor_id = a.id) AS statements"
           " FROM actors a")
    params: list = []
    if kind:
        sql += " WHERE a.kind = ?"
        params.append(kind)
    return list(db.query(sql + " ORDER BY a.name", params))


def group_list(db: Database) -> list[dict]:
    """Groups that statements speak for (by name), with how many statements each line holds."""
    return list(db.query(
        "SELECT s.group_id AS id, COALESCE(a.name, s.group_id) AS name, COUNT(*) AS statements"
        " FROM statements s LEFT JOIN actors a ON a.id = s.group_id WHERE s.group_id IS NOT NULL"
        " GROUP BY s.group_id ORDER BY name"))


def source_list(db: Database) -> list[dict]:
    """Sources (publications) with their document counts, largest first."""
    return list(db.query(
        "SELECT source, COUNT(*) AS documents FROM documents WHERE source IS NOT NULL"
        " GROUP BY source ORDER BY documents DESC, source"))


def actor(db: Database, actor_id: str) -> dict | None:
    """One actor's row with its statement counts (as speaker and, for a group, as the group spoken for)."""
    rows = list(db.query(
        "SELECT a.*, g.name AS group_name,"
        " (SELECT COUNT(*) FROM statements s WHERE s.actor_id = a.id) AS statements,"
        " (SELECT COUNT(*) FROM statements s WHERE s.group_id = a.id) AS group_statements"
        " FROM actors a LEFT JOIN actors g ON g.id = a.group_id WHERE a.id = ?", [actor_id]))
    return rows[0] if rows else None


def actor_roles(db: Database, actor_id: str) -> list[dict]:
    """A person's dated roles, or a group's members' roles, oldest first, with statements made in each group."""
    return list(db.query(
        "SELECT r.actor_id, COALESCE(p.name, r.actor_id) AS person, r.group_id,"
        " COALESCE(g.name, r.group_id) AS group_name, r.office, r.title, r.start_date, r.end_date,"
        " (SELECT COUNT(*) FROM statements s WHERE s.actor_id = r.actor_id AND s.group_id = r.group_id)"
        " AS statements"
        " FROM actor_roles r LEFT JOIN actors p ON p.id = r.actor_id LEFT JOIN actors g ON g.id = r.group_id"
        " WHERE r.actor_id = ? OR r.group_id = ? ORDER BY r.start_date IS NULL, r.start_date, r.actor_id",
        [actor_id, actor_id]))
