"""End-to-end ETL runs on real files: idempotency, refresh locking, kills mid-run, bad databases."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.connection import open_db
from db.points_cache import DEFERRALS_TABLE, cache_differences
from etl.cli import EXIT_LOCKED, cli
from etl.locking import refresh_lock

ARTICLE = """---
title: Allies weigh Kyiv's bid, part {n}
date: 2025-02-{day:02d}
source: Test Wire
url: https://news.example.org/{n}
---
"The United States does not believe that NATO membership for Ukraine is a realistic outcome," \
Defense Secretary Pete Hegseth said on Wednesday in Brussels, in remarks numbered {n}.

Ukrainian President Volodymyr Zelenskyy said Ukraine's future lies in NATO and urged allies to issue an invitation.

The meeting in hall {n} ended without a joint statement.
"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Test Feed</title><link>https://news.example.org/</link><description>t</description>
<item><title>Feed item one</title><link>https://news.example.org/feed/1</link>
<guid>feed-1</guid><pubDate>Thu, 13 Feb 2025 09:15:00 GMT</pubDate>
<content:encoded><![CDATA[<p>"There will be no NATO troops in Ukraine," Kremlin spokesman Dmitry Peskov told reporters on Thursday.</p>]]></content:encoded>
</item>
<item><title>Feed item two</title><link>https://news.example.org/feed/2</link>
<guid>feed-2</guid><pubDate>Fri, 14 Feb 2025 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>British Prime Minister Keir Starmer said Britain was ready to put troops on the ground in Ukraine as part of a peace deal.</p>]]></content:encoded>
</item>
</channel></rss>
"""


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write `count` distinct small articles into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"article-{n:04d}.md"
        path.write_text(ARTICLE.format(n=n, day=1 + n % 27), encoding="utf-8")
        paths.append(path)
    return paths


def table_counts(db_path: Path) -> dict:
    """Row counts of the main tables, read with a plain sqlite3 connection."""
    conn = sqlite3.connect(db_path)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("documents", "statements", "tags", "seen_inputs")}
    finally:
        conn.close()


def run_cli(*args: str):
    """Invoke the CLI in-process, as a user would from a shell."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_ingesting_the_same_folder_and_feed_twice_adds_nothing(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 4)
    (inbox / "feed.xml").write_text(FEED, encoding="utf-8")
    db_path = tmp_path / "stance.db"

    first = run_cli("ingest", str(inbox), "--db", str(db_path))
    assert first.exit_code == 0, first.output
    after_first = table_counts(db_path)
    assert after_first["documents"] == 6
    assert after_first["statements"] > 0 and after_first["tags"] > 0

    second = run_cli("ingest", str(inbox), "--db", str(db_path))
    assert second.exit_code == 0, second.output
    assert table_counts(db_path) == after_first
    assert "0 new documents" in second.output

    db = open_db(db_path)
    runs = list(db.query("SELECT kind, status, docs_new, docs_unchanged FROM runs ORDER BY id"))
    assert [r["docs_new"] for r in runs] == [6, 0]
    assert runs[1]["docs_unchanged"] >= 5


def test_ingest_and_retag_leave_the_points_cache_equal_to_the_view(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 3)
    (inbox / "feed.xml").write_text(FEED, encoding="utf-8")
    db_path = tmp_path / "stance.db"
    for command in (("ingest", str(inbox)), ("retag", "--force")):
        result = run_cli(*command, "--db", str(db_path))
        assert result.exit_code == 0, result.output
        db = open_db(db_path)
        assert db["stance_points_cache"].count == db["tags"].count > 0
        assert cache_differences(db) == 0
        assert db[DEFERRALS_TABLE].count == 0
        # The run that extracted a document is stored with it, and its text stays searchable.
        assert next(db.query("SELECT COUNT(*) AS n FROM documents WHERE extracted_run IS NULL"))["n"] == 0
        assert next(db.query("SELECT COUNT(*) AS n FROM documents_fts WHERE documents_fts MATCH 'Hegseth'"))["n"] == 3
        db.close()


def test_the_same_article_from_two_places_is_stored_once(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    write_articles(a, 1)
    write_articles(b, 1)  # same text, other folder and file
    db_path = tmp_path / "stance.db"
    result = run_cli("ingest", str(a), str(b), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert table_counts(db_path)["documents"] == 1
    assert "1 duplicates" in result.output


def write_config(tmp_path: Path, *sources: str) -> Path:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n" + "".join(f"  - path: {s}\n" for s in sources), encoding="utf-8")
    return config


def test_refresh_ingests_only_what_is_new(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 3)
    db_path = tmp_path / "stance.db"
    config = write_config(tmp_path, str(inbox))

    assert run_cli("refresh", "--config", str(config), "--db", str(db_path)).exit_code == 0
    write_articles(inbox, 2, start=100)
    result = run_cli("refresh", "--config", str(config), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "2 new documents" in result.output
    assert table_counts(db_path)["documents"] == 5


def test_a_second_refresh_while_one_runs_exits_at_once(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 2)
    db_path = tmp_path / "stance.db"
    config = write_config(tmp_path, str(inbox))
    with refresh_lock(db_path):
        result = CliRunner().invoke(cli, ["refresh", "--config", str(config), "--db", str(db_path)])
    assert result.exit_code == EXIT_LOCKED
    assert "another refresh is running" in result.output
    assert not db_path.exists(), "a locked-out refresh must not touch the database"


def _stance(*args: str, **kwargs) -> subprocess.Popen:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "etl", *args], text=True, **kwargs)


def _wait_for(predicate, timeout: float = 120.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def _documents_in(db_path: Path) -> int:
    try:
        return table_counts(db_path)["documents"]
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_two_concurrent_refresh_processes_one_runs_one_exits(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 300)  # enough that the first run is still writing when the second starts
    db_path = tmp_path / "stance.db"
    config = write_config(tmp_path, str(inbox))
    # The first run's output goes to a file: a pipe nobody reads fills up and stalls a long run.
    log = (tmp_path / "first.log").open("w")
    first = _stance("refresh", "--config", str(config), "--db", str(db_path), stdout=log, stderr=log)
    try:
        assert _wait_for(lambda: _documents_in(db_path) > 0), "first refresh never started writing"
        second = _stance("refresh", "--config", str(config), "--db", str(db_path))
        out, err = second.communicate(timeout=120)
        assert second.returncode == EXIT_LOCKED, err
        assert "another refresh is running" in err
    finally:
        first.wait(timeout=600)
        log.close()
    assert first.returncode == 0, (tmp_path / "first.log").read_text()[-2000:]
    assert table_counts(db_path)["documents"] == 300


@pytest.mark.slow
def test_a_refresh_killed_midway_is_completed_by_the_next_without_duplicates(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 150)
    db_path = tmp_path / "stance.db"
    config = write_config(tmp_path, str(inbox))
    victim = _stance("refresh", "--config", str(config), "--db", str(db_path))
    assert _wait_for(lambda: _documents_in(db_path) >= 10), "refresh never got going"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    partial = table_counts(db_path)["documents"]
    assert 0 < partial < 150, "the kill should land mid-run"

    again = run_cli("refresh", "--config", str(config), "--db", str(db_path))
    assert again.exit_code == 0, again.output
    counts = table_counts(db_path)
    assert counts["documents"] == 150
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    dupes = conn.execute("SELECT COUNT(*) FROM (SELECT url FROM documents GROUP BY url HAVING COUNT(*) > 1)")
    assert dupes.fetchone()[0] == 0
    orphans = conn.execute("SELECT COUNT(*) FROM statements WHERE doc_id NOT IN (SELECT id FROM documents)")
    assert orphans.fetchone()[0] == 0
    statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "ok"]


@pytest.mark.parametrize("content, problem", [
    (b"this is plainly not a database" * 50, "not an SQLite database"),
    (b"SQLite format 3\x00" + b"\xff" * 4000, "corrupt"),
])
def test_a_corrupt_database_file_is_refused_with_a_clear_message(tmp_path, content, problem):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 1)
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    result = CliRunner().invoke(cli, ["ingest", str(inbox), "--db", str(bad)])
    assert result.exit_code == 1
    assert str(bad) in result.output and problem in result.output
    assert bad.read_bytes() == content


@pytest.mark.parametrize("name, table", [
    ("other.db", "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)"),
    ("cms.db", "CREATE TABLE documents (id INTEGER PRIMARY KEY, body TEXT)"),  # one of our table names
])
def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path, name, table):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 1)
    foreign = tmp_path / name
    conn = sqlite3.connect(foreign)
    conn.execute(table)
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    result = CliRunner().invoke(cli, ["ingest", str(inbox), "--db", str(foreign)])
    assert result.exit_code == 1
    assert "not a stancewatch one" in result.output
    assert foreign.read_bytes() == before
    assert not Path(f"{foreign}-wal").exists()


def test_runs_and_documents_commands_show_what_was_stored(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 2)
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4 binary")
    db_path = tmp_path / "stance.db"
    run_cli("ingest", str(inbox), "--db", str(db_path))
    runs = run_cli("runs", "--db", str(db_path))
    assert "ingest" in runs.output and "2 new documents" in runs.output
    assert "notes.pdf" in runs.output
    docs = run_cli("documents", "--db", str(db_path), "--search", "hall 1")
    assert "Allies weigh Kyiv's bid, part 1" in docs.output


def test_an_edited_jsonl_file_without_ids_has_its_new_line_read(tmp_path):
    import json

    lines = [
        "British Prime Minister Keir Starmer said Britain was ready to put troops on the ground in Ukraine.",
        "Ukrainian President Volodymyr Zelenskyy said Ukraine's future lies in NATO.",
    ]
    feed = tmp_path / "inbox" / "wire.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps({"text": t, "date": "2025-02-13"}) + "\n" for t in lines), encoding="utf-8")
    db_path = tmp_path / "stance.db"
    assert run_cli("ingest", str(feed.parent), "--db", str(db_path)).exit_code == 0
    lines[0] = "Kremlin spokesman Dmitry Peskov said there would be no NATO troops in Ukraine."
    feed.write_text("".join(json.dumps({"text": t, "date": "2025-02-14"}) + "\n" for t in lines), encoding="utf-8")
    result = run_cli("ingest", str(feed.parent), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "1 new documents" in result.output
    assert table_counts(db_path)["documents"] == 3


def test_storing_a_document_waits_for_another_writer_instead_of_failing(tmp_path):
    import threading

    from db import store
    from etl.models import Document

    db_path = tmp_path / "stance.db"
    db = open_db(db_path)
    other = sqlite3.connect(db_path, isolation_level=None, timeout=15, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # an analyst's correction, say, mid-write
    other.execute("INSERT INTO ingest_errors (input, level, message, created_at) VALUES ('x', 'error', 'y', 'z')")
    releaser = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    releaser.start()
    doc = Document(id="d1", origin="a.md", fmt="text", title="t", text="Some text.", url=None, source=None,
                   published=None, date_source="none")
    try:
        assert store.store_document(db, doc, None, None) is True
    finally:
        releaser.join()
        other.close()
    assert table_counts(db_path)["documents"] == 1


@pytest.mark.parametrize("extra, problem", [
    ("timeout: soon\n", "timeout: expected a positive number of seconds, got 'soon'"),
    ("timeout: -5\n", "timeout: expected a positive number of seconds, got -5"),
    ("started: 2025-02-30\n", "not valid YAML: day is out of range for month"),
])
def test_a_malformed_refresh_config_is_a_clear_message_not_a_traceback(tmp_path, extra, problem):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 1)
    config = write_config(tmp_path, str(inbox))
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    db_path = tmp_path / "stance.db"
    result = CliRunner().invoke(cli, ["refresh", "--config", str(config), "--db", str(db_path)])
    assert result.exit_code == 1
    assert f"{config}: " in result.output and problem in result.output
    assert not db_path.exists()


def _last_run(db_path: Path) -> dict:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        run = dict(conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone())
        run["levels"] = sorted(r[0] for r in conn.execute("SELECT level FROM ingest_errors WHERE run_id = ?",
                                                          [run["id"]]))
        return run
    finally:
        conn.close()


def test_a_stray_unsupported_file_is_recorded_but_does_not_make_the_run_partial(tmp_path):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 1)
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4 binary")
    db_path = tmp_path / "stance.db"
    result = run_cli("ingest", str(inbox), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert "ingest ok: " in result.output and "1 skipped" in result.output
    run = _last_run(db_path)
    assert (run["status"], run["errors"], run["levels"]) == ("ok", 0, ["skipped"])


def test_a_folder_of_only_unsupported_files_fails_entirely(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4 binary")
    (inbox / "budget.xlsx").write_bytes(b"PK\x03\x04rest")
    db_path = tmp_path / "stance.db"
    result = run_cli("ingest", str(inbox), "--db", str(db_path))
    assert result.exit_code == 1
    assert "ingest failed: 0 new documents, 2 skipped, 0 statements, 0 problems;" in result.output
    assert f"1 source(s) failed entirely: {inbox}" in result.output
    assert _last_run(db_path)["status"] == "failed"


def test_a_source_whose_only_input_holds_no_article_fails_entirely(tmp_path):
    good = tmp_path / "good"
    write_articles(good, 1)
    shell = tmp_path / "shell.html"
    shell.write_text("<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
                     encoding="utf-8")
    jsonl = tmp_path / "wire.jsonl"
    jsonl.write_text('{"title": "no text"}\nnot json\n', encoding="utf-8")
    db_path = tmp_path / "stance.db"
    result = run_cli("ingest", str(good), str(shell), str(jsonl), "--db", str(db_path))
    assert result.exit_code == 1
    assert f"2 source(s) failed entirely: {shell}, {jsonl}" in result.output
    run = _last_run(db_path)
    assert (run["status"], run["docs_new"], run["docs_failed"], run["errors"]) == ("partial", 1, 3, 3)


def test_an_article_that_trips_the_engine_costs_only_itself_and_retag_tries_it_again(tmp_path):
    from engines import TrippingEngine
    from etl.engine import Engine
    from etl.pipeline import ingest_paths, retag

    inbox = tmp_path / "inbox"
    write_articles(inbox, 2)
    marked = inbox / "marked.md"
    marked.write_text(ARTICLE.format(n=99, day=3) + "\nTRIPWIRE\n", encoding="utf-8")
    db = open_db(tmp_path / "stance.db")
    tripping = TrippingEngine()

    report = ingest_paths(db, [str(inbox)], engine=tripping)
    assert (report.status, report.counts["docs_new"], report.counts["errors"]) == ("partial", 3, 1)
    (error,) = db.query("SELECT input, message FROM ingest_errors")
    assert error["input"] == str(marked)
    assert "extraction failed (RuntimeError: tripped on purpose)" in error["message"]
    stored = {r["origin"]: r for r in db.query("SELECT origin, extractor_version,"
                                               " (SELECT COUNT(*) FROM statements s WHERE s.doc_id = d.id) AS n"
                                               " FROM documents d")}
    assert stored[str(marked)]["extractor_version"] is None and stored[str(marked)]["n"] == 0
    assert all(r["n"] > 0 for origin, r in stored.items() if origin != str(marked))

    again = retag(db, engine=tripping, force=True)
    assert (again.status, again.counts["docs_retagged"], again.counts["errors"]) == ("partial", 2, 1)
    fixed = retag(db, engine=Engine(codebook=tripping.codebook, nlp=tripping.nlp))
    assert (fixed.status, fixed.counts["docs_retagged"], fixed.counts.get("docs_unchanged")) == ("ok", 1, 2)
    assert list(db.query("SELECT COUNT(*) AS n FROM statements s JOIN documents d ON d.id = s.doc_id"
                         " WHERE d.origin = ?", [str(marked)]))[0]["n"] > 0


@pytest.mark.parametrize("command", ["ingest", "refresh"])
def test_a_db_path_under_a_regular_file_is_a_clear_message(tmp_path, command):
    inbox = tmp_path / "inbox"
    write_articles(inbox, 1)
    in_the_way = tmp_path / "data"
    in_the_way.write_text("not a folder", encoding="utf-8")
    db_path = in_the_way / "stance.db"
    args = [str(inbox)] if command == "ingest" else ["--config", str(write_config(tmp_path, str(inbox)))]
    result = CliRunner().invoke(cli, [command, *args, "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    assert "a file of that name is in the way of a folder" in result.output
    assert str(db_path) in result.output and "Traceback" not in result.output


def test_an_edited_article_under_a_known_url_is_kept_once_with_a_warning(tmp_path):
    first = tmp_path / "a" / "article.md"
    write_articles(first.parent, 1)
    edited = tmp_path / "b" / "article-edited.md"
    edited.parent.mkdir()
    edited.write_text(ARTICLE.format(n=0, day=1).replace("without a joint statement", "with a short communique"),
                      encoding="utf-8")
    db_path = tmp_path / "stance.db"
    result = run_cli("ingest", str(first.parent), str(edited.parent), "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert table_counts(db_path)["documents"] == 1 and "1 duplicates" in result.output
    conn = sqlite3.connect(db_path)
    (row,) = conn.execute("SELECT input, level, message FROM ingest_errors").fetchall()
    assert row[:2] == (str(edited), "warning")
    assert "same URL as stored document" in row[2] and "https://news.example.org/0" in row[2]


def test_a_config_url_of_an_unsupported_scheme_is_named_as_such(tmp_path):
    from etl.refresh_config import load_config

    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - url: ftp://news.example.org/feed.xml\n  - url: HTTPS://news.example.org/rss\n",
                      encoding="utf-8")
    assert [s["path"] for s in load_config(config).sources] == [
        "ftp://news.example.org/feed.xml", "HTTPS://news.example.org/rss"]


def test_a_run_stopped_by_ctrl_c_is_closed_as_interrupted(tmp_path):
    from etl.engine import Engine
    from etl.pipeline import ingest_paths

    class StoppingEngine(Engine):
        """The real engine, stopped as Ctrl-C would stop it."""

        def extract_many(self, docs, *args, **kwargs):
            raise KeyboardInterrupt

    inbox = tmp_path / "inbox"
    write_articles(inbox, 1)
    db = open_db(tmp_path / "stance.db")
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(db, [str(inbox)], engine=StoppingEngine())
    (run,) = db.query("SELECT status, summary FROM runs")
    assert run["status"] == "interrupted" and "stopped by KeyboardInterrupt" in run["summary"]


def test_two_copies_of_one_item_in_a_feed_are_both_remembered(tmp_path):
    import json

    text = "British Prime Minister Keir Starmer said Britain was ready to put troops on the ground in Ukraine."
    wire = tmp_path / "inbox" / "wire.jsonl"
    wire.parent.mkdir()
    wire.write_text("".join(json.dumps({"id": f"wire-{n}", "text": text, "date": "2025-02-13"}) + "\n"
                            for n in (1, 2)), encoding="utf-8")
    db_path = tmp_path / "stance.db"
    first = run_cli("ingest", str(wire.parent), "--db", str(db_path))
    assert "1 new documents" in first.output and "1 duplicates" in first.output
    os.utime(wire, ns=(time.time_ns(), time.time_ns() + 10**9))  # touched: the file is read again
    second = run_cli("ingest", str(wire.parent), "--db", str(db_path))
    assert "2 unchanged" in second.output and "duplicates" not in second.output, second.output


def test_a_feed_item_without_text_is_reported_once_not_on_every_refresh(tmp_path, http_server):
    empty_item = ("<item><title>Headline only</title><link>https://news.example.org/feed/3</link>"
                  "<guid>feed-3</guid><description></description></item>\n</channel>")
    url = http_server.add("/rss", body=FEED.replace("</channel>", empty_item).encode("utf-8"))
    db_path = tmp_path / "stance.db"
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - url: {url}\n", encoding="utf-8")

    first = run_cli("refresh", "--config", str(config), "--db", str(db_path))
    assert first.exit_code == 0, first.output
    assert "refresh partial: 1 inputs, 2 new documents, 1 failed" in first.output
    assert "feed/3" not in first.output and f"{url}#3: no article text found" in first.output
    second = run_cli("refresh", "--config", str(config), "--db", str(db_path))
    assert second.exit_code == 0, second.output
    assert "refresh ok: 1 inputs, 0 new documents, 3 unchanged" in second.output
