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


def test_statements_page_reads_the_newest_index_without_sorting(sample_db):
    db = open_db(sample_db[0])
    traced: list[str] = []
    db.conn.set_trace_callback(traced.append)
    queries_statements.statements_page(db, ViewFilter(), limit=5)
    db.conn.set_trace_callback(None)
    sql = next(s for s in reversed(traced) if s.lstrip().startswith("SELECT"))
    plan = " | ".join(r[3] for r in db.conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "idx_statements_newest" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan.split("CORRELATED")[0]
