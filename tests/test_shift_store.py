"""The shift store: stored shifts answer like live detection, and every later change is seen."""

from __future__ import annotations

import pytest

from db import shift_store
from db.review import correct_actor, correct_tag, reject_statement
from etl.shift_lines import find_shifts, update_stored_shifts
from etl.shifts import load_params
from etl.upkeep import update_stored_results
from positions_fixture import LineDB


def live(db, **kw):
    """Shifts detected from the points, as if nothing were stored."""
    real = shift_store.stored_params
    shift_store.stored_params = lambda db: None
    try:
        return find_shifts(db, **kw)
    finally:
        shift_store.stored_params = real


def key(shifts):
    return [(s["actor"], s["level"], s["topic"], s["from_stance"], s["to_stance"], s["shift_date"],
             s["before_statement"], s["after_statement"], s["before_text"], s["after_text"]) for s in shifts]


@pytest.fixture
def lines(tmp_path):
    """Two governments and a minister with shifts on two topics."""
    f = LineDB(tmp_path / "s.db")
    f.actor("usa", "United States", "group").actor("fra", "France", "group")
    f.actor("hegseth", "Pete Hegseth", "person").actor("macron", "Emmanuel Macron", "person")
    f.role("hegseth", "usa", "2025-01-25", office="defense_minister")
    f.role("macron", "fra", "2017-05-14")
    for day in ("2024-03-01", "2024-05-01", "2024-07-01"):
        f.say("usa", day, "nato_membership", "support", group_id="usa")
    for day in ("2025-02-12", "2025-03-01", "2025-04-01"):
        f.say("hegseth", day, "nato_membership", "oppose")  # no group stored: the dated role decides
    f.ids = {}
    for n, day in enumerate(("2024-02-26", "2024-03-05", "2024-06-01")):
        f.ids[f"m{n}"] = f.say("macron", day, "troop_deployment", "neutral", group_id="fra")
    for n, day in enumerate(("2025-02-17", "2025-03-11", "2025-05-02")):
        f.ids[f"s{n}"] = f.say("macron", day, "troop_deployment", "support", group_id="fra")
    return f


def test_stored_shifts_answer_as_live_detection_with_every_filter(lines):
    db = lines.db
    assert shift_store.stored_params(db) is None  # never built: readers detect live
    report = update_stored_shifts(db)
    assert report["rebuilt"] and report["shifts"] == len(live(db)) > 0
    assert shift_store.changed_lines(db) == set()
    for kw in ({}, {"topic": "nato_membership"}, {"level": "person"}, {"level": "group"},
               {"actor": "macron"}, {"actor": "France", "topic": "troop_deployment"}, {"since": "2025-03-01"}):
        assert key(find_shifts(db, **kw)) == key(live(db, **kw)), kw
    assert {(s["actor"], s["level"]) for s in find_shifts(db)} >= {("United States", "group"),
                                                                    ("Emmanuel Macron", "person"), ("France", "group")}


def test_a_correction_after_the_run_is_seen_before_the_next_run(lines):
    db = lines.db
    update_stored_shifts(db)
    before = key(find_shifts(db, actor="macron"))
    assert [s[5] for s in before] == ["2025-02-17"]

    correct_tag(db, lines.ids["s0"]["tag_id"], "analyst", stance="neutral")
    assert ("person", "macron", "troop_deployment") in shift_store.changed_lines(db)
    assert ("group", "fra", "troop_deployment") in shift_store.changed_lines(db)
    assert [s["shift_date"] for s in find_shifts(db, actor="macron")] == ["2025-03-11"]
    assert key(find_shifts(db)) == key(live(db))

    reject_statement(db, lines.ids["s1"]["statement_id"], "analyst")
    correct_actor(db, lines.ids["m0"]["statement_id"], "hegseth", "analyst")
    assert key(find_shifts(db)) == key(live(db))

    update_stored_shifts(db)  # the next run stores the corrected lines and forgets the log
    assert shift_store.changed_lines(db) == set()
    assert key(find_shifts(db)) == key(live(db))


def test_new_statements_and_renamed_actors_are_seen(lines):
    db = lines.db
    update_stored_shifts(db)
    for day in ("2025-06-01", "2025-07-01", "2025-08-01"):
        lines.say("usa", day, "troop_deployment", "oppose", group_id="usa")
    for day in ("2025-09-01", "2025-10-01", "2025-11-01"):
        lines.say("usa", day, "troop_deployment", "support", group_id="usa")
    assert [s["shift_date"] for s in find_shifts(db, actor="usa", topic="troop_deployment")] == ["2025-09-01"]
    db.execute("UPDATE actors SET name = 'USA' WHERE id = 'usa'")
    assert {s["actor"] for s in find_shifts(db, actor="usa")} == {"USA"}
    assert key(find_shifts(db)) == key(live(db))


def test_other_parameters_detect_live_and_a_parameter_change_rebuilds(lines, tmp_path):
    db = lines.db
    update_stored_shifts(db)
    strict = load_params(min_per_side=4)
    assert find_shifts(db, params=strict) == []  # three statements a side cannot make four
    assert update_stored_shifts(db) == {"lines": 0, "shifts": 0, "rebuilt": False}
    report = update_stored_shifts(db, strict)
    assert report["rebuilt"] and report["shifts"] == 0
    assert shift_store.stored_params(db) is not None
    assert key(find_shifts(db)) == key(live(db))  # default parameters no longer match: live again


def test_ingest_stores_the_shifts_of_its_run_and_statistics(tmp_path):
    from click.testing import CliRunner

    from db.connection import open_readonly
    from etl.cli import cli

    article = tmp_path / "a.md"
    article.write_text("---\ntitle: T\ndate: 2025-02-12\n---\n\n"
                       "Pete Hegseth said on Wednesday that NATO membership for Ukraine was not realistic.\n",
                       encoding="utf-8")
    db_path = tmp_path / "i.db"
    result = CliRunner().invoke(cli, ["ingest", str(article), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    db = open_readonly(db_path)
    assert shift_store.stored_params(db) is not None
    assert shift_store.changed_lines(db) == set()
    assert next(db.query("SELECT COUNT(*) AS n FROM stance_points_cache"))["n"] >= 1
    # the run also stored the period means and left the planner its statistics
    from db import period_means

    assert period_means.is_built(db)
    assert next(db.query("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'statements'"))["n"] >= 1


def test_line_ids_keep_only_those_lines_stored_or_live(lines):
    db = lines.db
    every = live(db)
    assert {s["actor_id"] for s in every} >= {"usa", "fra", "macron"}
    for stored in (False, True):
        if stored:
            update_stored_shifts(db)
        got = find_shifts(db, line_ids=("fra", "usa"))
        assert key(got) == key([s for s in every if s["actor_id"] in ("fra", "usa")])
        assert key(live(db, line_ids=("macron",))) == key([s for s in every if s["actor_id"] == "macron"])


def test_shift_pages_follow_the_full_list_stored_or_not(lines):
    from etl.shift_lines import shift_page

    db = lines.db
    lines.actor("oslo", "Øresund Forum", "group")  # a non-ASCII name sorts as find_shifts sorts it
    for day in ("2024-01-01", "2024-02-01", "2025-01-01", "2025-02-01"):
        lines.say("oslo", day, "burden_sharing", "oppose" if day < "2025" else "support", group_id="oslo")

    def pages(**kw):
        out, total = [], None
        for offset in range(0, 12, 2):
            rows, total = shift_page(db, limit=2, offset=offset, **kw)
            out += rows
        return out, total

    for state in ("live", "stored", "changed"):
        if state == "stored":
            update_stored_shifts(db)
        if state == "changed":
            correct_tag(db, lines.ids["s0"]["tag_id"], "analyst", stance="neutral")
        for kw in ({}, {"level": "group"}, {"topic": "troop_deployment"}, {"since": "2025-01-01"}):
            got, total = pages(**kw)
            assert key(got) == key(live(db, **kw)) and total == len(got), (state, kw)


def test_a_new_role_moves_ungrouped_statements_to_its_group_line(lines):
    db = lines.db
    lines.actor("kallas", "Kaja Kallas", "person").actor("est", "Estonia", "group")
    for day in ("2021-03-01", "2021-05-01", "2021-07-01"):
        lines.say("kallas", day, "nato_membership", "support")  # stored without a group
    for day in ("2021-09-01", "2021-10-01", "2021-11-01"):
        lines.say("kallas", day, "nato_membership", "oppose")
    update_stored_shifts(db)
    assert not [s for s in find_shifts(db) if s["actor_id"] == "est"]
    lines.role("kallas", "est", "2021-01-26", office="head_of_government")  # the codebook learns her office
    assert ("group", "est", "nato_membership") in shift_store.changed_lines(db)
    assert key(find_shifts(db)) == key(live(db))
    assert [s["shift_date"] for s in find_shifts(db) if s["actor_id"] == "est"] == ["2021-09-01"]


def test_an_actor_made_a_group_moves_its_lines(lines):
    db = lines.db
    update_stored_shifts(db)
    assert any(s["actor_id"] == "macron" and s["level"] == "person" for s in find_shifts(db))
    db.execute("UPDATE actors SET kind = 'group' WHERE id = 'macron'")  # an analyst's fix in the codebook
    assert key(find_shifts(db)) == key(live(db))
    assert not any(s["actor_id"] == "macron" and s["level"] == "person" for s in find_shifts(db))


def test_an_until_after_the_newest_statement_still_reads_the_store(lines):
    db = lines.db
    update_stored_shifts(db)
    assert key(find_shifts(db, until="2099-01-01")) == key(live(db))
    # an earlier `until` cuts the points the detector sees: detected afresh, and it differs
    early = find_shifts(db, until="2025-01-01")
    assert key(early) == key(live(db, until="2025-01-01"))
    assert key(early) != key(live(db))


def test_mirroring_an_unchanged_codebook_marks_nothing_changed(lines):
    from db.store import sync_codebook
    from minicodebook import mini_codebook

    db = lines.db
    codebook = mini_codebook()
    sync_codebook(db, codebook)  # the first mirror changes roles and kinds: lines are marked
    update_stored_results(db)
    assert shift_store.changed_lines(db) == set()
    sync_codebook(db, codebook)  # every run mirrors it again
    assert shift_store.changed_lines(db) == set()
    assert key(find_shifts(db)) == key(live(db))
