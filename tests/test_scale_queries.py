"""Queries rewritten for a large database give the rows of their plain definitions, on a synthetic archive."""

from __future__ import annotations

import pytest

from db import queries_stance, queries_statements
from db.connection import open_db
from db.queries_filter import ViewFilter
from synthetic_db import build_synthetic



@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("queue") / "synthetic.db"
    build_synthetic(path, 3000, seed=3)
    db = open_db(path)
    yield db
    db.close()


def full_sort(db, threshold: float) -> list[str]:
    """The queue by its definition, computed in Python from the raw tables."""
    reviewed = {r["statement_id"] for r in db.query("SELECT statement_id FROM statement_overrides")}
    reviewed |= {r["statement_id"] for r in db.query("SELECT statement_id FROM tag_overrides")}
    tag_min: dict[str, float] = {}
    for r in db.query("SELECT statement_id, confidence FROM tags"):
        tag_min[r["statement_id"]] = min(r["confidence"], tag_min.get(r["statement_id"], 2.0))
    queue = []
    for s in db.query("SELECT id, needs_review, confidence FROM statements"):
        if s["id"] in reviewed:
            continue
        low = min(s["confidence"], tag_min.get(s["id"], 1.0))
        if s["needs_review"] == 1 or low < threshold:
            queue.append((-s["needs_review"], low, s["id"]))
    return [key[2] for key in sorted(queue)]


@pytest.mark.parametrize("threshold", [0.0, 0.45, 0.6, 0.9])
def test_queue_pages_match_the_full_sort(synthetic, threshold):
    expected = full_sort(synthetic, threshold)
    assert queries_statements.review_queue_count(synthetic, threshold=threshold) == len(expected)
    # capped: exact up to the cap, cap + 1 beyond it
    for cap in (0, 5, len(expected) - 1, len(expected), len(expected) + 10):
        got = queries_statements.review_queue_count(synthetic, threshold=threshold, cap=max(0, cap))
        assert got == min(len(expected), max(0, cap) + 1)
    for limit, offset in [(10, 0), (10, 40), (20, 130), (50, len(expected) - 20)]:
        page = queries_statements.review_queue(synthetic, threshold=threshold, limit=limit, offset=max(0, offset))
        assert [r["statement_id"] for r in page] == expected[max(0, offset):max(0, offset) + limit]


def test_synthetic_queue_has_flagged_reviewed_and_tied_statements(synthetic):
    confidences = [r["confidence"] for r in synthetic.query("SELECT confidence FROM statements WHERE confidence < 0.6")]
    assert len(confidences) > len(set(confidences))  # ties at a page's cut are exercised
    assert next(synthetic.query("SELECT COUNT(*) AS n FROM statements WHERE needs_review = 1"))["n"] > 20
    assert next(synthetic.query("SELECT COUNT(*) AS n FROM statement_overrides"))["n"] > 0


def busiest(db, column: str) -> str:
    return next(db.query(f"SELECT {column} AS v FROM statements WHERE {column} IS NOT NULL"
                         f" GROUP BY {column} ORDER BY COUNT(*) DESC LIMIT 1"))["v"]


@pytest.mark.parametrize("limit", [1, 37, 400, 100000])
def test_newest_points_are_the_newest_of_all_points(synthetic, limit):
    filters = [ViewFilter(topic="burden_sharing"), ViewFilter(actors=(busiest(synthetic, "actor_id"),), level="person"),
               ViewFilter(groups=(busiest(synthetic, "group_id"),)), ViewFilter(search="ceasefire", stances=("oppose",))]
    for f in filters:
        every = list(queries_stance.iter_stance_points(synthetic, f))
        newest = sorted(sorted(every, key=lambda p: p["tag_id"]), key=lambda p: p["date"], reverse=True)[:limit]
        expected = sorted(newest, key=lambda p: (p["date"], p["tag_id"]))
        assert queries_stance.stance_points(synthetic, f, limit=limit) == expected
        assert every  # the filter selects something, so the comparison says something


@pytest.mark.parametrize("level", ["person", "group"])
@pytest.mark.parametrize("max_series", [5, 30, 1000])
def test_latest_stances_of_the_whole_archive_match_the_general_query(synthetic, level, max_series):
    fast = queries_stance.latest_stances(synthetic, ViewFilter(level=level), max_series=max_series)
    # a date bound that excludes nothing sends the same question down the general SQL
    general = queries_stance.latest_stances(synthetic, ViewFilter(level=level, since="0001-01-01"),
                                            max_series=max_series)
    assert fast == general
    assert len({r["series_id"] for r in fast}) == min(max_series, len({r["series_id"] for r in general}))
    assert fast
    # the archive holds what the folding must get right: points stored without a group
    assert next(synthetic.query("SELECT COUNT(*) AS n FROM stance_points_cache WHERE group_id IS NULL"))["n"] > 0


@pytest.mark.parametrize("f", [ViewFilter(), ViewFilter(topic="nato_membership"),
                               ViewFilter(topic="nato_membership", stances=("oppose",)),
                               ViewFilter(min_confidence=0.9), ViewFilter(since="2024-01-01")])
def test_capped_statement_count_is_exact_up_to_the_cap(synthetic, f):
    exact = queries_statements.statement_count(synthetic, f)
    assert exact > 20
    for cap in (0, 20, exact - 1, exact, exact + 5):
        assert queries_statements.statement_count(synthetic, f, cap=cap) == min(exact, cap + 1)


def test_pages_read_newest_first_or_by_index_give_the_same_rows(synthetic, monkeypatch):
    busiest = next(synthetic.query("SELECT actor_id FROM statements GROUP BY actor_id ORDER BY COUNT(*) DESC"))
    source = next(synthetic.query("SELECT source FROM documents GROUP BY source ORDER BY COUNT(*) DESC"))["source"]
    filters = [ViewFilter(actors=(busiest["actor_id"],)), ViewFilter(source=source),
               ViewFilter(actors=(busiest["actor_id"],), source=source, topic="nato_membership"),
               ViewFilter(source=source, stances=("oppose",), since="2020-01-01"),
               ViewFilter(search="ceasefire"), ViewFilter(search="ceasefire", actors=(busiest["actor_id"],))]
    for f in filters:
        pages = {}
        for mode, rows in (("index", 0), ("walk", 10 ** 12)):
            monkeypatch.setattr(queries_statements, "_WALK_MAX_ROWS", rows)
            pages[mode] = [[r["statement_id"] for r in queries_statements.statements_page(synthetic, f, limit=20,
                                                                                            offset=off)]
                           for off in (0, 20, 200)]
        assert pages["index"] == pages["walk"] and pages["index"][0], f
        counts = {}
        for mode, rows in (("index", 0), ("walk", 10 ** 12)):
            monkeypatch.setattr(queries_statements, "_WALK_MAX_ROWS", rows)
            counts[mode] = [queries_statements.statement_count(synthetic, f, cap=cap) for cap in (5, 50, 10 ** 6)]
        assert counts["index"] == counts["walk"] == [min(c, queries_statements.statement_count(synthetic, f))
                                                      for c in (6, 51, 10 ** 6 + 1)], f
