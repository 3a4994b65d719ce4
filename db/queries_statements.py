"""Statement reads: filtered pages, one statement's evidence, exports, the review queue and its audit log."""

from __future__ import annotations

import json
from typing import Iterator

from sqlite_utils import Database

from db.queries_filter import (ViewFilter, statement_conditions, tag_conditions,
                               topic_stance_exists, where_sql)
from db.queries_stance import EXCERPT_CHARS

# Below this confidence a statement (or one of its tags) goes to the review queue.
REVIEW_THRESHOLD = 0.6


def _statement_where(f: ViewFilter, *, as_set: bool = False) -> tuple[str, list]:
    where, params = statement_conditions(f)
    extra, extra_params = topic_stance_exists(f, as_set=as_set)
    return where_sql(where + extra), params + extra_params


# A page walks the newest-first index and stops at its last row when the filter keeps at least
# one row in this many read; otherwise the filter's own index picks the rows, which are sorted.
_WALK_MAX_ROWS = 200_000


def _walk_newest(db: Database, f: ViewFilter, wanted: int) -> bool:
    """Whether reading statements newest first finds `wanted` rows of a busy actor or source quickly."""
    total = next(db.query("SELECT MAX(rowid) AS n FROM statements"))["n"] or 0
    shares = []
    if f.actors:
        marks = ", ".join("?" for _ in f.actors)
        n = next(db.query(f"SELECT COUNT(*) AS n FROM statements WHERE actor_id IN ({marks})", list(f.actors)))["n"]
        shares.append(n / max(total, 1))
    if f.source:
        docs = next(db.query("SELECT MAX(rowid) AS n FROM documents"))["n"] or 0
        n = next(db.query("SELECT COUNT(*) AS n FROM documents WHERE source = ?", [f.source]))["n"]
        shares.append(n / max(docs, 1))
    if f.search and f.search.strip():
        from db.queries import fts_query

        n = next(db.query("SELECT COUNT(*) AS n FROM statements_fts WHERE statements_fts MATCH ?",
                          [fts_query(f.search)]))["n"]
        shares.append(n / max(total, 1))
    return bool(shares) and min(shares) > 0 and wanted / min(shares) <= _WALK_MAX_ROWS


def _page_where(db: Database, f: ViewFilter, wanted: int) -> tuple[str, list]:
    """The WHERE for reading `wanted` rows: driven by the filter's indexes, or (a busy actor, source
    or search) by the date order."""
    if not (f.actors or f.source or f.search) or not _walk_newest(db, f, wanted):
        return _statement_where(f)
    # Conditions that cannot drive the plan, so SQLite reads the newest-first index in order.
    where, params = statement_conditions(f.with_(source=None), hints=False, drive=False)
    if f.source:
        where.append("+d.source = ?")
        params.append(f.source)
    extra, extra_params = topic_stance_exists(f)
    return where_sql(where + extra), params + extra_params


def statements_page(db: Database, f: ViewFilter, *, limit: int = 50, offset: int = 0) -> list[dict]:
    """One page of statements (newest first) with actor, group, topics and source; never the whole table."""
    where, params = _page_where(db, f, int(limit) + int(offset))
    # The page's ids are picked first from narrow rows, so the excerpt, names and stances are
    # built for the rows shown only, not for every row a filter selects before sorting.
    sql = f"""
        WITH page AS (
            SELECT e.statement_id, e.date FROM effective_statements e
            JOIN documents d ON d.id = e.doc_id
            {where}
            ORDER BY e.date IS NULL, e.date DESC, e.statement_id
            LIMIT ? OFFSET ?
        )
        SELECT e.statement_id, e.date, e.actor_id, COALESCE(a.name, e.actor_id) AS actor,
               e.group_id, g.name AS group_name, e.quote_type, e.cue, ROUND(e.confidence, 3) AS confidence,
               substr(e.text, 1, {EXCERPT_CHARS}) AS excerpt,
               (SELECT group_concat(t.topic_id || ':' || t.stance, ', ') FROM effective_tags t
                 WHERE t.statement_id = e.statement_id) AS stances,
               d.source, d.title, d.url, e.doc_id, e.needs_review, e.confirmed, e.actor_corrected
        FROM page p
        JOIN effective_statements e ON e.statement_id = p.statement_id
        JOIN documents d ON d.id = e.doc_id
        LEFT JOIN actors a ON a.id = e.actor_id
        LEFT JOIN actors g ON g.id = e.group_id
        ORDER BY p.date IS NULL, p.date DESC, p.statement_id
    """
    return list(db.query(sql, [*params, int(limit), int(offset)]))


def statement_count(db: Database, f: ViewFilter, *, cap: int | None = None) -> int:
    """How many statements the filter selects; with `cap`, counting stops past it and returns cap + 1."""
    if cap is None:
        where, params = _statement_where(f, as_set=True)
        return next(db.query(f"SELECT COUNT(*) AS n FROM effective_statements e {where}", params))["n"]
    # Probed per statement (EXISTS), so the count can stop at cap + 1 instead of first gathering
    # every statement of a topic or a busy actor.
    where, params = _page_where(db, f, int(cap) + 1)
    return next(db.query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM effective_statements e"
                         f" JOIN documents d ON d.id = e.doc_id {where} LIMIT ?)", [*params, int(cap) + 1]))["n"]


def iter_statement_rows(db: Database, f: ViewFilter) -> Iterator[dict]:
    """Statements x their effective tags (untagged statements once, unless a topic/stance is set), streamed."""
    where, params = statement_conditions(f)
    t_where, t_params = tag_conditions(f.with_(actors=(), groups=(), since=None, until=None, quote_types=(),
                                               min_confidence=0.0, source=None, search=None), "t")
    join = "JOIN" if (f.topic or f.stances) else "LEFT JOIN"
    on = " AND ".join(["t.statement_id = e.statement_id"] + t_where)
    sql = f"""
        SELECT e.statement_id, e.date, e.actor_id, COALESCE(a.name, e.actor_id) AS actor,
               e.group_id, g.name AS group_name, e.quote_type, e.cue AS speech_cue,
               ROUND(e.confidence, 4) AS statement_confidence,
               t.topic_id, t.stance, t.score, ROUND(t.confidence, 4) AS stance_confidence,
               t.cue AS stance_cue, t.target, t.codebook_version,
               (e.actor_corrected OR COALESCE(t.corrected, 0)) AS corrected,
               e.text, d.source, d.title, d.url, d.published, e.doc_id
        FROM effective_statements e
        JOIN documents d ON d.id = e.doc_id
        {join} effective_tags t ON {on}
        LEFT JOIN actors a ON a.id = e.actor_id
        LEFT JOIN actors g ON g.id = e.group_id
        {where_sql(where)}
        ORDER BY e.date IS NULL, e.date, e.statement_id, t.topic_id
    """
    yield from db.query(sql, [*t_params, *params])


def statement_detail(db: Database, statement_id: str) -> dict | None:
    """One statement with its document, engine and effective tags, and its review history."""
    rows = list(db.query("""
        SELECT s.*, COALESCE(a.name, s.actor_id) AS actor, so.actor_id AS corrected_actor_id,
               ca.name AS corrected_actor, COALESCE(so.rejected, 0) AS rejected,
               COALESCE(so.confirmed, 0) AS confirmed, g.name AS group_name,
               d.title, d.url, d.source, d.published, d.text AS doc_text, d.origin
        FROM statements s
        JOIN documents d ON d.id = s.doc_id
        LEFT JOIN statement_overrides so ON so.statement_id = s.id
        LEFT JOIN actors a ON a.id = s.actor_id
        LEFT JOIN actors ca ON ca.id = so.actor_id
        LEFT JOIN actors g ON g.id = s.group_id
        WHERE s.id = ?
    """, [statement_id]))
    if not rows:
        return None
    detail = rows[0]
    detail["tags"] = list(db.query("""
        SELECT t.id AS tag_id, t.topic_id, t.stance, t.score, t.confidence, t.target, t.cue, t.topic_cue,
               t.rule, t.negated, t.modality, t.codebook_version, t.origin,
               tov.topic_id AS corrected_topic, tov.stance AS corrected_stance,
               COALESCE(tov.rejected, 0) AS rejected, tov.analyst, tov.updated_at
        FROM tags t LEFT JOIN tag_overrides tov ON tov.tag_id = t.id
        WHERE t.statement_id = ? ORDER BY t.topic_id, t.id
    """, [statement_id]))
    detail["history"] = list(db.query(
        "SELECT action, field, old_value, new_value, analyst, note, created_at FROM overrides"
        " WHERE statement_id = ? ORDER BY id", [statement_id]))
    return detail


def _queue_where(threshold: float) -> tuple[str, list]:
    return ("""
        WHERE NOT EXISTS (SELECT 1 FROM statement_overrides so WHERE so.statement_id = s.id)
          AND NOT EXISTS (SELECT 1 FROM tag_overrides tov WHERE tov.statement_id = s.id)
          AND (s.needs_review = 1 OR s.confidence < ?
               OR EXISTS (SELECT 1 FROM tags t WHERE t.statement_id = s.id AND t.confidence < ?))
    """, [threshold, threshold])


def review_queue(db: Database, *, threshold: float = REVIEW_THRESHOLD, limit: int = 20,
                 offset: int = 0) -> list[dict]:
    """Unreviewed statements flagged by the engine or below the confidence threshold, least sure first."""
    body, params = _queue_where(threshold)
    candidates = _queue_candidates(db, threshold, int(limit) + int(offset))
    return list(db.query(f"""
        SELECT s.id AS statement_id, s.date, s.actor_id, COALESCE(a.name, s.actor_id) AS actor,
               s.quote_type, s.confidence, s.needs_review, substr(s.text, 1, {EXCERPT_CHARS}) AS excerpt,
               (SELECT MIN(t.confidence) FROM tags t WHERE t.statement_id = s.id) AS min_tag_confidence,
               (SELECT group_concat(t.topic_id || ':' || t.stance, ', ') FROM tags t
                 WHERE t.statement_id = s.id) AS stances
        FROM statements s LEFT JOIN actors a ON a.id = s.actor_id
        {body} AND s.id IN (SELECT value FROM json_each(?))
        ORDER BY s.needs_review DESC, MIN(s.confidence, COALESCE(
            (SELECT MIN(t.confidence) FROM tags t WHERE t.statement_id = s.id), 1.0)), s.id
        LIMIT ? OFFSET ?
    """, [*params, json.dumps(sorted(candidates)), int(limit), int(offset)]))


_UNREVIEWED = ("NOT EXISTS (SELECT 1 FROM statement_overrides so WHERE so.statement_id = s.id)"
               " AND NOT EXISTS (SELECT 1 FROM tag_overrides tov WHERE tov.statement_id = s.id)")


def _queue_candidates(db: Database, threshold: float, n: int) -> set[str]:
    """Ids that surely hold the queue's first `n` statements, found through confidence indexes.

    The queue sorts flagged statements first, then by the lower of a statement's confidence and
    its tags'. Every flagged statement is a candidate. Among the others, one in the first n has
    fewer than n unreviewed statements before it, so it is among the first n statements in order
    of their own confidence or the first n met walking tags in order of confidence (ties at the
    cut included). Walking stops there, so a page costs about n rows, not the whole queue.
    """
    ids = {r["id"] for r in db.query(f"SELECT s.id FROM statements s WHERE s.needs_review = 1 AND {_UNREVIEWED}")}
    ids |= _first_by_confidence(db.query(
        f"SELECT s.id, s.confidence FROM statements s WHERE s.needs_review = 0 AND s.confidence < ?"
        f" AND {_UNREVIEWED} ORDER BY s.confidence", [threshold]), n)
    ids |= _first_by_confidence(db.query(
        # "+s.needs_review": walk the tag confidence index in order (and stop early), never drive
        # from the common unflagged statements.
        f"SELECT t.statement_id AS id, t.confidence FROM tags t JOIN statements s ON s.id = t.statement_id"
        f" WHERE t.confidence < ? AND +s.needs_review = 0 AND {_UNREVIEWED} ORDER BY t.confidence", [threshold]), n)
    return ids


def _first_by_confidence(rows, n: int) -> set[str]:
    """Ids from rows in confidence order until n distinct ones are seen, plus any tied with the last."""
    ids: set[str] = set()
    cut = None
    for row in rows:
        if cut is not None and row["confidence"] > cut:
            break
        ids.add(row["id"])
        if cut is None and len(ids) >= n:
            cut = row["confidence"]
    return ids


def review_queue_count(db: Database, *, threshold: float = REVIEW_THRESHOLD, cap: int | None = None) -> int:
    """How many statements wait for review; with `cap`, counting stops past it and returns cap + 1.

    The capped count reads the three ways into the queue (flagged, unsure statement, unsure tag)
    from their indexes and stops early, so a queue of 300,000 is not counted row by row just to
    print "more than 10,000".
    """
    if cap is None:
        body, params = _queue_where(threshold)
        return next(db.query(f"SELECT COUNT(*) AS n FROM statements s {body}", params))["n"]
    seen: set[str] = set()
    for sql, params in (
        (f"SELECT s.id FROM statements s WHERE s.needs_review = 1 AND {_UNREVIEWED}", []),
        (f"SELECT s.id FROM statements s WHERE s.confidence < ? AND {_UNREVIEWED}", [threshold]),
        ("SELECT s.id FROM tags t JOIN statements s ON s.id = t.statement_id"
         f" WHERE t.confidence < ? AND {_UNREVIEWED}", [threshold]),
    ):
        for row in db.query(sql, params):
            seen.add(row["id"])
            if len(seen) > cap:
                return cap + 1
    return len(seen)


def new_actors(db: Database, *, limit: int = 100) -> list[dict]:
    """Actors seen in text but not in the codebook, not yet reviewed, most quoted first."""
    return list(db.query("""
        SELECT a.id, a.name, a.kind, a.title, a.group_id, g.name AS group_name, a.first_seen_run,
               (SELECT COUNT(*) FROM statements s WHERE s.actor_id = a.id) AS statements
        FROM actors a LEFT JOIN actors g ON g.id = a.group_id
        WHERE a.known = 0 AND NOT EXISTS (SELECT 1 FROM actor_reviews r WHERE r.actor_id = a.id)
        ORDER BY statements DESC, a.name LIMIT ?
    """, [limit]))


def review_log(db: Database, *, limit: int = 100, offset: int = 0) -> list[dict]:
    """The audit list: every confirmation, correction and rejection, with who and when, newest first."""
    return list(db.query("""
        SELECT created_at, analyst, action, field, old_value, new_value, note, statement_id, tag_id FROM (
            SELECT o.id, o.created_at, o.analyst, o.action, o.field, o.old_value, o.new_value, o.note,
                   o.statement_id, o.tag_id FROM overrides o
            UNION ALL
            SELECT r.id, r.created_at, r.analyst, r.action, 'actor' AS field, r.actor_id, r.merged_into,
                   r.note, NULL, NULL FROM actor_reviews r
        ) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?
    """, [limit, offset]))
