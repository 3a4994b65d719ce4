"""A refresh does work for what is new or changed only, whatever the archive holds."""

from __future__ import annotations

import os
import time

from db import store
from db.connection import open_db
from etl import pipeline
from etl.codebook import load_codebook
from etl.engine import Engine
from etl.extractors import InlineExtractor

TEXT = ("---\ndate: 2025-02-{day:02d}\n---\nGerman Chancellor Friedrich Merz said on Tuesday that Germany would"
        " spend whatever it takes on defence, in remarks numbered {n}.\n")


def write(folder, n):
    path = folder / f"a{n:03d}.md"
    path.write_text(TEXT.format(n=n, day=1 + n % 27), encoding="utf-8")
    return path


def test_seen_keys_answers_for_many_keys_at_once(tmp_path):
    db = open_db(tmp_path / "stance.db")
    with store.write_transaction(db):
        for n in range(0, 2000, 2):
            store.mark_input_seen(db, f"k{n}", "origin", None, None)
    asked = [f"k{n}" for n in range(1500)]  # more keys than SQLite allows variables by default
    assert store.seen_keys(db, asked) == {f"k{n}" for n in range(0, 1500, 2)}
    assert store.seen_keys(db, []) == set()
    assert store.seen_keys(db, ["k|with|bars", 'quo"te']) == set()


def test_a_refresh_across_lookup_chunks_reads_exactly_the_new_and_the_changed_files(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "SEEN_CHUNK", 3)  # several lookup chunks from a handful of files
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    paths = [write(inbox, n) for n in range(8)]
    db = open_db(tmp_path / "stance.db")
    engine = Engine()
    first = pipeline.ingest_paths(db, [str(inbox)], engine=engine)
    assert first.counts["docs_new"] == 8

    edited = paths[4]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA correction was appended.\n", encoding="utf-8")
    same_size = paths[6]  # rewritten with the same size: only its mtime tells
    content = same_size.read_text(encoding="utf-8").replace("numbered 6", "numbered 9")
    same_size.write_text(content, encoding="utf-8")
    os.utime(same_size, ns=(time.time_ns(), time.time_ns() + 10**9))
    write(inbox, 100)

    second = pipeline.ingest_paths(db, [str(inbox)], engine=engine)
    assert (second.counts["inputs"], second.counts["docs_unchanged"], second.counts["docs_new"]) == (9, 6, 3)
    third = pipeline.ingest_paths(db, [str(inbox)], engine=engine)
    assert (third.counts["docs_unchanged"], third.counts.get("docs_new", 0)) == (9, 0)


def test_a_refresh_with_nothing_new_never_builds_the_engine(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(3):
        write(inbox, n)
    db = open_db(tmp_path / "stance.db")
    codebook = load_codebook()
    built = []

    def build():
        built.append(1)
        return Engine(codebook=codebook)

    assert pipeline.ingest_paths(db, [str(inbox)], engine=InlineExtractor(codebook, build)).counts["docs_new"] == 3
    assert built == [1]
    built.clear()
    report = pipeline.ingest_paths(db, [str(inbox)], engine=InlineExtractor(codebook, build))
    assert (report.status, report.counts["docs_unchanged"], built) == ("ok", 3, [])
