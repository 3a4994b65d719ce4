"""Streaming CSV exports: stable documented columns, UTF-8, ISO dates, cells safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from typing import IO, Iterable

from sqlite_utils import Database

from db.queries_filter import ViewFilter
from db.queries_stance import iter_stance_aggregates, iter_stance_points
from db.queries_statements import iter_statement_rows

# Column order is part of the interface (documented in the README); add new columns at the end.
STATEMENT_COLUMNS = (
    "statement_id", "date", "actor_id", "actor", "group_id", "group_name", "quote_type", "speech_cue",
    "statement_confidence", "topic_id", "stance", "score", "stance_confidence", "stance_cue", "target",
    "codebook_version", "corrected", "text", "source", "title", "url", "published", "doc_id",
)
TIMELINE_POINT_COLUMNS = (
    "date", "series_id", "series", "actor_id", "actor", "group_id", "topic_id", "stance", "score",
    "confidence", "quote_type", "corrected", "statement_id", "excerpt", "source", "url",
)
TIMELINE_AGGREGATE_COLUMNS = (
    "period", "series_id", "series", "topic_id", "mean_score", "n", "n_support", "n_oppose", "n_neutral",
    "first_date", "last_date",
)
SHIFT_COLUMNS = (
    "actor_id", "actor", "actor_kind", "level", "topic", "from_stance", "to_stance", "from_date", "shift_date",
    "magnitude", "delta", "before_count", "after_count", "before_statement", "before_text", "after_statement",
    "after_text",
)

# A spreadsheet treats a cell starting with these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 4))
    return neutralise(value if isinstance(value, (int, str)) else str(value))


def write_csv(rows: Iterable[dict], columns: tuple[str, ...], out: IO[str]) -> int:
    """Write a header and one line per row (columns in order, missing keys empty); returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        n += 1
    return n


def export_statements(db: Database, f: ViewFilter, out: IO[str]) -> int:
    """Statements x effective stance tags selected by `f`, streamed to `out`."""
    return write_csv(iter_statement_rows(db, f), STATEMENT_COLUMNS, out)


def export_timeline(db: Database, f: ViewFilter, granularity: str, out: IO[str]) -> int:
    """The timeline behind a chart: every point, or weekly/monthly means, streamed to `out`."""
    if granularity == "statement":
        return write_csv(iter_stance_points(db, f), TIMELINE_POINT_COLUMNS, out)
    return write_csv(iter_stance_aggregates(db, f, granularity), TIMELINE_AGGREGATE_COLUMNS, out)


def export_shifts(shifts: Iterable[dict], out: IO[str]) -> int:
    """Detected shifts (as `etl.shift_lines.find_shifts` returns them) with before/after evidence."""
    return write_csv(({**s, "before_statement": _statement_id(s.get("before_statement")),
                       "after_statement": _statement_id(s.get("after_statement"))} for s in shifts),
                     SHIFT_COLUMNS, out)


def _statement_id(value: object) -> object:
    # find_shifts may hand back a statement id or the statement row itself.
    if isinstance(value, dict):
        return value.get("statement_id") or value.get("id")
    return value
