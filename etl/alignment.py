"""Actor alignment: how closely two actors' positions match over a time window.

Per topic an actor's position is the mean score of their stance points in the window (a
group's line includes its office holders'). Two actors who both spoke on a topic agree on it
by 1 - |a - b|, which runs from 1 (same position) to -1 (support against oppose); their
agreement is the mean over the topics they share. A person is never paired with a group
whose line contains their own statements: that agreement would only echo itself. The
evidence of a pair is the newest statement of each actor on each topic they share, and
`statements` counts every point compared: means come from per-speaker totals summed in
SQLite, so a million statements never pass through Python one by one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

from sqlite_utils import Database

from db import speaker_totals
from etl.shift_lines import resolve_actor

log = logging.getLogger(__name__)


@dataclass
class _Line:
    id: str
    name: str
    kind: str
    n: dict = field(default_factory=lambda: defaultdict(int))  # topic -> points in the window
    total: dict = field(default_factory=lambda: defaultdict(float))  # topic -> sum of scores
    latest: dict = field(default_factory=dict)  # topic -> (date, statement id) of the newest point
    members: set = field(default_factory=set)  # group lines this person's statements also count on

    def add(self, row: dict) -> None:
        topic = row["topic"]
        self.n[topic] += row["n"]
        self.total[topic] += row["total"]
        newest = (row["last_date"], row["last_statement"])
        if topic not in self.latest or newest > self.latest[topic]:
            self.latest[topic] = newest

    def mean(self, topic: str) -> float:
        return self.total[topic] / self.n[topic]


def _lines(db: Database, since: str | None, until: str | None, topics: Iterable[str] | None,
           level: str) -> dict[str, _Line]:
    """Person and group lines with their per-topic totals, folded from per-speaker totals.

    A group actor speaks on its own group line; a person on their own line and on the group
    line their statement was stored with (or their dated role gives).
    """
    wanted = set(topics) if topics else None
    names = {a["id"]: (a["name"], a["kind"]) for a in db.query("SELECT id, name, kind FROM actors")}
    lines: dict[str, _Line] = {}

    def line(line_id: str, lvl: str) -> _Line:
        if line_id not in lines:
            name, kind = names.get(line_id, (line_id, lvl))
            lines[line_id] = _Line(line_id, name, kind)
        return lines[line_id]

    for row in speaker_totals.totals(db, since=since, until=until):
        if wanted is not None and row["topic"] not in wanted:
            continue
        speaker, group = row["actor_id"], row["group_line"]
        if names.get(speaker, ("", "person"))[1] == "group":
            if level in ("all", "group"):
                line(speaker, "group").add(row)
            continue
        if level in ("all", "person"):
            line(speaker, "person").add(row)
            if group is not None:
                lines[speaker].members.add(group)
        if group is not None and level in ("all", "group"):
            line(group, "group").add(row)
    return lines


def _compare(a: _Line, b: _Line) -> dict | None:
    shared = sorted(set(a.n) & set(b.n))
    if not shared or b.id in a.members or a.id in b.members:
        return None  # no common topic, or a person and a group line holding their own statements
    per_topic, evidence = {}, []
    for topic in shared:
        a_mean, b_mean = a.mean(topic), b.mean(topic)
        per_topic[topic] = {"a_mean": round(a_mean, 3), "b_mean": round(b_mean, 3),
                            "agreement": round(1 - abs(a_mean - b_mean), 3),
                            "a_statements": a.n[topic], "b_statements": b.n[topic]}
        evidence += [a.latest[topic][1], b.latest[topic][1]]
    agreement = sum(t["agreement"] for t in per_topic.values()) / len(per_topic)
    statements = sum(t["a_statements"] + t["b_statements"] for t in per_topic.values())
    return {"agreement": round(agreement, 3), "topics": shared, "per_topic": per_topic, "evidence": evidence,
            "statements": statements}


def alignment_pairs(db: Database, *, since: str | None = None, until: str | None = None,
                    topics: Iterable[str] | None = None, level: str = "all",
                    max_actors: int | None = None) -> list[dict]:
    """Every pair of actors who spoke on a common topic in [since, until], most aligned first.

    `max_actors` keeps only the actors with the most statements in the window (a readable
    heatmap; a thousand actors make half a million pairs).
    """
    lines = _lines(db, since, until, topics, level)
    if max_actors is not None:
        busiest = sorted(lines.values(), key=lambda line: (-sum(line.n.values()), line.name.lower(), line.id))
        lines = {line.id: line for line in busiest[:max_actors]}
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
