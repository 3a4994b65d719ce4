"""The stance points cache: a stored copy of `effective_tags`' narrow columns for counts and means.

Migration m008 creates `stance_points_cache` and triggers that keep it equal to the view on
every write; `refresh_points` does the same rebuild on demand (a repair, or a check).
`deferred_points` lets one transaction that writes many statements and tags (storing a document)
hold back the per-row rebuilds of the statement and tag triggers (m009) and rebuild once.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterable, Iterator

from sqlite_utils import Database

CACHE_TABLE = "stance_points_cache"
DEFERRALS_TABLE = "points_cache_deferrals"
CACHE_COLUMNS = ("tag_id", "statement_id", "doc_id", "actor_id", "group_id", "topic_id", "stance",
                 "score", "confidence", "date", "quote_type", "corrected")

# What the stance counts and means read. Tests set it to "effective_tags" to check that a
# query gives the same answer from the view.
READ_SOURCE = CACHE_TABLE

# SQLite's default limit on host parameters is 999 on old builds; stay under it.
_BATCH = 500


def refresh_points(db: Database, statement_ids: Iterable[str]) -> None:
    """Rebuild the cache rows of these statements from the `effective_tags` view."""
    cols = ", ".join(CACHE_COLUMNS)
    ids = list(dict.fromkeys(statement_ids))
    for i in range(0, len(ids), _BATCH):
        chunk = ids[i:i + _BATCH]
        marks = ", ".join("?" for _ in chunk)
        db.execute(f"DELETE FROM {CACHE_TABLE} WHERE statement_id IN ({marks})", chunk)
        db.execute(f"INSERT INTO {CACHE_TABLE} ({cols}) SELECT {cols} FROM effective_tags"
                   f" WHERE statement_id IN ({marks})", chunk)


@contextmanager
def deferred_points(db: Database) -> Iterator[list[str]]:
    """Hold back the statement and tag triggers' cache rebuilds in this transaction; rebuild the listed ids at the end.

    The writer appends the id of every statement whose row or tags it writes or deletes. The
    deferral is a row of `points_cache_deferrals`, written in the caller's transaction, so other
    connections never see it, and a rollback or a crash takes it away with the writes.
    """
    if not db.conn.in_transaction:
        # Outside a transaction a crash could leave the row behind, and the triggers off for good.
        raise RuntimeError("deferred_points needs an open transaction")
    marker = db.execute(f"INSERT INTO {DEFERRALS_TABLE} DEFAULT VALUES").lastrowid
    touched: list[str] = []  # a list, so the rebuild (and the cache's row order) follows the writes
    try:
        yield touched
    finally:
        db.execute(f"DELETE FROM {DEFERRALS_TABLE} WHERE id = ?", [marker])
        refresh_points(db, touched)


def cache_differences(db: Database) -> int:
    """How many rows differ between the cache and the view (either way); 0 when they agree."""
    cols = ", ".join(CACHE_COLUMNS)
    return next(db.query(f"""
        SELECT (SELECT COUNT(*) FROM (SELECT {cols} FROM effective_tags EXCEPT SELECT {cols} FROM {CACHE_TABLE}))
             + (SELECT COUNT(*) FROM (SELECT {cols} FROM {CACHE_TABLE} EXCEPT SELECT {cols} FROM effective_tags))
             + ABS((SELECT COUNT(*) FROM effective_tags) - (SELECT COUNT(*) FROM {CACHE_TABLE})) AS n
    """))["n"]


def topics(db: Database) -> set[str]:
    """Every topic with a stance point."""
    return {r["topic_id"] for r in db.query(
        f"SELECT DISTINCT topic_id FROM {CACHE_TABLE} WHERE topic_id IS NOT NULL")}
