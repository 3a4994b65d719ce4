"""Stored weekly and monthly means answer the timeline's plain view exactly as the live query does."""

from __future__ import annotations

import pytest

from db import period_means, queries_stance
from db.queries_filter import ViewFilter
from db.review import correct_tag
from etl.upkeep import update_stored_results
from positions_fixture import LineDB


@pytest.fixture
def world(tmp_path):
    f = LineDB(tmp_path / "m.db")
    f.actor("usa", "United States", "group").actor("hegseth", "Pete Hegseth", "person")
    f.actor("fra", "France", "group").actor("macron", "Emmanuel Macron", "person")
    f.role("hegseth", "usa", "2025-01-25", office="defense_minister").role("macron", "fra", "2017-05-14")
    f.ids = {}
    for n, (who, day, topic, stance, group) in enumerate([
            ("usa", "2024-03-01", "nato_membership", "support", "usa"),
            ("usa", "2024-03-04", "nato_membership", "neutral", "usa"),
            ("hegseth", "2025-02-12", "nato_membership", "oppose", "usa"),
            ("hegseth", "2025-02-14", "nato_membership", "oppose", None),
            ("macron", "2024-02-26", "troop_deployment", "support", "fra"),
            ("macron", "2024-03-05", "troop_deployment", "neutral", "fra"),
            ("fra", "2024-03-07", "troop_deployment", "support", "fra")]):
        f.ids[n] = f.say(who, day, topic, stance, group_id=group)
    return f


def views(topics=("nato_membership", "troop_deployment")):
    return [(ViewFilter(topic=t, level=lvl), g) for t in topics for lvl in ("person", "group") for g in ("week", "month")]


def test_stored_means_equal_the_live_ones(world):
    db = world.db
    assert not period_means.is_built(db)
    report = update_stored_results(db)
    assert report["topics"] == ["nato_membership", "troop_deployment"] and report["means"] > 0
    for f, g in views():
        assert period_means.usable(db, f, g)
        assert queries_stance.stance_aggregates(db, f, g) == queries_stance.live_stance_aggregates(db, f, g) != []
    db.execute("UPDATE actors SET name = 'USA' WHERE id = 'usa'")  # names are read, not stored
    assert "USA" in {r["series"] for r in queries_stance.stance_aggregates(db, ViewFilter(topic="nato_membership"),
                                                                             "week")}


def test_a_correction_sends_its_topic_back_to_the_live_query(world):
    db = world.db
    update_stored_results(db)
    correct_tag(db, world.ids[5]["tag_id"], "analyst", stance="oppose")
    troops = ViewFilter(topic="troop_deployment", level="group")
    assert not period_means.usable(db, troops, "month")
    assert period_means.usable(db, ViewFilter(topic="nato_membership", level="group"), "month")
    rows = queries_stance.stance_aggregates(db, troops, "month")
    assert rows == queries_stance.live_stance_aggregates(db, troops, "month")
    assert [r["n_oppose"] for r in rows if r["series_id"] == "fra"] == [0, 1]  # February, March 2024
    update_stored_results(db)  # the next run stores the corrected topic again
    assert period_means.usable(db, troops, "month")
    assert queries_stance.stance_aggregates(db, troops, "month") == rows


@pytest.mark.parametrize("f", [ViewFilter(topic="nato_membership", since="2025-01-01"),
                               ViewFilter(topic="nato_membership", stances=("oppose",)),
                               ViewFilter(topic="nato_membership", actors=("hegseth",), level="person"),
                               ViewFilter(level="group")])
def test_filtered_views_are_computed_live(world, f):
    update_stored_results(world.db)
    assert not period_means.usable(world.db, f, "week")
    assert queries_stance.stance_aggregates(world.db, f, "week") == \
        queries_stance.live_stance_aggregates(world.db, f, "week")


def test_new_statements_are_in_the_next_run(world):
    db = world.db
    update_stored_results(db)
    world.say("usa", "2025-03-01", "nato_membership", "oppose", group_id="usa")
    nato = ViewFilter(topic="nato_membership", level="group")
    assert not period_means.usable(db, nato, "month")
    report = update_stored_results(db)
    assert report["topics"] == ["nato_membership"]
    assert queries_stance.stance_aggregates(db, nato, "month") == queries_stance.live_stance_aggregates(db, nato, "month")
    assert any(r["period"] == "2025-03-01" for r in queries_stance.stance_aggregates(db, nato, "month"))
