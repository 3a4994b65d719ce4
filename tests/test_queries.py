"""Read queries on a small real database: lines, means, search, paging, the review queue, corrections."""

from __future__ import annotations

import inspect

import pytest

from db import queries, queries_stance, queries_statements, review, store
from db.connection import open_db
from db.queries_filter import ViewFilter
from etl.models import Extraction, Statement, Tag
from dashboard_fixtures import CODEBOOK_VERSION, empty_db, sample_db  # noqa: F401 (fixtures)


@pytest.fixture
def db(sample_db):
    path, _ = sample_db
    database = open_db(path)
    yield database
    database.close()


@pytest.fixture
def ids(sample_db):
    return sample_db[1]


def lines(points: list[dict]) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list] = {}
    for p in points:
        out.setdefault(p["series"], []).append((p["date"], p["score"]))
    return out


def test_group_line_holds_the_group_and_its_people(db):
    points = queries_stance.stance_points(db, ViewFilter(topic="nato_membership", level="group"))
    got = lines(points)
    assert sorted(got) == ["Russia", "United States"]
    assert got["United States"] == [("2008-04-03", 0.8), ("2024-07-10", 0.9), ("2024-07-10", 0.8),
                                     ("2025-02-12", -0.8), ("2025-02-12", -0.8)]


def test_person_level_gives_each_speaker_a_line(db):
    points = queries_stance.stance_points(db, ViewFilter(topic="nato_membership", level="person",
                                                         groups=("united_states",)))
    assert sorted(lines(points)) == ["Donald Trump", "Joe Biden", "United States"]


def test_points_carry_hover_evidence(db):
    point = queries_stance.stance_points(db, ViewFilter(topic="troop_deployment", actors=("olaf_scholz",)))[0]
    assert point["actor"] == "Olaf Scholz" and point["source"] == "DW"
    assert point["excerpt"].startswith("Scholz said there would be no ground troops")
    assert point["url"] == "https://example.org/berlin"


def test_point_limit_keeps_the_newest(db):
    f = ViewFilter(topic="nato_membership")
    newest = queries_stance.stance_points(db, f, limit=2)
    assert [p["date"] for p in newest] == ["2025-02-12", "2025-02-12"]
    assert queries_stance.stance_point_count(db, f) == 6


def test_monthly_and_weekly_means_are_computed_in_sql(db):
    f = ViewFilter(topic="nato_membership", groups=("united_states",))
    monthly = queries_stance.stance_aggregates(db, f, "month")
    assert [(r["period"], r["mean_score"], r["n"]) for r in monthly] == [
        ("2008-04-01", 0.8, 1), ("2024-07-01", 0.85, 2), ("2025-02-01", -0.8, 2)]
    weekly = queries_stance.stance_aggregates(db, f, "week")
    assert [r["period"] for r in weekly] == ["2008-03-31", "2024-07-08", "2025-02-10"]  # Mondays
    with pytest.raises(ValueError):
        queries_stance.stance_aggregates(db, f, "fortnight")


def test_latest_stance_per_line_and_topic(db):
    latest = {(r["series"], r["topic_id"]): (r["date"], r["score"])
              for r in queries_stance.latest_stances(db, ViewFilter(level="group"))}
    assert latest[("United States", "nato_membership")] == ("2025-02-12", -0.8)
    assert latest[("Germany", "troop_deployment")] == ("2024-02-27", -0.9)


def test_date_range_and_stance_filters(db):
    f = ViewFilter(topic="nato_membership", since="2024-01-01", until="2024-12-31", stances=("support",))
    assert {p["actor"] for p in queries_stance.stance_points(db, f)} == {"Joe Biden", "United States"}


def test_full_text_search_finds_a_statement(db, ids):
    rows = queries_statements.statements_page(db, ViewFilter(search="ground troop"))
    assert [r["statement_id"] for r in rows] == [ids["scholz_troops"]]


@pytest.mark.parametrize("typed", ['"', "NOT", "AND OR (", "troops*", "col:umn", "   "])
def test_search_input_is_never_fts_syntax(db, typed):
    queries_statements.statements_page(db, ViewFilter(search=typed))  # no sqlite error


def test_statement_filters_combine(db, ids):
    f = ViewFilter(topic="burden_sharing", quote_types=("indirect",), min_confidence=0.5)
    assert [r["statement_id"] for r in queries_statements.statements_page(db, f)] == [ids["formula_2025"]]
    assert queries_statements.statement_count(db, ViewFilter(source="Le Monde")) == 2
    untagged = [r for r in queries_statements.statements_page(db, ViewFilter()) if not r["stances"]]
    assert [r["statement_id"] for r in untagged] == [ids["macron_untagged"]]


def test_pages_do_not_overlap(db):
    first = queries_statements.statements_page(db, ViewFilter(), limit=5, offset=0)
    second = queries_statements.statements_page(db, ViewFilter(), limit=5, offset=5)
    third = queries_statements.statements_page(db, ViewFilter(), limit=5, offset=10)
    seen = [r["statement_id"] for r in first + second + third]
    assert len(first) == 5 and len(seen) == len(set(seen)) == queries_statements.statement_count(db, ViewFilter())


def test_exports_stream_from_the_cursor(db):
    rows = queries_statements.iter_statement_rows(db, ViewFilter())
    assert inspect.isgenerator(rows)
    assert inspect.isgenerator(queries_stance.iter_stance_points(db, ViewFilter()))


def test_statement_detail_has_evidence(db, ids):
    detail = queries_statements.statement_detail(db, ids["scholz_troops"])
    assert detail["doc_text"][detail["start"]:detail["end"]] == detail["text"]
    assert detail["tags"][0]["codebook_version"] == CODEBOOK_VERSION
    assert queries_statements.statement_detail(db, "nope") is None


def test_review_queue_holds_flagged_and_uncertain_statements(db, ids):
    queue = queries_statements.review_queue(db)
    assert [r["statement_id"] for r in queue] == [ids["michal_2025"], ids["script_2025"]]
    review.confirm_statement(db, ids["script_2025"], "ana", "checked against the post")
    assert [r["statement_id"] for r in queries_statements.review_queue(db)] == [ids["michal_2025"]]
    assert queries_statements.review_queue_count(db, threshold=0.0) == 1  # needs_review alone


def test_new_actors_leave_the_queue_when_confirmed(db):
    assert [a["id"] for a in queries_statements.new_actors(db)] == ["kristen_michal"]
    review.confirm_actor(db, "kristen_michal", "ana")
    assert queries_statements.new_actors(db) == []
    assert queries_statements.review_log(db)[0]["action"] == "confirm"


def test_merging_an_actor_moves_its_statements(db, ids):
    db["actors"].insert({"id": "estonia", "name": "Estonia", "kind": "group", "known": 1})
    assert review.merge_actor(db, "kristen_michal", "estonia", "ana", "the PM speaks for Estonia") == 1
    rows = queries_statements.statements_page(db, ViewFilter(groups=("estonia",)))
    assert [r["statement_id"] for r in rows] == [ids["michal_2025"]]
    with pytest.raises(ValueError):
        review.merge_actor(db, "estonia", "estonia", "ana")


def test_corrections_show_in_lines_and_survive_retag(db, ids):
    trump = ids["trump_2025"]
    tag_id = next(db.query("SELECT id FROM tags WHERE statement_id = ?", [trump]))["id"]
    review.correct_tag(db, tag_id, "ana", stance="support", note="he meant the opposite")
    review.reject_statement(db, ids["moscow_2025"], "ana", "not Moscow's words")
    review.correct_actor(db, ids["biden_2024"], "donald_trump", "ana")

    def check():
        points = queries_stance.stance_points(db, ViewFilter(topic="nato_membership", level="person"))
        by_statement = {p["statement_id"]: p for p in points}
        assert by_statement[trump]["stance"] == "support" and by_statement[trump]["score"] == 1.0
        assert by_statement[trump]["corrected"] == 1
        assert ids["moscow_2025"] not in by_statement
        assert by_statement[ids["biden_2024"]]["actor"] == "Donald Trump"
        assert queries_statements.statement_count(db, ViewFilter(search="Moscow demands")) == 0

    check()
    # Re-run the engine's extraction of the same document: the ETL rewrites statements and tags,
    # never the override tables, so every correction still shows.
    doc_id = next(db.query("SELECT doc_id FROM statements WHERE id = ?", [trump]))["doc_id"]
    statements, tags = [], []
    for row in db.query("SELECT * FROM statements WHERE doc_id = ?", [doc_id]):
        statements.append(Statement(doc_id, row["start"], row["end"], row["text"], row["actor_id"], row["actor_id"],
                                    "person", row["group_id"], row["mention"], row["cue"], row["quote_type"],
                                    None, None, row["confidence"], row["rule"]))
    for row in db.query("SELECT * FROM tags WHERE statement_id IN (SELECT id FROM statements WHERE doc_id = ?)",
                        [doc_id]):
        tags.append(Tag(row["statement_id"], row["topic_id"], row["stance"], row["score"], row["confidence"],
                        row["cue"], row["rule"], row["codebook_version"]))
    store.replace_extraction(db, doc_id, Extraction(tuple(statements), tuple(tags)), None)
    db.execute("UPDATE statements SET date = '2025-02-12' WHERE doc_id = ?", [doc_id])
    check()
    log = queries_statements.review_log(db)
    assert {(r["action"], r["field"], r["analyst"]) for r in log} >= {
        ("correct", "stance", "ana"), ("reject", "statement", "ana"), ("correct", "actor", "ana")}


def test_lookups_and_freshness(db):
    assert [t["id"] for t in queries.topic_list(db)] == ["burden_sharing", "nato_membership", "troop_deployment"]
    assert {g["id"] for g in queries.group_list(db)} == {"france", "germany", "russia", "united_states"}
    fresh = queries.freshness(db)
    assert fresh["last_run"]["status"] == "ok" and fresh["new_statements"] == 12
    roles = queries.actor_roles(db, "united_states")
    assert {r["person"] for r in roles} == {"Joe Biden", "Donald Trump"}
    before = queries.data_stamp(db)
    review.confirm_statement(db, next(iter(db.query("SELECT id FROM statements")))["id"], "ana")
    assert queries.data_stamp(db) != before


def test_empty_database_reads_cleanly(empty_db):
    database = open_db(empty_db)
    assert queries_stance.stance_points(database, ViewFilter()) == []
    assert queries_statements.statements_page(database, ViewFilter()) == []
    assert queries.freshness(database)["last_run"] is None
    assert queries_stance.latest_stances(database, ViewFilter()) == []
