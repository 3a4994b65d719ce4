"""ETL throughput: words per second of `stance ingest` end to end, against a bare spaCy pass, and its peak memory.

Run: .venv/bin/python tests/benchmarks/bench_etl.py [--words 150000] [--workers 1,2] [--mix news|corpus]

The news mix (--mix news, the default) is the corpus articles of etl/corpus/articles/dev, probe-a
and probe-b (all on the three topics) plus the 30 articles of tests/benchmarks/news_mix (ordinary
news on other subjects), so one article in three is off-topic; --mix corpus leaves those out. The
mix is copied until it holds --words words; each copy gets its own URLs and a numbered line, since
identical articles are stored once. For each --workers value, `stance ingest` runs as its own
process on the mix into a new SQLite file (discover, read, clean, extract, tag, write), while this
script samples the resident memory of that process and its children every 50 ms. The bare
baseline is `nlp.pipe` of the same model (etl.nlp.load_nlp) over the same document texts, in this
script, in batches of 64 texts; a second pass at the model's own default batch size (slower on
these texts) is printed too, since that is bench_extract.py's baseline. CPU seconds of the ingest
(its process and every child) are printed beside wall-clock seconds, since on a machine shared
with other jobs the wall clock of two workers says more about the other jobs than about the
workers. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from etl.documents import load_documents
from etl.nlp import load_nlp

CORPUS = Path(__file__).parents[2] / "etl" / "corpus" / "articles"
SETS = ("dev", "probe-a", "probe-b")  # never the held-out test set
NEWS = Path(__file__).parent / "news_mix"  # off-topic news: sport, markets, courts, weather, ...
HOST = re.compile(r"(https?://[^/\s\"'<>]*example[^/\s\"'<>]*)")
FEED_BODY_END = re.compile(r"(</content:encoded>|</description>|</content>|</summary>)")


def corpus_files(mix: str = "news") -> list[Path]:
    """The articles of the mix, in a fixed order."""
    folders = [CORPUS / name for name in SETS] + ([NEWS] if mix == "news" else [])
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".") and p.name != "README.md"]


def distinct_copy(path: Path, n: int) -> str:
    """The file's content as copy n: its own URLs and one extra numbered line, so no copy is a duplicate."""
    text = path.read_text(encoding="utf-8")
    text = HOST.sub(lambda m: f"{m.group(1)}/copy{n}", text)
    line = f"Bulletin number {n}."
    if path.suffix in (".html", ".htm"):
        end = text.rfind("</p>")
        return text[:end + 4] + f"<p>{line}</p>" + text[end + 4:]
    if path.suffix in (".xml", ".rss", ".atom"):
        return FEED_BODY_END.sub(lambda m: f" {line}{m.group(1)}", text)
    return text.rstrip("\n") + f"\n\n{line}\n"


def build_mix(root: Path, words: int, mix: str = "news") -> tuple[int, int, list[str]]:
    """Copies of the corpus under root until it holds `words` words: (documents, words, texts).

    Counted as ingest stores them: a document with the text or URL of one before it is not counted.
    """
    files = corpus_files(mix)
    texts: list[str] = []
    seen: set[str] = set()
    total = 0
    n = 0
    while total < words:
        folder = root / f"copy{n:04d}"
        folder.mkdir(parents=True)
        for path in files:
            (folder / path.name).write_text(distinct_copy(path, n), encoding="utf-8")
        for doc in load_documents([str(folder)]):
            if doc.id in seen or (doc.url and doc.url in seen):
                continue
            seen.update(x for x in (doc.id, doc.url) if x)
            texts.append(doc.text)
            total += len(doc.text.split())
        n += 1
    return len(texts), total, texts


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of one live process so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_rss_kb(root_pid: int) -> dict[int, int]:
    """Resident kB of root_pid and every descendant, read from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    tree = {root_pid}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return {pid: rss.get(pid, 0) for pid in tree}


def run_ingest(folder: Path, db_path: Path, workers: int) -> tuple[float, float, float, int, int, str]:
    """(seconds, CPU seconds, of which the main process's, peak kB of the tree, peak kB of its largest process,
    summary) of one ingest."""
    command = [sys.executable, "-m", "etl", "ingest", str(folder), "--db", str(db_path), "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks = {"tree": 0, "one": 0, "main_cpu": 0.0}

    def sample() -> None:
        while proc.poll() is None:
            peaks["main_cpu"] = max(peaks["main_cpu"], cpu_seconds(proc.pid))
            sizes = tree_rss_kb(proc.pid)
            peaks["tree"] = max(peaks["tree"], sum(sizes.values()))
            peaks["one"] = max(peaks["one"], max(sizes.values(), default=0))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers were reaped by the ingest, so they count
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}): {err[-2000:]}")
    summary = [line for line in err.splitlines() if line.startswith("run ")][-1]
    return seconds, cpu, peaks["main_cpu"], peaks["tree"], peaks["one"], summary


def stored_counts(db_path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db_path)
    try:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                     for t in ("documents", "statements", "tags"))
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=150_000, help="size of the news mix in words")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts to run")
    parser.add_argument("--mix", choices=("news", "corpus"), default="news",
                        help="news: the labeled corpus plus off-topic news; corpus: on-topic articles only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        docs, words, texts = build_mix(root / "mix", args.words, args.mix)
        one = root / "one"
        one.mkdir()
        (one / "a.md").write_text("---\ndate: 2025-02-13\n---\nThe minister said the talks would resume.\n",
                                  encoding="utf-8")
        print(f"news mix: {docs:,} documents, {words:,} words ({len(corpus_files(args.mix))} articles copied, --mix {args.mix}); "
              f"{os.cpu_count()} cores")

        nlp = load_nlp()
        list(nlp.pipe(texts[:20]))  # warm-up
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        bare, bare_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(f"bare nlp.pipe ({nlp.meta['name']} {nlp.meta['version']}, all components): "
              f"{bare:.1f} s ({bare_cpu:.1f} CPU s), {words / bare:,.0f} words/s; "
              f"load average {os.getloadavg()[0]:.1f}")
        cpu_started = time.process_time()
        for _ in nlp.pipe(texts):
            pass
        default_cpu = time.process_time() - cpu_started
        print(f"the same at the model's default batch size ({nlp.batch_size}): {default_cpu:.1f} CPU s "
              f"(the x bare columns below are against the batch-64 pass)")

        print(f"{'workers':>7}{'seconds':>9}{'startup':>9}{'words/s':>10}{'net w/s':>10}{'x bare':>8}"
              f"{'x 1 worker':>12}{'CPU s':>8}{'x bare CPU':>11}{'main':>7}{'cores':>7}{'peak RSS tree':>15}{'largest':>9}{'load':>6}"
              f"  stored (docs, statements, tags)")
        base_net = None
        for workers in [int(w) for w in args.workers.split(",")]:
            startup, startup_cpu, *_ = run_ingest(one, root / f"one-{workers}.db", workers)
            db_path = root / f"mix-{workers}.db"
            seconds, cpu, main_cpu, tree_kb, one_kb, summary = run_ingest(root / "mix", db_path, workers)
            net = words / max(seconds - startup, 1e-9)
            base_net = base_net or net
            print(f"{workers:>7}{seconds:>9.1f}{startup:>9.1f}{words / seconds:>10,.0f}{net:>10,.0f}"
                  f"{net / (words / bare):>8.2f}{net / base_net:>12.2f}{cpu:>8.1f}"
                  f"{bare_cpu / max(cpu - startup_cpu, 1e-9):>11.2f}{main_cpu:>7.1f}{cpu / seconds:>7.2f}"
                  f"{tree_kb / 1024:>12,.0f} MB{one_kb / 1024:>6,.0f} MB{os.getloadavg()[0]:>6.1f}"
                  f"  {stored_counts(db_path)}")
            print(f"{'':>7}  x bare CPU at the default batch size: {default_cpu / max(cpu - startup_cpu, 1e-9):.2f}")
            if f"{docs} new documents" not in summary:
                print(f"  (stored other than counted: {summary})")
        print("seconds: the whole `stance ingest` process; startup: the same command on a one-article folder "
              "(interpreter, model and worker start); net w/s: words / (seconds - startup); CPU s: user+system "
              "seconds of the ingest and its workers, main: of the main process alone (sampled); cores: CPU s / seconds; load: 1-minute load average after")


if __name__ == "__main__":
    main()
