"""Bring one line's stored detection up to date after changes on some of its days.

The detector (`etl.shifts`) is a search for candidate shifts, each read from at most
`max_per_side` whole days on either side of its split, followed by a collapse over all of a
line's candidates that needs only how many points of a stance lie between two days. The store
keeps both per line (`db.shift_store`: per-day stance counts and every candidate), so a change
on a few days re-reads the points of those days and of the candidates around them, not the
line, and the collapse still sees the whole line. The result equals `detect_shifts` on the
whole line; tests/test_line_update.py compares the two on random changes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
from typing import Iterable, Mapping

from sqlite_utils import Database

from db import positions, shift_store
from db.shift_store import Line, LineChange
from etl.shifts import DayCounts, ShiftParams, collapse, line_candidates, per_day, usable_points


def rebuild_line(db: Database, line: Line, points: list[Mapping], params: ShiftParams) -> list[dict]:
    """Store a line's day counts and candidates from all its points; its shifts."""
    usable = usable_points(points, params)
    counts = per_day(usable)
    found = line_candidates(usable, params)
    shift_store.replace_day_counts(db, line, None, counts)
    shift_store.replace_candidates(db, line, None, found)
    return collapse(found, DayCounts(counts.items()), params)


def update_line(db: Database, line: Line, change: LineChange, params: ShiftParams) -> list[dict]:
    """Update a line's stored day counts and candidates for the days that changed; its shifts."""
    return line_shifts(db, line, change, params, store=True)


def line_shifts(db: Database, line: Line, change: LineChange, params: ShiftParams, *, store: bool = False
                ) -> list[dict]:
    """A line's shifts now, from its stored detection and the days that changed since (kept
    in the store too with `store`)."""
    days = _changed_days(db, line, change)
    fresh = _counts_on(db, line, days, params)
    old = dict(shift_store.day_counts(db, line))
    counts = {day: c for day, c in old.items() if day not in days} | fresh
    now = DayCounts(counts.items())
    reads = SplitReads(now, params.max_per_side)
    # A candidate changes only if a changed day lies in what it reads, before the change or after.
    splits = days | SplitReads(DayCounts(old.items()), params.max_per_side).reading(days) | reads.reading(days)
    found = _candidates_at(db, line, reads, splits, params)
    if store:
        shift_store.replace_day_counts(db, line, days, fresh)
        shift_store.replace_candidates(db, line, splits, found)
    kept = [c for c in shift_store.candidates(db, line) if store or c["shift_date"] not in splits]
    return collapse(kept + ([] if store else found), now, params)


class SplitReads:
    """The first and last day the candidate at each split of a line reads, from its day counts.

    As the detector reads: whole days outwards from the split until `max_per_side` statements
    are taken on each side, the split's own day the first after it. A split is any day but the
    line's first.
    """

    def __init__(self, counts: DayCounts, max_per_side: int):
        self.days = counts.days
        self.total = counts.total
        self.max_per_side = max_per_side

    def _index(self, day: str) -> int:
        """The position of `day` among the line's days, or 0 (no split) when it is not one."""
        j = bisect_left(self.days, day)
        return j if j < len(self.days) and self.days[j] == day else 0

    def read(self, split: str) -> tuple[str, str] | None:
        """The days the candidate at `split` reads, or None when `split` is no split of the line."""
        j = self._index(split)
        return None if j == 0 else self._read(j)

    def _read(self, j: int) -> tuple[str, str]:
        total, days = self.total, self.days
        first = max(0, bisect_right(total, total[j] - self.max_per_side) - 1)
        last = min(len(days) - 1, bisect_left(total, total[j] + self.max_per_side) - 1)
        return days[first], days[last]

    def reading(self, changed: set[str]) -> set[str]:
        """The splits whose reads hold one of the changed days.

        Both ends of a read move forward with the split, so those splits lie next to each
        other around the changed day, and the walk outwards stops at the first that does not.
        """
        found = set()
        for day in changed:
            at = bisect_left(self.days, day)
            j = max(at, 1)
            while j < len(self.days) and self._read(j)[0] <= day:
                found.add(self.days[j])
                j += 1
            j = at - 1
            while j >= 1 and self._read(j)[1] >= day:
                found.add(self.days[j])
                j -= 1
        return found


def _changed_days(db: Database, line: Line, change: LineChange) -> set[str]:
    """The logged days, and every day of the line's points in a logged document: one point more
    or less can make a document take both sides, which drops all its points."""
    days = {d for d in change.days if d}
    if change.docs:
        days |= {p["date"][:10] for p in positions.line_points(db, *line, doc_ids=change.docs)}
    return days


def _usable_between(db: Database, line: Line, ranges: Iterable[tuple[str, str]],
                    params: ShiftParams) -> list[Mapping]:
    """The usable points dated inside these day ranges, judged with all points of their documents."""
    ranges = list(ranges)
    points = {p["tag_id"]: p for first, last in ranges
              for p in positions.line_points(db, *line, since=first, until=last)}
    docs = {p["doc_id"] for p in points.values() if p["doc_id"] is not None}
    if docs:  # a document may have points on other days too: they decide whether it takes both sides
        for p in positions.line_points(db, *line, doc_ids=docs):
            points.setdefault(p["tag_id"], p)
    return [p for p in usable_points(list(points.values()), params)
            if any(first <= p["date"][:10] <= last for first, last in ranges)]


def _counts_on(db: Database, line: Line, days: set[str], params: ShiftParams) -> dict[str, dict[str, int]]:
    usable = _usable_between(db, line, ((day, day) for day in sorted(days)), params)
    return per_day(usable)


def _candidates_at(db: Database, line: Line, reads: SplitReads, splits: set[str],
                   params: ShiftParams) -> list[dict]:
    """Candidates at these split days, from the points of the days each one reads."""
    wanted = {split: r for split in splits for r in [reads.read(split)] if r is not None}
    if not wanted:
        return []
    ranges: list[list[str]] = []
    for first, last in sorted(wanted.values()):
        if ranges and first <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], last)
        else:
            ranges.append([first, last])
    usable = _usable_between(db, line, [(a, b) for a, b in ranges], params)
    return line_candidates(usable, params, split_days={date.fromisoformat(split) for split in wanted})
