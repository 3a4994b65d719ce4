"""Actor alignment: how closely two actors' positions match over a time window.

Per topic an actor's position is the mean score of their stance points in the window (a
group's line includes its office holders'). Two actors who both spoke on a topic agree on it
by 1 - |a - b|, which runs from 1 (same position) to -1 (support against oppose); their
agreement is the mean over the topics they share. A person is never paired with a group
whose line contains their own statements: that agreement would only echo itself.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

from sqlite_utils import Database

from db import positions
from etl.shifts import resolve_actor

log = logging.getLogger(__name__)


@dataclass
class _Line:
    id: str
    name: str
    kind: str
    scores: dict = field(default_factory=lambda: defaultdict(list))  # topic -> [score]
    statements: dict = field(default_factory=lambda: defaultdict(list))  # topic -> [statement id]


def _lines(db: Database, since: str | None, until: str | None, topics: Iterable[str] | None,
           level: str) -> dict[str, _Line]:
    wanted = set(topics) if topics else None
    lines: dict[str, _Line] = {}
    for p in positions.stance_points(db, level=level, since=since, until=until):
        if wanted is not None and p["topic"] not in wanted:
            continue
        line = lines.get(p["line_id"])
        if line is None:
            line = lines[p["line_id"]] = _Line(p["line_id"], p["line_name"], p["line_kind"])
        line.scores[p["topic"]].append(float(p["score"]))
        if p["statement_id"] not in line.statements[p["topic"]]:
            line.statements[p["topic"]].append(p["statement_id"])
    return lines


def _compare(a: _Line, b: _Line) -> dict | None:
    shared = sorted(set(a.scores) & set(b.scores))
    if not shared:
        return None
    a_ids = {s for ids in a.statements.values() for s in ids}
    if a_ids & {s for ids in b.statements.values() for s in ids}:
        return None  # one line contains the other's statements (a person and their group)
    per_topic, evidence = {}, []
    for topic in shared:
        a_mean = sum(a.scores[topic]) / len(a.scores[topic])
        b_mean = sum(b.scores[topic]) / len(b.scores[topic])
        per_topic[topic] = {"a_mean": round(a_mean, 3), "b_mean": round(b_mean, 3),
                            "agreement": round(1 - abs(a_mean - b_mean), 3),
                            "a_statements": len(a.statements[topic]), "b_statements": len(b.statements[topic])}
        evidence += a.statements[topic] + b.statements[topic]
    agreement = sum(t["agreement"] for t in per_topic.values()) / len(per_topic)
    return {"agreement": round(agreement, 3), "topics": shared, "per_topic": per_topic, "evidence": evidence,
            "statements": len(evidence)}


def alignment_pairs(db: Database, *, since: str | None = None, until: str | None = None,
                    topics: Iterable[str] | None = None, level: str = "all") -> list[dict]:
    """Every pair of actors who spoke on a common topic in [since, until], most aligned first."""
    lines = _lines(db, since, until, topics, level)
    pairs = []
    for a, b in combinations(sorted(lines.values(), key=lambda line: (line.name.lower(), line.id)), 2):
        result = _compare(a, b)
        if result is None:
            continue
        pairs.append({"actor_a": a.name, "actor_a_id": a.id, "actor_a_kind": a.kind,
                      "actor_b": b.name, "actor_b_id": b.id, "actor_b_kind": b.kind, **result})
    pairs.sort(key=lambda p: (-p["agreement"], -len(p["topics"]), -p["statements"],
                              p["actor_a"].lower(), p["actor_b"].lower()))
    log.info("%d aligned pair(s) among %d actor line(s)", len(pairs), len(lines))
    return pairs


def closest_actors(db: Database, actor_id: str, *, since: str | None = None, until: str | None = None,
                   topics: Iterable[str] | None = None, level: str = "all") -> list[dict]:
    """The actors one actor's positions match, most to least, with the shared statements as evidence."""
    me = resolve_actor(db, actor_id)
    lines = _lines(db, since, until, topics, level)
    mine = lines.get(me["id"])
    if mine is None:
        return []
    rows = []
    for other in lines.values():
        if other.id == mine.id:
            continue
        result = _compare(mine, other)
        if result is None:
            continue
        rows.append({"actor": other.name, "actor_id": other.id, "actor_kind": other.kind,
                     "of": mine.name, "of_id": mine.id, **result})
    rows.sort(key=lambda r: (-r["agreement"], -len(r["topics"]), -r["statements"], r["actor"].lower()))
    return rows
