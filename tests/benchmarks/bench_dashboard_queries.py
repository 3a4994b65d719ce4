"""Benchmark: the dashboard's read queries and CSV export on synthetic databases of two sizes.

Run: `.venv/bin/python tests/benchmarks/bench_dashboard_queries.py [SMALL LARGE]` (statements; default
20000 and 200000). Prints milliseconds per query at each size and the large/small ratio: a ratio
near 1 means the query does not grow with the database (paging, indexes); near the size ratio
means it reads every row (aggregates over the whole table).
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from pathlib import Path

from db import export, queries, queries_stance, queries_statements
from db.connection import open_db, open_readonly
from db.queries_filter import ViewFilter

TOPICS = ("nato_membership", "troop_deployment", "burden_sharing")
STANCES = (("support", 0.8), ("oppose", -0.8), ("neutral", 0.0))
WORDS = ("troops", "membership", "alliance", "spending", "Ukraine", "Europe", "guarantee", "summit", "minister",
         "defence", "budget", "security", "peace", "ceasefire", "Kyiv", "Moscow", "Brussels", "NATO")


def build(path: Path, n: int, seed: int = 7) -> None:
    """A database with n statements over 200 actors (40 groups), ~1.2 tags each, over 20 years."""
    rng = random.Random(seed)
    db = open_db(path)
    groups = [f"g{i}" for i in range(40)]
    persons = [f"p{i}" for i in range(160)]
    db["actors"].insert_all([{"id": g, "name": f"Group {g}", "kind": "group", "known": 1} for g in groups]
                            + [{"id": p, "name": f"Person {p}", "kind": "person", "known": int(rng.random() > 0.05)}
                               for p in persons])
    db["topics"].insert_all([{"id": t, "label": t, "proposition": t} for t in TOPICS])
    run = db["runs"].insert({"kind": "ingest", "started_at": "2025-01-01T00:00:00", "status": "ok"}).last_pk
    docs, statements, tags = [], [], []
    for i in range(n):
        doc = f"d{i // 5}"
        if i % 5 == 0:
            docs.append({"id": doc, "source": f"source{rng.randrange(30)}", "title": doc, "published": None,
                         "date_source": "metadata", "text": "x" * 200, "raw_format": "text", "origin": doc,
                         "ingested_at": "2025-01-01"})
        day = f"{rng.randrange(2005, 2026)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        actor = rng.choice(persons + groups)
        group = actor if actor.startswith("g") else groups[int(actor[1:]) % 40]
        sid = f"s{i}"
        statements.append({"id": sid, "doc_id": doc, "actor_id": actor, "group_id": group, "mention": actor,
                           "text": " ".join(rng.choice(WORDS) for _ in range(14)), "start": 0, "end": 10,
                           "cue": "said", "quote_type": "direct", "date": day, "confidence": rng.random(),
                           "needs_review": int(rng.random() < 0.02), "run_id": run})
        for topic in rng.sample(TOPICS, 2 if rng.random() < 0.2 else 1):
            stance, score = rng.choice(STANCES)
            tags.append({"id": f"{sid}-{topic}", "statement_id": sid, "topic_id": topic, "stance": stance,
                         "score": score, "confidence": rng.random(), "rule": "bench", "codebook_version": "b"})
    with db.atomic():
        db["documents"].insert_all(docs, batch_size=2000)
        db["statements"].insert_all(statements, batch_size=2000)
        db["tags"].insert_all(tags, batch_size=2000)
    db.execute("ANALYZE")
    db.close()


def measure(path: Path) -> dict[str, float]:
    """Milliseconds for each dashboard read (best of three)."""
    db = open_readonly(path)
    nato = ViewFilter(topic="nato_membership")
    cases = {
        "freshness": lambda: queries.freshness(db),
        "lookups (topics, actors, groups)": lambda: (queries.topic_list(db), queries.actor_list(db),
                                                     queries.group_list(db)),
        "chart points, one topic (newest 5000)": lambda: queries_stance.stance_points(db, nato),
        "chart points, one actor": lambda: queries_stance.stance_points(db, ViewFilter(actors=("p7",))),
        "monthly means, one topic": lambda: queries_stance.stance_aggregates(db, nato, "month"),
        "weekly means, one group": lambda: queries_stance.stance_aggregates(
            db, nato.with_(groups=("g3",)), "week"),
        "latest stance heatmap": lambda: queries_stance.latest_stances(db, ViewFilter()),
        "statements page 1": lambda: queries_statements.statements_page(db, ViewFilter()),
        "statements page 100": lambda: queries_statements.statements_page(db, ViewFilter(), offset=4950),
        "statement count": lambda: queries_statements.statement_count(db, ViewFilter()),
        "search page + count": lambda: (queries_statements.statements_page(db, ViewFilter(search="ceasefire kyiv")),
                                        queries_statements.statement_count(db, ViewFilter(search="ceasefire kyiv"))),
        "review queue + count": lambda: (queries_statements.review_queue(db),
                                         queries_statements.review_queue_count(db)),
        "export one topic (CSV)": lambda: export.export_statements(db, nato, io.StringIO()),
    }
    out = {}
    for name, run in cases.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        out[name] = best * 1000
    return out


def main() -> None:
    small, large = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (20_000, 200_000)
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for n in (small, large):
            path = Path(tmp) / f"bench-{n}.db"
            start = time.perf_counter()
            build(path, n)
            print(f"built {n} statements in {time.perf_counter() - start:.1f}s", file=sys.stderr)
            results[n] = measure(path)
    print(f"{'query':<40} {small:>10} {large:>10}  ratio (size ratio {large / small:.0f})")
    for name in results[small]:
        a, b = results[small][name], results[large][name]
        print(f"{name:<40} {a:>8.1f}ms {b:>8.1f}ms  {b / a if a else float('nan'):6.1f}")


if __name__ == "__main__":
    main()
