"""What an analyst is looking at, as one record, and the parameterised SQL that selects it.

The same `ViewFilter` drives the dashboard's charts and tables, the URL of a view and the CSV
exports, so a view and its export never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

STANCES = ("support", "oppose", "neutral")
QUOTE_TYPES = ("direct", "indirect", "mixed", "according_to", "reported")
LEVELS = ("person", "group")
GRANULARITIES = ("statement", "week", "month")


@dataclass(frozen=True)
class ViewFilter:
    """Filters shared by charts, tables and exports; empty fields select everything."""

    topic: str | None = None
    actors: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    level: str = "group"  # "person": one line per actor; "group": one line per group
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    stances: tuple[str, ...] = ()
    quote_types: tuple[str, ...] = ()
    source: str | None = None
    min_confidence: float = 0.0
    search: str | None = None  # full-text query over statement text

    def with_(self, **changes) -> "ViewFilter":
        """A copy with some fields changed."""
        return replace(self, **changes)


def statement_conditions(f: ViewFilter, alias: str = "e", *, hints: bool = True,
                         drive: bool = True) -> tuple[list[str], list]:
    """WHERE conditions (and their parameters) on an effective statement/tag row `alias`.

    `hints=False` leaves out the candidate-id conditions that only guide SQLite through the
    views; they are implied by the actor/group conditions, so the rows selected are the same.
    `drive=False` marks the actor and search conditions with "+" so they cannot drive the plan:
    a reader walking the newest-first index keeps its order and stops early.
    """
    mark = "" if drive else "+"
    from db.queries import fts_query

    where: list[str] = []
    params: list = []
    # Actor and group filters also name the candidate statements through indexed columns
    # (statements.actor_id/group_id, plus any statement an analyst re-attributed), so SQLite
    # reads those rows instead of scanning every corrected row of the view.
    if f.actors:
        marks = ", ".join("?" for _ in f.actors)
        if hints:
            where.append(f"{alias}.statement_id IN (SELECT id FROM statements WHERE actor_id IN ({marks})"
                         f" UNION SELECT statement_id FROM statement_overrides WHERE actor_id IN ({marks}))")
            params.extend([*f.actors, *f.actors])
        where.append(f"{mark}{alias}.actor_id IN ({marks})")
        params.extend(f.actors)
    if f.groups:
        marks = ", ".join("?" for _ in f.groups)
        if hints:
            where.append(f"{alias}.statement_id IN (SELECT id FROM statements WHERE group_id IN ({marks})"
                         " UNION SELECT statement_id FROM statement_overrides WHERE actor_id IS NOT NULL)")
            params.extend(f.groups)
        where.append(f"{alias}.group_id IN ({marks})")
        params.extend(f.groups)
    if f.since:
        where.append(f"{alias}.date >= ?")
        params.append(f.since)
    if f.until:
        where.append(f"{alias}.date <= ?")
        params.append(f.until)
    if f.quote_types:
        where.append(f"{alias}.quote_type IN ({', '.join('?' for _ in f.quote_types)})")
        params.extend(f.quote_types)
    if f.min_confidence:
        where.append(f"{alias}.confidence >= ?")
        params.append(float(f.min_confidence))
    if f.source:
        where.append(f"{alias}.doc_id IN (SELECT id FROM documents WHERE source = ?)")
        params.append(f.source)
    if f.search and f.search.strip():
        where.append(f"{mark}{alias}.statement_id IN (SELECT s2.id FROM statements_fts"
                     " JOIN statements s2 ON s2.rowid = statements_fts.rowid WHERE statements_fts MATCH ?)")
        params.append(fts_query(f.search))
    return where, params


def tag_conditions(f: ViewFilter, alias: str = "e", *, hints: bool = True) -> tuple[list[str], list]:
    """WHERE conditions on an `effective_tags` row: the statement ones plus topic and stance."""
    where, params = statement_conditions(f, alias, hints=hints)
    if f.topic:
        where.append(f"{alias}.topic_id = ?")
        params.append(f.topic)
    if f.stances:
        where.append(f"{alias}.stance IN ({', '.join('?' for _ in f.stances)})")
        params.extend(f.stances)
    return where, params


def topic_stance_conditions(f: ViewFilter, *, drive: bool = True) -> tuple[list[str], list]:
    """The topic/stance filter as conditions on a stance point row `t`.

    `drive=False` marks the topic condition with "+" so it cannot pick the index.
    """
    inner: list[str] = []
    params: list = []
    if f.topic:
        inner.append(f"{'' if drive else '+'}t.topic_id = ?")
        params.append(f.topic)
    if f.stances:
        inner.append(f"t.stance IN ({', '.join('?' for _ in f.stances)})")
        params.extend(f.stances)
    return inner, params


def topic_stance_exists(f: ViewFilter, alias: str = "e", *, as_set: bool = False) -> tuple[list[str], list]:
    """For statement rows: keep those with an effective tag matching the topic/stance filter.

    `as_set=True` writes it as `statement_id IN (...)`: the same rows, but a count then reads the
    topic's statements from the cache's topic index instead of probing it once per statement.
    A page keeps EXISTS, which lets SQLite walk statements newest first and stop early.
    """
    from db import points_cache

    # As a probe (EXISTS) the topic condition must not pick the index: a covering topic index
    # (m011) would tempt SQLite to read the whole topic once per statement.
    inner, params = topic_stance_conditions(f, drive=as_set)
    if not inner:
        return [], []
    if as_set:
        return ([f"{alias}.statement_id IN (SELECT t.statement_id FROM {points_cache.READ_SOURCE} t"
                 f" WHERE {' AND '.join(inner)})"], params)
    return ([f"EXISTS (SELECT 1 FROM {points_cache.READ_SOURCE} t WHERE t.statement_id = {alias}.statement_id"
             f" AND {' AND '.join(inner)})"], params)


def where_sql(conditions: list[str]) -> str:
    """`WHERE a AND b`, or nothing."""
    return (" WHERE " + " AND ".join(conditions)) if conditions else ""
