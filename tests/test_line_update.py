"""Stored results kept by changed days (shifts, period means, speaker totals) equal those computed
from every point, after any change."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from db import period_means, queries_stance, shift_store, speaker_totals
from db.queries_filter import ViewFilter
from db.review import correct_actor, correct_tag, reject_statement
from etl.line_update import SplitReads
from etl import shift_lines
from etl.shift_lines import find_shifts, update_stored_shifts
from etl.shifts import DayCounts, _nearest
from etl.upkeep import update_stored_results
from positions_fixture import LineDB, folded_totals
from test_shift_store import key, live

STANCES = ("support", "oppose", "neutral")
SPEAKERS = ("usa", "rubio", "vance")  # a group; a member stored with its group; one the dated role places


def _line_db(tmp_path, seed: int) -> tuple[LineDB, random.Random, list[dict]]:
    rng = random.Random(seed)
    f = LineDB(tmp_path / f"u{seed}.db")
    f.actor("usa", "United States", "group").actor("rubio", "Marco Rubio", "person").actor("vance", "JD Vance", "person")
    f.role("vance", "usa", "2025-01-20")
    said: list[dict] = []
    day, stance = date(2024, 1, 1), "support"
    for _ in range(rng.randint(40, 90)):
        day += timedelta(days=rng.choice((0, 1, 2, 5, 20, 200)))
        if rng.random() < 0.15:
            stance = rng.choice(STANCES)
        said.append(_say(f, rng, day, stance if rng.random() < 0.85 else rng.choice(STANCES), said))
    return f, rng, said


def _say(f: LineDB, rng: random.Random, day: date, stance: str, said: list[dict]) -> dict:
    speaker = rng.choice(SPEAKERS)
    same_doc = said and rng.random() < 0.3  # a second statement in an earlier report, maybe another day
    ids = f.say(speaker, day.isoformat(), "nato_membership" if rng.random() < 0.8 else "troop_deployment", stance,
                group_id="usa" if speaker == "rubio" else None, confidence=rng.choice((0.9, 0.9, 0.9, 0.3)),
                doc_id=rng.choice(said)["doc_id"] if same_doc else None)
    return {**ids, "day": day}


def _change(f: LineDB, rng: random.Random, said: list[dict]) -> None:
    """One random change of the kinds a run or an analyst makes."""
    kind = rng.choice(("add", "add", "add", "stance", "reject", "actor"))
    live_ones = [s for s in said if not s.get("gone")]
    target = rng.choice(live_ones)
    if kind == "add":
        base = rng.choice(live_ones)["day"]
        said.append(_say(f, rng, base + timedelta(days=rng.choice((-30, -1, 0, 1, 3, 400))), rng.choice(STANCES), said))
    elif kind == "stance":
        correct_tag(f.db, target["tag_id"], "analyst", stance=rng.choice(STANCES))
    elif kind == "reject":
        reject_statement(f.db, target["statement_id"], "analyst")
        target["gone"] = True
    else:
        correct_actor(f.db, target["statement_id"], rng.choice(SPEAKERS), "analyst")


@pytest.mark.parametrize("seed", range(16))
def test_updating_changed_days_matches_detection_over_whole_lines(tmp_path, seed):
    f, rng, said = _line_db(tmp_path, seed)
    assert update_stored_shifts(f.db)["rebuilt"]
    assert key(find_shifts(f.db)) == key(live(f.db))
    for _ in range(6):
        for _ in range(rng.randint(1, 4)):
            _change(f, rng, said)
        changes = shift_store.line_changes(f.db)
        assert changes and not any(c.whole for c in changes.values())  # only days, no line read whole
        assert key(find_shifts(f.db)) == key(live(f.db)), seed  # a reader before the next run
        assert key(find_shifts(f.db, since="2025-01-01")) == key(live(f.db, since="2025-01-01")), seed
        report = update_stored_shifts(f.db)
        assert not report["rebuilt"]
        assert shift_store.line_changes(f.db) == {}
        assert key(find_shifts(f.db)) == key(live(f.db)), seed


def test_shifts_are_found_and_a_role_change_rereads_whole_lines(tmp_path):
    f, rng, said = _line_db(tmp_path, 99)
    update_stored_shifts(f.db)
    assert find_shifts(f.db)  # the random lines do shift, so the comparisons above compare something
    f.role("vance", "usa", "2024-01-01", "2025-01-19", office="senator")
    changes = shift_store.line_changes(f.db)
    assert changes[("group", "usa", "nato_membership")].whole
    update_stored_shifts(f.db)
    assert key(find_shifts(f.db)) == key(live(f.db))


def test_a_store_built_before_days_were_logged_rereads_the_logged_lines(tmp_path):
    f, rng, said = _line_db(tmp_path, 7)
    update_stored_shifts(f.db)
    f.db.execute("INSERT INTO shift_lines_changed VALUES ('rubio', 'usa', 'nato_membership')")
    changes = shift_store.line_changes(f.db)
    assert changes[("person", "rubio", "nato_membership")].whole


def _stored_means(db):
    return sorted(tuple(r.values()) for r in db.query(
        "SELECT level, granularity, period, series_id, topic_id, mean_score, n, n_support, n_oppose, n_neutral,"
        " first_date, last_date FROM period_means"))


def _live_means(db):
    rows = []
    for topic in ("nato_membership", "troop_deployment"):
        for level in period_means.LEVELS:
            for granularity in period_means.GRANULARITIES:
                for r in queries_stance.live_stance_aggregates(db, ViewFilter(topic=topic, level=level), granularity):
                    rows.append((level, granularity, r["period"], r["series_id"], r["topic_id"], r["mean_score"], r["n"],
                                 r["n_support"], r["n_oppose"], r["n_neutral"], r["first_date"], r["last_date"]))
    return sorted(rows)


@pytest.mark.parametrize("seed", range(6))
def test_means_and_totals_kept_by_changed_days_equal_the_live_ones(tmp_path, seed):
    f, rng, said = _line_db(tmp_path, seed)
    update_stored_results(f.db)
    for round_ in range(5):
        for _ in range(rng.randint(1, 4)):
            _change(f, rng, said)
        if round_ == 3:
            f.role("rubio", "usa", "2023-01-01", office="senator")  # a role: whole topics again
        update_stored_results(f.db)
        assert shift_store.changed_topic_days(f.db) == {}
        assert _stored_means(f.db) == _live_means(f.db), seed
        assert folded_totals(speaker_totals.totals(f.db)) == folded_totals(speaker_totals.live_totals(f.db)), seed


@pytest.mark.parametrize("seed", range(20))
def test_split_reads_are_the_days_the_detector_reads_and_find_the_splits_reading_a_day(seed):
    rng = random.Random(seed)
    per_day = {(date(2024, 1, 1) + timedelta(days=3 * i)).isoformat(): rng.choice((1, 1, 2, 3, 7, 12))
               for i in range(rng.randint(2, 40))}
    days = [date.fromisoformat(d) for d, n in sorted(per_day.items()) for _ in range(n)]
    counts = {d: {"support": n, "oppose": 0, "neutral": 0} for d, n in per_day.items()}
    limit = rng.randint(1, 8)
    reads = SplitReads(DayCounts(counts.items()), limit)
    assert reads.read(min(per_day)) is None  # the first day is no split
    every = {}
    for k in range(1, len(days)):
        if days[k] == days[k - 1]:
            continue
        before = _nearest(days, range(k - 1, -1, -1), lambda d: True, limit)
        after = _nearest(days, range(k, len(days)), lambda d: True, limit)
        every[days[k].isoformat()] = (days[before[-1]].isoformat(), days[after[-1]].isoformat())
        assert reads.read(days[k].isoformat()) == every[days[k].isoformat()]
    changed = set(rng.sample(sorted(per_day), min(3, len(per_day)))) | {"2023-12-30", "2024-02-02"}
    assert reads.reading(changed) == {split for split, (first, last) in every.items()
                                      if any(first <= day <= last for day in changed)}


def test_a_line_changed_on_many_days_is_read_whole_with_the_same_result(tmp_path):
    f, rng, said = _line_db(tmp_path, 3)
    update_stored_shifts(f.db)
    start = date(2030, 1, 1)
    for n in range(shift_lines._MANY_DAYS + 5):  # a backfill: one statement a day
        f.say("usa", (start + timedelta(days=n)).isoformat(), "nato_membership", STANCES[(n // 9) % 3])
    change = shift_store.line_changes(f.db)[("group", "usa", "nato_membership")]
    assert not change.whole and shift_lines._read_whole(change)
    assert key(find_shifts(f.db)) == key(live(f.db))
    update_stored_shifts(f.db)
    assert key(find_shifts(f.db)) == key(live(f.db))
    assert any(s["shift_date"] >= "2030-01-01" for s in find_shifts(f.db, actor="usa"))
