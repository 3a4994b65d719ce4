"""The dashboard's only door to the database: cached reads through db.queries, review writes through db.review.

Cached functions take the database path and its data stamp (last run, last review write) as their
first arguments, so a refresh or a correction shows on the next rerun. Rows are cached; each call
opens its own short-lived read-only connection.
"""

from __future__ import annotations

import io
import logging
import sys
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import streamlit as st
from sqlite_utils import Database

from db import export, positions, queries, queries_stance, queries_statements, review
from db.connection import DatabaseError, default_db_path, is_current, open_db, open_readonly
from db.queries_filter import ViewFilter

log = logging.getLogger(__name__)

EMPTY_HINT = "run `make demo` or `stance ingest PATH`"


@dataclass(frozen=True)
class Source:
    """Where the data lives and its stamp; `problem` says why it cannot be shown, if it cannot."""

    path: str
    stamp: tuple = ()
    problem: str | None = None


def db_path() -> Path:
    """The database: a `--db FILE` script argument, else $STANCE_DB, else the default path."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--db="):
            return Path(arg.split("=", 1)[1])
    return default_db_path()


@contextmanager
def reader(path: str) -> Iterator[Database]:
    """A read-only connection, closed on exit."""
    db = open_readonly(path)
    with closing(db.conn):
        yield db


def source() -> Source:
    """Check the database once per rerun: missing, foreign, outdated (migrated here) or empty."""
    path = db_path()
    if not path.exists():
        return Source(str(path), problem=f"No database at `{path}` yet: {EMPTY_HINT}.")
    try:
        with reader(str(path)) as db:
            current = is_current(db)
            ours = "documents" in db.table_names()
        if not ours:
            return Source(str(path), problem=f"The database `{path}` is empty: {EMPTY_HINT}.")
        if not current:
            # A database written by an older version: bring its schema up to date once.
            open_db(path).close()
        with reader(str(path)) as db:
            stamp = queries.data_stamp(db)
            has_rows = next(db.query("SELECT EXISTS (SELECT 1 FROM documents) AS any_docs"))["any_docs"]
    except (DatabaseError, OSError) as exc:
        return Source(str(path), problem=f"Cannot open the database: {exc}")
    except Exception as exc:  # sqlite3 errors on a half-written or locked file
        log.exception("reading %s", path)
        return Source(str(path), problem=f"Cannot read `{path}`: {exc}")
    if not has_rows:
        return Source(str(path), stamp, problem=f"The database `{path}` holds no articles yet: {EMPTY_HINT}.")
    return Source(str(path), stamp)


# --- cached reads ------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=64)
def freshness(path: str, stamp: tuple) -> dict:
    """Last refresh and counts."""
    with reader(path) as db:
        return queries.freshness(db)


@st.cache_data(show_spinner=False, max_entries=16)
def lookups(path: str, stamp: tuple) -> dict:
    """Topics, actors, groups, sources and quote types for the filter widgets."""
    with reader(path) as db:
        return {
            "topics": queries.topic_list(db),
            "actors": queries.actor_list(db),
            "groups": queries.group_list(db),
            "sources": queries.source_list(db),
        }


@st.cache_data(show_spinner=False, max_entries=64)
def stance_points(path: str, stamp: tuple, f: ViewFilter, limit: int = 5000) -> tuple[list[dict], int]:
    """Points for a chart, and how many the filter selects in all."""
    with reader(path) as db:
        return queries_stance.stance_points(db, f, limit=limit), queries_stance.stance_point_count(db, f)


@st.cache_data(show_spinner=False, max_entries=64)
def stance_aggregates(path: str, stamp: tuple, f: ViewFilter, granularity: str) -> list[dict]:
    """Weekly or monthly means."""
    with reader(path) as db:
        return queries_stance.stance_aggregates(db, f, granularity)


@st.cache_data(show_spinner=False, max_entries=32)
def latest_stances(path: str, stamp: tuple, f: ViewFilter) -> list[dict]:
    """Each line's latest stance per topic."""
    with reader(path) as db:
        return queries_stance.latest_stances(db, f)


@st.cache_data(show_spinner=False, max_entries=64)
def statements_page(path: str, stamp: tuple, f: ViewFilter, limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of statements and the total count (counted up to COUNT_CAP, then COUNT_CAP + 1)."""
    with reader(path) as db:
        return (queries_statements.statements_page(db, f, limit=limit, offset=offset),
                queries_statements.statement_count(db, f, cap=COUNT_CAP))


@st.cache_data(show_spinner=False, max_entries=64)
def statement_texts(path: str, stamp: tuple, statement_ids: tuple[str, ...]) -> dict[str, str]:
    """The sentences of these statements, by id (the quotes beside a shift)."""
    with reader(path) as db:
        return positions.statement_texts(db, statement_ids)


@st.cache_data(show_spinner=False, max_entries=64)
def statement_detail(path: str, stamp: tuple, statement_id: str) -> dict | None:
    """One statement with its article, tags and history."""
    with reader(path) as db:
        return queries_statements.statement_detail(db, statement_id)


@st.cache_data(show_spinner=False, max_entries=32)
def actor(path: str, stamp: tuple, actor_id: str) -> tuple[dict | None, list[dict]]:
    """An actor's row and roles."""
    with reader(path) as db:
        return queries.actor(db, actor_id), queries.actor_roles(db, actor_id)


# Lists count their rows up to here and then say "more than": an exact count of hundreds of
# thousands of rows costs seconds and tells an analyst nothing a narrower filter would not.
COUNT_CAP = 10_000


@st.cache_data(show_spinner=False, max_entries=16)
def review_items(path: str, stamp: tuple, threshold: float, limit: int, offset: int) -> dict:
    """The review queue page, its size, newly seen actors and the audit list."""
    with reader(path) as db:
        return {
            "queue": queries_statements.review_queue(db, threshold=threshold, limit=limit, offset=offset),
            "total": queries_statements.review_queue_count(db, threshold=threshold, cap=COUNT_CAP),
            "new_actors": queries_statements.new_actors(db),
            "log": queries_statements.review_log(db, limit=200),
        }


# --- shifts and alignment (written by another part of the project; optional until it lands) --------

def count_text(n: int) -> str:
    """A list's size as shown: exact up to COUNT_CAP, then "more than 10,000"."""
    return f"more than {COUNT_CAP:,}" if n > COUNT_CAP else f"{n:,}"


def shifts_available() -> bool:
    """True when `etl.shift_lines` (and the detector) can be imported."""
    return _optional("etl.shift_lines") is not None


def alignment_available() -> bool:
    """True when `etl.alignment` can be imported."""
    return _optional("etl.alignment") is not None


def _optional(name: str):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        if getattr(exc, "name", None) not in (name, name.rsplit(".", 1)[0]):
            log.warning("cannot import %s: %s", name, exc)
        return None


@st.cache_data(show_spinner=False, max_entries=32)
def shifts(path: str, stamp: tuple, topic: str | None = None, actor_id: str | None = None,
           since: str | None = None, level: str = "all", line_ids: tuple[str, ...] | None = None,
           texts: bool = True) -> list[dict]:
    """Detected shifts from `etl.shift_lines.find_shifts` ('person', 'group' or 'all' lines; only `line_ids`
    when given; without the before/after sentences unless `texts`), or [] without it."""
    module = _optional("etl.shift_lines")
    if module is None:
        return []
    with reader(path) as db:
        return list(module.find_shifts(db, topic=topic, actor=actor_id, since=since, level=level,
                                       line_ids=line_ids, texts=texts))


@st.cache_data(show_spinner=False, max_entries=16)
def alignment(path: str, stamp: tuple, since: str | None, until: str | None,
              topics: tuple[str, ...] | None, level: str = "all", max_actors: int | None = None) -> list[dict]:
    """Pairwise agreement from `etl.alignment.alignment_pairs` (among the `max_actors` busiest), or []."""
    module = _optional("etl.alignment")
    if module is None:
        return []
    with reader(path) as db:
        return list(module.alignment_pairs(db, since=since, until=until, topics=list(topics) if topics else None,
                                           level=level, max_actors=max_actors))


@st.cache_data(show_spinner=False, max_entries=16)
def closest_actors(path: str, stamp: tuple, actor_id: str, since: str | None, until: str | None,
                   topics: tuple[str, ...] | None = None, level: str = "all") -> list[dict]:
    """Actors who agree most with one actor, from `etl.alignment.closest_actors`, or []."""
    module = _optional("etl.alignment")
    if module is None:
        return []
    with reader(path) as db:
        return list(module.closest_actors(db, actor_id, since=since, until=until,
                                          topics=list(topics) if topics else None, level=level))


@st.cache_data(show_spinner=False, max_entries=32)
def shift_page(path: str, stamp: tuple, topic: str | None, actor_id: str | None, since: str | None,
               limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of detected shifts and how many there are, from `etl.shift_lines.shift_page`."""
    module = _optional("etl.shift_lines")
    if module is None:
        return [], 0
    with reader(path) as db:
        rows, total = module.shift_page(db, topic=topic, actor=actor_id, since=since, limit=limit, offset=offset)
        return list(rows), total


def shifts_shown(path: str, stamp: tuple, topic: str | None = None, actor_id: str | None = None,
                 since: str | None = None, level: str = "all",
                 line_ids: tuple[str, ...] | None = None, texts: bool = False) -> tuple[list[dict], str | None]:
    """Shifts for a chart (of the lines it draws; `texts` adds the before/after sentences), and a
    problem message instead of a crash when the detector fails."""
    try:
        return shifts(path, stamp, topic, actor_id, since, level, line_ids, texts), None
    except Exception as exc:  # another module's failure must not take the page down; it is shown
        log.exception("shift detection failed")
        return [], f"Shift detection failed: {exc}"


def shift_line_level(level: str) -> str:
    """The find_shifts level that matches a chart's lines."""
    return "person" if level == "person" else "group"


# --- exports (run only when the user clicks download) ----------------------------------

def csv_maker(path: str, kind: str, f: ViewFilter, granularity: str = "statement",
              shift_actor: str | None = None) -> Callable[[], bytes]:
    """A callable that builds one CSV export on demand (st.download_button runs it on click)."""
    def make() -> bytes:
        rows = None
        if kind == "shifts":  # the whole list, read only when the export is asked for
            module = _optional("etl.shift_lines")
            with reader(path) as db:
                rows = [] if module is None else module.find_shifts(db, topic=f.topic, actor=shift_actor,
                                                                    since=f.since)
        return export_csv(path, kind, f, granularity, rows)
    return make


def export_csv(path: str, kind: str, f: ViewFilter, granularity: str = "statement",
               shift_rows: list[dict] | None = None) -> bytes:
    """The CSV bytes of one export: statements, timeline or shifts, UTF-8."""
    # st.download_button needs the whole file as bytes; encoding row by row into one byte buffer
    # keeps a single copy of it (a str buffer plus its encoded copy held the export about twice).
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    if kind == "shifts":
        export.export_shifts(shift_rows or [], out)
    else:
        with reader(path) as db:
            if kind == "statements":
                export.export_statements(db, f, out)
            elif kind == "timeline":
                export.export_timeline(db, f, granularity, out)
            else:
                raise ValueError(f"unknown export {kind!r}")
    out.flush()
    out.detach()
    return raw.getvalue()


# --- review writes -------------------------------------------------------------------

def write_review(path: str, action: str, *args, **kwargs):
    """Run one db.review function on a short-lived writable connection; caches re-key on the new stamp."""
    func = getattr(review, action)
    db = open_db(path)
    try:
        return func(db, *args, **kwargs)
    finally:
        db.close()
