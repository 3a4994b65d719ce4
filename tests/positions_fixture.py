"""A small real stancewatch database for the shift, alignment and report tests."""

from __future__ import annotations

from pathlib import Path

from db.connection import open_db
from etl.models import content_id

SCORES = {"support": 1.0, "oppose": -1.0, "neutral": 0.0}


class LineDB:
    """Builds rows the way the ETL stores them: actors, roles, documents, statements, tags."""

    def __init__(self, path: Path):
        self.path = path
        self.db = open_db(path)
        self._n = 0

    def actor(self, actor_id: str, name: str, kind: str, known: int = 1) -> "LineDB":
        """Add an actor."""
        self.db["actors"].insert({"id": actor_id, "name": name, "kind": kind, "known": known})
        return self

    def role(self, actor_id: str, group_id: str, start: str | None, end: str | None = None,
             office: str = "head_of_government") -> "LineDB":
        """Add a dated role of a person in a group."""
        self.db["actor_roles"].insert({"id": content_id(actor_id, group_id, start), "actor_id": actor_id,
                                       "group_id": group_id, "office": office, "title": office,
                                       "start_date": start, "end_date": end})
        return self

    def say(self, actor_id: str, day: str, topic: str, stance: str, *, group_id: str | None = None,
            text: str | None = None, score: float | None = None, confidence: float = 0.9,
            doc_id: str | None = None) -> dict:
        """Add one statement with one tag, in a new document or in `doc_id`'s; returns the ids."""
        self._n += 1
        text = text or f"{actor_id} on {topic}: {stance} (#{self._n})"
        start = 0 if doc_id is None else self._n
        if doc_id is None:
            doc_id = content_id("doc", self._n)
            self._new_document(doc_id, day, text)
        statement_id = content_id(doc_id, start, len(text))
        self.db["statements"].insert({
            "id": statement_id, "doc_id": doc_id, "actor_id": actor_id, "group_id": group_id,
            "mention": actor_id, "text": text, "start": start, "end": start + len(text), "cue": "said",
            "quote_type": "indirect", "date": day, "confidence": 0.9, "rule": "test",
        })
        tag_id = content_id(statement_id, topic, "")
        self.db["tags"].insert({
            "id": tag_id, "statement_id": statement_id, "topic_id": topic, "stance": stance,
            "score": SCORES[stance] if score is None else score, "confidence": confidence,
            "cue": stance, "rule": "test", "codebook_version": "test",
        })
        return {"doc_id": doc_id, "statement_id": statement_id, "tag_id": tag_id}

    def _new_document(self, doc_id: str, day: str, text: str) -> None:
        self.db["documents"].insert({
            "id": doc_id, "url": f"https://news.example.org/{self._n}", "source": "Test Wire",
            "title": f"Article {self._n}", "published": day, "date_source": "metadata", "undated": 0,
            "text": text, "raw_format": "markdown", "origin": f"a{self._n}.md", "ingested_at": day + "T08:00:00+00:00",
        })


def folded_totals(rows: list[dict]) -> list[tuple]:
    """Totals per (topic, speaker, group line); the live sum may give one in two rows (stored group, dated role)."""
    folded = {}
    for r in rows:
        k = (r["topic"], r["actor_id"], r["group_line"] or "")
        n, total, last = folded.get(k, (0, 0.0, ""))
        folded[k] = (n + r["n"], total + r["total"], max(last, r["last_date"]))
    return sorted((*k, n, round(total, 9), last) for k, (n, total, last) in folded.items())
