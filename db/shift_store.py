"""Stored shifts (migration m010): each line's detected shifts, and which lines changed since.

The detector lives in `etl.shifts` and its upkeep in `etl.shift_lines`; this module only
reads and writes their results. A line is (level, line_id, topic) as in `db.positions`. The
store is current for one set of detector parameters (kept as JSON in `shift_store_state`);
lines whose points changed after it was built are listed by `changed_lines` and must be
recomputed by the reader. Since m016 the store also keeps, per line, its usable points counted
per day and every candidate shift, and `line_changes` tells the days and documents that changed,
so that `etl.line_update` recomputes only around them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable

from sqlite_utils import Database

from db.store import now

Line = tuple[str, str, str]  # (level, line_id, topic)

# Every line a changed (actor, group, topic) can belong to: the actor's own line at both levels
# (a group actor speaks on its group line), the group it was stored with, and, when it was stored
# without one, every group the actor ever held a role in (the dated role may place it there).
_CHANGED_LINES_SQL = """
SELECT 'person' AS level, actor_id AS line_id, topic_id AS topic FROM shift_lines_changed WHERE actor_id != ''
UNION SELECT 'group', actor_id, topic_id FROM shift_lines_changed WHERE actor_id != ''
UNION SELECT 'group', group_id, topic_id FROM shift_lines_changed WHERE group_id != ''
UNION SELECT 'group', r.group_id, c.topic_id FROM shift_lines_changed c
      JOIN actor_roles r ON r.actor_id = c.actor_id WHERE c.group_id = ''
"""


def stored_params(db: Database) -> str | None:
    """The detector parameters (JSON) the store was built with, or None if it never was."""
    if "shift_store_state" not in db.table_names():
        return None
    row = next(db.query("SELECT params FROM shift_store_state WHERE id = 1"), None)
    return row["params"] if row else None


def changed_topic_days(db: Database) -> dict[str, set[str] | None]:
    """Each topic whose points changed since the last run, with the days that changed (None: any
    day may have, after a role or kind change or a change logged before days were)."""
    return {topic: days for (topic,), days in _changed_days_by(db, "topic_id").items()}


def changed_speaker_days(db: Database) -> dict[tuple[str, str], set[str] | None]:
    """Each (topic, speaker) whose points, group or roles changed since the last run, with the
    days that changed (None: any day may have)."""
    return _changed_days_by(db, "topic_id, actor_id")


def _changed_days_by(db: Database, columns: str) -> dict[tuple, set[str] | None]:
    """The logged changes keyed by these columns of the logs, each with its changed days (None:
    a '*' entry, or only in the line log, which has no days)."""
    changes: dict[tuple, set[str] | None] = {
        tuple(r): None for r in db.conn.execute(f"SELECT DISTINCT {columns} FROM shift_lines_changed")}
    logged: dict[tuple, set[str]] = {}
    for *key, day in db.conn.execute(f"SELECT DISTINCT {columns}, date FROM point_days_changed"):
        logged.setdefault(tuple(key), set()).add(day)
    for key, days in logged.items():
        changes[key] = None if "*" in days else {d for d in days if d}
    return changes


def changed_topics(db: Database) -> set[str]:
    """Topics whose stance points changed since the last run (stored means and totals follow them too)."""
    return {r["topic_id"] for r in db.query("SELECT DISTINCT topic_id FROM shift_lines_changed")}


@dataclass
class LineChange:
    """What changed on one line since the last run: the days and documents of its changed points,
    or the whole line (a role or kind change, or a change logged before days were)."""

    days: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)
    whole: bool = False


# The day log (m016) expanded to lines as _CHANGED_LINES_SQL expands the line log.
_CHANGED_DAYS_SQL = """
SELECT 'person' AS level, actor_id AS line_id, topic_id AS topic, date, doc_id
      FROM point_days_changed WHERE actor_id != ''
UNION SELECT 'group', actor_id, topic_id, date, doc_id FROM point_days_changed WHERE actor_id != ''
UNION SELECT 'group', group_id, topic_id, date, doc_id FROM point_days_changed WHERE group_id != ''
UNION SELECT 'group', r.group_id, c.topic_id, c.date, c.doc_id FROM point_days_changed c
      JOIN actor_roles r ON r.actor_id = c.actor_id WHERE c.group_id = ''
"""


def line_changes(db: Database) -> dict[Line, LineChange]:
    """Each changed line with the days and documents that changed on it."""
    changes = {line: LineChange() for line in changed_lines(db)}
    logged_by_day: set[Line] = set()
    for r in db.query(_CHANGED_DAYS_SQL):
        line = (r["level"], r["line_id"], r["topic"])
        change = changes.setdefault(line, LineChange())
        logged_by_day.add(line)
        if r["date"] == "*":
            change.whole = True
        else:
            change.days.add(r["date"][:10])
            change.docs.add(r["doc_id"])
    for line, change in changes.items():
        change.whole = change.whole or line not in logged_by_day
    return changes


def changed_lines(db: Database) -> set[Line]:
    """Lines whose stance points changed since the store was last brought up to date."""
    return {(r["level"], r["line_id"], r["topic"]) for r in db.query(_CHANGED_LINES_SQL)}


_STORED_WHERE = """
    WHERE (:level = 'all' OR s.level = :level)
      AND (:line_id IS NULL OR s.line_id = :line_id)
      AND (:topic IS NULL OR s.topic = :topic)
      AND (:since IS NULL OR s.shift_date >= :since)
      AND (:wanted IS NULL OR s.line_id IN (SELECT value FROM json_each(:wanted)))
"""
# The display name a stored shift is listed under: the actor's current name.
_NAME = "COALESCE(a.name, json_extract(s.shift, '$.actor'), s.line_id)"


def _args(level: str, line_id: str | None, topic: str | None, since: str | None,
          line_ids: Iterable[str] | None) -> dict:
    wanted = None if line_ids is None else json.dumps(sorted(set(line_ids)))
    return {"level": level, "line_id": line_id, "topic": topic, "since": since, "wanted": wanted}


def stored_shifts(db: Database, *, level: str = "all", line_id: str | None = None,
                  topic: str | None = None, since: str | None = None,
                  line_ids: Iterable[str] | None = None, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Stored shifts matching the filters (`line_ids`: only these lines), with each line's current name and kind.

    With `limit`, one page in the listing order: actor name (case-folded), level, topic, date.
    """
    page = ""
    args = _args(level, line_id, topic, since, line_ids)
    if limit is not None:
        db.conn.create_function("casefold", 1, lambda t: t.lower() if isinstance(t, str) else t, deterministic=True)
        page = f" ORDER BY casefold({_NAME}), s.level, s.topic, s.shift_date LIMIT :limit OFFSET :offset"
        args.update(limit=int(limit), offset=int(offset))
    rows = db.query(f"""
        SELECT s.level, s.line_id, s.topic, s.shift, a.name AS line_name, a.kind AS line_kind
        FROM stored_shifts s LEFT JOIN actors a ON a.id = s.line_id
        {_STORED_WHERE}{page}
    """, args)
    out = []
    for r in rows:
        shift = json.loads(r["shift"])
        shift.update(level=r["level"], actor_id=r["line_id"], topic=r["topic"],
                     actor=r["line_name"] or shift.get("actor") or r["line_id"],
                     actor_kind=r["line_kind"] or shift.get("actor_kind") or r["level"])
        out.append(shift)
    return out


def stored_shift_count(db: Database, *, level: str = "all", line_id: str | None = None,
                       topic: str | None = None, since: str | None = None) -> int:
    """How many stored shifts match the filters."""
    return next(db.query(f"SELECT COUNT(*) AS n FROM stored_shifts s {_STORED_WHERE}",
                         _args(level, line_id, topic, since, None)))["n"]


def replace_shifts(db: Database, shifts: Iterable[dict], params: str, lines: Iterable[Line] | None = None) -> int:
    """Store `shifts` for `lines` (every line when None), forget the change log, record `params`.

    Run it inside one transaction with the detection that produced `shifts`.
    """
    if lines is None:
        db.execute("DELETE FROM stored_shifts")
    else:
        db.conn.executemany("DELETE FROM stored_shifts WHERE level = ? AND line_id = ? AND topic = ?", list(lines))
    rows = [(s["level"], s["actor_id"], s["topic"], s["shift_date"], json.dumps(s, ensure_ascii=False, default=str))
            for s in shifts]
    db.conn.executemany("INSERT INTO stored_shifts (level, line_id, topic, shift_date, shift) VALUES (?, ?, ?, ?, ?)",
                        rows)
    db.execute("DELETE FROM shift_lines_changed")
    db.execute("DELETE FROM point_days_changed")
    db.execute("INSERT OR REPLACE INTO shift_store_state (id, params, built_at) VALUES (1, ?, ?)", [params, now()])
    return len(rows)


def day_counts(db: Database, line: Line) -> list[tuple[str, dict[str, int]]]:
    """The stored per-day stance counts of a line's usable points, by day."""
    return [(day, {"support": support, "oppose": oppose, "neutral": neutral})
            for day, support, oppose, neutral in db.conn.execute(
                "SELECT date, support, oppose, neutral FROM line_day_counts"
                " WHERE level = ? AND line_id = ? AND topic = ? ORDER BY date", list(line))]


def replace_day_counts(db: Database, line: Line, days: Iterable[str] | None,
                       counts: dict[str, dict[str, int]]) -> None:
    """Store `counts` for these days of the line (every day when None), dropping what they held."""
    if days is None:
        db.execute("DELETE FROM line_day_counts WHERE level = ? AND line_id = ? AND topic = ?", list(line))
    else:
        db.conn.executemany("DELETE FROM line_day_counts WHERE level = ? AND line_id = ? AND topic = ? AND date = ?",
                            [(*line, day) for day in days])
    db.conn.executemany("INSERT INTO line_day_counts VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(*line, day, c["support"], c["oppose"], c["neutral"]) for day, c in counts.items()])


def candidates(db: Database, line: Line) -> list[dict]:
    """Every stored candidate shift of a line."""
    return [json.loads(r[0]) for r in db.conn.execute(
        "SELECT candidate FROM shift_candidates WHERE level = ? AND line_id = ? AND topic = ?", list(line))]


def replace_candidates(db: Database, line: Line, split_days: Iterable[str] | None, found: Iterable[dict]) -> None:
    """Store the candidates `found` at these split days of the line (every day when None)."""
    if split_days is None:
        db.execute("DELETE FROM shift_candidates WHERE level = ? AND line_id = ? AND topic = ?", list(line))
    else:
        db.conn.executemany("DELETE FROM shift_candidates WHERE level = ? AND line_id = ? AND topic = ?"
                            " AND shift_date = ?", [(*line, day) for day in split_days])
    db.conn.executemany("INSERT INTO shift_candidates VALUES (?, ?, ?, ?, ?)",
                        [(*line, c["shift_date"], json.dumps(c, ensure_ascii=False, default=str)) for c in found])


def forget_line_details(db: Database) -> None:
    """Drop every line's day counts and candidates (a rebuild stores them afresh)."""
    db.execute("DELETE FROM line_day_counts")
    db.execute("DELETE FROM shift_candidates")
