"""The stance points cache (m008) holds exactly the rows of `effective_tags`, whatever writes the data."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from db import points_cache, positions, queries_stance, queries_statements, review, store
from db.connection import open_db
from db.points_cache import CACHE_COLUMNS, cache_differences, refresh_points
from db.queries_filter import ViewFilter
from synthetic_db import build_synthetic
from dashboard_fixtures import ACTORS, CODEBOOK_VERSION, TOPICS, sample_db  # noqa: F401 (fixture)
from etl.codebook_model import Codebook, Role
from etl.models import Document, Extraction, Statement, Tag, content_id

COLS = ", ".join(CACHE_COLUMNS)


def view_rows(db) -> list[tuple]:
    return [tuple(r.values()) for r in db.query(f"SELECT {COLS} FROM effective_tags ORDER BY tag_id")]


def cache_rows(db) -> list[tuple]:
    return [tuple(r.values()) for r in db.query(f"SELECT {COLS} FROM stance_points_cache ORDER BY tag_id")]


def assert_cache_is_view(db) -> None:
    assert cache_rows(db) == view_rows(db)
    assert cache_differences(db) == 0


def tag_of(db, statement_id: str) -> str:
    return next(db.query("SELECT id FROM tags WHERE statement_id = ? ORDER BY id", [statement_id]))["id"]


def test_cache_follows_ingest_and_every_review_write(sample_db):
    path, ids = sample_db
    db = open_db(path)
    assert len(cache_rows(db)) > 5
    assert_cache_is_view(db)

    review.correct_actor(db, ids["us_2024"], "donald_trump", "ana")  # a person: group from the dated role
    review.correct_actor(db, ids["scholz_troops"], "france", "ana")  # a group
    review.reject_statement(db, ids["us_2008"], "ana")
    review.confirm_statement(db, ids["biden_2024"], "ana")
    review.correct_tag(db, tag_of(db, ids["macron_troops"]), "ana", stance="oppose")
    review.correct_tag(db, tag_of(db, ids["trump_2025"]), "ana", topic_id="burden_sharing")
    review.correct_tag(db, tag_of(db, ids["whitehouse_2025"]), "ana", reject=True)
    review.add_tag(db, ids["macron_untagged"], "burden_sharing", "support", "ana")
    assert_cache_is_view(db)
    rows = {r["statement_id"]: r for r in db.query("SELECT * FROM stance_points_cache")}
    assert ids["us_2008"] not in rows
    assert rows[ids["us_2024"]]["actor_id"] == "donald_trump"
    assert rows[ids["scholz_troops"]]["group_id"] == "france"
    assert rows[ids["macron_untagged"]]["stance"] == "support"

    new_actor = next(db.query("SELECT id FROM actors WHERE known = 0"), None)
    if new_actor:
        review.merge_actor(db, new_actor["id"], "emmanuel_macron", "ana")
        assert_cache_is_view(db)


def test_cache_follows_a_retag_a_codebook_change_and_plain_sql(sample_db):
    path, ids = sample_db
    db = open_db(path)
    review.correct_actor(db, ids["trump_2025"], "joe_biden", "ana")  # after Biden's role ended
    doc_id = next(db.query("SELECT doc_id FROM statements WHERE id = ?", [ids["us_2024"]]))["doc_id"]
    kept = next(db.query("SELECT * FROM statements WHERE id = ?", [ids["biden_2024"]]))
    st = Statement(doc_id, kept["start"], kept["end"], kept["text"], "joe_biden", "Joe Biden", "person",
                   "united_states", "Biden", "said", "direct", date.fromisoformat(kept["date"]), None, 0.9)
    assert st.id == ids["biden_2024"]
    store.replace_extraction(db, doc_id, Extraction(
        (st,), (Tag(st.id, "nato_membership", "oppose", -0.7, 0.8, "cue", "retag", CODEBOOK_VERSION),)), None)
    assert_cache_is_view(db)

    # Biden's role moves to another group: the re-attributed statement's group follows it.
    actors = tuple(dataclasses.replace(a, roles=(Role("germany", "head_of_state", "President", None, None),))
                   if a.id == "joe_biden" else a for a in ACTORS)
    store.sync_codebook(db, Codebook(CODEBOOK_VERSION, "test", actors, (), (), TOPICS, (), (), ()))
    assert_cache_is_view(db)
    assert next(db.query("SELECT group_id FROM stance_points_cache WHERE statement_id = ?",
                         [ids["trump_2025"]]))["group_id"] == "germany"

    with db.conn:
        db.execute("UPDATE statements SET date = '2023-03-03', quote_type = 'direct' WHERE id = ?",
                   [ids["macron_troops"]])
        db.execute("DELETE FROM statement_overrides WHERE statement_id = ?", [ids["trump_2025"]])
        db.execute("UPDATE tags SET score = 0.123 WHERE statement_id = ?", [ids["scholz_troops"]])
    assert_cache_is_view(db)


def test_refresh_points_repairs_rows_and_the_check_sees_damage(sample_db):
    path, ids = sample_db
    db = open_db(path)
    with db.conn:
        db.execute("UPDATE stance_points_cache SET score = 5 WHERE statement_id = ?", [ids["scholz_troops"]])
        db.execute("DELETE FROM stance_points_cache WHERE statement_id = ?", [ids["biden_2024"]])
    assert cache_differences(db) > 0
    with db.conn:
        refresh_points(db, [ids["scholz_troops"], ids["biden_2024"]])
    assert_cache_is_view(db)


def test_migration_fills_the_cache_of_an_existing_database(sample_db):
    path, _ = sample_db
    db = open_db(path)
    with db.conn:
        for row in list(db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'points_cache_%'")):
            db.execute(f"DROP TRIGGER {row['name']}")
        db.execute("DROP TABLE stance_points_cache")
        db.execute("DROP INDEX idx_statement_overrides_actor")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_stance_points_cache'")
    db.close()
    db = open_db(path)
    assert len(cache_rows(db)) > 5
    assert_cache_is_view(db)


def _article(text: str, topics: tuple[str, ...]) -> tuple[Document, Extraction]:
    """A new document with one statement tagged on each of `topics`."""
    doc = Document(content_id(text), "new.md", "markdown", "New", text, None, "Wire", date(2025, 3, 1), "metadata")
    st = Statement(doc.id, 0, len(text), text, "olaf_scholz", "Scholz", "person", "germany", "Scholz", "said",
                   "indirect", date(2025, 3, 1), None, 0.9)
    tags = tuple(Tag(st.id, topic, "oppose", -0.5, 0.7, "cue", "new", CODEBOOK_VERSION) for topic in topics)
    return doc, Extraction((st,), tags)


def _count_cache_inserts(db) -> None:
    # A TEMP trigger lives on this connection only: it counts without changing the schema.
    db.execute("CREATE TEMP TABLE cache_inserts (n INTEGER)")
    db.execute("INSERT INTO cache_inserts VALUES (0)")
    db.execute("CREATE TEMP TRIGGER count_cache_inserts AFTER INSERT ON main.stance_points_cache"
               " BEGIN UPDATE cache_inserts SET n = n + 1; END")


def test_storing_a_document_builds_its_cache_rows_once(sample_db):
    path, _ = sample_db
    db = open_db(path)
    _count_cache_inserts(db)
    doc, extraction = _article("Scholz said Europe must spend more and send no troops to NATO after the Zeitenwende.",
                               ("burden_sharing", "troop_deployment", "nato_membership"))
    assert store.store_document(db, doc, extraction, None, extractor_version="v1")
    # Per-row triggers would insert 1 + 2 + 3 rows as the three tags went in; one rebuild inserts 3.
    assert next(db.query("SELECT n FROM cache_inserts"))["n"] == 3
    assert_cache_is_view(db)
    assert db[points_cache.DEFERRALS_TABLE].count == 0
    stored = next(db.query("SELECT extracted_run, extractor_version FROM documents WHERE id = ?", [doc.id]))
    assert stored == {"extracted_run": None, "extractor_version": "v1"}
    assert [r["id"] for r in db.query("SELECT d.id FROM documents_fts f JOIN documents d ON d.rowid = f.rowid"
                                      " WHERE documents_fts MATCH 'zeitenwende'")] == [doc.id]


def test_a_deferral_ends_with_its_transaction_and_never_outlives_it(sample_db):
    path, ids = sample_db
    db = open_db(path)
    with pytest.raises(RuntimeError):
        with points_cache.deferred_points(db):
            pass
    doc, extraction = _article("Scholz said the alliance must spend more.", ("burden_sharing",))
    with pytest.raises(ZeroDivisionError):
        with store.write_transaction(db), points_cache.deferred_points(db) as touched:
            db.execute("UPDATE tags SET stance = 'neutral' WHERE statement_id = ?", [ids["scholz_troops"]])
            touched.append(ids["scholz_troops"])
            1 / 0
    assert db[points_cache.DEFERRALS_TABLE].count == 0
    assert_cache_is_view(db)
    # Nested deferrals: the inner one ends, the outer one still holds the triggers back.
    with store.write_transaction(db), points_cache.deferred_points(db) as outer:
        store.store_document(db, doc, extraction, None)
        db.execute("UPDATE tags SET score = 0.25 WHERE statement_id = ?", [ids["scholz_troops"]])
        assert next(db.query("SELECT score FROM stance_points_cache WHERE statement_id = ?",
                             [ids["scholz_troops"]]))["score"] == -0.9
        outer.append(ids["scholz_troops"])
    assert db[points_cache.DEFERRALS_TABLE].count == 0
    assert_cache_is_view(db)
    review.correct_tag(db, tag_of(db, extraction.statements[0].id), "ana", stance="support")
    assert_cache_is_view(db)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("cache") / "synthetic.db"
    build_synthetic(path, 3000, seed=5)
    db = open_db(path)
    yield db
    db.close()


def test_synthetic_cache_equals_the_view(synthetic):
    assert synthetic["statement_overrides"].count > 0 and synthetic["tag_overrides"].count > 0
    assert_cache_is_view(synthetic)


def filters(db) -> list[ViewFilter]:
    topic = next(db.query("SELECT topic_id FROM tags GROUP BY topic_id ORDER BY COUNT(*) DESC"))["topic_id"]
    actor = next(db.query("SELECT actor_id FROM statements GROUP BY actor_id ORDER BY COUNT(*) DESC"))["actor_id"]
    group = next(db.query("SELECT group_id FROM statements WHERE group_id IS NOT NULL"
                          " GROUP BY group_id ORDER BY COUNT(*) DESC"))["group_id"]
    moved = next(db.query("SELECT actor_id FROM statement_overrides WHERE actor_id IS NOT NULL"), {}).get("actor_id")
    return [
        ViewFilter(), ViewFilter(level="person"), ViewFilter(topic=topic),
        ViewFilter(topic=topic, stances=("oppose",)), ViewFilter(actors=(actor,), level="person"),
        ViewFilter(actors=tuple(a for a in (moved, actor) if a), level="person"),
        ViewFilter(groups=(group,)), ViewFilter(since="2020-01-01", until="2022-06-30"),
        ViewFilter(quote_types=("direct",), min_confidence=0.8), ViewFilter(topic=topic, stances=("support", "neutral")),
    ]


def run_all(db, f: ViewFilter) -> dict:
    return {
        "count": queries_stance.stance_point_count(db, f),
        "points": queries_stance.stance_points(db, f, limit=200),
        "week": queries_stance.stance_aggregates(db, f, "week"),
        "month": queries_stance.stance_aggregates(db, f, "month"),
        "latest": queries_stance.latest_stances(db, f),
        "page": queries_statements.statements_page(db, f, limit=30, offset=10),
        "statement_count": queries_statements.statement_count(db, f),
    }


def run_global(db) -> dict:
    return {
        "topics": queries_stance.topic_summary(db),
        "undated": positions.undated_point_count(db),
        "firsts": positions.actor_first_statements(db),
        "latest_date": positions.latest_statement_date(db),
    }


def test_queries_read_the_cache_and_answer_as_the_view_does(synthetic, monkeypatch):
    assert points_cache.READ_SOURCE == "stance_points_cache"
    cached = [run_all(synthetic, f) for f in filters(synthetic)] + [run_global(synthetic)]
    monkeypatch.setattr(points_cache, "READ_SOURCE", "effective_tags")
    from_view = [run_all(synthetic, f) for f in filters(synthetic)] + [run_global(synthetic)]
    assert cached == from_view
    assert any(r["count"] > 0 for r in cached[:-1]) and cached[-1]["topics"]


def test_queries_answer_as_the_view_does_after_corrections(sample_db, monkeypatch):
    path, ids = sample_db
    db = open_db(path)
    review.correct_actor(db, ids["us_2024"], "donald_trump", "ana")
    review.reject_statement(db, ids["us_2008"], "ana")
    review.correct_tag(db, tag_of(db, ids["macron_troops"]), "ana", stance="oppose")
    fs = [ViewFilter(), ViewFilter(level="person"), ViewFilter(topic="nato_membership"),
          ViewFilter(actors=("donald_trump",), level="person"), ViewFilter(groups=("united_states",))]
    cached = [run_all(db, f) for f in fs] + [run_global(db)]
    monkeypatch.setattr(points_cache, "READ_SOURCE", "effective_tags")
    assert cached == [run_all(db, f) for f in fs] + [run_global(db)]
