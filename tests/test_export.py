"""CSV exports: golden files from the library and the CLI, formula neutralising, streaming, clean errors."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from db import review
from db.connection import open_db
from db.export import STATEMENT_COLUMNS, export_shifts, export_statements, export_timeline, neutralise
from db.queries_filter import ViewFilter
from etl.cli import cli
from etl.commands.dashboard import streamlit_command
from dashboard_fixtures import empty_db, sample_db  # noqa: F401 (fixtures)

TROOPS_STATEMENTS = '''\
statement_id,date,actor_id,actor,group_id,group_name,quote_type,speech_cue,statement_confidence,topic_id,stance,score,stance_confidence,stance_cue,target,codebook_version,corrected,text,source,title,url,published,doc_id
efa4a70760d3c492,2024-02-26,emmanuel_macron,Emmanuel Macron,france,France,direct,said,0.85,troop_deployment,support,0.4,0.7,cue,,test-1,0,"""Nothing should be excluded,"" Macron said of sending Western troops to Ukraine.",Le Monde,Nothing excluded,https://example.org/paris,2024-02-26,1afc0213fbc1100a
4c8a02803cee8d03,2024-02-27,olaf_scholz,Olaf Scholz,germany,Germany,indirect,said,0.9,troop_deployment,oppose,-0.9,0.9,cue,,test-1,0,Scholz said there would be no ground troops sent by European states.,DW,No ground troops,https://example.org/berlin,2024-02-27,dcd7b028149ed72f
'''

NATO_MONTHLY = '''\
period,series_id,series,topic_id,mean_score,n,n_support,n_oppose,n_neutral,first_date,last_date
2008-04-01,united_states,United States,nato_membership,0.8,1,1,0,0,2008-04-03,2008-04-03
2024-07-01,united_states,United States,nato_membership,0.85,2,2,0,0,2024-07-10,2024-07-10
2025-02-01,russia,Russia,nato_membership,-0.9,1,0,1,0,2025-02-12,2025-02-12
2025-02-01,united_states,United States,nato_membership,-0.8,2,0,2,0,2025-02-12,2025-02-12
'''

BURDEN_POINTS = '''\
date,series_id,series,actor_id,actor,group_id,topic_id,stance,score,confidence,quote_type,corrected,statement_id,excerpt,source,url
2025-03-05,kristen_michal,Kristen Michal,kristen_michal,Kristen Michal,,burden_sharing,support,0.7,0.5,indirect,0,37d1b8bf79241b25,Estonian Prime Minister Kristen Michal said Europe must spend more on defence.,ERR,javascript:alert(2)
2025-03-05,donald_trump,Donald Trump,donald_trump,Donald Trump,united_states,burden_sharing,support,0.6,0.55,direct,0,0c255cdf605a8ecb,"""<script>alert(1)</script> Europe must pay its way,"" Trump wrote.",ERR,javascript:alert(2)
2025-03-05,emmanuel_macron,Emmanuel Macron,emmanuel_macron,Emmanuel Macron,france,burden_sharing,support,0.7,0.8,indirect,0,e59867ad083bbcc8,"'=HYPERLINK(""http://evil.example"",""x"") Europe must carry the load, Macron said.",ERR,javascript:alert(2)
'''


@pytest.fixture
def path(sample_db):
    return sample_db[0]


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1 234", "'+1 234"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"), ("\rCR", "'\rCR"), ("plain text", "plain text"), ("a=b", "a=b"), (-0.5, -0.5), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_statements_golden(path):
    out = io.StringIO()
    db = open_db(path)
    assert export_statements(db, ViewFilter(topic="troop_deployment"), out) == 2
    assert out.getvalue() == TROOPS_STATEMENTS


def test_timeline_golden_means_and_points(path):
    db = open_db(path)
    out = io.StringIO()
    export_timeline(db, ViewFilter(topic="nato_membership"), "month", out)
    assert out.getvalue() == NATO_MONTHLY
    out = io.StringIO()
    export_timeline(db, ViewFilter(topic="burden_sharing", level="person"), "statement", out)
    assert out.getvalue() == BURDEN_POINTS


def test_untagged_statements_export_once_without_a_topic(path, sample_db):
    out = io.StringIO()
    export_statements(open_db(path), ViewFilter(actors=("emmanuel_macron",)), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(STATEMENT_COLUMNS)
    untagged = [r for r in rows if r["statement_id"] == sample_db[1]["macron_untagged"]]
    assert len(untagged) == 1 and untagged[0]["topic_id"] == "" and untagged[0]["stance"] == ""


def test_corrections_reach_the_export(path, sample_db):
    ids = sample_db[1]
    db = open_db(path)
    tag_id = next(db.query("SELECT id FROM tags WHERE statement_id = ?", [ids["scholz_troops"]]))["id"]
    review.correct_tag(db, tag_id, "ana", stance="neutral")
    review.reject_statement(db, ids["macron_troops"], "ana")
    out = io.StringIO()
    export_statements(db, ViewFilter(topic="troop_deployment"), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["actor"], r["stance"], r["score"], r["corrected"]) for r in rows] == [
        ("Olaf Scholz", "neutral", "0.0", "1")]


def test_cli_statements_to_file_matches_golden(path, tmp_path):
    out = tmp_path / "sub" / "troops.csv"
    result = run_cli("export", "statements", "--db", str(path), "--topic", "troop_deployment", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == TROOPS_STATEMENTS.encode("utf-8")
    assert not list(out.parent.glob(".*tmp"))  # the temporary file was renamed into place


def test_cli_timeline_filters_by_actor_name_and_group(path, tmp_path):
    out = tmp_path / "t.csv"
    assert run_cli("export", "timeline", "--db", str(path), "--topic", "nato_membership",
                   "--group", "United States", "--granularity", "month", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == "".join(
        line + "\n" for line in NATO_MONTHLY.splitlines() if "russia" not in line)
    result = run_cli("export", "timeline", "--db", str(path), "--actor", "scholz", "--granularity", "statement",
                     "--level", "person", "--until", "2024-12-31", "--out", "-")
    assert [r["actor"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["Olaf Scholz"]


def test_cli_shifts_export(path, tmp_path):
    out = tmp_path / "shifts.csv"
    assert run_cli("export", "shifts", "--db", str(path), "--topic", "nato_membership", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    us = [r for r in rows if r["actor_id"] == "united_states"]
    assert [(r["from_stance"], r["to_stance"], r["shift_date"]) for r in us] == [("support", "oppose", "2025-02-12")]
    assert us[0]["after_text"] == "Trump said he did not think membership for Ukraine was realistic."


def test_shift_rows_are_neutralised():
    out = io.StringIO()
    export_shifts([{"actor": "=cmd", "before_statement": {"statement_id": "s1"}, "after_text": "-x"}], out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["actor"], row["before_statement"], row["after_text"]) == ("'=cmd", "s1", "'-x")


@pytest.mark.parametrize("args, message", [
    (["--actor", "nobody"], "no actor matches 'nobody'"),
    (["--group", "Trump"], "no group matches 'Trump'"),
    (["--since", "last week"], "is not a date"),
])
def test_cli_bad_options_are_clear(path, tmp_path, args, message):
    result = CliRunner().invoke(cli, ["export", "statements", "--db", str(path), "--out", str(tmp_path / "x.csv"),
                                      *args])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "x.csv").exists()


def test_cli_missing_database(tmp_path):
    result = CliRunner().invoke(cli, ["export", "statements", "--db", str(tmp_path / "none.db"), "--out", "-"])
    assert result.exit_code == 1 and "no such database" in result.output


def test_cli_empty_database_writes_a_header(empty_db):
    result = run_cli("export", "statements", "--db", str(empty_db), "--out", "-")
    assert result.stdout == ",".join(STATEMENT_COLUMNS) + "\n"


def test_dashboard_command_line(tmp_path):
    cmd = streamlit_command(tmp_path / "s.db", "127.0.0.1", 8600)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("dashboard/app.py")
    joined = " ".join(cmd)
    assert "--server.headless true" in joined and "--browser.gatherUsageStats false" in joined
    assert cmd[-3:] == ["--", "--db", str(tmp_path / "s.db")]
