"""Sanity checks for the labeled corpus: docs exist, evidence is verbatim, fields are valid.

Usage: python etl/corpus/check_labels.py [split ...]   (default: every labels/<split>.yaml found)
"""

from __future__ import annotations

import collections
import datetime as dt
import html
import re
import sys
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent
TOPICS = {"nato_membership", "troop_deployment", "burden_sharing"}
STANCES = {"support", "oppose", "neutral"}
QTYPES = {"direct", "indirect", "mixed", "according_to", "reported"}
KINDS = {"person", "group"}
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"


def _html_paragraphs(fragment: str) -> str:
    paras = re.findall(r"<p\b[^>]*>(.*?)</p>", fragment, flags=re.S | re.I)
    out = []
    for p in paras:
        text = re.sub(r"<[^>]+>", "", p)
        text = html.unescape(re.sub(r"\s+", " ", text)).strip()
        if text:
            out.append(text)
    return "\n\n".join(out)


def load_docs(folder: Path) -> dict[str, tuple[str, dt.date | None]]:
    """Map doc name -> (clean text, publication date)."""
    docs: dict[str, tuple[str, dt.date | None]] = {}
    for path in sorted(folder.iterdir()):
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            m = re.match(r"^---\n(.*?)\n---\n", raw, flags=re.S)
            meta = yaml.safe_load(m.group(1)) if m else {}
            body = raw[m.end():] if m else raw
            d = meta.get("date")
            docs[path.name] = (body.strip(), d if isinstance(d, dt.date) else None)
        elif path.suffix in {".html", ".htm"}:
            art = re.search(r"<article\b.*?>(.*?)</article>", raw, flags=re.S | re.I)
            m = re.search(r'article:published_time"\s+content="([^"]+)"', raw) or re.search(
                r'<time[^>]*datetime="([^"]+)"', raw)
            d = dt.date.fromisoformat(m.group(1)[:10]) if m else None
            docs[path.name] = (_html_paragraphs(art.group(1) if art else raw), d)
        elif path.suffix in {".xml", ".rss", ".atom"}:
            root = ET.fromstring(raw)
            if root.tag == f"{ATOM}feed":  # Atom: <entry> with <content type="html"> and <published>
                for n, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
                    content = entry.findtext(f"{ATOM}content") or entry.findtext(f"{ATOM}summary") or ""
                    pub = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
                    d = dt.date.fromisoformat(pub[:10]) if pub else None
                    docs[f"{path.name}#{n}"] = (_html_paragraphs(content), d)
            else:  # RSS 2.0: <item> with <content:encoded> (or <description>) and <pubDate>
                for n, item in enumerate(root.iter("item"), start=1):
                    content = item.findtext(CONTENT_NS) or item.findtext("description") or ""
                    pub = item.findtext("pubDate")
                    d = parsedate_to_datetime(pub).date() if pub else None
                    docs[f"{path.name}#{n}"] = (_html_paragraphs(content), d)
    return docs


def check(split: str) -> int:
    labels = yaml.safe_load((ROOT / "labels" / f"{split}.yaml").read_text(encoding="utf-8")) or []
    docs = load_docs(ROOT / "articles" / split)
    errors = 0
    for i, e in enumerate(labels):
        where = f"{split}[{i}] {e.get('doc')} {e.get('actor')}"
        problems = []
        if e.get("doc") not in docs:
            problems.append("doc not found")
        else:
            text, _ = docs[e["doc"]]
            ev = e.get("evidence") or ""
            if not ev or ev not in text:
                problems.append(f"evidence not verbatim: {ev!r}")
        if e.get("topic") not in TOPICS:
            problems.append(f"bad topic {e.get('topic')}")
        if e.get("stance") not in STANCES:
            problems.append(f"bad stance {e.get('stance')}")
        if e.get("quote_type") not in QTYPES:
            problems.append(f"bad quote_type {e.get('quote_type')}")
        if e.get("actor_kind") not in KINDS:
            problems.append(f"bad actor_kind {e.get('actor_kind')}")
        undated = e.get("doc") in docs and docs[e["doc"]][1] is None
        if not isinstance(e.get("date"), dt.date) and not (undated and e.get("date") is None):
            problems.append(f"bad date {e.get('date')!r}")
        for p in problems:
            print(f"ERROR {where}: {p}")
        errors += len(problems)

    print(f"\n== {split}: {len(docs)} docs, {len(labels)} labels, {errors} errors")
    by = collections.Counter((e["topic"], e["stance"]) for e in labels)
    for t in sorted(TOPICS):
        print(f"  {t:18s}", {s: by[(t, s)] for s in sorted(STANCES)})
    print("  quote types:", dict(collections.Counter(e["quote_type"] for e in labels)))
    actors = {e["actor"] for e in labels}
    print(f"  distinct actors: {len(actors)} ({sum(1 for e in labels if e['actor_kind'] == 'person')} person labels)")
    differ = sum(1 for e in labels if e["doc"] in docs and docs[e["doc"]][1] and e.get("date")
                 and e["date"] != docs[e["doc"]][1])
    print(f"  dates differing from publication date: {differ}")
    unlabeled = sorted(set(docs) - {e["doc"] for e in labels})
    print(f"  docs without labels: {unlabeled}")
    return errors


if __name__ == "__main__":
    splits = sys.argv[1:] or sorted(p.stem for p in (ROOT / "labels").glob("*.yaml")
                                    if (ROOT / "articles" / p.stem).is_dir())
    sys.exit(1 if sum(check(s) for s in splits) else 0)
