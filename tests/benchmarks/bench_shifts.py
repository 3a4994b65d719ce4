"""Benchmark: shift detection, alignment and the digest on synthetic databases of two sizes.

Run: `.venv/bin/python tests/benchmarks/bench_shifts.py [SMALL LARGE]` (statements; default 20000
and 100000). Prints seconds per call at each size and the large/small ratio; a ratio near the
size ratio means the work grows linearly with the stance points read.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_dashboard_queries import build  # noqa: E402  (same synthetic database as the dashboard benchmark)

from db.connection import open_readonly  # noqa: E402
from etl.alignment import alignment_pairs  # noqa: E402
from etl.report import build_digest  # noqa: E402
from etl.shift_lines import find_shifts  # noqa: E402


def timed(call) -> tuple[float, int]:
    """Seconds for one call (best of two) and the number of rows it returned."""
    best, rows = float("inf"), 0
    for _ in range(2):
        start = time.perf_counter()
        rows = len(call())
        best = min(best, time.perf_counter() - start)
    return best, rows


def main(sizes: list[int]) -> None:
    """Build one database per size, time each call, print a table and the ratios."""
    results: dict[str, list[tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"b{n}.db"
            build(path, n)
            db = open_readonly(path)
            calls = {
                "find_shifts (all lines)": lambda: find_shifts(db),
                "find_shifts (one topic, groups)": lambda: find_shifts(db, topic="burden_sharing", level="group"),
                "alignment_pairs (one year)": lambda: alignment_pairs(db, since="2024-01-01", until="2024-12-31"),
                "digest (one week)": lambda: build_digest(db, since="2024-06-01", until="2024-06-07").shifts,
            }
            for name, call in calls.items():
                results.setdefault(name, []).append(timed(call))
    small, large = sizes
    print(f"{'call':34} {small:>10} st. {large:>10} st.   ratio (size ratio {large / small:.1f})")
    for name, ((t1, r1), (t2, r2)) in results.items():
        print(f"{name:34} {t1:9.2f}s {t2:12.2f}s   {t2 / t1:5.1f}   rows {r1} / {r2}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:3]] if len(sys.argv) >= 3 else [20000, 100000])
