"""Measure the shift detector against labeled shifts: precision, recall, misses and false alarms.

Labels (YAML): `shifts: [{actor, actor_kind, topic, from, to, window: [start, end]}]` and
`stable: [{actor, actor_kind, topic, stance}]`. A detected shift matches a labeled one when the
actor (display name or id), the line kind, the topic and the direction agree and the shift date
lies inside the window.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import yaml

from etl.errors import StanceError

log = logging.getLogger(__name__)

STANCES = ("support", "oppose", "neutral")
KINDS = ("person", "group")


class LabelError(StanceError):
    """No usable shift labels at all."""


@dataclass
class Labels:
    """Labeled shifts and stable lines, with every problem met while reading them."""

    shifts: list[dict] = field(default_factory=list)
    stable: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _norm(name: object) -> str:
    return " ".join(str(name or "").casefold().split())


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value).strip()).isoformat()


def _check_common(entry: dict, where: str, problems: list[str]) -> bool:
    ok = True
    for key in ("actor", "actor_kind", "topic"):
        if not entry.get(key):
            problems.append(f"{where}: missing {key}")
            ok = False
    if entry.get("actor_kind") and entry["actor_kind"] not in KINDS:
        problems.append(f"{where}: actor_kind must be person or group, not {entry['actor_kind']!r}")
        ok = False
    return ok


def _read_shift(entry: dict, where: str, problems: list[str]) -> dict | None:
    ok = _check_common(entry, where, problems)
    for key in ("from", "to"):
        if entry.get(key) not in STANCES:
            problems.append(f"{where}: {key} must be one of {', '.join(STANCES)}, not {entry.get(key)!r}")
            ok = False
    window = entry.get("window")
    try:
        start, end = (_iso(v) for v in window)
        if start > end:
            raise ValueError("starts after it ends")
    except (TypeError, ValueError) as exc:
        problems.append(f"{where}: window must be [start, end] dates ({exc})")
        return None
    if not ok:
        return None
    return {"actor": str(entry["actor"]), "actor_kind": entry["actor_kind"], "topic": entry["topic"],
            "from": entry["from"], "to": entry["to"], "window": (start, end), "where": where}


def load_labels(paths: Iterable[str | Path]) -> Labels:
    """Read label files; a missing file or bad entry is a problem noted, and reading goes on."""
    labels = Labels()
    for path in map(Path, paths):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            labels.problems.append(f"{path}: cannot read labels ({exc.strerror or exc})")
            continue
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            labels.problems.append(f"{path}: not valid YAML ({exc})")
            continue
        if not isinstance(data, dict):
            labels.problems.append(f"{path}: expected a mapping with `shifts` and `stable` lists")
            continue
        labels.files.append(str(path))
        for i, entry in enumerate(data.get("shifts") or [], 1):
            where = f"{path}: shifts #{i}"
            shift = _read_shift(entry, where, labels.problems) if isinstance(entry, dict) else None
            if shift:
                labels.shifts.append(shift)
            elif not isinstance(entry, dict):
                labels.problems.append(f"{where}: expected a mapping")
        for i, entry in enumerate(data.get("stable") or [], 1):
            where = f"{path}: stable #{i}"
            if isinstance(entry, dict) and _check_common(entry, where, labels.problems):
                labels.stable.append({"actor": str(entry["actor"]), "actor_kind": entry["actor_kind"],
                                      "topic": entry["topic"], "stance": entry.get("stance"), "where": where})
            elif not isinstance(entry, dict):
                labels.problems.append(f"{where}: expected a mapping")
    if not labels.shifts and not labels.stable:
        raise LabelError("no usable shift labels: " + ("; ".join(labels.problems) or "the files are empty"))
    return labels


SCORES = {"support": 1.0, "oppose": -1.0, "neutral": 0.0}


def points_from_statement_labels(paths: Iterable[str | Path]) -> tuple[list[dict], list[str]]:
    """Stance points from labeled statements (labels/dev.yaml format), on person and group lines.

    Running the detector on these measures detection alone, as if extraction were perfect.
    """
    points, problems = [], []
    for path in map(Path, paths):
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read statement labels ({exc})")
            continue
        if not isinstance(entries, list):
            problems.append(f"{path}: expected a list of labeled statements")
            continue
        for i, e in enumerate(entries, 1):
            if not isinstance(e, dict) or e.get("stance") not in STANCES or not e.get("date") or not e.get("actor"):
                problems.append(f"{path}: entry #{i} lacks actor, date or a known stance; skipped")
                continue
            base = {"topic": e.get("topic"), "stance": e["stance"], "score": SCORES[e["stance"]],
                    "date": _iso(e["date"]), "statement_id": f"{e.get('doc')}@{i}", "doc_id": str(e.get("doc")),
                    "start": i, "text": e.get("evidence"), "confidence": 1.0,
                    "speaker_id": str(e["actor"])}
            kind = e.get("actor_kind")
            group = str(e["actor"]) if kind == "group" else e.get("group")
            if kind == "person":
                points.append({**base, "level": "person", "line_id": str(e["actor"]),
                               "line_name": str(e["actor"]), "line_kind": "person"})
            if group:
                points.append({**base, "level": "group", "line_id": str(group), "line_name": str(group),
                               "line_kind": "group"})
    return points, problems


def _same_line(detected: dict, label: dict) -> bool:
    who = _norm(label["actor"])
    return (who in (_norm(detected["actor"]), _norm(detected["actor_id"]))
            and detected["level"] == label["actor_kind"] and detected["topic"] == label["topic"])


def evaluate(detected: Sequence[dict], labels: Labels) -> dict:
    """Match detections to labels; return counts, precision, recall and the lists behind them.

    Two label files may describe one change (the dev and test writers both label a shift the
    whole corpus shows); one detection then satisfies both, preferring a detection not yet used.
    """
    used: list[int] = []  # indices of detections that matched a label
    found, missed = [], []
    for label in labels.shifts:
        start, end = label["window"]
        hits = [i for i, d in enumerate(detected) if _same_line(d, label) and d["from_stance"] == label["from"]
                and d["to_stance"] == label["to"] and start <= d["shift_date"] <= end]
        if not hits:
            near = [d for d in detected if _same_line(d, label)]
            missed.append({**label, "detected_on_line": [
                f"{d['from_stance']}->{d['to_stance']} on {d['shift_date']}" for d in near]})
            continue
        hit = next((i for i in hits if i not in used), hits[0])
        used.append(hit)
        found.append({**label, "detected": detected[hit]})
    unmatched = [d for i, d in enumerate(detected) if i not in used]
    on_stable = [d for d in unmatched if any(_same_line(d, s) for s in labels.stable)]
    labeled_lines = [*labels.shifts, *labels.stable]
    on_labeled = [d for d in unmatched if any(_same_line(d, s) for s in labeled_lines)]
    n_detected, n_right = len(detected), len(set(used))
    return {
        "labels": len(labels.shifts), "stable_lines": len(labels.stable), "detected": n_detected,
        "found": found, "missed": missed, "false_alarms": unmatched, "false_alarms_on_stable": on_stable,
        "false_alarms_on_labeled_lines": on_labeled,
        "precision": (n_right / n_detected) if n_detected else None,
        "recall": (len(found) / len(labels.shifts)) if labels.shifts else None,
        "precision_on_labeled_lines": (n_right / (n_right + len(on_labeled))) if n_right or on_labeled else None,
    }
