"""Speed of the full `stance extract` path against a bare nlp.pipe over the same article texts.

Run: .venv/bin/python tests/benchmarks/bench_extract.py [PATH ...] [--repeat N]
(default PATH: the corpus dev articles). Prints words per second of both and their ratio.
Not collected by pytest (the file name does not start with test_).
"""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

from etl.documents import load_documents
from etl.engine import Engine
from etl.nlp import load_nlp
from etl.statement_rows import extraction_rows

DEFAULT = [str(Path(__file__).resolve().parents[2] / "etl" / "corpus" / "articles" / "dev")]


def full_path(engine: Engine, paths: list[str]) -> tuple[int, int]:
    """Load, extract, tag and serialise as `stance extract` does; (documents, rows)."""
    out = io.StringIO()
    docs = rows = 0
    for document, extraction in engine.extract_many(load_documents(paths, on_error=lambda e: None)):
        docs += 1
        for row in extraction_rows(document, extraction, engine.codebook, include_untagged=True):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            rows += 1
    return docs, rows


def best_of(repeat: int, func, setup=lambda: None) -> float:
    """The fastest of `repeat` runs of func(setup()), in CPU seconds of this process (setup untimed).

    CPU time rather than the wall clock, so that other jobs on a shared machine do not decide the
    ratio (both sides run single-threaded here)."""
    times = []
    for _ in range(repeat):
        arg = setup()
        start = time.process_time()
        func(arg)
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    nlp = load_nlp()
    texts = [d.text for d in load_documents(args.paths, on_error=lambda e: None)]
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    engine = Engine(nlp=nlp)
    setup = time.perf_counter() - start
    full_path(engine, args.paths)  # warm-up of the shared model and vocabulary (both sides gain)

    bare = best_of(args.repeat, lambda _: list(nlp.pipe(texts)))
    # A new engine for every timed run: its own memories start empty, as in a daily run's process.
    full = best_of(args.repeat, lambda fresh: full_path(fresh, args.paths), lambda: Engine(nlp=nlp))
    docs, rows = full_path(engine, args.paths)

    print(f"corpus: {len(texts)} documents, {words} words ({', '.join(args.paths)})")
    print(f"engine setup (codebook matchers, tagger): {setup:.2f} s, once per run")
    print(f"bare nlp.pipe, full pipeline:  {words / bare:10.0f} words per CPU second  ({bare:.2f} s)")
    print(f"stance extract path:           {words / full:10.0f} words per CPU second  ({full:.2f} s, {rows} rows)")
    print(f"ratio extract/bare: {bare / full:.2f}x  (>1 means the extract path is faster)")


if __name__ == "__main__":
    main()
