"""The dashboard through Streamlit's AppTest: every page, filters in the URL, search, review, exports, safe text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import charts, data
from dashboard.widgets import highlighted
from db.connection import open_readonly
from db.queries_filter import ViewFilter
from dashboard_fixtures import SCRIPT_TEXT, empty_db, sample_db  # noqa: F401 (fixtures)

APP = Path(__file__).parents[1] / "dashboard" / "app.py"
PAGES = ["overview", "timeline", "actor", "statements", "shifts", "alignment", "review"]


@pytest.fixture(autouse=True)
def fresh_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def sample(sample_db, monkeypatch):
    path, ids = sample_db
    monkeypatch.setenv("STANCE_DB", str(path))
    return path, ids


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    if page != "overview" or query:
        at.switch_page(f"app_pages/{page}.py")
        at.query_params = dict(query or {})
        at.run()
    return at


def traces(at: AppTest) -> list[dict]:
    """The plotly traces of the page's first chart."""
    figures = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert figures, "no plotly chart on the page"
    return figures[0]["data"]


def names(at: AppTest) -> list[str]:
    return sorted(t["name"] for t in traces(at))


def no_raw_html(at: AppTest) -> None:
    for el in list(at.markdown) + list(at.caption):
        assert not el.proto.allow_html, el.value


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_on_the_sample(sample, page):
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    no_raw_html(at)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_says_what_to_run_on_an_empty_database(empty_db, monkeypatch, page):
    monkeypatch.setenv("STANCE_DB", str(empty_db))
    at = open_page(page)
    assert not at.exception
    assert any("make demo" in i.value and "stance ingest" in i.value for i in at.info)


@pytest.mark.parametrize("page", ["overview", "statements"])
def test_missing_database_is_a_hint_not_a_traceback(tmp_path, monkeypatch, page):
    monkeypatch.setenv("STANCE_DB", str(tmp_path / "nowhere.db"))
    at = open_page(page)
    assert not at.exception
    assert "No database at" in at.info[0].value and "make demo" in at.info[0].value
    assert not (tmp_path / "nowhere.db").exists()


def test_foreign_file_is_refused_with_a_message(tmp_path, monkeypatch):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database")
    monkeypatch.setenv("STANCE_DB", str(bad))
    at = open_page("overview")
    assert not at.exception and "not an SQLite database" in at.info[0].value


def test_overview_draws_a_chart_per_topic_with_shifts_and_a_heatmap(sample):
    at = open_page("overview")
    figures = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(figures) == 4  # three topics and the latest-stance heatmap
    nato = next(f for f in figures if any(t.get("name") == "Russia" for t in f["data"]))
    assert sorted(t["name"] for t in nato["data"]) == ["Russia", "United States", "detected shift"]
    shift = next(t for t in nato["data"] if t["name"] == "detected shift")
    assert shift["x"] == ["2025-02-12"]
    assert figures[-1]["data"][0]["type"] == "heatmap"
    assert [m.value for m in at.metric][1] == "ok"


def test_topic_and_level_filters_change_the_traces(sample):
    at = open_page("timeline", {"topic": "nato_membership"})
    assert names(at) == ["Russia", "United States", "detected shift"]
    at.selectbox(key="tl_topic").set_value("troop_deployment").run()
    assert names(at) == ["France", "Germany"]
    assert at.query_params["topic"] == "troop_deployment"
    at.radio(key="tl_level").set_value("person").run()
    assert names(at) == ["Emmanuel Macron", "Olaf Scholz"]
    assert at.query_params["level"] == "person"


def test_url_restores_a_view(sample):
    at = open_page("timeline", {"topic": "nato_membership", "level": "person", "actor": ["donald_trump", "joe_biden"],
                                "gran": "month", "since": "2024-01-01"})
    assert at.selectbox(key="tl_topic").value == "nato_membership"
    assert at.multiselect(key="tl_actors").value == ["donald_trump", "joe_biden"]
    assert names(at) == ["Donald Trump", "Joe Biden"]
    assert [t["x"] for t in traces(at)] == [["2025-02-01"], ["2024-07-01"]]


def test_unknown_url_values_fall_back_quietly(sample):
    at = open_page("timeline", {"topic": "no_such_topic", "actor": "ghost", "gran": "decade", "since": "yesterday"})
    assert not at.exception
    assert at.selectbox(key="tl_topic").value == "burden_sharing"


def test_picking_a_point_opens_its_statement(sample):
    ids = sample[1]
    at = open_page("timeline", {"topic": "troop_deployment"})
    at.selectbox(key="tl_pick").set_value(ids["scholz_troops"]).run()
    text = " ".join(m.value for m in at.markdown)
    assert "ground troops" in text and "Olaf Scholz" in text
    assert [b.proto.label for b in at.get("download_button")] == ["Timeline CSV", "Statements CSV"]


def test_search_finds_a_statement(sample):
    ids = sample[1]
    at = open_page("statements")
    at.text_input(key="st_search").set_value("ground troops").run()
    assert "**1 statement(s)** match" in at.markdown[0].value or any(
        "1 statement(s)" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert list(table["id"]) == [ids["scholz_troops"]]
    assert at.query_params["q"] == "ground troops"


def test_statement_detail_shows_markup_as_text(sample):
    ids = sample[1]
    at = open_page("statements", {"sid": ids["script_2025"]})
    assert at.selectbox(key="st_sid").value == ids["script_2025"]
    no_raw_html(at)
    quote = next(m.value for m in at.markdown if m.value.startswith(">"))
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in quote  # escaped, so it shows as text
    assert not at.get("link_button")  # a javascript: URL is never made a link
    assert any(t.value == "javascript:alert(2)" for t in at.text)


def test_review_correction_is_stored_and_shows_in_chart_and_export(sample):
    path, ids = sample
    trump = ids["trump_2025"]
    at = open_page("review", {"sid": trump})
    at.text_input(key="rv_analyst").set_value("Ana Analyst")
    at.radio(key=f"rv_action_byid_{trump}").set_value("tag")
    at.selectbox(key=f"rv_stance_byid_{trump}").set_value("support")
    at.text_input(key=f"rv_note_byid_{trump}").set_value("misread the negation")
    submit = next(b for b in at.button if b.proto.form_id == f"rv_form_byid_{trump}")
    submit.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Saved" in at.success[0].value

    db = open_readonly(path)
    override = next(db.query("SELECT * FROM tag_overrides"))
    assert (override["statement_id"], override["stance"], override["analyst"]) == (trump, "support", "Ana Analyst")
    assert next(db.query("SELECT note FROM overrides"))["note"] == "misread the negation"

    chart = open_page("timeline", {"topic": "nato_membership", "level": "person", "actor": "donald_trump"})
    trace = traces(chart)[0]
    assert trace["name"] == "Donald Trump" and trace["y"] == [1.0]

    exported = data.export_csv(str(path), "statements", ViewFilter(topic="nato_membership", actors=("donald_trump",)))
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    assert [(r["stance"], r["score"], r["corrected"]) for r in rows] == [("support", "1.0", "1")]

    log = open_page("review")
    audit = log.dataframe[-1].value
    assert list(audit["analyst"]) == ["Ana Analyst"] and list(audit["field"]) == ["stance"]


def test_review_needs_an_analyst_name(sample):
    path, ids = sample
    sid = ids["michal_2025"]
    at = open_page("review", {"sid": sid})
    at.radio(key=f"rv_action_byid_{sid}").set_value("reject")
    next(b for b in at.button if b.proto.form_id == f"rv_form_byid_{sid}").click().run()
    assert "Enter your name" in at.error[0].value
    assert next(open_readonly(path).query("SELECT COUNT(*) AS n FROM overrides"))["n"] == 0


def test_review_merges_a_new_actor(sample):
    path, _ = sample
    at = open_page("review")
    at.text_input(key="rv_analyst").set_value("Ana")
    at.radio(key="rv_av_kristen_michal").set_value("merge")
    at.selectbox(key="rv_into_kristen_michal").set_value("emmanuel_macron")
    next(b for b in at.button if b.proto.form_id == "rv_actor_form_kristen_michal").click().run()
    assert not at.exception and "merge" in at.success[0].value
    db = open_readonly(path)
    assert next(db.query("SELECT merged_into FROM actor_reviews"))["merged_into"] == "emmanuel_macron"
    assert "0 newly seen actor(s)" in " ".join(m.value for m in at.markdown)


def test_export_bytes_match_the_cli_golden(sample):
    from test_export import TROOPS_STATEMENTS

    assert data.export_csv(str(sample[0]), "statements", ViewFilter(topic="troop_deployment")) == \
        TROOPS_STATEMENTS.encode("utf-8")


def test_actor_profile_shows_roles_and_shifts(sample):
    at = open_page("actor", {"actor": "united_states"})
    figures = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(figures) == 2  # roles and stance per topic
    assert "detected shift" in [t["name"] for t in figures[1]["data"]]
    text = " ".join(m.value for m in at.markdown)
    assert "support → oppose on 2025\\-02\\-12" in text
    assert "Ukraine\\'s future is in NATO" in text and "realistic" in text  # before and after quotes


def test_shifts_page_lists_before_and_after(sample):
    at = open_page("shifts", {"topic": "nato_membership"})
    text = " ".join(m.value for m in at.markdown)
    assert "1 shift(s)" in text and "realistic" in text and "future is in NATO" in text


def test_hover_text_is_escaped():
    fig = charts.timeline_figure([{
        "series": "<b>X</b>", "date": "2025-01-01", "score": 0.5, "stance": "support", "statement_id": "s",
        "actor": "<i>A</i>", "excerpt": SCRIPT_TEXT, "source": "<img src=x>", "corrected": 0}])
    trace = fig.data[0]
    assert trace.name == "&lt;b&gt;X&lt;/b&gt;"
    assert "<script>" not in json.dumps(trace.customdata.tolist() if hasattr(trace.customdata, "tolist")
                                        else list(trace.customdata))


def test_highlight_escapes_and_marks_the_statement():
    text = "Intro *bold* [x](javascript:y).\n\n<b>He said</b> no. Tail $x$ :red[z]"
    start = text.index("<b>")
    end = text.index(" Tail")
    md = highlighted(text, start, end, context=None)
    assert md.count(":orange-background[**") == 1
    inside = md.split(":orange-background[**")[1].split("**]")[0]
    assert inside == "\\<b\\>He said\\</b\\> no\\."
    assert "\\*bold\\*" in md and "\\[x\\]\\(javascript\\:y\\)" in md and "\\$x\\$" in md and "\\:red\\[z\\]" in md
    assert highlighted("a" * 2000, 1000, 1010, context=10).startswith("…")


def test_weekly_means_draw_one_line_per_group(sample):
    at = open_page("timeline", {"topic": "nato_membership", "gran": "week"})
    data_ = traces(at)
    us = next(t for t in data_ if t["name"] == "United States")
    assert us["x"] == ["2008-03-31", "2024-07-08", "2025-02-10"] and us["y"] == [0.8, 0.85, -0.8]


def test_statement_pages_and_export_button(sample):
    at = open_page("statements", {"topic": "nato_membership"})
    assert "6 statement(s)" in " ".join(m.value for m in at.markdown)
    assert [b.proto.label for b in at.get("download_button")] == ["Export CSV"]
    assert at.number_input(key="st_page").value == 1


def test_alignment_heatmap_and_closest_actors(sample):
    at = open_page("alignment", {"topic": "nato_membership"})
    heatmap = traces(at)[0]
    assert heatmap["type"] == "heatmap" and "Russia" in heatmap["x"]
    closest = at.dataframe[0].value
    assert {"actor", "agreement", "topics"} <= set(closest.columns)


def test_shifts_export_button_builds_the_shift_csv(sample):
    at = open_page("shifts")
    assert [b.proto.label for b in at.get("download_button")] == ["Export shifts CSV"]
    rows = data.shifts(str(sample[0]), (), "nato_membership")
    exported = data.export_csv(str(sample[0]), "shifts", ViewFilter(), shift_rows=rows).decode("utf-8")
    assert exported.splitlines()[1].startswith("united_states,United States,group,group,nato_membership,support,oppose")


def test_shifts_page_draws_many_shifts_a_page_at_a_time(tmp_path, monkeypatch):
    from positions_fixture import LineDB

    f = LineDB(tmp_path / "many.db")
    for n in range(30):
        f.actor(f"m{n:02d}", f"Minister {n:02d}", "person")
        for day in ("2024-01-10", "2024-02-10", "2025-01-10", "2025-02-10"):
            f.say(f"m{n:02d}", day, "nato_membership", "support" if day < "2025" else "oppose")
    monkeypatch.setenv("STANCE_DB", str(f.path))
    at = open_page("shifts")
    text = " ".join(m.value for m in at.markdown)
    assert "30 shift(s)" in text
    assert "Minister 00" in text and "Minister 24" in text and "Minister 25" not in text
    at.number_input(key="sh_page").set_value(2).run()
    text = " ".join(m.value for m in at.markdown)
    assert "Minister 25" in text and "Minister 29" in text and "Minister 24" not in text


def test_long_lists_say_more_than_the_cap(sample, monkeypatch):
    monkeypatch.setattr(data, "COUNT_CAP", 2)
    at = open_page("statements")
    text = " ".join(m.value for m in at.markdown)
    assert "more than 2 statement(s)" in text and "narrow the filter" in text
    at.text_input(key="st_search").set_value("ground troops").run()
    assert any("**1 statement(s)** match" in m.value for m in at.markdown)


def test_actor_page_quotes_the_newest_shifts_only(tmp_path, monkeypatch):
    from datetime import date, timedelta

    from positions_fixture import LineDB

    f = LineDB(tmp_path / "busy.db")
    f.actor("m", "Busy Minister", "person")
    day = date(2020, 1, 1)
    for n in range(52):  # stance flips every two statements: a shift each time
        stance = "support" if (n // 2) % 2 == 0 else "oppose"
        f.say("m", day.isoformat(), "nato_membership", stance, text=f"Busy Minister statement {n}")
        day += timedelta(days=20)
    monkeypatch.setenv("STANCE_DB", str(f.path))
    at = open_page("actor", {"actor": "m"})
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "The newest 20 of 25 shifts" in text
    assert sum("Before (" in m.value for m in at.markdown) == 20
    assert "Busy Minister statement 50" in text  # the first statement after the newest shift
