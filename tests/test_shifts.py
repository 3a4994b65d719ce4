"""Stance shifts: the pure detector on synthetic lines, group lines and overrides on a real database, the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from db import positions
from db.review import correct_tag
from etl.cli import cli
from etl.shift_lines import find_shifts
from etl.shifts import ShiftConfigError, ShiftParams, detect_shifts, load_params
from positions_fixture import SCORES, LineDB

LETTERS = {"S": "support", "O": "oppose", "N": "neutral"}


def line(pattern: str, start: str = "2020-01-01", step_days: int = 10, gaps: dict[int, int] | None = None) -> list[dict]:
    """Points from a pattern like "SSS OO": one letter a statement, `step_days` apart.

    `gaps` maps a position to extra days of silence before it.
    """
    points, day = [], date.fromisoformat(start)
    for i, letter in enumerate(pattern):
        day += timedelta(days=(gaps or {}).get(i, 0))
        stance = LETTERS[letter]
        points.append({"date": day.isoformat(), "stance": stance, "score": SCORES[stance],
                       "statement_id": f"s{i}", "text": f"statement {i} ({stance})"})
        day += timedelta(days=step_days)
    return points


def summary(shifts: list[dict]) -> list[tuple[str, str, str, str]]:
    return [(s["from_stance"], s["to_stance"], s["after_statement"], s["magnitude"]) for s in shifts]


@pytest.mark.parametrize("pattern, gaps, expected", [
    pytest.param("SSSOOO", None, [("support", "oppose", "s3", "reversal")], id="clear reversal"),
    pytest.param("OOOSSS", None, [("oppose", "support", "s3", "reversal")], id="reversal to support"),
    pytest.param("SSSOSSS", None, [], id="one outlier among consistent statements"),
    pytest.param("SSSSO", None, [], id="one outlier at the end"),
    pytest.param("OSSSS", None, [], id="one outlier at the start"),
    pytest.param("SSSNSSS", None, [], id="one neutral among support"),
    pytest.param("SSSSSS", {3: 3000}, [], id="long silence then the same stance"),
    pytest.param("SSSNNN", None, [("support", "neutral", "s3", "softening")], id="support to neutral softening"),
    pytest.param("OONN", None, [("oppose", "neutral", "s2", "softening")], id="oppose to neutral softening"),
    pytest.param("NNNOO", None, [("neutral", "oppose", "s3", "hardening")], id="neutral to oppose hardening"),
    pytest.param("SSSOOOSSS", None, [("support", "oppose", "s3", "reversal"),
                                     ("oppose", "support", "s6", "reversal")], id="two shifts"),
    pytest.param("SSOOSSOO", None, [("support", "oppose", "s2", "reversal"), ("oppose", "support", "s4", "reversal"),
                                    ("support", "oppose", "s6", "reversal")], id="three shifts"),
    pytest.param("SSSNOOO", None, [("support", "oppose", "s4", "reversal")], id="reversal through one neutral"),
    pytest.param("SO", None, [], id="one statement per side is not enough"),
    pytest.param("SSO", None, [], id="minimum per side not met after"),
    pytest.param("SOO", None, [], id="minimum per side not met before"),
    pytest.param("SSOO", None, [("support", "oppose", "s2", "reversal")], id="minimum per side met"),
    pytest.param("", None, [], id="empty line"),
])
def test_detector(pattern, gaps, expected):
    assert summary(detect_shifts(line(pattern, gaps=gaps))) == expected


def test_evidence_is_last_before_and_first_after():
    [shift] = detect_shifts(line("SSSNOOO"))
    assert shift["before_statement"] == "s2" and shift["from_date"] == "2020-01-21"
    assert shift["after_statement"] == "s4" and shift["shift_date"] == "2020-02-10"
    assert shift["after_text"] == "statement 4 (oppose)"
    assert shift["delta"] < -1 and shift["before_count"] == 3 and shift["after_count"] == 2


def test_silence_longer_than_the_window_is_no_evidence():
    points = line("SSOO", gaps={2: 4000})
    assert detect_shifts(points, ShiftParams(window_days=1825)) == []
    assert summary(detect_shifts(points, ShiftParams(window_days=5000))) == [("support", "oppose", "s2", "reversal")]


def test_after_a_long_silence_one_firm_report_may_stand_for_its_period():
    # One oppose, two years of silence, then consistent support: a change between periods.
    points = line("OSSS", gaps={1: 700})
    [shift] = detect_shifts(points)
    assert (shift["from_stance"], shift["to_stance"], shift["before_count"], shift["after_silence_days"]) == (
        "oppose", "support", 1, 710)
    assert detect_shifts(points, ShiftParams(silence_days=0)) == []
    assert detect_shifts(line("OSSS", gaps={1: 100})) == []  # a short pause: the first one is an outlier


@pytest.mark.parametrize("pattern, gaps", [
    pytest.param("SSSOSSS", {3: 400}, id="an outlier after a silence, contradicted by what follows"),
    pytest.param("NSSS", {1: 700}, id="a lone neutral cannot stand for a period"),
    pytest.param("SSSN", {3: 700}, id="nor a lone neutral after"),
    pytest.param("NNNOS", {3: 400}, id="a lone report contradicted by the opposite stance right after"),
])
def test_lone_sides_have_limits(pattern, gaps):
    assert detect_shifts(line(pattern, gaps=gaps)) == []


def test_one_report_counts_once():
    points = line("SSSOOO")
    for p in points[3:]:
        p.update(doc_id="d-oppose", speaker_id="x", date=points[3]["date"])  # three sentences, one article, one day
    assert detect_shifts(points) == []
    assert len(detect_shifts(points, ShiftParams(count_by="statement"))) == 1
    points[5]["speaker_id"] = "y"  # a second speaker in the same article is a second report
    assert len(detect_shifts(points)) == 1


def test_a_document_taking_both_sides_is_left_out():
    # "No US troops, but European troops": support and oppose in one article is a conditional position.
    points = line("OOOSOS")
    for p in points[3:]:
        p.update(doc_id="hegseth", speaker_id=p["statement_id"], date=points[3]["date"])
    assert detect_shifts(points) == []
    assert summary(detect_shifts(points, ShiftParams(skip_mixed_documents=False))) == [
        ("oppose", "support", "s3", "reversal")]


def test_statements_on_one_day_are_never_split():
    points = line("SSOO")
    points[2]["date"] = points[1]["date"]  # the first oppose falls on the day of the last support
    assert summary(detect_shifts(points)) == []


def test_min_per_side_and_delta_threshold_are_parameters():
    assert detect_shifts(line("SSSOO"), ShiftParams(min_per_side=3)) == []
    weak = line("SSSS")
    for p in weak[2:]:
        p.update(stance="neutral", score=0.0)
    for p in weak[:2]:
        p["score"] = 0.3  # weak support ("cannot be ruled out") to neutral moves the mean by 0.3
    assert detect_shifts(weak, ShiftParams(min_delta=0.5)) == []
    assert summary(detect_shifts(weak, ShiftParams(min_delta=0.2))) == [("support", "neutral", "s2", "softening")]


def test_low_confidence_points_can_be_ignored():
    points = line("SSOO")
    for p in points[2:]:
        p["confidence"] = 0.2
    assert detect_shifts(points, ShiftParams(min_confidence=0.5)) == []


def test_params_from_yaml_with_overrides(tmp_path):
    assert load_params() == ShiftParams()  # the shipped file and the dataclass agree
    cfg = tmp_path / "p.yaml"
    cfg.write_text("min_per_side: 3\nwindow_days: 400\n", encoding="utf-8")
    params = load_params(cfg, window_days=100, agreement=None)
    assert (params.min_per_side, params.window_days, params.agreement) == (3, 100, ShiftParams().agreement)


@pytest.mark.parametrize("text, message", [
    ("min_per_sides: 3\n", "unknown parameter(s) min_per_sides"),
    ("agreement: 0.4\n", "agreement must lie in (0.5, 1]"),
    ("window_days: soon\n", "bad parameter value"),
    ("- 1\n", "expected a mapping"),
    ("a: [\n", "not valid YAML"),
])
def test_bad_params_name_the_file(tmp_path, text, message):
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ShiftConfigError) as info:
        load_params(cfg)
    assert str(cfg) in str(info.value) and message in str(info.value)


# --- real database ---------------------------------------------------------------------


@pytest.fixture
def us_db(tmp_path):
    """The United States and two defence secretaries; Austin until 2025-01-20, Hegseth from 2025-01-25."""
    f = LineDB(tmp_path / "t.db")
    f.actor("usa", "United States", "group").actor("hegseth", "Pete Hegseth", "person")
    f.actor("austin", "Lloyd Austin", "person")
    f.role("hegseth", "usa", "2025-01-25", office="defense_minister")
    f.role("austin", "usa", "2021-01-22", "2025-01-20", office="defense_minister")
    return f


def test_group_line_counts_a_person_only_while_in_office(us_db):
    f = us_db
    f.say("hegseth", "2024-06-01", "nato_membership", "oppose")  # a TV host then, not in office
    f.say("hegseth", "2025-02-12", "nato_membership", "oppose", group_id="usa")  # as the ETL stores it
    f.say("hegseth", "2025-02-14", "nato_membership", "oppose")  # group left empty: the dated role decides
    f.say("austin", "2024-07-10", "nato_membership", "support", group_id="usa")
    f.say("austin", "2025-03-01", "nato_membership", "support")  # out of office
    f.say("usa", "2024-07-11", "nato_membership", "support", group_id="usa")

    group = positions.stance_points(f.db, level="group", line_id="usa")
    assert [(p["speaker_id"], p["date"]) for p in group] == [
        ("austin", "2024-07-10"), ("usa", "2024-07-11"), ("hegseth", "2025-02-12"), ("hegseth", "2025-02-14")]
    assert {p["line_name"] for p in group} == {"United States"}
    person = positions.stance_points(f.db, level="person", line_id="hegseth")
    assert [p["date"] for p in person] == ["2024-06-01", "2025-02-12", "2025-02-14"]
    assert positions.stance_points(f.db, level="person", line_id="usa") == []

    shifts = find_shifts(f.db, topic="nato_membership")
    assert [(s["actor"], s["level"], s["from_stance"], s["to_stance"], s["shift_date"]) for s in shifts] == [
        ("United States", "group", "support", "oppose", "2025-02-12")]
    [us] = shifts
    assert us["actor_kind"] == "group" and us["from_date"] == "2024-07-11"
    assert us["before_text"].startswith("usa on nato_membership: support")


def test_an_analyst_correction_changes_the_shift(us_db):
    f = us_db
    f.say("usa", "2024-10-11", "troop_deployment", "support", group_id="usa")
    f.say("usa", "2024-12-11", "troop_deployment", "support", group_id="usa")
    wrong = f.say("usa", "2025-02-12", "troop_deployment", "oppose", group_id="usa")
    f.say("usa", "2025-03-12", "troop_deployment", "oppose", group_id="usa")
    f.say("usa", "2025-04-12", "troop_deployment", "oppose", group_id="usa")
    assert [s["shift_date"] for s in find_shifts(f.db)] == ["2025-02-12"]

    correct_tag(f.db, wrong["tag_id"], "analyst", stance="support")
    assert [s["shift_date"] for s in find_shifts(f.db)] == ["2025-03-12"]
    correct_tag(f.db, wrong["tag_id"], "analyst", reject=True)
    assert [(s["shift_date"], s["before_count"]) for s in find_shifts(f.db)] == [("2025-03-12", 2)]


def test_find_shifts_filters(us_db):
    f = us_db
    for day, stance in [("2021-05-01", "support"), ("2021-06-01", "support"), ("2023-01-01", "oppose"),
                        ("2023-02-01", "oppose")]:
        f.say("austin", day, "burden_sharing", stance, group_id="usa")
    assert {s["level"] for s in find_shifts(f.db)} == {"person", "group"}
    assert [s["level"] for s in find_shifts(f.db, level="person")] == ["person"]
    assert [s["actor"] for s in find_shifts(f.db, actor="Lloyd Austin")] == ["Lloyd Austin"]
    assert find_shifts(f.db, since="2023-01-02") == []
    assert find_shifts(f.db, topic="nato_membership") == []


# --- CLI ------------------------------------------------------------------------------


@pytest.fixture
def cli_db(us_db):
    for day, stance in [("2024-12-10", "support"), ("2025-01-10", "support"),
                        ("2025-02-12", "oppose"), ("2025-02-20", "oppose")]:
        us_db.say("usa", day, "nato_membership", stance, group_id="usa", text=f"=HYPERLINK {stance} {day}")
    return us_db.path


def invoke(args):
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result


def test_cli_json(cli_db):
    result = invoke(["shifts", "--db", str(cli_db), "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert {k: row[k] for k in ("actor", "actor_kind", "topic", "from_stance", "to_stance", "from_date",
                                "shift_date", "magnitude")} == {
        "actor": "United States", "actor_kind": "group", "topic": "nato_membership", "from_stance": "support",
        "to_stance": "oppose", "from_date": "2025-01-10", "shift_date": "2025-02-12", "magnitude": "reversal"}
    assert row["before_statement"] and row["after_statement"] and row["delta"] == -2.0


def test_cli_csv_golden(cli_db):
    result = invoke(["shifts", "--db", str(cli_db), "--format", "csv", "--level", "group"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("actor,actor_id,actor_kind,level,topic,from_stance,to_stance,from_date,shift_date,"
                        "magnitude,delta,before_count,after_count,before_statement,after_statement,"
                        "before_text,after_text")
    assert len(lines) == 2
    assert lines[1].startswith("United States,usa,group,group,nato_membership,support,oppose,2025-01-10,"
                               "2025-02-12,reversal,-2.0,2,2,")
    assert lines[1].endswith(",'=HYPERLINK support 2025-01-10,'=HYPERLINK oppose 2025-02-12")


def test_cli_table_options_and_errors(cli_db, tmp_path):
    result = invoke(["shifts", "--db", str(cli_db), "--min-per-side", "3"])
    assert result.exit_code == 0 and "0 shift(s)" in result.output
    result = invoke(["shifts", "--db", str(cli_db), "--count-by", "day", "--keep-mixed-documents",
                     "--silence-days", "0", "--format", "json"])
    assert [r["shift_date"] for r in json.loads(result.stdout)] == ["2025-02-12"]
    result = invoke(["shifts", "--db", str(cli_db), "--actor", "United States"])
    assert "United States" in result.output and "reversal" in result.output
    result = invoke(["shifts", "--db", str(cli_db), "--actor", "Nobody"])
    assert result.exit_code == 1 and "no actor matches 'Nobody'" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("windw_days: 3\n", encoding="utf-8")
    result = invoke(["shifts", "--db", str(cli_db), "--config", str(bad)])
    assert result.exit_code == 1 and str(bad) in result.output and "windw_days" in result.output
    result = invoke(["shifts", "--db", str(cli_db), "--since", "last week"])
    assert result.exit_code == 2 and "is not a date" in result.output
    result = invoke(["shifts", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "no such database" in result.output


# --- evaluate-shifts ------------------------------------------------------------------------


LABELS = """\
shifts:
  - {actor: United States, actor_kind: group, topic: nato_membership, from: support, to: oppose,
     window: [2025-02-01, 2025-03-31]}
  - {actor: Pete Hegseth, actor_kind: person, topic: troop_deployment, from: neutral, to: oppose,
     window: [2025-01-01, 2025-12-31]}
  - {actor: Nobody, actor_kind: alien, topic: nato_membership, from: support, to: maybe, window: [2025-01-01]}
stable:
  - {actor: Lloyd Austin, actor_kind: person, topic: burden_sharing, stance: support}
"""


def test_evaluate_shifts(cli_db, us_db, tmp_path):
    for day, stance in [("2021-05-01", "support"), ("2021-06-01", "support"), ("2023-01-01", "oppose"),
                        ("2023-02-01", "oppose")]:
        us_db.say("austin", day, "burden_sharing", stance)  # false alarms: his line (stable) and his group's
    labels = tmp_path / "shifts.yaml"
    labels.write_text(LABELS, encoding="utf-8")
    missing = tmp_path / "nope.yaml"
    result = invoke(["evaluate-shifts", "--db", str(cli_db), "--labels", str(labels), "--labels", str(missing)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "labeled shifts 2, stable lines 1, detected 3" in out
    assert "precision 0.33  recall 0.50  precision on labeled lines 0.50" in out
    assert "+ United States (group) nato_membership: support -> oppose in 2025-02-01..2025-03-31 <- 2025-02-12" in out
    assert "- Pete Hegseth (person) troop_deployment: neutral -> oppose" in out
    assert "! Lloyd Austin (person) burden_sharing: support -> oppose on 2023-01-01" in out and "[labeled stable]" in out
    assert "! United States (group) burden_sharing: support -> oppose on 2023-01-01" in out
    assert f"{missing}: cannot read labels" in out
    assert "shifts #3: actor_kind must be person or group" in out and "shifts #3: to must be one of" in out

    result = invoke(["evaluate-shifts", "--db", str(cli_db), "--labels", str(labels), "--format", "json"])
    data = json.loads(result.stdout)
    assert (data["recall"], len(data["false_alarms"]), len(data["false_alarms_on_stable"])) == (0.5, 2, 1)

    result = invoke(["evaluate-shifts", "--db", str(cli_db), "--labels", str(missing)])
    assert result.exit_code == 1 and "no usable shift labels" in result.output


def test_one_detection_may_satisfy_the_same_change_labeled_twice(tmp_path):
    from etl.shift_eval import evaluate, load_labels

    labels = tmp_path / "two.yaml"
    labels.write_text("shifts:\n"
                      "  - {actor: UK, actor_kind: group, topic: t, from: oppose, to: support, window: [2024-07-05, 2025-03-31]}\n"
                      "  - {actor: UK, actor_kind: group, topic: t, from: oppose, to: support, window: [2024-02-27, 2025-02-16]}\n",
                      encoding="utf-8")
    detected = [{"actor": "UK", "actor_id": "uk", "level": "group", "topic": "t", "from_stance": "oppose",
                 "to_stance": "support", "shift_date": "2025-02-16"}]
    result = evaluate(detected, load_labels([labels]))
    assert (len(result["found"]), result["precision"], result["recall"], result["false_alarms"]) == (2, 1.0, 1.0, [])
