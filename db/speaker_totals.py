"""All-time totals per topic, speaker and group line (migration m015), and the same sums over a window.

Alignment compares actors by their mean score per topic: a count and a score total per topic,
speaker and the group line the statement counts on. Over a window they are summed from the
stance points. Over all time, alignment's default view, each run stores them for every topic
whose points changed (in the shift store's transaction, from its change log), and a reader sums
again only the topics changed since.
"""

from __future__ import annotations

import json
from typing import Iterable

from sqlite_utils import Database

from db import shift_store
from db.positions import ROLE_GROUP_SQL
from db.store import has_state, now

# Count, score total and latest statement of every (topic, actor, stored group) in a window, in
# one pass over a covering index (m011). Rows stored without a group are read apart: the
# speaker's dated role decides their group line, as on the stance lines of db.positions.
_TOTALS_SQL = """
SELECT c.topic_id AS topic, c.actor_id, c.group_id AS group_line, COUNT(*) AS n, SUM(c.score) AS total,
       MAX(c.date) AS last_date, c.statement_id AS last_statement
FROM stance_points_cache c
WHERE c.date IS NOT NULL AND c.group_id IS NOT NULL
  AND (:since IS NULL OR c.date >= :since) AND (:until IS NULL OR c.date <= :until)
  AND (:topics IS NULL OR c.topic_id IN (SELECT value FROM json_each(:topics)))
  AND (:speakers IS NULL OR c.actor_id IN (SELECT value FROM json_each(:speakers)))
GROUP BY c.topic_id, c.actor_id, c.group_id
UNION ALL
SELECT topic, actor_id, group_line, COUNT(*), SUM(score), MAX(date), statement_id FROM (
    SELECT c.topic_id AS topic, c.actor_id, c.score, c.date, c.statement_id,
           {role_group} AS group_line
    FROM stance_points_cache c
    WHERE c.group_id IS NULL AND c.date IS NOT NULL
      AND (:since IS NULL OR c.date >= :since) AND (:until IS NULL OR c.date <= :until)
      AND (:topics IS NULL OR c.topic_id IN (SELECT value FROM json_each(:topics)))
      AND (:speakers IS NULL OR c.actor_id IN (SELECT value FROM json_each(:speakers))))
GROUP BY topic, actor_id, group_line
""".format(role_group=ROLE_GROUP_SQL.format(alias="c"))


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
    """Whether a run has stored the all-time totals."""
    return has_state(db, "speaker_totals_state")


def live_totals(db: Database, *, since: str | None = None, until: str | None = None,
                topics: Iterable[str] | None = None, speakers: Iterable[str] | None = None) -> list[dict]:
    """`totals` summed from the stance points (of `topics` and `speakers` only, when given)."""
    wanted = None if topics is None else json.dumps(sorted(topics))
    who = None if speakers is None else json.dumps(sorted(speakers))
    return list(db.query(_TOTALS_SQL, {"since": since, "until": until, "topics": wanted, "speakers": who}))


def store_topics(db: Database, topics: Iterable[str]) -> int:
    """Store the all-time totals of these topics (inside the caller's transaction); rows stored."""
    topics = sorted(set(topics))
    db.conn.executemany("DELETE FROM speaker_totals WHERE topic = ?", [(t,) for t in topics])
    return _insert(db, live_totals(db, topics=topics) if topics else [])


def store_speakers(db: Database, pairs: Iterable[tuple[str, str]]) -> int:
    """Store the all-time totals of these (topic, speaker) pairs only (inside the caller's transaction)."""
    by_topic: dict[str, set[str]] = {}
    for topic, speaker in pairs:
        by_topic.setdefault(topic, set()).add(speaker)
    rows = []
    for topic, speakers in sorted(by_topic.items()):
        if "" in speakers:  # a point with no speaker or topic was logged: sum the topic again
            rows += _sum_again(db, topic)
            continue
        db.conn.executemany("DELETE FROM speaker_totals WHERE topic = ? AND actor_id IS ?",
                            [(topic, s or None) for s in speakers])
        rows += live_totals(db, topics=[topic], speakers=speakers)
    return _insert(db, rows)


def _sum_again(db: Database, topic: str) -> list[dict]:
    db.execute("DELETE FROM speaker_totals WHERE topic = ?", [topic])
    return live_totals(db, topics=[topic])


def _insert(db: Database, rows: list[dict]) -> int:
    db.conn.executemany(
        "INSERT INTO speaker_totals (topic, actor_id, group_line, n, total, last_date, last_statement)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(r["topic"], r["actor_id"], r["group_line"], r["n"], r["total"], r["last_date"], r["last_statement"])
         for r in rows])
    db.execute("INSERT OR REPLACE INTO speaker_totals_state (id, built_at) VALUES (1, ?)", [now()])
    return len(rows)
