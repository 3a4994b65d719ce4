"""The stance points cache: a stored copy of `effective_tags`' narrow columns for counts and means.

Migration m008 creates `stance_points_cache` and triggers that keep it equal to the view on
every write; `refresh_points` does the same rebuild on demand (a repair, or a check).
"""

from __future__ import annotations

from typing import Iterable

from sqlite_utils import Database

CACHE_TABLE = "stance_points_cache"
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


def cache_differences(db: Database) -> int:
    """How many rows differ between the cache and the view (either way); 0 when they agree."""
    cols = ", ".join(CACHE_COLUMNS)
    return next(db.query(f"""
        SELECT (SELECT COUNT(*) FROM (SELECT {cols} FROM effective_tags EXCEPT SELECT {cols} FROM {CACHE_TABLE}))
             + (SELECT COUNT(*) FROM (SELECT {cols} FROM {CACHE_TABLE} EXCEPT SELECT {cols} FROM effective_tags))
             + ABS((SELECT COUNT(*) FROM effective_tags) - (SELECT COUNT(*) FROM {CACHE_TABLE})) AS n
    """))["n"]
