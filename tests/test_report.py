"""The daily digest: four CSVs and one self-contained, escaped HTML page."""

from __future__ import annotations

import csv
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from etl.cli import cli
from etl.report import ReportError, build_digest, previous_window, write_report
from positions_fixture import LineDB

CSV_FILES = ["new_statements.csv", "shifts.csv", "new_actors.csv", "alignment_changes.csv"]


@pytest.fixture
def feed(tmp_path):
    f = LineDB(tmp_path / "t.db")
    f.actor("usa", "United States", "group").actor("rus", "Russia", "group")
    f.actor("newbie", "Kristen Michal", "person", known=0)
    for day, stance in [("2025-01-10", "support"), ("2025-01-20", "support")]:
        f.say("usa", day, "nato_membership", stance, group_id="usa")
        f.say("rus", day, "nato_membership", "oppose", group_id="rus")
    f.say("usa", "2025-02-12", "nato_membership", "oppose", group_id="usa",
          text='-1 <script>alert("x")</script> "not realistic", said the secretary')
    f.say("usa", "2025-02-13", "nato_membership", "oppose", group_id="usa", text="=cmd|' /C calc'!A0")
    f.say("rus", "2025-02-13", "nato_membership", "oppose", group_id="rus")
    f.say("newbie", "2025-02-13", "troop_deployment", "support", text="@SUM(1+1) Estonia is ready")
    f.say("rus", "2025-02-14", "troop_deployment", "oppose", group_id="rus", text="«Неприемлемо», said Peskov — Orbán agreed")
    return f


class _Refs(HTMLParser):
    """Collects script src and link href attributes, and the text of script elements."""

    def __init__(self):
        super().__init__()
        self.refs, self.scripts, self.script_sizes = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
            self.script_sizes.append(0)
            if attrs.get("src"):
                self.refs.append(attrs["src"])
        if tag in ("link", "img", "iframe") and (attrs.get("href") or attrs.get("src")):
            self.refs.append(attrs.get("href") or attrs.get("src"))

    def handle_data(self, data):
        if self.lasttag == "script" and self.script_sizes:
            self.script_sizes[-1] += len(data)


def test_default_window_is_yesterday_and_today():
    from datetime import date

    from etl.report import default_window

    assert default_window(date(2025, 3, 1)) == ("2025-02-28", "2025-03-01")


def test_previous_window_has_the_same_length():
    assert previous_window("2025-02-10", "2025-02-16") == ("2025-02-03", "2025-02-09")
    assert previous_window("2025-03-01", "2025-03-01") == ("2025-02-28", "2025-02-28")


def test_digest_contents(feed):
    digest = build_digest(feed.db, since="2025-02-01", until="2025-02-28")
    assert len(digest.new_statements) == 5
    assert [(s["actor"], s["shift_date"], s["magnitude"]) for s in digest.shifts] == [
        ("United States", "2025-02-12", "reversal")]
    assert [a["actor"] for a in digest.new_actors] == ["Kristen Michal"]
    pair, new_pair = digest.alignment_changes  # changed pairs first, then pairs new in this window
    assert (new_pair["actor_a"], new_pair["actor_b"], new_pair["agreement_now"], new_pair["change"]) == (
        "Kristen Michal", "Russia", -1.0, None)
    assert (pair["actor_a"], pair["actor_b"], pair["agreement_now"], pair["agreement_before"], pair["change"]) == (
        "Russia", "United States", 1.0, -1.0, 2.0)
    with pytest.raises(ReportError):
        build_digest(feed.db, since="2025-03-01", until="2025-02-01")


def test_report_files(feed, tmp_path):
    out = tmp_path / "digest"
    result = write_report(feed.db, out, since="2025-02-01", until="2025-02-28")
    assert result["counts"] == {"new_statements.csv": 5, "shifts.csv": 1, "new_actors.csv": 1,
                                "alignment_changes.csv": 2}
    for name in CSV_FILES:
        assert (out / name).read_text(encoding="utf-8").splitlines()[0].count(",") > 2
    with (out / "new_statements.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = {r["text"] for r in rows}
    assert "'=cmd|' /C calc'!A0" in texts and "'@SUM(1+1) Estonia is ready" in texts
    assert any(t.startswith("'-1 <script>") for t in texts)
    assert "«Неприемлемо», said Peskov — Orbán agreed" in texts  # UTF-8 kept
    assert {r["date"] for r in rows} == {"2025-02-12", "2025-02-13", "2025-02-14"}  # ISO dates
    shifts = list(csv.DictReader((out / "shifts.csv").open(encoding="utf-8", newline="")))
    assert shifts[0]["delta"] == "-2.0" and shifts[0]["before_text"].startswith("usa on nato_membership")

    page = (out / "report.html").read_text(encoding="utf-8")
    parser = _Refs()
    parser.feed(page)
    assert not [r for r in parser.refs if r.startswith(("http:", "https:", "//"))]
    assert parser.scripts >= 2  # plotly.js inline, then the figures
    assert max(parser.script_sizes) > 1_000_000  # the whole library, inline
    assert page.count("Plotly.newPlot") >= 3  # statements, shifts, alignment changes
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Kristen Michal" in page and "stancewatch digest 2025-02-01 to 2025-02-28" in page


def test_empty_window_still_writes_everything(feed, tmp_path):
    out = tmp_path / "empty"
    result = write_report(feed.db, out, since="2030-01-01", until="2030-01-01")
    assert set(result["counts"].values()) == {0}
    assert all((out / name).read_text(encoding="utf-8").count("\n") == 1 for name in CSV_FILES)
    assert "None in this window." in (out / "report.html").read_text(encoding="utf-8")


def test_cli(feed, tmp_path):
    out = tmp_path / "cli"
    result = CliRunner().invoke(cli, ["report", "--db", str(feed.path), "--since", "2025-02-01",
                                      "--until", "2025-02-28", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "5 new statements, 1 shifts, 1 new actors" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*CSV_FILES, "report.html"])
    result = CliRunner().invoke(cli, ["report", "--db", str(feed.path), "--since", "2025-03-01",
                                      "--until", "2025-02-01", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 1 and "after it ends" in result.output
