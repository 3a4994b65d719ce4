"""The end-of-run upkeep at archive scale: seconds to bring the stored shifts, period means and
speaker totals up to date after a day's new statements.

Run: .venv/bin/python tests/benchmarks/bench_upkeep_scale.py DB [--new 1000] [--seed 3]

Works on a copy of DB (for example the million-statement database of make_synthetic_db.py,
whose stores are built). Adds --new statements as a daily refresh would: copies of randomly
chosen stored statements (same speaker, group, text and tags, so the busy lines get most of
them), each in a new article dated on one of the three days after the newest statement. Then
times `update_stored_results`, what every ingest, refresh and retag ends with, and prints how
many lines and topics it touched. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import random
import resource
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from db.connection import open_db
from etl.upkeep import update_stored_results


def _columns(db, table: str) -> list[str]:
    return [r["name"] for r in db.query(f"PRAGMA table_info({table})")]


def add_statements(db, n: int, seed: int) -> int:
    """Copy n random statements (with their tags) into new articles after the newest day; tags added."""
    rng = random.Random(seed)
    newest = date.fromisoformat(next(db.query("SELECT MAX(date) AS d FROM statements"))["d"][:10])
    total = next(db.query("SELECT MAX(rowid) AS n FROM statements"))["n"]
    doc_cols, st_cols, tag_cols = _columns(db, "documents"), _columns(db, "statements"), _columns(db, "tags")
    tags = 0
    with db.conn:
        for i in range(n):
            st = None
            while st is None:
                st = next(db.query("SELECT * FROM statements WHERE rowid = ?", [rng.randint(1, total)]), None)
            doc = next(db.query("SELECT * FROM documents WHERE id = ?", [st["doc_id"]]))
            day = (newest + timedelta(days=1 + i % 3)).isoformat()
            doc.update(id=f"upkeep-doc-{i}", url=f"https://upkeep.example.org/{i}", published=day,
                       origin=f"upkeep-{i}.md", text=f"{doc.get('text') or ''} (upkeep copy {i})")
            db.conn.execute(f"INSERT INTO documents ({', '.join(doc_cols)}) VALUES ({', '.join('?' * len(doc_cols))})",
                            [doc.get(c) for c in doc_cols])
            old_id = st["id"]
            st.update(id=f"upkeep-st-{i}", doc_id=doc["id"], date=day)
            db.conn.execute(f"INSERT INTO statements ({', '.join(st_cols)}) VALUES ({', '.join('?' * len(st_cols))})",
                            [st.get(c) for c in st_cols])
            for t, tag in enumerate(db.query("SELECT * FROM tags WHERE statement_id = ?", [old_id])):
                tag.update(id=f"upkeep-tag-{i}-{t}", statement_id=st["id"])
                db.conn.execute(f"INSERT INTO tags ({', '.join(tag_cols)}) VALUES ({', '.join('?' * len(tag_cols))})",
                                [tag.get(c) for c in tag_cols])
                tags += 1
    return tags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--new", type=int, default=1000, help="statements to add before the upkeep")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        copy = Path(tmp) / "upkeep.db"
        shutil.copyfile(args.db, copy)
        db = open_db(copy)
        statements = next(db.query("SELECT COUNT(*) AS n FROM statements"))["n"]
        started = time.perf_counter()
        tags = add_statements(db, args.new, args.seed)
        added = time.perf_counter() - started
        lines = next(db.query("SELECT COUNT(*) AS n FROM shift_lines_changed"))["n"]
        started = time.perf_counter()
        report = update_stored_results(db)
        upkeep = time.perf_counter() - started
        print(f"{statements:,} statements stored; added {args.new:,} statements ({tags:,} tags) in {added:.1f} s")
        print(f"upkeep: {upkeep:.2f} s for {lines:,} changed (speaker, group, topic) entries in "
              f"{len(report['topics'])} topic(s): {report['shifts']}, {report['means']} mean rows, "
              f"{report['totals']} total rows")
        print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
