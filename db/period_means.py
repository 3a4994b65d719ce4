"""Stored weekly and monthly means (migration m013): the timeline's default view, kept per run.

A topic's weekly or monthly means per line scan all of its stance points, seconds at a million
statements. Every run stores them again for the weeks and months holding a changed day (both
levels, both granularities; a whole topic after a role or kind change), in the same transaction
as the shift store, whose change log tells which days those are. A reader takes the stored rows only for the plain view (a topic and a level,
no other filter) of a topic nobody changed since; otherwise it computes them as before.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from sqlite_utils import Database

from db.queries_filter import ViewFilter
from db import shift_store
from db.store import has_state, now

LEVELS = ("person", "group")
GRANULARITIES = ("week", "month")
_COLUMNS = ("period", "series_id", "topic_id", "mean_score", "n", "n_support", "n_oppose", "n_neutral",
            "first_date", "last_date")


def is_built(db: Database) -> bool:
    """Whether any run has stored the means yet."""
    return has_state(db, "period_means_state")


def store_topics(db: Database, topics: Iterable[str]) -> int:
    """Compute and store the means of these topics (inside the caller's transaction); rows stored."""
    from db.queries_stance import live_stance_aggregates

    stored = 0
    for topic in sorted(set(topics)):
        db.execute("DELETE FROM period_means WHERE topic_id = ?", [topic])
        for level in LEVELS:
            for granularity in GRANULARITIES:
                rows = live_stance_aggregates(db, ViewFilter(topic=topic, level=level), granularity)
                _insert(db, level, granularity, rows)
                stored += len(rows)
    db.execute("INSERT OR REPLACE INTO period_means_state (id, built_at) VALUES (1, ?)", [now()])
    return stored


def _insert(db: Database, level: str, granularity: str, rows: list[dict]) -> None:
    db.conn.executemany(f"INSERT INTO period_means (level, granularity, {', '.join(_COLUMNS)})"
                        f" VALUES (?, ?, {', '.join('?' for _ in _COLUMNS)})",
                        [(level, granularity, *(r[c] for c in _COLUMNS)) for r in rows])


def store_days(db: Database, topic_days: dict[str, set[str] | None]) -> int:
    """Store again the means of the weeks and months holding these days of each topic (all of a
    topic's periods when its days are None), inside the caller's transaction; rows stored."""
    from db.queries_stance import live_stance_aggregates

    whole = [topic for topic, days in topic_days.items() if days is None]
    stored = store_topics(db, whole) if whole else 0
    for topic, days in sorted((t, d) for t, d in topic_days.items() if d is not None):
        for granularity in GRANULARITIES:
            periods = sorted({period_of(day, granularity) for day in days})
            db.conn.executemany("DELETE FROM period_means WHERE granularity = ? AND topic_id = ? AND period = ?",
                                [(granularity, topic, p[0].isoformat()) for p in periods])
            for first, last in _runs(periods):
                for level in LEVELS:
                    f = ViewFilter(topic=topic, level=level, since=first.isoformat(), until=last.isoformat())
                    rows = live_stance_aggregates(db, f, granularity)
                    _insert(db, level, granularity, rows)
                    stored += len(rows)
    db.execute("INSERT OR REPLACE INTO period_means_state (id, built_at) VALUES (1, ?)", [now()])
    return stored


def period_of(day: str, granularity: str) -> tuple[date, date]:
    """The first and last day of the week (Monday to Sunday) or month holding `day` (ISO)."""
    d = date.fromisoformat(day[:10])
    if granularity == "week":
        first = d - timedelta(days=d.weekday())
        return first, first + timedelta(days=6)
    first = d.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _runs(periods: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Adjacent periods joined, so each run of them is one query."""
    runs: list[list[date]] = []
    for first, last in periods:
        if runs and first == runs[-1][1] + timedelta(days=1):
            runs[-1][1] = last
        else:
            runs.append([first, last])
    return [(a, b) for a, b in runs]


def usable(db: Database, f: ViewFilter, granularity: str) -> bool:
    """Whether the stored means answer this view: the plain view of a topic unchanged since the last run."""
    return (f.topic is not None and f == ViewFilter(topic=f.topic, level=f.level) and f.level in LEVELS
            and granularity in GRANULARITIES and is_built(db) and f.topic not in shift_store.changed_topics(db))


def stored_means(db: Database, f: ViewFilter, granularity: str) -> list[dict]:
    """The stored means of a plain view, with each line's current name, in period order."""
    return list(db.query("""
        SELECT p.period, p.series_id, COALESCE(a.name, p.series_id) AS series, p.topic_id, p.mean_score, p.n,
               p.n_support, p.n_oppose, p.n_neutral, p.first_date, p.last_date
        FROM period_means p LEFT JOIN actors a ON a.id = p.series_id
        WHERE p.level = ? AND p.granularity = ? AND p.topic_id = ?
        ORDER BY p.period, p.series_id, p.topic_id
    """, [f.level, granularity, f.topic]))
