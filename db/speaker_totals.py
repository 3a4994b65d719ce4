"""All-time totals per topic, speaker and group line (migration m015), and the same sums over a window.

Alignment compares actors by their mean score per topic: a count and a score total per topic,
speaker and the group line the statement counts on. Over a window they are summed from the
stance points. Over all time, alignment's default view, they are stored, with the same sums per
day beside them (m016): each run sums again only the changed days of the speakers in its change
log and adds up those speakers' days, and a reader sums again only the topics changed since.
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlite_utils import Database

from db import shift_store
from db.positions import ROLE_GROUP_SQL
from db.store import has_state, now

# Count, score total and latest statement of every (topic, actor, stored group) matching
# {where}, in one pass over an index; {c_day}/{day} add the date to the grouping. Rows stored
# without a group are read apart: the speaker's dated role decides their group line, as on the
# stance lines of db.positions.
_TOTALS_SQL = """
SELECT c.topic_id AS topic, c.actor_id, c.group_id AS group_line{c_day}, COUNT(*) AS n, SUM(c.score) AS total,
       MAX(c.date) AS last_date, c.statement_id AS last_statement
FROM stance_points_cache c
WHERE c.date IS NOT NULL AND c.group_id IS NOT NULL AND {where}
GROUP BY c.topic_id, c.actor_id, c.group_id{c_day_group}
UNION ALL
SELECT topic, actor_id, group_line{day}, COUNT(*), SUM(score), MAX(date), statement_id FROM (
    SELECT c.topic_id AS topic, c.actor_id, c.score, c.date, c.statement_id,
           {role_group} AS group_line
    FROM stance_points_cache c
    WHERE c.group_id IS NULL AND c.date IS NOT NULL AND {where})
GROUP BY topic, actor_id, group_line{day_group}
"""
_ROLE_GROUP = ROLE_GROUP_SQL.format(alias="c")
# A window of the whole archive or of some topics (the covering index of m011).
_WINDOW = """(:since IS NULL OR c.date >= :since) AND (:until IS NULL OR c.date <= :until)
    AND (:topics IS NULL OR c.topic_id IN (SELECT value FROM json_each(:topics)))"""
_SPEAKER_SQL = _TOTALS_SQL.format(where=_WINDOW, c_day="", c_day_group="", day="", day_group="", role_group=_ROLE_GROUP)


def _per_day_sql(where: str) -> str:
    return _TOTALS_SQL.format(where=where, c_day=", c.date AS day", c_day_group=", c.date", day=", date AS day",
                              day_group=", date", role_group=_ROLE_GROUP)


_TOPIC_DAYS_SQL = _per_day_sql("c.topic_id IN (SELECT value FROM json_each(:topics))")
# One speaker's changed days through the (actor, date) index, or all of them.
_SPEAKER_DAYS_SQL = _per_day_sql("c.actor_id = :speaker AND +c.topic_id = :topic"
                                 " AND c.date IN (SELECT value FROM json_each(:days))")
_SPEAKER_ALL_DAYS_SQL = _per_day_sql("c.actor_id = :speaker AND c.topic_id = :topic")


def totals(db: Database, *, since: str | None = None, until: str | None = None) -> list[dict]:
    """Per topic, speaker and group line in [since, until]: points, score total, latest statement."""
    if since is not None or until is not None or not is_built(db):
        return live_totals(db, since=since, until=until)
    changed = sorted(shift_store.changed_topics(db))
    stored = db.query(
        "SELECT topic, actor_id, group_line, n, total, last_date, last_statement FROM speaker_totals"
        " WHERE topic NOT IN (SELECT value FROM json_each(:changed))", {"changed": json.dumps(changed)})
    return list(stored) + (live_totals(db, topics=changed) if changed else [])


def is_built(db: Database) -> bool:
    """Whether a run has stored the all-time totals (and their per-day sums, m016)."""
    return has_state(db, "speaker_totals_state")


def _listed(values: Iterable[str] | None) -> str | None:
    return None if values is None else json.dumps(sorted(values))


def live_totals(db: Database, *, since: str | None = None, until: str | None = None,
                topics: Iterable[str] | None = None) -> list[dict]:
    """`totals` summed from the stance points (of `topics` only, when given)."""
    return list(db.query(_SPEAKER_SQL, {"since": since, "until": until, "topics": _listed(topics)}))


def store_topics(db: Database, topics: Iterable[str]) -> int:
    """Store the per-day and all-time totals of these topics (inside the caller's transaction); rows stored."""
    topics = sorted(set(topics))
    db.conn.executemany("DELETE FROM speaker_day_totals WHERE topic = ?", [(t,) for t in topics])
    _insert_days(db, db.query(_TOPIC_DAYS_SQL, {"topics": _listed(topics)}) if topics else [])
    return _total_again(db, [(t, None) for t in topics])


def store_speakers(db: Database, changes: dict[tuple[str, str], set[str] | None]) -> int:
    """Store the totals of these (topic, speaker) pairs again, summing the points of just the
    changed days (all days when None) and then the speaker's per-day sums; rows stored."""
    for (topic, speaker), days in sorted(changes.items(), key=lambda kv: kv[0]):
        if not speaker:  # a point with no speaker was logged: sum its topic again
            return store_topics(db, {t for t, _ in changes})
        where = "topic = ? AND actor_id = ?" + ("" if days is None else " AND date IN (SELECT value FROM json_each(?))")
        args = [topic, speaker] + ([] if days is None else [json.dumps(sorted(days))])
        db.execute(f"DELETE FROM speaker_day_totals WHERE {where}", args)
        if days is None or days:
            sql = _SPEAKER_ALL_DAYS_SQL if days is None else _SPEAKER_DAYS_SQL
            _insert_days(db, db.query(sql, {"speaker": speaker, "topic": topic, "days": _listed(days)}))
    return _total_again(db, list(changes))


def _insert_days(db: Database, rows: Iterable[dict]) -> None:
    db.conn.executemany(
        "INSERT INTO speaker_day_totals (topic, actor_id, group_line, date, n, total, last_statement)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((r["topic"], r["actor_id"], r["group_line"], r["day"], r["n"], r["total"], r["last_statement"]) for r in rows))


def _total_again(db: Database, pairs: list[tuple[str, str | None]]) -> int:
    """Replace the all-time rows of these (topic, speaker) pairs (a whole topic for speaker None)
    with the sums of their per-day rows."""
    stored = 0
    for topic, speaker in pairs:
        where, args = ("topic = ?", [topic]) if speaker is None else ("topic = ? AND actor_id IS ?", [topic, speaker])
        db.execute(f"DELETE FROM speaker_totals WHERE {where}", args)
        # With MAX(date), SQLite takes last_statement from the newest day's row.
        stored += db.execute(
            "INSERT INTO speaker_totals (topic, actor_id, group_line, n, total, last_date, last_statement)"
            " SELECT topic, actor_id, group_line, SUM(n), SUM(total), MAX(date), last_statement"
            f" FROM speaker_day_totals WHERE {where} GROUP BY topic, actor_id, group_line", args).rowcount
    db.execute("INSERT OR REPLACE INTO speaker_totals_state (id, built_at) VALUES (1, ?)", [now()])
    return stored
