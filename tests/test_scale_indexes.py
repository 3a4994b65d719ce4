"""Migration m006: its indexes reach existing databases, and the statements list reads them in order."""

from __future__ import annotations

from db import queries_statements
from db.connection import open_db
from db.queries_filter import ViewFilter
from dashboard_fixtures import sample_db  # noqa: F401 (fixture)

M006_INDEXES = {"idx_statements_newest", "idx_statements_actor_group"}


def index_names(db) -> set[str]:
    return {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_m006_applies_to_a_database_migrated_before_it(tmp_path):
    path = tmp_path / "old.db"
    db = open_db(path)
    for name in M006_INDEXES:
        db.execute(f"DROP INDEX {name}")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_scale_read_indexes'")
    db.conn.commit()
    db.close()
    assert not M006_INDEXES & index_names(open_db(path, migrate=False))
    assert M006_INDEXES <= index_names(open_db(path))


def test_statements_page_picks_its_rows_from_the_newest_index_without_sorting(sample_db):
    db = open_db(sample_db[0])
    traced: list[str] = []
    db.conn.set_trace_callback(traced.append)
    queries_statements.statements_page(db, ViewFilter(), limit=5)
    db.conn.set_trace_callback(None)
    sql = next(s for s in reversed(traced) if s.lstrip().startswith("WITH"))
    plan = db.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    page = next(r[0] for r in plan if r[3] == "MATERIALIZE page")
    picking = [r[3] for r in plan if r[1] == page]
    assert "SCAN s USING INDEX idx_statements_newest" in picking
    assert "USE TEMP B-TREE FOR ORDER BY" not in picking


def test_statements_page_rows_and_order_survive_the_two_step_query(sample_db):
    db = open_db(sample_db[0])
    everything = queries_statements.statements_page(db, ViewFilter(), limit=1000)
    keys = [(r["date"] is None, r["date"] or "", r["statement_id"]) for r in everything]
    assert keys == sorted(keys, key=lambda k: (k[0], _desc(k[1]), k[2]))
    pages = [r for offset in range(0, len(everything), 3)
             for r in queries_statements.statements_page(db, ViewFilter(), limit=3, offset=offset)]
    assert pages == everything
    assert len(everything) == queries_statements.statement_count(db, ViewFilter())


def _desc(text: str) -> tuple:
    return tuple(-ord(c) for c in text)
