"""Incremental refresh at archive scale: seconds for a refresh finding 0, 10 and 1,000 new documents.

Run: .venv/bin/python tests/benchmarks/bench_refresh_scale.py [--stored 100000 --small 10000] [--state DIR]

Builds an archive of small Markdown files on disk and the database an ingest of them would have
left (documents, statements, tags, seen_inputs, one run), without extracting each one for real:
one template article is extracted by the real engine and its statements are re-keyed to every copy.
Articles arrive 30 a day and both archives end on the same day, so the larger one covers more
years, not busier days, and the new files a refresh finds are dated after it, as a daily
refresh's are. Then `stance refresh` (the click command, in-process) runs over the archive folder three times,
after 0, 10 and 1,000 new files were added. The same is done at the smaller archive size, so the
share of the cost that the archive drives shows up as the difference. Prints figures, asserts nothing.
With --state DIR the built archives are kept and reused by the next run.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from db import store
from db.connection import open_db, refresh_statistics
from etl import __version__
from etl.cli import cli
from etl.documents import to_document
from etl.engine import Engine
from etl.models import Document, Extraction
from etl.pipeline import engine_version
from etl.sources import discover, read_input
from etl.upkeep import update_stored_results

PER_FOLDER = 1000  # an archive kept in day folders of about this many files
PER_DAY = 30  # articles a day on these three speakers: 100,000 stored cover nine years
LAST_DAY = date(2025, 6, 30)  # every speaker holds the office the codebook dates by then
TEMPLATE = """---
title: Allies weigh the spending pledge, file {n}
date: {day}
source: Bench Wire
url: https://bench.example.org/{n}
---
"Europe must carry a fairer share of the burden of its own defence," Defense Secretary Pete Hegseth \
said on Wednesday in Brussels.

German Chancellor Friedrich Merz said Germany would spend whatever it takes on its armed forces.

Ukrainian President Volodymyr Zelenskyy said Ukraine's future lies in NATO and urged allies to issue an invitation.

Filed as item {n:08d}.
"""


def article(n: int, stored: int) -> str:
    """The n-th article of an archive of `stored`: same statements at the same offsets, its own
    text, date and URL.

    Articles arrive PER_DAY a day and every archive ends on LAST_DAY, so a bigger archive
    reaches further back (as a growing one does) while its latest days look the same; the new
    articles a refresh finds (n >= stored) are dated after it.
    """
    day = LAST_DAY - timedelta(days=(stored - 1 - n) // PER_DAY)
    return TEMPLATE.format(n=n, day=day.isoformat())


def write_files(folder: Path, numbers: range, stored: int) -> None:
    """Write the articles numbered `numbers`, PER_FOLDER to a subfolder."""
    for n in numbers:
        sub = folder / f"{n // PER_FOLDER:05d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"a{n:08d}.md").write_text(article(n, stored), encoding="utf-8")


def rekeyed(extraction: Extraction, template: Document, doc: Document) -> Extraction:
    """The template's extraction as the engine would give it for a copy whose text differs only at
    the end and whose publication date differs: statement dates move with it, so the archive's
    statements spread over the year as an archive's do."""
    shift = doc.published - template.published
    statements = [dataclasses.replace(s, doc_id=doc.id, date=s.date + shift if s.date else s.date)
                  for s in extraction.statements]
    new_ids = {old.id: new.id for old, new in zip(extraction.statements, statements)}
    tags = [dataclasses.replace(t, statement_id=new_ids[t.statement_id]) for t in extraction.tags]
    return Extraction(statements=tuple(statements), tags=tuple(tags), actors=extraction.actors)


def build_state(root: Path, stored: int, engine: Engine) -> Path:
    """Files and database as a completed ingest of `stored` archive files would have left them."""
    archive, db_path = root / "archive", root / "base.db"
    if db_path.exists():
        return db_path
    started = time.perf_counter()
    write_files(archive, range(stored), stored)
    template_doc = to_document(read_input(next(iter(discover([str(_first_file(archive))])))).articles[0])
    template = engine.extract(template_doc)
    db = open_db(root / "building.db")
    store.sync_codebook(db, engine.codebook)
    run_id = store.start_run(db, "ingest", args=str(archive), codebook_version=engine.codebook.version,
                             software_version=__version__)
    version = engine_version(engine)
    refs = [r for r in discover([str(archive)])]
    for i in range(0, len(refs), 5000):
        with store.write_transaction(db):  # one transaction per 5,000 for speed; rows as ingest writes them
            for ref in refs[i:i + 5000]:
                doc = to_document(read_input(ref).articles[0])
                store.store_document(db, doc, rekeyed(template, template_doc, doc), run_id, extractor_version=version)
                store.mark_input_seen(db, ref.key, ref.origin, None, run_id)
    store.finish_run(db, run_id, "ok", {"docs_new": len(refs), "inputs": len(refs)}, "bench archive")
    # As the ingest's own end does: stored shifts and period means, and the planner's statistics.
    update_stored_results(db)
    refresh_statistics(db)
    db.conn.close()
    os.replace(root / "building.db", db_path)
    print(f"built {stored:,} stored documents in {time.perf_counter() - started:.0f} s "
          f"({db_path.stat().st_size / 2**20:.0f} MB database)")
    return db_path


def _first_file(archive: Path) -> Path:
    return sorted(sorted(archive.iterdir())[0].iterdir())[0]


def refresh(config: Path, db_path: Path) -> tuple[float, str]:
    """Seconds of one `stance refresh` and its summary line."""
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["refresh", "--config", str(config), "--db", str(db_path)],
                                catch_exceptions=False)
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"refresh failed: {result.output}")
    return seconds, result.output.strip().splitlines()[-1]


def scenario(root: Path, stored: int, engine: Engine) -> list[tuple[int, int, float, str]]:
    """(stored, new, seconds, summary) for refreshes finding 0, 10 and 1,000 new files."""
    base = build_state(root, stored, engine)
    work = root / "work.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, work)
    new_folder = root / "archive" / "new"
    shutil.rmtree(new_folder, ignore_errors=True)
    config = root / "sources.yaml"
    config.write_text(f"sources:\n  - path: {root / 'archive'}\n", encoding="utf-8")
    refresh(config, work)  # warm-up: page cache and the engine's first load, not measured
    rows = []
    next_n = stored  # the next articles after the archive, dated after it
    for new in (0, 10, 1000):
        write_files(new_folder, range(next_n, next_n + new), stored)
        next_n += new
        seconds, summary = refresh(config, work)
        rows.append((stored, new, seconds, summary))
    shutil.rmtree(new_folder, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000, help="documents in the large archive")
    parser.add_argument("--small", type=int, default=10_000, help="documents in the small archive")
    parser.add_argument("--state", type=Path, help="folder to keep the built archives in and reuse")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    engine = Engine()
    first_build = time.perf_counter() - started
    started = time.perf_counter()
    Engine(codebook=engine.codebook)
    build = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        state = args.state or Path(tmp)
        rows = []
        for stored in (args.small, args.stored):
            rows += scenario(state / f"stored-{stored}", stored, engine)
    print(f"{'stored':>9}{'new':>6}{'seconds':>9}{'s over 0 new':>14}  summary")
    zero = {stored: seconds for stored, new, seconds, _ in rows if new == 0}
    by = {(stored, new): seconds for stored, new, seconds, _ in rows}
    for stored, new, seconds, summary in rows:
        print(f"{stored:>9,}{new:>6}{seconds:>9.2f}{seconds - zero[stored]:>14.2f}  {summary}")
    for stored in (args.small, args.stored):
        slope = (by[stored, 1000] - by[stored, 10]) / 990
        print(f"{stored:>9,} stored: {slope * 1000:.1f} ms per new document (slope from 10 to 1,000 new)")
    small, large = zero[args.small], zero[args.stored]
    print(f"a refresh with nothing new: {small:.2f} s at {args.small:,} stored, {large:.2f} s at "
          f"{args.stored:,} ({(large - small) / (args.stored - args.small) * 1e6:.1f} µs per extra stored file)")
    print(f"the engine is built only when a refresh finds something new: {build:.2f} s in this process "
          f"({first_build:.2f} s with the spaCy model's first load, as a cron run pays it)")


if __name__ == "__main__":
    main()
