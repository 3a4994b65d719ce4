"""Extraction in worker processes: same results as in-process, per-document failures, ordered output."""

from __future__ import annotations

import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.connection import open_db
from etl.cli import cli
from etl.codebook import load_codebook
from etl.documents import load_documents
from etl.engine import Engine
from etl.extractors import PoolExtractor, extract_ordered, open_extractor
from etl.pipeline import ingest_paths
from engines import TrippingEngine

DEV = Path(__file__).parents[1] / "etl" / "corpus" / "articles" / "dev"
SAMPLE = ["d03-wales-two-percent.md", "d14-zelensky-accelerated-application.html", "d17-macron-cannot-be-ruled-out.md",
          "d23-hegseth-not-realistic.html", "d25-starmer-ready-and-willing.md", "d-feed-coalition-of-the-willing.xml",
          "d29-merz-whatever-it-takes.md", "d33-sanchez-refuses-five-percent.md"]


def sample_inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in SAMPLE:
        shutil.copy(DEV / name, inbox / name)
    return inbox


def stored(db_path: Path) -> dict:
    """Every stored document, statement and tag, without the columns that name the run or the time."""
    conn = sqlite3.connect(db_path)
    try:
        return {
            "documents": conn.execute("SELECT id, url, title, published, text, origin, extractor_version"
                                      " FROM documents ORDER BY rowid").fetchall(),
            "statements": conn.execute("SELECT id, doc_id, actor_id, group_id, mention, text, start, end, cue,"
                                       " quote_type, date, confidence, rule FROM statements ORDER BY id").fetchall(),
            "tags": conn.execute("SELECT id, statement_id, topic_id, stance, score, confidence, target, cue,"
                                 " rule, negated, modality FROM tags ORDER BY id").fetchall(),
            "seen": conn.execute("SELECT key, doc_id FROM seen_inputs ORDER BY key").fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.slow
def test_two_workers_store_exactly_what_one_worker_stores_in_the_same_order(tmp_path):
    inbox = sample_inbox(tmp_path)
    runs = {}
    for workers in (1, 2):
        db_path = tmp_path / f"w{workers}.db"
        result = CliRunner().invoke(cli, ["ingest", str(inbox), "--db", str(db_path), "--workers", str(workers)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        runs[workers] = stored(db_path)
    one, two = runs[1], runs[2]
    assert len(one["documents"]) >= len(SAMPLE) and len(one["statements"]) > 20 and len(one["tags"]) > 5
    assert two == one  # documents compared in insertion order: the order of storage is the reading order


@pytest.mark.slow
def test_a_document_that_trips_a_worker_costs_only_itself_and_a_rerun_adds_nothing(tmp_path):
    inbox = sample_inbox(tmp_path)
    marked = inbox / "marked.md"
    marked.write_text("---\ntitle: Marked\ndate: 2025-03-01\n---\nBritish Prime Minister Keir Starmer said"
                      " Britain was ready to put troops on the ground in Ukraine.\n\nTRIPWIRE\n", encoding="utf-8")
    db = open_db(tmp_path / "stance.db")
    engine = TrippingEngine()

    report = ingest_paths(db, [str(inbox)], engine=engine, workers=2)
    assert report.status == "partial" and report.counts["errors"] == 1
    assert report.counts["docs_new"] == len(list(db.query("SELECT id FROM documents")))
    (error,) = db.query("SELECT input, message FROM ingest_errors WHERE level = 'error'")
    assert error["input"] == str(marked) and "tripped on purpose" in error["message"]
    rows = {r["origin"]: r for r in db.query(
        "SELECT origin, extractor_version, (SELECT COUNT(*) FROM statements s WHERE s.doc_id = d.id) AS n"
        " FROM documents d")}
    assert rows[str(marked)]["extractor_version"] is None and rows[str(marked)]["n"] == 0
    assert sum(r["n"] for r in rows.values()) > 20

    again = ingest_paths(db, [str(inbox)], engine=engine, workers=2)
    assert (again.status, again.counts.get("docs_new", 0)) == ("ok", 0)
    assert again.counts["docs_unchanged"] == len(SAMPLE) + 1  # every file, the marked one included


def test_documents_and_extractions_survive_pickling_unchanged():
    engine = Engine()
    docs = list(load_documents([str(DEV / "d25-starmer-ready-and-willing.md")]))
    ((doc, extraction),) = list(engine.extract_many(docs))
    assert extraction.statements and extraction.tags
    assert pickle.loads(pickle.dumps((doc, extraction))) == (doc, extraction)


@pytest.mark.slow
def test_extract_ordered_through_a_pool_keeps_the_input_order():
    docs = list(load_documents([str(DEV / name) for name in SAMPLE]))
    pool = open_extractor(load_codebook(), workers=2)
    assert isinstance(pool, PoolExtractor)
    try:
        out = list(extract_ordered(pool, docs, batch_size=2))
    finally:
        pool.close()
    assert [d.id for d, _, _ in out] == [d.id for d in docs]
    assert all(failure is None for _, _, failure in out)
    inline = Engine()
    assert [e for _, e, _ in out] == [e for _, e in inline.extract_many(docs)]


def test_workers_below_one_are_refused():
    result = CliRunner().invoke(cli, ["ingest", "x", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output
    with pytest.raises(ValueError):
        open_extractor(load_codebook(), workers=0)


@pytest.mark.slow
def test_extract_prints_the_same_lines_with_two_workers(tmp_path):
    inbox = sample_inbox(tmp_path)
    outputs = {}
    for workers in ("1", "2"):
        result = CliRunner().invoke(cli, ["extract", str(inbox), "--all", "--workers", workers],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outputs[workers] = result.stdout
    assert outputs["1"].count("\n") > 20
    assert outputs["2"] == outputs["1"]
