"""Stance reads for charts and exports: points, period means, latest positions. Corrections applied."""

from __future__ import annotations

from typing import Iterator

from sqlite_utils import Database

from db import period_means, points_cache
from db.queries_filter import ViewFilter, tag_conditions, where_sql

# Excerpt length shown in hovers and tables; the detail view shows the whole text.
EXCERPT_CHARS = 220


def series_expr(level: str, alias: str = "e") -> str:
    """The column a chart line follows: the actor (person level) or their group (group level).

    A person with no known group keeps a line of their own at group level rather than vanishing.
    """
    if level == "person":
        return f"{alias}.actor_id"
    return f"COALESCE({alias}.group_id, {alias}.actor_id)"


def period_expr(granularity: str, alias: str = "e") -> str:
    """SQL for the first day of a statement's week (Monday) or month."""
    if granularity == "week":
        return f"date({alias}.date, '-6 days', 'weekday 1')"
    if granularity == "month":
        return f"strftime('%Y-%m-01', {alias}.date)"
    raise ValueError(f"unknown granularity {granularity!r} (week or month)")


def _points_sql(f: ViewFilter, *, hints: bool = True) -> tuple[str, list]:
    where, params = tag_conditions(f, hints=hints)
    where.append("e.date IS NOT NULL")
    series = series_expr(f.level)
    sql = (
        f"SELECT e.date, {series} AS series_id, COALESCE(sa.name, {series}) AS series,"
        " e.actor_id, COALESCE(a.name, e.actor_id) AS actor, e.group_id, g.name AS group_name,"
        " e.topic_id, e.stance, e.score, e.confidence, e.quote_type, e.target,"
        f" substr(e.text, 1, {EXCERPT_CHARS}) AS excerpt, d.source, d.url, d.title,"
        " e.statement_id, e.tag_id, e.cue, e.codebook_version, e.corrected"
        " FROM effective_tags e"
        " JOIN documents d ON d.id = e.doc_id"
        " LEFT JOIN actors a ON a.id = e.actor_id"
        " LEFT JOIN actors g ON g.id = e.group_id"
        f" LEFT JOIN actors sa ON sa.id = {series}"
        + where_sql(where)
    )
    return sql, params


def stance_points(db: Database, f: ViewFilter, *, limit: int = 5000) -> list[dict]:
    """One row per stance point (statement x topic) in date order; the newest `limit` if more."""
    where, params = tag_conditions(f, hints=False)
    where.append("e.date IS NOT NULL")
    # The rows are already picked by tag id: the actor hints would only gather the actor's
    # every statement again.
    sql, sql_params = _points_sql(f, hints=False)
    # The newest `limit` tag ids are picked from narrow rows first; names, excerpts and sources
    # are then looked up for those rows only, not for every point of a busy actor or topic.
    return list(db.query(f"""
        WITH pick AS (
            SELECT e.tag_id FROM {points_cache.READ_SOURCE} e JOIN documents d ON d.id = e.doc_id
            {where_sql(where)}
            ORDER BY e.date DESC, e.tag_id LIMIT ?
        )
        SELECT * FROM ({sql} AND e.tag_id IN (SELECT tag_id FROM pick)) ORDER BY date, tag_id
    """, [*params, limit, *sql_params]))


def iter_stance_points(db: Database, f: ViewFilter) -> Iterator[dict]:
    """Every stance point in date order, streamed from the cursor (for exports)."""
    sql, params = _points_sql(f)
    yield from db.query(sql + " ORDER BY e.date, e.tag_id", params)


def stance_point_count(db: Database, f: ViewFilter) -> int:
    """How many stance points the filter selects."""
    where, params = tag_conditions(f, hints=False)
    where.append("e.date IS NOT NULL")
    return next(db.query(f"SELECT COUNT(*) AS n FROM {points_cache.READ_SOURCE} e" + where_sql(where),
                         params))["n"]


def _aggregate_sql(f: ViewFilter, granularity: str) -> tuple[str, list]:
    where, params = tag_conditions(f, hints=False)
    where.append("e.date IS NOT NULL")
    series = series_expr(f.level)
    period = period_expr(granularity)
    sql = (
        f"SELECT {period} AS period, {series} AS series_id, COALESCE(sa.name, {series}) AS series,"
        " e.topic_id, ROUND(AVG(e.score), 4) AS mean_score, COUNT(*) AS n,"
        " SUM(e.stance = 'support') AS n_support, SUM(e.stance = 'oppose') AS n_oppose,"
        " SUM(e.stance = 'neutral') AS n_neutral, MIN(e.date) AS first_date, MAX(e.date) AS last_date"
        f" FROM {points_cache.READ_SOURCE} e"
        f" LEFT JOIN actors sa ON sa.id = {series}"
        + where_sql(where)
        + " GROUP BY period, series_id, e.topic_id"
    )
    return sql, params


def stance_aggregates(db: Database, f: ViewFilter, granularity: str) -> list[dict]:
    """Mean stance score per week or month, per line (actor or group) and topic, in period order.

    The plain view of a topic comes from the means the last run stored (db.period_means).
    """
    if period_means.usable(db, f, granularity):
        return period_means.stored_means(db, f, granularity)
    return live_stance_aggregates(db, f, granularity)


def live_stance_aggregates(db: Database, f: ViewFilter, granularity: str) -> list[dict]:
    """`stance_aggregates` computed from the stance points."""
    sql, params = _aggregate_sql(f, granularity)
    return list(db.query(sql + " ORDER BY period, series_id, topic_id", params))


def iter_stance_aggregates(db: Database, f: ViewFilter, granularity: str) -> Iterator[dict]:
    """Period means streamed from the cursor (for exports)."""
    sql, params = _aggregate_sql(f, granularity)
    yield from db.query(sql + " ORDER BY period, series_id, topic_id", params)


def latest_stances(db: Database, f: ViewFilter, *, max_series: int = 30) -> list[dict]:
    """Each line's latest stance per topic: mean score on its last day with a statement.

    Lines are the `max_series` actors (or groups) with the most stance points.
    """
    if f.with_(topic=None) == ViewFilter(level=f.level):
        return _latest_unfiltered(db, f.level, max_series)
    where, params = tag_conditions(f.with_(topic=None), hints=False)
    where.append("e.date IS NOT NULL")
    series = series_expr(f.level)
    sql = f"""
        WITH pts AS (
            SELECT {series} AS series_id, e.topic_id, e.date, e.score FROM {points_cache.READ_SOURCE} e
            {where_sql(where)}
        ),
        top AS (SELECT series_id FROM pts GROUP BY series_id ORDER BY COUNT(*) DESC, series_id LIMIT ?),
        last AS (
            SELECT series_id, topic_id, MAX(date) AS date FROM pts
            WHERE series_id IN (SELECT series_id FROM top) GROUP BY series_id, topic_id
        )
        SELECT l.series_id, COALESCE(a.name, l.series_id) AS series, l.topic_id,
               COALESCE(t.label, l.topic_id) AS topic, l.date,
               ROUND(AVG(p.score), 4) AS score, COUNT(*) AS n
        FROM last l
        JOIN pts p ON p.series_id = l.series_id AND p.topic_id = l.topic_id AND p.date = l.date
        LEFT JOIN actors a ON a.id = l.series_id
        LEFT JOIN topics t ON t.id = l.topic_id
        GROUP BY l.series_id, l.topic_id
        ORDER BY series, l.topic_id
    """
    return list(db.query(sql, [*params, max_series]))


def _latest_unfiltered(db: Database, level: str, max_series: int) -> list[dict]:
    """`latest_stances` of the whole archive: one pass over a covering index, then index probes.

    Per (topic, speaker, group) the count and newest date stream from the m011 index in order;
    lines (speaker, or COALESCE(group, speaker)) are folded in Python; then only the newest day
    of each shown line and topic is read. Same rows as the general SQL.
    """
    src = points_cache.READ_SOURCE
    count: dict[str, int] = {}
    newest: dict[tuple[str, str], str] = {}
    for r in db.query(f"SELECT topic_id, actor_id, group_id, COUNT(*) AS n, MAX(date) AS d FROM {src}"
                      " WHERE date IS NOT NULL GROUP BY topic_id, actor_id, group_id"):
        series = r["actor_id"] if level == "person" else (r["group_id"] or r["actor_id"])
        if series is None:
            continue
        count[series] = count.get(series, 0) + r["n"]
        key = (series, r["topic_id"])
        if key not in newest or r["d"] > newest[key]:
            newest[key] = r["d"]
    shown = set(sorted(count, key=lambda k: (-count[k], k))[:max_series])
    topics = {t["id"]: t["label"] for t in db.query("SELECT id, label FROM topics")}
    names = {a["id"]: a["name"] for a in db.query("SELECT id, name FROM actors")}
    # "+topic_id" keeps SQLite on the (actor or group, date) index for the one day wanted.
    if level == "person":
        day_rows = [f"SELECT score FROM {src} WHERE actor_id = :s AND date = :d AND +topic_id = :t"]
    else:
        day_rows = [f"SELECT score FROM {src} WHERE group_id = :s AND date = :d AND +topic_id = :t",
                    f"SELECT score FROM {src} WHERE actor_id = :s AND date = :d AND group_id IS NULL"
                    " AND +topic_id = :t"]
    rows = []
    for (series_id, topic_id), day in newest.items():
        if series_id not in shown or topic_id is None:
            continue
        args = {"s": series_id, "t": topic_id, "d": day}
        scores = [r["score"] for sql in day_rows for r in db.query(sql, args)]
        rows.append({"series_id": series_id, "series": names.get(series_id) or series_id, "topic_id": topic_id,
                     "topic": topics.get(topic_id) or topic_id, "date": day,
                     "score": round(sum(scores) / len(scores), 4), "n": len(scores)})
    rows.sort(key=lambda r: (r["series"], r["topic_id"]))
    return rows


def topic_summary(db: Database) -> list[dict]:
    """Per topic: label, proposition, stance points, statements, actors, first and last date."""
    return list(db.query(f"""
        SELECT t.id AS topic_id, t.label, t.proposition,
               COUNT(e.tag_id) AS points, COUNT(DISTINCT e.statement_id) AS statements,
               COUNT(DISTINCT e.actor_id) AS actors, MIN(e.date) AS first_date, MAX(e.date) AS last_date
        FROM topics t LEFT JOIN {points_cache.READ_SOURCE} e ON e.topic_id = t.id
        GROUP BY t.id ORDER BY t.id
    """))
