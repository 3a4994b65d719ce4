"""Rows (list of dicts) out as a text table, CSV or JSON; CSV cells made safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Sequence, TextIO

from db.export import neutralise

FORMATS = ("table", "csv", "json")


def safe_cell(value: Any) -> Any:
    """A CSV cell value: text that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    return neutralise(str(value))


def write_csv(rows: Iterable[dict], columns: Sequence[str], out: TextIO) -> int:
    """Write a header and one safe CSV line per row; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
        n += 1
    return n


def to_csv(rows: Iterable[dict], columns: Sequence[str]) -> str:
    """The CSV text of the rows (header first)."""
    buf = io.StringIO()
    write_csv(rows, columns, buf)
    return buf.getvalue()


def to_json(rows: Sequence[dict]) -> str:
    """The rows as an indented JSON list (UTF-8 kept readable)."""
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)


def _short(value: Any, width: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:.2f}"
    elif isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(rows: Sequence[dict], columns: Sequence[str], *, width: int = 48) -> str:
    """A plain aligned text table, long cells cut to `width` characters."""
    cells = [[_short(r.get(c), width) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip() for line in cells]
    return "\n".join(lines)


def render(rows: Sequence[dict], columns: Sequence[str], fmt: str, *, table_columns: Sequence[str] | None = None) -> str:
    """Rows in one of FORMATS; JSON keeps every key, CSV and table the given columns."""
    if fmt == "json":
        return to_json(rows)
    if fmt == "csv":
        return to_csv(rows, columns).rstrip("\n")
    if fmt == "table":
        return to_table(rows, table_columns or columns)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
