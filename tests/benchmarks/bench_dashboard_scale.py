"""Benchmark: every query the dashboard pages run, and every page's render time, on one (large) database.

Run: `.venv/bin/python tests/benchmarks/bench_dashboard_scale.py DB [--plans] [--no-pages] [--only TEXT]`
(build DB with tests/benchmarks/make_synthetic_db.py). Prints the median of 5 runs per query against
0.5 s and the median of 3 cold renders per page (Streamlit's AppTest, caches cleared) against 3 s.
`--plans` prints EXPLAIN QUERY PLAN for each SQL statement a slow query ran.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from db import queries, queries_stance, queries_statements
from db.connection import is_current, open_readonly
from db.queries_filter import ViewFilter

QUERY_LIMIT_S = 0.5
CAP = 10_000  # the dashboard counts lists up to this (dashboard.data.COUNT_CAP)
OVERVIEW_LINES = 10  # lines per overview chart (dashboard/app_pages/overview.py MAX_LINES)
PAGE_LIMIT_S = 3.0
# A query (page) slower than this is run once only, so one very slow case cannot stall the benchmark.
GIVE_UP_S = 5.0
GIVE_UP_PAGE_S = 30.0
APP = Path(__file__).parents[2] / "dashboard" / "app.py"
PAGES = ["overview", "timeline", "actor", "statements", "shifts", "alignment", "review"]


def cases(db) -> list[tuple[str, str, Callable[[], object]]]:
    """(page, what, call) for every db read a page makes with its default filters, plus filtered variants."""
    topics = [t["id"] for t in queries.topic_list(db)]
    actors = queries.actor_list(db)
    top = max(actors, key=lambda a: a["statements"])
    person = next(a for a in sorted(actors, key=lambda a: -a["statements"]) if a["kind"] == "person")
    group = next(a for a in sorted(actors, key=lambda a: -a["statements"]) if a["kind"] == "group")
    mid = sorted(actors, key=lambda a: -a["statements"])[len(actors) // 2]
    fa = ViewFilter(actors=(top["id"],), level="person") if top["kind"] == "person" else ViewFilter(
        groups=(top["id"],), level="group")
    tl = ViewFilter(topic=topics[0], level="group")
    queue = queries_statements.review_queue(db, limit=10)
    drawn = {t: _drawn_lines(db, t) for t in topics}
    out: list[tuple[str, str, Callable[[], object]]] = [
        ("all", "data_stamp + is_current", lambda: (queries.data_stamp(db), is_current(db))),
        ("all", "lookups: topic_list", lambda: queries.topic_list(db)),
        ("all", "lookups: actor_list", lambda: queries.actor_list(db)),
        ("all", "lookups: group_list", lambda: queries.group_list(db)),
        ("all", "lookups: source_list", lambda: queries.source_list(db)),
        ("overview", "freshness", lambda: queries.freshness(db)),
    ]
    for t in topics:
        f = ViewFilter(topic=t, level="group")
        out.append(("overview", f"stance_points {t} (2000)", lambda f=f: queries_stance.stance_points(db, f, limit=2000)))
        out.append(("overview", f"stance_point_count {t}", lambda f=f: queries_stance.stance_point_count(db, f)))
    out += [
        ("overview", "find_shifts per topic (drawn group lines)", lambda: [
            _shifts(db, topic=t, level="group", line_ids=drawn[t][0], since=drawn[t][1], texts=False) for t in topics]),
        ("overview", "latest_stances (group)", lambda: queries_stance.latest_stances(db, ViewFilter(level="group"))),
        ("overview", "latest_stances (person)", lambda: queries_stance.latest_stances(db, ViewFilter(level="person"))),
        ("timeline", "stance_points topic (5000)", lambda: queries_stance.stance_points(db, tl)),
        ("timeline", "stance_point_count topic", lambda: queries_stance.stance_point_count(db, tl)),
        ("timeline", "stance_points topic (500)", lambda: queries_stance.stance_points(db, tl, limit=500)),
        ("timeline", "stance_aggregates month", lambda: queries_stance.stance_aggregates(db, tl, "month")),
        ("timeline", "stance_aggregates week", lambda: queries_stance.stance_aggregates(db, tl, "week")),
        ("timeline", "stance_aggregates week, person", lambda: queries_stance.stance_aggregates(
            db, tl.with_(level="person"), "week")),
        ("timeline", "stance_points one group", lambda: queries_stance.stance_points(db, tl.with_(groups=(group["id"],)))),
        ("timeline", "stance_points 2024 range", lambda: queries_stance.stance_points(
            db, tl.with_(since="2024-01-01", until="2024-12-31"))),
        ("timeline", "stance_points one month", lambda: queries_stance.stance_points(
            db, tl.with_(since="2025-03-01", until="2025-03-31"))),
        ("timeline", "find_shifts topic", lambda: _shifts(db, topic=topics[0], level="group", texts=False)),
        ("actor", "actor + actor_roles (top)", lambda: (queries.actor(db, top["id"]), queries.actor_roles(db, top["id"]))),
        ("actor", "actor + actor_roles (group)", lambda: (queries.actor(db, group["id"]),
                                                           queries.actor_roles(db, group["id"]))),
        ("actor", "stance_points top actor", lambda: queries_stance.stance_points(db, fa)),
        ("actor", "stance_point_count top actor", lambda: queries_stance.stance_point_count(db, fa)),
        ("actor", "stance_points top group", lambda: queries_stance.stance_points(
            db, ViewFilter(groups=(group["id"],)))),
        ("actor", "stance_points mid actor", lambda: queries_stance.stance_points(
            db, ViewFilter(actors=(mid["id"],), level="person"))),
        ("actor", "statements_page + count top", lambda: (queries_statements.statements_page(db, fa, limit=15),
                                                         queries_statements.statement_count(db, fa, cap=CAP))),
        ("actor", "statements_page + count group", lambda: (
            queries_statements.statements_page(db, ViewFilter(groups=(group["id"],)), limit=15),
            queries_statements.statement_count(db, ViewFilter(groups=(group["id"],)), cap=CAP))),
        ("actor", "find_shifts top actor", lambda: _shifts(db, actor=top["id"], level=top["kind"], texts=False)),
        ("actor", "find_shifts person", lambda: _shifts(db, actor=person["id"], level="person", texts=False)),
        ("statements", "statements_page 1", lambda: queries_statements.statements_page(db, ViewFilter(), limit=50)),
        ("statements", "statement_count", lambda: queries_statements.statement_count(db, ViewFilter(), cap=CAP)),
        ("statements", "statements_page 200 (offset 9950)", lambda: queries_statements.statements_page(
            db, ViewFilter(), limit=50, offset=9950)),
        ("statements", "statements_page 2000 (offset 99950)", lambda: queries_statements.statements_page(
            db, ViewFilter(), limit=50, offset=99950)),
        ("statements", "page + count, one topic", lambda: _page(db, ViewFilter(topic=topics[-1]))),
        ("statements", "page + count, topic + oppose", lambda: _page(db, ViewFilter(topic=topics[-1],
                                                                                   stances=("oppose",)))),
        ("statements", "page + count, one actor", lambda: _page(db, ViewFilter(actors=(person["id"],)))),
        ("statements", "page + count, one group", lambda: _page(db, ViewFilter(groups=(group["id"],)))),
        ("statements", "page + count, 2024", lambda: _page(db, ViewFilter(since="2024-01-01", until="2024-12-31"))),
        ("statements", "page + count, search 'ceasefire'", lambda: _page(db, ViewFilter(search="ceasefire"))),
        ("statements", "page + count, search 'frozen assets'", lambda: _page(db, ViewFilter(search="frozen assets"))),
        ("statements", "page + count, source", lambda: _page(db, ViewFilter(source="Reuters"))),
        ("statements", "page + count, confidence >= 0.9", lambda: _page(db, ViewFilter(min_confidence=0.9))),
        ("statements", "page + count, quote type direct", lambda: _page(db, ViewFilter(quote_types=("direct",)))),
        ("statements", "statement_detail", lambda: queries_statements.statement_detail(db, queue[0]["statement_id"])),
        ("shifts", "shift_page 1 + count (the page)", lambda: _shift_page(db, 0)),
        ("shifts", "shift_page 40 + count", lambda: _shift_page(db, 39 * 25)),
        ("shifts", "find_shifts every line (CLI, export)", lambda: _shifts(db)),
        ("alignment", "alignment_pairs (heatmap: 40 busiest)", lambda: _alignment(db, max_actors=40)),
        ("alignment", "alignment_pairs every actor (CLI)", lambda: _alignment(db)),
        ("alignment", "closest_actors", lambda: _closest(db, top["id"])),
        ("review", "review_queue", lambda: queries_statements.review_queue(db, limit=10)),
        ("review", "review_queue page 50", lambda: queries_statements.review_queue(db, limit=10, offset=490)),
        ("review", "review_queue_count (capped, as the page)", lambda: queries_statements.review_queue_count(
            db, cap=CAP)),
        ("review", "new_actors", lambda: queries_statements.new_actors(db)),
        ("review", "review_log", lambda: queries_statements.review_log(db, limit=200)),
        ("review", "statement_detail x10 (queue)", lambda: [queries_statements.statement_detail(db, q["statement_id"])
                                                            for q in queue]),
    ]
    return out


def _page(db, f: ViewFilter):
    return queries_statements.statements_page(db, f, limit=50), queries_statements.statement_count(db, f, cap=CAP)


def _drawn_lines(db, topic: str) -> tuple[tuple[str, ...], str | None]:
    """The lines the overview draws for a topic (the most quoted among its newest 2000 points) and
    the first day drawn when that is not all of them."""
    from dashboard import charts

    f = ViewFilter(topic=topic, level="group")
    points = queries_stance.stance_points(db, f, limit=2000)
    since = min(p["date"] for p in points) if queries_stance.stance_point_count(db, f) > len(points) else None
    points, _ = charts.top_series(points, OVERVIEW_LINES)
    return tuple(sorted({p["series_id"] for p in points})), since


def _shift_page(db, offset: int):
    from etl.shift_lines import shift_page

    return shift_page(db, limit=25, offset=offset)


def _shifts(db, **kw):
    from etl.shift_lines import find_shifts

    return find_shifts(db, **kw)


def _alignment(db, **kw):
    from etl.alignment import alignment_pairs

    return alignment_pairs(db, **kw)


def _closest(db, actor_id: str):
    from etl.alignment import closest_actors

    return closest_actors(db, actor_id)


def timed(call: Callable[[], object], runs: int) -> tuple[float, int]:
    """Median seconds over `runs` calls (fewer when the first is very slow), and how many were run."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
        if times[0] > GIVE_UP_S:
            break
    return statistics.median(times), len(times)


def plans(db, call: Callable[[], object]) -> list[tuple[str, list[str]]]:
    """The SQL statements one call runs (parameters inlined by SQLite) with their query plans."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        db.conn.set_trace_callback(None)
    out = []
    for sql in dict.fromkeys(s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))):
        rows = db.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        out.append((sql, [f"{'  ' * _depth(rows, r)}{r[3]}" for r in rows]))
    return out


def _depth(rows, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, p = 0, row[1]
    while p in parents:
        depth, p = depth + 1, parents[p]
    return depth


def bench_queries(path: Path, show_plans: bool, only: str | None, skip: list[str]) -> list[tuple[str, str, float]]:
    """Time each case and print the table; returns (page, what, seconds)."""
    db = open_readonly(path)
    results = []
    print(f"{'page':<11} {'query':<42} {'median ms':>10} {'runs':>4}  vs {QUERY_LIMIT_S * 1000:.0f} ms")
    for page, what, call in cases(db):
        name = f"{page} {what}".lower()
        if (only and only.lower() not in name) or any(s.lower() in name for s in skip):
            continue
        median, n = timed(call, 5)
        ok = "PASS" if median < QUERY_LIMIT_S else "FAIL"
        print(f"{page:<11} {what:<42} {median * 1000:>10.1f} {n:>4}  {ok}", flush=True)
        results.append((page, what, median))
        if show_plans and median >= QUERY_LIMIT_S:
            for sql, lines in plans(db, call):
                print("    SQL: " + " ".join(sql.split())[:400])
                for line in lines:
                    print("      " + line)
    db.conn.close()
    return results


def bench_pages(path: Path, pages: list[str]) -> list[tuple[str, float]]:
    """Median of 3 cold renders per page script, each with Streamlit's caches cleared."""
    import streamlit as st
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")

    os.environ["STANCE_DB"] = str(path)
    results = []
    print(f"\n{'page':<11} {'median s':>9} {'runs':>4}  vs {PAGE_LIMIT_S:.0f} s")
    for page in pages:
        times, errors = [], []
        for _ in range(3):
            if times and times[0] > GIVE_UP_PAGE_S:
                break
            st.cache_data.clear()
            # The page script itself: through app.py, AppTest would render the default page
            # (overview) first, and every figure would include it.
            at = AppTest.from_file(str(APP.parent / "app_pages" / f"{page}.py"), default_timeout=1800)
            start = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - start)
            errors = [e.value for e in at.exception]
        median = statistics.median(times)
        ok = "PASS" if median < PAGE_LIMIT_S and not errors else "FAIL"
        note = f"  exception: {errors[0][:120]}" if errors else ""
        print(f"{page:<11} {median:>9.2f} {len(times):>4}  {ok}{note}", flush=True)
        results.append((page, median))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--plans", action="store_true", help="EXPLAIN QUERY PLAN for queries over the limit")
    parser.add_argument("--no-pages", action="store_true", help="queries only")
    parser.add_argument("--no-queries", action="store_true", help="page renders only")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES, help="pages to render (default all)")
    parser.add_argument("--only", help="only queries whose page or name contains this text")
    parser.add_argument("--skip", action="append", default=[], help="leave out queries containing this text")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db}: no such database (build one with make_synthetic_db.py)")
    db = open_readonly(args.db)
    print(f"database: {args.db} ({queries.counts(db)})")
    db.conn.close()
    if not args.no_queries:
        results = bench_queries(args.db, args.plans, args.only, args.skip)
        slow = [r for r in results if r[2] >= QUERY_LIMIT_S]
        print(f"{len(results) - len(slow)} of {len(results)} queries under {QUERY_LIMIT_S * 1000:.0f} ms")
    if not args.no_pages:
        pages = bench_pages(args.db, args.pages)
        print(f"{sum(s < PAGE_LIMIT_S for _, s in pages)} of {len(pages)} pages under {PAGE_LIMIT_S:.0f} s")


if __name__ == "__main__":
    main()
