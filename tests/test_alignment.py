"""Actor alignment on a real database: agreement per shared topic, windows, evidence, the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from db.review import correct_tag
from etl.alignment import alignment_pairs, closest_actors
from etl.cli import cli
from etl.shift_lines import UnknownActor
from positions_fixture import LineDB, folded_totals


@pytest.fixture
def world(tmp_path):
    f = LineDB(tmp_path / "t.db")
    for actor_id, name in [("fra", "France"), ("deu", "Germany"), ("rus", "Russia")]:
        f.actor(actor_id, name, "group")
    f.actor("macron", "Emmanuel Macron", "person").role("macron", "fra", "2017-05-14")
    ids = {
        "fra_troops": f.say("fra", "2024-02-27", "troop_deployment", "support", group_id="fra"),
        "macron_troops": f.say("macron", "2024-02-26", "troop_deployment", "support", group_id="fra"),
        "deu_troops": f.say("deu", "2024-02-27", "troop_deployment", "oppose", group_id="deu"),
        "rus_troops": f.say("rus", "2024-02-28", "troop_deployment", "oppose", group_id="rus"),
        "fra_burden": f.say("fra", "2024-03-05", "burden_sharing", "support", group_id="fra"),
        "deu_burden": f.say("deu", "2024-03-06", "burden_sharing", "support", group_id="deu", score=0.5),
        "deu_old": f.say("deu", "2019-01-01", "troop_deployment", "support", group_id="deu"),
    }
    f.ids = ids
    return f


def pair_map(pairs):
    return {frozenset((p["actor_a"], p["actor_b"])): p for p in pairs}


def test_agreement_per_shared_topic(world):
    pairs = pair_map(alignment_pairs(world.db, since="2024-01-01"))
    assert pairs[frozenset(("Germany", "Russia"))]["agreement"] == 1.0
    assert pairs[frozenset(("France", "Russia"))]["agreement"] == -1.0
    fra_deu = pairs[frozenset(("France", "Germany"))]
    assert fra_deu["topics"] == ["burden_sharing", "troop_deployment"]
    assert fra_deu["per_topic"]["burden_sharing"]["agreement"] == 0.5
    assert fra_deu["agreement"] == -0.25
    # Evidence is each side's newest statement per shared topic (France's line also holds Macron's
    # older one); `statements` counts every point compared.
    assert fra_deu["evidence"] == [world.ids[k]["statement_id"] for k in
                                   ("fra_burden", "deu_burden", "fra_troops", "deu_troops")]
    assert fra_deu["statements"] == 5
    assert fra_deu["per_topic"]["troop_deployment"]["a_statements"] + \
        fra_deu["per_topic"]["troop_deployment"]["b_statements"] == 3
    # Macron speaks for France: the pair would only compare him with himself.
    assert frozenset(("Emmanuel Macron", "France")) not in pairs
    assert pairs[frozenset(("Emmanuel Macron", "Germany"))]["topics"] == ["troop_deployment"]
    assert all(-1 <= p["agreement"] <= 1 for p in pairs.values())


def test_window_and_topics(world):
    pairs = pair_map(alignment_pairs(world.db))  # no window: Germany's 2019 support counts too
    assert pairs[frozenset(("Germany", "Russia"))]["agreement"] == 0.0
    only = alignment_pairs(world.db, since="2024-01-01", topics=["burden_sharing"])
    assert [(p["actor_a"], p["actor_b"], p["agreement"]) for p in only] == [("France", "Germany", 0.5)]
    assert alignment_pairs(world.db, until="2018-12-31") == []


def test_closest_actors_most_to_least(world):
    rows = closest_actors(world.db, "Germany", since="2024-01-01")
    assert [(r["actor"], r["agreement"]) for r in rows] == [
        ("Russia", 1.0), ("France", -0.25), ("Emmanuel Macron", -1.0)]
    assert world.ids["rus_troops"]["statement_id"] in rows[0]["evidence"]
    with pytest.raises(UnknownActor):
        closest_actors(world.db, "Atlantis")


def test_a_correction_moves_the_agreement(world):
    correct_tag(world.db, world.ids["rus_troops"]["tag_id"], "analyst", stance="support")
    pairs = pair_map(alignment_pairs(world.db, since="2024-01-01"))
    assert pairs[frozenset(("France", "Russia"))]["agreement"] == 1.0


def test_cli(world):
    runner = CliRunner()
    result = runner.invoke(cli, ["alignment", "--db", str(world.path), "--since", "2024-01-01",
                                 "--actor", "Germany", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["actor"] == "Russia" and rows[-1]["actor"] == "Emmanuel Macron"
    result = runner.invoke(cli, ["alignment", "--db", str(world.path), "--since", "2024-01-01",
                                 "--format", "csv", "--topic", "burden_sharing"], catch_exceptions=False)
    lines = result.output.splitlines()
    assert lines[0] == "actor_a,actor_a_id,actor_a_kind,actor_b,actor_b_id,actor_b_kind,agreement,topics,evidence"
    assert lines[1].startswith("France,fra,group,Germany,deu,group,0.5,burden_sharing,")
    assert len(lines) == 2
    result = runner.invoke(cli, ["alignment", "--db", str(world.path)], catch_exceptions=False)
    assert result.exit_code == 0 and "Germany" in result.output and "pair(s)" in result.output


def test_max_actors_keeps_the_busiest_lines(world):
    pairs = alignment_pairs(world.db, since="2024-01-01", max_actors=2)
    assert [(p["actor_a"], p["actor_b"]) for p in pairs] == [("France", "Germany")]
    # Third place is a tie of one statement each; the name decides (Macron before Russia), and
    # Macron is never paired with France, whose line holds his statement.
    three = alignment_pairs(world.db, since="2024-01-01", max_actors=3)
    assert {(p["actor_a"], p["actor_b"]) for p in three} == {("France", "Germany"), ("Emmanuel Macron", "Germany")}


def test_stored_all_time_totals_answer_as_the_live_sum(world):
    from db import speaker_totals
    from etl.upkeep import update_stored_results

    db = world.db
    live = alignment_pairs(db)
    update_stored_results(db)
    assert speaker_totals.is_built(db)
    assert alignment_pairs(db) == live
    assert folded_totals(speaker_totals.totals(db)) == folded_totals(speaker_totals.live_totals(db))
    # a correction after the run: its topic is summed again, the others still come from the store
    correct_tag(db, world.ids["rus_troops"]["tag_id"], "analyst", stance="support")
    assert folded_totals(speaker_totals.totals(db)) == folded_totals(speaker_totals.live_totals(db))
    assert pair_map(alignment_pairs(db))[frozenset(("France", "Russia"))]["agreement"] == 1.0
    # a window is always summed from the points
    assert alignment_pairs(db, since="2024-01-01") == alignment_pairs(db, since="2024-01-01", until="9999-12-31")
