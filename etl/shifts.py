"""Stance shifts: where an actor's prevailing stance on a topic changes, with evidence.

The detector is a small change-point search over one line (one actor, one topic), its stance
points in time order. Every boundary between two statement days is a candidate split. Each
side is read outwards from the split, whole days at a time, inside `window_days`: the side's
stance is that of the nearest run of at most `max_per_side` statements in which one stance
holds a share of at least `agreement` and is carried by at least `min_per_side` independent
reports (`count_by`: one speaker, one day, one article). After a silence of `silence_days` or
more at the split, a side may rest on its nearest day alone when that day is firm (support or
oppose) and none of its nearest statements takes the other side's stance: a period of its own. The
other side must still be confirmed by `min_per_side` reports.

A candidate is a shift when the two sides differ, the mean score moved by at least
`min_delta`, and the first day after the split carries the new stance. Candidates describing
the same change (same direction, the old stance not back in between) collapse to the clearest.
So one outlier among consistent statements cannot make a side, silence adds no statements, and
a line may shift several times. Articles in which the line takes both sides of a topic ("no US
troops, but European troops") are left out as conditional positions.
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, timedelta
from itertools import accumulate, groupby
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

from etl.errors import StanceError

log = logging.getLogger(__name__)

DEFAULT_CONFIG = Path(__file__).parent / "data" / "shifts.yaml"
STANCES = ("support", "oppose", "neutral")


class ShiftConfigError(StanceError):
    """The shift parameters (file or options) are unusable."""


@dataclass(frozen=True)
class ShiftParams:
    """Parameters of the detector; defaults live in etl/data/shifts.yaml."""

    min_per_side: int = 2
    max_per_side: int = 6
    agreement: float = 0.66
    window_days: int = 1825
    min_delta: float = 0.5
    min_confidence: float = 0.5
    silence_days: int = 180
    skip_mixed_documents: bool = True
    count_by: str = "report"

    def check(self, origin: str = "parameters") -> "ShiftParams":
        """Return self, or raise ShiftConfigError naming every bad value."""
        problems = []
        if self.min_per_side < 1:
            problems.append(f"min_per_side must be at least 1, not {self.min_per_side}")
        if self.max_per_side < self.min_per_side:
            problems.append(f"max_per_side ({self.max_per_side}) is below min_per_side ({self.min_per_side})")
        if not 0.5 < self.agreement <= 1:
            problems.append(f"agreement must lie in (0.5, 1], not {self.agreement}")
        if self.window_days < 1:
            problems.append(f"window_days must be at least 1, not {self.window_days}")
        if not 0 <= self.min_delta <= 2:
            problems.append(f"min_delta must lie in [0, 2], not {self.min_delta}")
        if self.count_by not in ("statement", "report", "day"):
            problems.append(f"count_by must be statement, report or day, not {self.count_by!r}")
        if self.silence_days < 0:
            problems.append(f"silence_days must be 0 (off) or more, not {self.silence_days}")
        if not 0 <= self.min_confidence <= 1:
            problems.append(f"min_confidence must lie in [0, 1], not {self.min_confidence}")
        if problems:
            raise ShiftConfigError(f"{origin}: " + "; ".join(problems))
        return self


def load_params(path: str | Path | None = None, **overrides: Any) -> ShiftParams:
    """Parameters from a YAML file (default etl/data/shifts.yaml), then non-None overrides."""
    file = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ShiftConfigError(f"{file}: cannot read shift parameters ({exc.strerror or exc})") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ShiftConfigError(f"{file}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ShiftConfigError(f"{file}: expected a mapping of parameter: value")
    known = {f.name: f.type for f in fields(ShiftParams)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ShiftConfigError(f"{file}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(known)}")
    values = {**data, **{k: v for k, v in overrides.items() if v is not None}}
    try:
        params = ShiftParams(**{k: _convert(known[k], v) for k, v in values.items()})
    except (TypeError, ValueError) as exc:
        raise ShiftConfigError(f"{file}: bad parameter value ({exc})") from exc
    return params.check(str(file))


def _convert(kind: str, value: Any) -> Any:
    if kind == "str":
        return str(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise ValueError(f"expected true or false, not {value!r}")
    if isinstance(value, bool):
        raise ValueError(f"expected a number, not {value!r}")
    return int(value) if kind == "int" else float(value)


# --- the pure detector -----------------------------------------------------------


@dataclass(frozen=True)
class _Side:
    stance: str
    points: tuple  # nearest the split first
    share: float
    mean: float
    lone: bool = False  # rests on the nearest day alone, after a long silence


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _day_cuts(days: Sequence[date]) -> list[int]:
    """Sizes n at which a nearest-first side ends on a whole day (a day is never split)."""
    return [n for n in range(1, len(days) + 1) if n == len(days) or days[n] != days[n - 1]]


def _side(points: Sequence[Mapping], n: int, lone: bool = False) -> _Side:
    near = tuple(points[:n])
    stance, count = Counter(p["stance"] for p in near).most_common(1)[0]
    return _Side(stance, near, count / n, sum(float(p["score"]) for p in near) / n, lone)


def _unit(point: Mapping, count_by: str) -> Any:
    """What counts as one independent statement: a statement, a report (one speaker, one day, one document), a day."""
    if count_by == "report":
        return (point.get("doc_id") or point.get("statement_id") or id(point), point.get("speaker_id"),
                str(point["date"])[:10])
    if count_by == "day":
        return str(point["date"])[:10]
    return point.get("statement_id") or id(point)


def _regular(points: Sequence[Mapping], days: Sequence[date], params: ShiftParams) -> _Side | None:
    """The nearest whole days that hold `min_per_side` statements agreeing by `agreement`, or None."""
    cuts = _day_cuts(days)
    for n in cuts:
        if n > params.max_per_side and n != cuts[0]:
            break  # read at most max_per_side statements, but always the whole nearest day
        side = _side(points, n)
        agreeing = {_unit(p, params.count_by) for p in side.points if p["stance"] == side.stance}
        if len(agreeing) >= params.min_per_side and side.share >= params.agreement:
            return side
    return None


def _lone(points: Sequence[Mapping], days: Sequence[date]) -> _Side | None:
    """The nearest day alone, when it is unanimous and firm (support or oppose)."""
    if not points:
        return None
    side = _side(points, _day_cuts(days)[0], lone=True)
    return None if side.stance == "neutral" or side.share < 1 else side


def magnitude(from_stance: str, to_stance: str) -> str:
    """reversal (support <-> oppose), softening (to neutral) or hardening (from neutral)."""
    if "neutral" not in (from_stance, to_stance):
        return "reversal"
    return "softening" if to_stance == "neutral" else "hardening"


OPPOSITE = {"support": "oppose", "oppose": "support"}


def _contradicted(lone: _Side, side: Sequence[Mapping], other_stance: str) -> bool:
    """A lone side's neighbours take the other side's stance, or the opposite of its own."""
    bad = {other_stance, OPPOSITE.get(lone.stance)}
    return any(p["stance"] in bad for p in side)


def _sides(before, b_days, after, a_days, silent: bool, params: ShiftParams) -> tuple[_Side, _Side] | None:
    """The before and after stances at one split, preferring the nearest evidence after a silence."""
    b_reg, a_reg = _regular(before, b_days, params), _regular(after, a_days, params)
    pairs = [(b_reg, a_reg)]
    if silent:
        # Either side may be a period of its own (its nearest day alone); the other stays confirmed.
        pairs = [(_lone(before, b_days), a_reg), (b_reg, _lone(after, a_days)), (b_reg, a_reg)]
    for b, a in pairs:
        if b is None or a is None or b.stance == a.stance:
            continue
        if (b.lone and _contradicted(b, before, a.stance)) or (a.lone and _contradicted(a, after, b.stance)):
            continue
        return b, a
    return None


def _nearest(days: Sequence[date], order: range, inside, limit: int) -> list[int]:
    """Indices in `order` inside the window: at most `limit` statements, but whole days."""
    taken: list[int] = []
    for i in order:
        if not inside(days[i]) or (len(taken) >= limit and days[i] != days[taken[-1]]):
            break
        taken.append(i)
    return taken


def _candidate(points: Sequence[Mapping], days: Sequence[date], k: int, params: ShiftParams) -> dict | None:
    window = timedelta(days=params.window_days)
    split_day = days[k]
    b_idx = _nearest(days, range(k - 1, -1, -1), lambda d: split_day - d <= window, params.max_per_side)
    a_idx = _nearest(days, range(k, len(points)), lambda d: d - split_day <= window, params.max_per_side)
    silent = params.silence_days > 0 and (split_day - days[k - 1]).days >= params.silence_days
    found = _sides([points[i] for i in b_idx], [days[i] for i in b_idx],
                   [points[i] for i in a_idx], [days[i] for i in a_idx], silent, params)
    if found is None:
        return None
    b, a = found
    first_day = [p for i, p in zip(a_idx, a.points) if days[i] == split_day]
    first_after = next((p for p in first_day if p["stance"] == a.stance), None)
    if first_after is None:
        return None  # the split must fall where the new stance begins
    delta = a.mean - b.mean
    if abs(delta) < params.min_delta:
        return None
    last_before = next(p for p in b.points if p["stance"] == b.stance)
    return {
        "from_stance": b.stance,
        "to_stance": a.stance,
        "from_date": str(last_before["date"])[:10],
        "shift_date": str(first_after["date"])[:10],
        "magnitude": magnitude(b.stance, a.stance),
        "delta": round(delta, 3),
        "before_statement": last_before.get("statement_id"),
        "after_statement": first_after.get("statement_id"),
        "before_text": last_before.get("text"),
        "after_text": first_after.get("text"),
        "before_count": len(b.points),
        "after_count": len(a.points),
        "before_agree": round(b.share * len(b.points)),
        "after_agree": round(a.share * len(a.points)),
        "before_mean": round(b.mean, 3),
        "after_mean": round(a.mean, 3),
        "after_silence_days": (split_day - days[k - 1]).days,
        "_clarity": b.share + a.share + abs(delta) / 2 + 0.01 * (len(b.points) + len(a.points)),
    }


def _drop_mixed_documents(points: list[Mapping]) -> list[Mapping]:
    """Leave out documents where the line takes both sides ("no US troops, but European troops")."""
    stances: dict = {}
    for p in points:
        stances.setdefault(p.get("doc_id"), set()).add(p["stance"])
    mixed = {doc for doc, seen in stances.items() if doc is not None and {"support", "oppose"} <= seen}
    if mixed:
        log.debug("left out %d document(s) taking both sides: %s", len(mixed), sorted(mixed))
    return [p for p in points if p.get("doc_id") not in mixed]


def usable_points(points: Sequence[Mapping], params: ShiftParams) -> list[Mapping]:
    """The points the detector reads, in line order: dated, with a stance, confident enough, and
    (with `skip_mixed_documents`) not from a document where the line takes both sides."""
    usable = [p for p in points if p.get("date") and p.get("stance") in STANCES
              and float(p.get("confidence", 1.0)) >= params.min_confidence]
    if params.skip_mixed_documents:
        usable = _drop_mixed_documents(usable)
    usable.sort(key=lambda p: (str(p["date"])[:10], str(p.get("doc_id") or ""), p.get("start") or 0))
    return usable


def line_candidates(usable: Sequence[Mapping], params: ShiftParams, split_days: Iterable[date] | None = None
                    ) -> list[dict]:
    """Candidate shifts of a line's usable points at every day boundary (or only at `split_days`).

    A candidate reads at most `max_per_side` whole days on either side of its split, so the
    candidates of a stretch of the line need only that stretch and that many days around it.
    """
    days = [_day(p["date"]) for p in usable]
    wanted = None if split_days is None else set(split_days)
    return [c for k in range(1, len(usable)) if days[k] > days[k - 1] and (wanted is None or days[k] in wanted)
            for c in [_candidate(usable, days, k, params)] if c is not None]


def collapse(candidates: Iterable[dict], counts: "DayCounts", params: ShiftParams) -> list[dict]:
    """The shifts among a line's candidates: of those describing the same change, the clearest."""
    accepted: dict[tuple[str, str], list[str]] = {}  # direction -> accepted split days, in order
    kept: list[dict] = []
    for cand in sorted(candidates, key=lambda c: (-c["_clarity"], c["shift_date"])):
        direction = (cand["from_stance"], cand["to_stance"])
        splits = accepted.setdefault(direction, [])
        if not _same_change(cand["shift_date"], splits, cand["from_stance"], counts, params):
            insort(splits, cand["shift_date"])
            kept.append(cand)
    kept.sort(key=lambda c: c["shift_date"])
    return [public(c) for c in kept]


def public(candidate: Mapping) -> dict:
    """A candidate without the detector's working fields."""
    return {k: v for k, v in candidate.items() if not k.startswith("_")}


def detect_shifts(points: Sequence[Mapping], params: ShiftParams | None = None) -> list[dict]:
    """Shifts in one line: `points` are dicts with date, stance, score (and ids, text), any order."""
    params = params or ShiftParams()
    usable = usable_points(points, params)
    return collapse(line_candidates(usable, params), DayCounts.of_points(usable), params)


class DayCounts:
    """How many usable points of each stance a line holds per day; counts between two days in log time."""

    def __init__(self, rows: Iterable[tuple[str, Mapping[str, int]]]):
        rows = sorted(rows, key=lambda r: r[0])
        self.days: list[str] = [day for day, _ in rows]
        self._prefix = {s: [0, *accumulate(int(counts.get(s, 0)) for _, counts in rows)] for s in STANCES}
        self.total = [sum(n) for n in zip(*self._prefix.values())]  # points of any stance before each day

    @classmethod
    def of_points(cls, usable: Iterable[Mapping]) -> "DayCounts":
        """The counts of these usable points."""
        return cls(per_day(usable).items())

    def between(self, stance: str, first_day: str, end_day: str) -> int:
        """Points of `stance` dated from `first_day` up to, not including, `end_day` (ISO dates)."""
        prefix = self._prefix[stance]
        return prefix[bisect_left(self.days, end_day)] - prefix[bisect_left(self.days, first_day)]


def per_day(usable: Iterable[Mapping]) -> dict[str, dict[str, int]]:
    """Usable points counted per day (ISO date) and stance."""
    counts: dict[str, dict[str, int]] = {}
    for p in usable:
        day = counts.setdefault(str(p["date"])[:10], dict.fromkeys(STANCES, 0))
        day[p["stance"]] += 1
    return counts


def _same_change(split: str, splits: list[str], from_stance: str, counts: DayCounts, params: ShiftParams) -> bool:
    """A candidate repeats an accepted one of its direction unless the old stance came back between them.

    The count between two splits only grows with their distance, so the nearest accepted split
    on either side decides.
    """
    i = bisect_left(splits, split)
    near = ([splits[i - 1]] if i > 0 else []) + ([splits[i]] if i < len(splits) else [])
    return any(counts.between(from_stance, *sorted((split, other))) < params.min_per_side for other in near)


# --- many lines at once ---------------------------------------------------------------


def as_params(params: ShiftParams | Mapping | None) -> ShiftParams:
    if params is None:
        return load_params()
    if isinstance(params, ShiftParams):
        return params.check()
    return replace(load_params(), **dict(params)).check()


def line_key(r: Mapping) -> tuple:
    return r["level"], r["line_id"], r["topic"]


def shifts_on_lines(rows: Iterable[Mapping], params: ShiftParams, *, since: str | None = None,
                    presorted: bool = False) -> list[dict]:
    """Detect shifts on stance points of many lines (dicts with level, line_id, line_name, line_kind, topic).

    With `presorted`, rows arrive grouped by line (as `db.positions` orders them) and are read
    one line at a time, so memory holds one line, not the archive.
    """
    found = []
    for (lvl, line, top), group in groupby(rows if presorted else sorted(rows, key=line_key), key=line_key):
        points = list(group)
        for shift in detect_shifts(points, params):
            if since and shift["shift_date"] < str(since):
                continue
            head = points[0]
            found.append({"actor": head["line_name"], "actor_id": line, "actor_kind": head["line_kind"],
                          "level": lvl, "topic": top, **shift})
    found.sort(key=shift_order)
    return found


def params_key(params: ShiftParams) -> str:
    """The parameters as the canonical JSON the shift store records."""
    return json.dumps(asdict(params), sort_keys=True)


def shift_order(s: Mapping) -> tuple:
    return s["actor"].lower(), s["level"], s["topic"], s["shift_date"]
