"""Reads for stance lines: stance points per person or group, analyst corrections applied.

A person's line is their own statements. A group's line is the group's own statements plus
those of the persons who held a role in it on the day they spoke (`effective_tags.group_id`;
when the ETL left it empty, the person's dated role in `actor_roles` decides).
"""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from sqlite_utils import Database

from db import points_cache

# The group a speaker held a role in on the day of stance point `{alias}` (the latest role begun).
ROLE_GROUP_SQL = """(SELECT r.group_id FROM actor_roles r
    WHERE r.actor_id = {alias}.actor_id
      AND (r.start_date IS NULL OR r.start_date <= {alias}.date)
      AND (r.end_date IS NULL OR r.end_date >= {alias}.date)
    ORDER BY r.start_date DESC LIMIT 1)"""

# Stance points on both kinds of line, read from the stance points cache (the narrow copy of
# `effective_tags`). A group actor's own statements carry its own id as group_id; the CASE
# covers rows where the ETL left it empty. {where} narrows the rows read before the line rule
# runs (an indexable superset of one line's rows), so reading one line never scans them all.
_LINES_SQL = """
WITH pts AS (
    SELECT 'person' AS level, e.actor_id AS line_id, e.*
    FROM {source} e
    LEFT JOIN actors a ON a.id = e.actor_id
    WHERE :level IN ('all', 'person') AND COALESCE(a.kind, 'person') = 'person' AND {where}
    UNION ALL
    SELECT 'group' AS level,
        CASE
            WHEN a.kind = 'group' THEN e.actor_id
            WHEN e.group_id IS NOT NULL THEN e.group_id
            ELSE {role_group}
        END AS line_id,
        e.*
    FROM {source} e
    LEFT JOIN actors a ON a.id = e.actor_id
    WHERE :level IN ('all', 'group') AND {where}
)
SELECT
    p.level, p.line_id, COALESCE(la.name, p.line_id) AS line_name,
    COALESCE(la.kind, p.level) AS line_kind,
    p.actor_id AS speaker_id, COALESCE(sa.name, p.actor_id) AS speaker,
    p.topic_id AS topic, p.stance, p.score, p.confidence, p.date,
    p.tag_id, p.statement_id, p.doc_id, s.start, p.quote_type, p.corrected
FROM pts p
LEFT JOIN actors la ON la.id = p.line_id
LEFT JOIN actors sa ON sa.id = p.actor_id
LEFT JOIN statements s ON s.id = p.statement_id
WHERE p.line_id IS NOT NULL
  AND p.date IS NOT NULL
  AND (:level = 'all' OR p.level = :level)
  AND (:line_id IS NULL OR p.line_id = :line_id)
  AND (:topic IS NULL OR p.topic_id = :topic)
  AND (:since IS NULL OR p.date >= :since)
  AND (:until IS NULL OR p.date <= :until)
ORDER BY p.level, p.line_id, p.topic_id, p.date, p.doc_id, s.start, p.tag_id
"""

# The rows one line can hold: its own (person or group actor), its members' (group_id), and
# members' rows the ETL left without a group, which the dated role may give it.
_ONE_LINE_ROWS = """(e.actor_id = :line_id OR e.group_id = :line_id
    OR (e.group_id IS NULL AND e.actor_id IN (SELECT actor_id FROM actor_roles WHERE group_id = :line_id)))"""


def stance_points(db: Database, *, level: str = "all", line_id: str | None = None,
                  topic: str | None = None, since: str | None = None,
                  until: str | None = None) -> list[dict]:
    """Dated stance points on person and/or group lines, ordered by line, topic and date (no text)."""
    return list(iter_stance_points(db, level=level, line_id=line_id, topic=topic, since=since, until=until))


def iter_stance_points(db: Database, *, level: str = "all", line_id: str | None = None,
                       topic: str | None = None, since: str | None = None,
                       until: str | None = None) -> Iterator[dict]:
    """`stance_points` one row at a time, in the same order, for reads of the whole archive."""
    if level not in ("all", "person", "group"):
        raise ValueError(f"level must be person, group or all, not {level!r}")
    params = {"level": level, "line_id": line_id, "topic": topic, "since": since, "until": until}
    where = _ONE_LINE_ROWS if line_id is not None else "1"
    return db.query(_LINES_SQL.format(source=points_cache.READ_SOURCE, where=where,
                                      role_group=ROLE_GROUP_SQL.format(alias="e")), params)


def line_points(db: Database, level: str, line_id: str, topic: str, *, since: str | None = None,
                until: str | None = None, doc_ids: Iterable[str] | None = None) -> list[dict]:
    """The stance points of one line dated from `since` to `until`, or of these documents only."""
    where = [_ONE_LINE_ROWS, "e.topic_id = :topic"]
    if since is not None:
        where.append("e.date >= :since")
    if until is not None:
        where.append("e.date <= :until")
    docs = None
    if doc_ids is not None:
        docs = json.dumps(sorted(set(doc_ids)))
        where.append("e.statement_id IN (SELECT id FROM statements WHERE doc_id IN (SELECT value FROM json_each(:docs)))")
    params = {"level": level, "line_id": line_id, "topic": topic, "since": since, "until": until, "docs": docs}
    return list(db.query(_LINES_SQL.format(source=points_cache.READ_SOURCE, where=" AND ".join(where),
                                           role_group=ROLE_GROUP_SQL.format(alias="e")), params))


def statement_texts(db: Database, statement_ids: Iterable[str]) -> dict[str, str]:
    """The text of each of these statements, by id (evidence for the few points a reader shows)."""
    ids = sorted({i for i in statement_ids if i is not None})
    # One query however many ids: SQLite reads the list as a JSON array, not as host parameters.
    return {r[0]: r[1] for r in db.conn.execute(
        "SELECT id, text FROM statements WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])}


def undated_point_count(db: Database) -> int:
    """How many stance points have no statement date (they cannot be placed on a line)."""
    return next(db.query(f"SELECT COUNT(*) AS n FROM {points_cache.READ_SOURCE} WHERE date IS NULL"))["n"]


def find_actors(db: Database, text: str) -> list[dict]:
    """Actors whose id or display name is `text` (case-insensitive); else those whose name contains it."""
    exact = list(db.query(
        "SELECT id, name, kind FROM actors WHERE id = :t OR lower(name) = lower(:t) ORDER BY id",
        {"t": text.strip()}))
    if exact:
        return exact
    return list(db.query(
        "SELECT id, name, kind FROM actors WHERE instr(lower(name), lower(:t)) > 0 ORDER BY name",
        {"t": text.strip()}))


def actor_first_statements(db: Database) -> list[dict]:
    """Every actor that has spoken, with the date and id of their first effective statement."""
    return list(db.query(f"""
        SELECT a.id AS actor_id, a.name AS actor, a.kind AS actor_kind, a.known,
               MIN(e.date) AS first_date, COUNT(DISTINCT e.statement_id) AS statements
        FROM {points_cache.READ_SOURCE} e JOIN actors a ON a.id = e.actor_id
        WHERE e.date IS NOT NULL
        GROUP BY a.id ORDER BY first_date, a.name
    """))


def statements_in_window(db: Database, *, since: str | None = None,
                         until: str | None = None) -> list[dict]:
    """Effective stance points dated inside [since, until], with speaker, group and document."""
    return list(db.query("""
        SELECT e.date, COALESCE(a.name, e.actor_id) AS actor, e.actor_id,
               COALESCE(a.kind, 'person') AS actor_kind, COALESCE(g.name, e.group_id) AS actor_group,
               e.topic_id AS topic, e.stance, e.score, e.confidence, e.quote_type,
               e.text, e.statement_id, e.tag_id, e.corrected,
               d.title AS doc_title, d.source AS doc_source, d.url AS doc_url
        FROM effective_tags e
        LEFT JOIN actors a ON a.id = e.actor_id
        LEFT JOIN actors g ON g.id = e.group_id
        LEFT JOIN documents d ON d.id = e.doc_id
        WHERE e.date IS NOT NULL
          AND (:since IS NULL OR e.date >= :since)
          AND (:until IS NULL OR e.date <= :until)
        ORDER BY e.date, actor, e.topic_id, e.statement_id
    """, {"since": since, "until": until}))


def latest_statement_date(db: Database) -> str | None:
    """The newest statement date among effective stance points, or None."""
    return next(db.query(f"SELECT MAX(date) AS d FROM {points_cache.READ_SOURCE}"))["d"]
