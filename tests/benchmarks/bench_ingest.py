"""Ingestion speed per input format, as documents per second and as a ratio to plain Markdown.

Run: .venv/bin/python tests/benchmarks/bench_ingest.py [--n 200]
Generates its inputs in a temporary folder; prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path

from etl.documents import load_documents
from etl.sources import discover, read_input

PARAGRAPH = ("The minister said on Tuesday that allies would have to carry a larger share of the cost of "
             "their own defence, and that the matter would be settled at the summit in June. ")
FIXTURES = Path(__file__).parents[1] / "fixtures"


def _article(i: int) -> str:
    return "\n\n".join(f"Paragraph {p} of article {i}. " + PARAGRAPH * 3 for p in range(8))


def build(root: Path, n: int) -> dict[str, list[str]]:
    """Write n articles in each format; returns format -> paths."""
    page = (FIXTURES / "page_with_boilerplate.html").read_text()
    inputs: dict[str, list[str]] = {"markdown": [], "markdown cp1252": [], "html": [], "rss feed": [], "jsonl": []}
    for i in range(n):
        md = root / "md" / f"2025-02-{i % 28 + 1:02d}-a{i}.md"
        md.parent.mkdir(parents=True, exist_ok=True)
        md.write_text(f"---\ntitle: Article {i}\ndate: 2025-02-13\n---\n{_article(i)}\n")
        inputs["markdown"].append(str(md))
        legacy = root / "legacy" / f"a{i}.txt"
        legacy.parent.mkdir(parents=True, exist_ok=True)
        legacy.write_bytes(f"Zürich café {i}. {_article(i)}\n".encode("cp1252"))
        inputs["markdown cp1252"].append(str(legacy))
        html = root / "html" / f"p{i}.html"
        html.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>{p}</p>" for p in _article(i).split("\n\n"))
        html.write_text(page.replace("<p>His Lithuanian", body + "<p>His Lithuanian"))
        inputs["html"].append(str(html))
    items = "".join(
        f"<item><title>Item {i}</title><link>https://e.org/{i}</link><pubDate>Thu, 13 Feb 2025 10:00:00 GMT</pubDate>"
        f"<description><![CDATA[{''.join(f'<p>{p}</p>' for p in _article(i).split(chr(10) * 2))}]]></description></item>"
        for i in range(n)
    )
    feed = root / "feed.xml"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>{items}</channel></rss>')
    inputs["rss feed"].append(str(feed))
    jsonl = root / "items.jsonl"
    jsonl.write_text("".join(json.dumps({"title": f"T{i}", "text": _article(i), "date": "2025-02-13"}) + "\n"
                             for i in range(n)))
    inputs["jsonl"].append(str(jsonl))
    return inputs


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    count = fn()
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="articles per format")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the generated inputs are undated on purpose
    with tempfile.TemporaryDirectory() as tmp:
        inputs = build(Path(tmp), args.n)
        results = {}
        for name, paths in inputs.items():
            seconds, count = timed(lambda paths=paths: sum(1 for _ in load_documents(paths)))
            results[name] = (seconds, count)
        base = results["markdown"][0] / results["markdown"][1]
        print(f"{'format':<18}{'docs':>6}{'docs/s':>10}{'ms/doc':>9}{'x markdown':>12}")
        for name, (seconds, count) in results.items():
            per = seconds / count
            print(f"{name:<18}{count:>6}{count / seconds:>10.0f}{per * 1000:>9.2f}{per / base:>12.1f}")

        big = Path(tmp) / "big.txt"
        with open(big, "wb") as handle:
            handle.truncate(50 * 1024 * 1024)
        (ref,) = discover([str(big)])
        refuse, _ = timed(lambda: _refused(ref))
        read, _ = timed(lambda: len(big.read_bytes()))
        print(f"50 MB file refused in {refuse * 1000:.2f} ms; reading it whole takes {read * 1000:.1f} ms "
              f"({read / refuse:.0f}x longer)")


def _refused(ref) -> int:
    try:
        read_input(ref)
    except Exception:  # noqa: BLE001 - the refusal is what is being timed
        return 1
    raise SystemExit("the 50 MB file was not refused")


if __name__ == "__main__":
    main()
