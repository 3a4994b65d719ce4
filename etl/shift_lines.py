"""Shifts read from the database: every line's stance points, stored shifts, and their upkeep.

The detector itself is `etl.shifts`. `find_shifts` answers from the shift store (m010) plus a
fresh detection of the lines changed since the last run, or detects afresh; `shift_page` lists
one page; `update_stored_shifts` brings the store up to date at the end of a run.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from itertools import groupby
from typing import Iterable, Mapping

from sqlite_utils import Database

from db import positions, shift_store
from db.store import write_transaction
from etl.errors import StanceError
from etl.line_update import line_shifts, rebuild_line, update_line
from etl.shifts import ShiftParams, as_params, line_key, params_key, shift_order, shifts_on_lines

log = logging.getLogger(__name__)


class UnknownActor(StanceError):
    """No actor, or more than one, matches what the user typed."""


def resolve_actor(db: Database, text: str) -> dict:
    """The one actor (id, name, kind) that `text` names, or UnknownActor."""
    matches = positions.find_actors(db, text)
    if not matches:
        raise UnknownActor(f"no actor matches {text!r}")
    if len(matches) > 1:
        names = ", ".join(f"{m['name']} ({m['id']})" for m in matches[:8])
        raise UnknownActor(f"{text!r} matches several actors: {names}; give the id")
    return matches[0]


def with_texts(db: Database, shifts: list[dict]) -> list[dict]:
    """Fill each shift's before/after text from its statements (points are read without text)."""
    missing = [s[f"{side}_statement"] for s in shifts for side in ("before", "after")
               if s.get(f"{side}_text") is None]
    texts = positions.statement_texts(db, missing)
    for shift in shifts:
        for side in ("before", "after"):
            if shift.get(f"{side}_text") is None:
                shift[f"{side}_text"] = texts.get(shift[f"{side}_statement"])
    return shifts


def find_shifts(db: Database, *, topic: str | None = None, actor: str | None = None,
                since: str | None = None, params: ShiftParams | Mapping | None = None,
                level: str = "all", until: str | None = None,
                line_ids: Iterable[str] | None = None, texts: bool = True) -> list[dict]:
    """Shifts on every person and group line (or one actor's, or `line_ids`), sorted by actor, topic and date.

    Detection reads every point up to `until`; `since` only filters the shifts reported. With
    the stored parameters and no statement after `until`, stored shifts answer and only the
    lines changed since the last run are detected again. `texts=False` leaves out the
    before/after sentences (chart markers need none, and a large archive has tens of thousands
    of shifts).
    """
    params = as_params(params)
    line_id = resolve_actor(db, actor)["id"] if actor else None
    wanted = None if line_ids is None else set(line_ids)
    if _stored_for(db, params) and _nothing_after(db, until):
        found = _stored_and_changed(db, params, level=level, line_id=line_id, topic=topic, since=since,
                                    line_ids=wanted)
        if until is not None:
            found = [s for s in found if s["shift_date"] <= str(until)]
    else:
        rows = positions.stance_points(db, level=level, line_id=line_id, topic=topic, until=until)
        if wanted is not None:
            rows = [r for r in rows if r["line_id"] in wanted]
        found = shifts_on_lines(rows, params, since=since)
        log.info("%d shift(s) on %d stance point(s) with %s", len(found), len(rows), asdict(params))
    found.sort(key=shift_order)
    return with_texts(db, found) if texts else found


def shift_page(db: Database, *, topic: str | None = None, actor: str | None = None, since: str | None = None,
               level: str = "all", limit: int = 25, offset: int = 0) -> tuple[list[dict], int]:
    """One page of `find_shifts`' list (default parameters, same order) and the list's length.

    When no line changed since the last run the page comes from the store alone, so a listing of
    a hundred thousand shifts reads one page of them.
    """
    params = as_params(None)
    line_id = resolve_actor(db, actor)["id"] if actor else None
    if _stored_for(db, params) and not any(
            _wanted(line, level, line_id, topic) for line in shift_store.changed_lines(db)):
        total = shift_store.stored_shift_count(db, level=level, line_id=line_id, topic=topic, since=since)
        rows = shift_store.stored_shifts(db, level=level, line_id=line_id, topic=topic, since=since,
                                         limit=limit, offset=offset)
        return with_texts(db, rows), total
    found = find_shifts(db, topic=topic, actor=actor, since=since, level=level, params=params, texts=False)
    return with_texts(db, found[offset:offset + limit]), len(found)


def _stored_for(db: Database, params: ShiftParams) -> bool:
    """Whether the shift store was built with these detector parameters."""
    return shift_store.stored_params(db) == params_key(params)


def _nothing_after(db: Database, until: str | None) -> bool:
    """True when no statement is dated after `until`: detection up to it then sees every point,
    as the stored shifts did (a digest for up to today)."""
    if until is None:
        return True
    latest = positions.latest_statement_date(db)
    return latest is None or latest <= str(until)


def _wanted(line: tuple[str, str, str], level: str, line_id: str | None, topic: str | None) -> bool:
    lvl, lid, top = line
    return level in ("all", lvl) and line_id in (None, lid) and topic in (None, top)


def _rows_of(db: Database, lines: set[tuple[str, str, str]], names: dict[str, tuple[str, str]]
             ) -> Iterable[Mapping]:
    """The stance points of just these lines, in line order (one query per actor and level).

    A person never has a group line of their own id, nor a group a person line: those of the
    change log's lines hold no points and are not read.
    """
    for lvl, lid in sorted({(lvl, lid) for lvl, lid, _ in lines}):
        if lid in names and (names[lid][1] or "person") != lvl:
            continue
        yield from (p for p in positions.stance_points(db, level=lvl, line_id=lid) if (lvl, lid, p["topic"]) in lines)


def _stored_and_changed(db: Database, params: ShiftParams, *, level: str, line_id: str | None,
                        topic: str | None, since: str | None, line_ids: set[str] | None) -> list[dict]:
    changes = {line: change for line, change in shift_store.line_changes(db).items()
               if _wanted(line, level, line_id, topic) and (line_ids is None or line[1] in line_ids)}
    kept = [s for s in shift_store.stored_shifts(db, level=level, line_id=line_id, topic=topic, since=since,
                                                 line_ids=line_ids)
            if (s["level"], s["actor_id"], s["topic"]) not in changes]
    whole = {line for line, change in changes.items() if _read_whole(change)}
    names = _line_names(db)
    fresh = shifts_on_lines(_rows_of(db, whole, names), params, since=since, presorted=True)
    for line in sorted(set(changes) - whole):  # only the days around the changes are read
        fresh += [s for s in _as_listed(line, line_shifts(db, line, changes[line], params), names)
                  if since is None or s["shift_date"] >= str(since)]
    log.info("%d stored shift(s), %d on %d changed line(s)", len(kept), len(fresh), len(changes))
    return kept + fresh


# A line changed on more days than this (a retag, a backfill) is read whole: one query per
# changed day would cost more than reading the line once.
_MANY_DAYS = 64


def _read_whole(change: shift_store.LineChange) -> bool:
    return change.whole or len(change.days) > _MANY_DAYS


# Beyond this many actors with whole lines to re-read, reading every point once is quicker.
_FULL_READ_LINES = 200


def update_stored_shifts(db: Database, params: ShiftParams | Mapping | None = None) -> dict:
    """Bring the shift store up to date in one transaction: the changed days of changed lines,
    or every line when the parameters differ (or the store was never built)."""
    params = as_params(params)
    key = params_key(params)
    with write_transaction(db):
        rebuild = not _stored_for(db, params)
        changes = None if rebuild else shift_store.line_changes(db)
        if changes is not None and not changes:
            return {"lines": 0, "shifts": 0, "rebuilt": False}
        names = _line_names(db)
        whole = set() if changes is None else {line for line, c in changes.items() if _read_whole(c)}
        found: list[dict] = []
        if changes is None:
            shift_store.forget_line_details(db)
            found += _rebuild_lines(db, positions.iter_stance_points(db), None, params, names)
        elif len({(lvl, lid) for lvl, lid, _ in whole}) > _FULL_READ_LINES:
            found += _rebuild_lines(db, positions.iter_stance_points(db), whole, params, names)
        else:
            found += _rebuild_lines(db, _rows_of(db, whole, names), whole, params, names)
            for line in sorted(set(changes or ()) - whole):
                found += _as_listed(line, update_line(db, line, changes[line], params), names)
        stored = shift_store.replace_shifts(db, found, key, None if changes is None else set(changes))
    count = "all" if changes is None else len(changes)
    log.info("shift store: %s line(s) updated (%d whole), %d shift(s) stored", count, len(whole), stored)
    return {"lines": count, "shifts": stored, "rebuilt": rebuild}


def _rebuild_lines(db: Database, rows: Iterable[Mapping], lines: set | None, params: ShiftParams,
                   names: dict[str, tuple[str, str]]) -> list[dict]:
    """Store day counts and candidates of these lines (every line with points when None) from
    `rows` grouped by line; their shifts. A wanted line without points is emptied."""
    found: list[dict] = []
    seen = set()
    for line, group in groupby(rows, key=line_key):
        if lines is not None and line not in lines:
            continue
        seen.add(line)
        found += _as_listed(line, rebuild_line(db, line, list(group), params), names)
    for line in (lines or set()) - seen:
        rebuild_line(db, line, [], params)
    return found


def _line_names(db: Database) -> dict[str, tuple[str, str]]:
    return {a["id"]: (a["name"], a["kind"]) for a in db.query("SELECT id, name, kind FROM actors")}


def _as_listed(line: tuple[str, str, str], shifts: list[dict], names: dict[str, tuple[str, str]]) -> list[dict]:
    """A line's shifts with the line's name, kind, level and topic, as `shifts_on_lines` lists them."""
    lvl, lid, top = line
    name, kind = names.get(lid, (lid, lvl))
    return [{"actor": name, "actor_id": lid, "actor_kind": kind, "level": lvl, "topic": top, **s} for s in shifts]
