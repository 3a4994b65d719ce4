"""Benchmark: peak memory and speed of the CSV export of every statement, from the CLI and the dashboard.

Run: `.venv/bin/python tests/benchmarks/bench_export_memory.py DB` (build DB with make_synthetic_db.py).
Each case runs in a child process; its peak RSS comes from resource.getrusage(RUSAGE_CHILDREN) in a
wrapper process that has no other child, and is set against a baseline child that only imports the
same code and opens the database. Prints MB, rows/s and the export's size.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_MB = 300
VENV_BIN = Path(sys.executable).parent

# What each child runs; DB and OUT are filled in. The baseline imports what the export imports.
CHILDREN = {
    "baseline (import, open the DB)": [
        sys.executable, "-c",
        "import sys; import etl.cli, db.export; from db.connection import open_readonly;"
        " db = open_readonly(sys.argv[1]); db.execute('SELECT COUNT(*) FROM topics').fetchall()", "{db}"],
    "stance export statements": [str(VENV_BIN / "stance"), "export", "statements", "--db", "{db}", "--out", "{out}"],
    "dashboard download (bytes)": [
        sys.executable, "-c",
        "import sys; from dashboard import data; from db.queries_filter import ViewFilter;"
        " b = data.export_csv(sys.argv[1], 'statements', ViewFilter());"
        " open(sys.argv[2], 'wb').write(b)", "{db}", "{out}"],
}


def measure(argv: list[str]) -> dict:
    """Run one child (this process must have no other); its peak RSS in MB and its wall time."""
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{argv[:3]} failed: {done.stderr[-2000:]}")
    # Linux reports ru_maxrss in kilobytes.
    return {"peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, "seconds": took}


def run_case(name: str, db: Path, out: Path) -> dict:
    """Measure one case in a fresh wrapper process, so RUSAGE_CHILDREN sees only that case's child."""
    argv = [a.format(db=db, out=out) for a in CHILDREN[name]]
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(argv)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout)


def csv_rows(path: Path) -> int:
    """Data rows in a CSV export (records, not lines: a quoted cell may hold a newline)."""
    import csv

    with path.open(newline="", encoding="utf-8") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(measure(json.loads(sys.argv[2]))))
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    db = Path(sys.argv[1]).resolve()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in CHILDREN:
            out = Path(tmp) / "export.csv"
            results[name] = run_case(name, db, out)
            if out.exists():
                results[name]["rows"] = csv_rows(out)
                results[name]["csv_mb"] = out.stat().st_size / 1e6
                out.unlink()
    base = results["baseline (import, open the DB)"]["peak_mb"]
    print(f"database: {db}")
    print(f"{'case':<32} {'peak MB':>8} {'over base':>9} {'seconds':>8} {'rows':>9} {'rows/s':>8} {'CSV MB':>7}")
    for name, r in results.items():
        rows = r.get("rows")
        rate = f"{rows / r['seconds']:>8.0f}" if rows else f"{'':>8}"
        verdict = "" if rows is None else ("  PASS" if r["peak_mb"] < LIMIT_MB else "  FAIL") + f" (< {LIMIT_MB} MB)"
        print(f"{name:<32} {r['peak_mb']:>8.1f} {r['peak_mb'] - base:>9.1f} {r['seconds']:>8.1f}"
              f" {rows if rows is not None else '':>9} {rate} {r.get('csv_mb', 0):>7.1f}{verdict}")


if __name__ == "__main__":
    main()
