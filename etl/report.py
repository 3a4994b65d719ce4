"""The daily digest: new statements, shifts, new actors and alignment changes, as CSVs and one HTML page.

The page is self-contained (plotly.js inlined once, no CDN, no external links to scripts or
styles) so that a cron job can mail it and it opens offline. Every text is HTML-escaped;
every CSV cell that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import html
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import plotly.graph_objects as go
from sqlite_utils import Database

from db import positions
from etl.alignment import alignment_pairs
from etl.errors import StanceError
from etl.output import write_csv
from etl.shift_lines import find_shifts
from etl.shifts import ShiftParams

log = logging.getLogger(__name__)

STATEMENT_COLUMNS = ["date", "actor", "actor_id", "actor_kind", "actor_group", "topic", "stance", "score",
                     "confidence", "quote_type", "text", "statement_id", "tag_id", "corrected",
                     "doc_title", "doc_source", "doc_url"]
SHIFT_COLUMNS = ["actor", "actor_id", "actor_kind", "level", "topic", "from_stance", "to_stance",
                 "from_date", "shift_date", "magnitude", "delta", "before_count", "after_count",
                 "before_statement", "after_statement", "before_text", "after_text"]
ACTOR_COLUMNS = ["actor", "actor_id", "actor_kind", "known", "first_date", "statements"]
ALIGNMENT_COLUMNS = ["actor_a", "actor_a_id", "actor_b", "actor_b_id", "agreement_now", "agreement_before",
                     "change", "topics", "evidence"]
STANCE_COLOURS = {"support": "#2e7d32", "oppose": "#c62828", "neutral": "#9e9e9e"}
HTML_ROWS = 200  # rows per table on the page; the CSVs hold everything


class ReportError(StanceError):
    """The report cannot be made as asked (a bad window, an unwritable folder)."""


@dataclass
class Digest:
    """Everything one report shows, for the window [since, until]."""

    since: str
    until: str
    previous: tuple[str, str]
    new_statements: list[dict] = field(default_factory=list)
    shifts: list[dict] = field(default_factory=list)
    new_actors: list[dict] = field(default_factory=list)
    alignment_changes: list[dict] = field(default_factory=list)


def default_window(today: date | None = None) -> tuple[str, str]:
    """Yesterday and today (UTC): the window of a daily run."""
    today = today or datetime.now(timezone.utc).date()
    return (today - timedelta(days=1)).isoformat(), today.isoformat()


def previous_window(since: str, until: str) -> tuple[str, str]:
    """The window of the same length that ends the day before `since`."""
    start, end = date.fromisoformat(since), date.fromisoformat(until)
    length = (end - start).days + 1
    return (start - timedelta(days=length)).isoformat(), (start - timedelta(days=1)).isoformat()


def alignment_changes(db: Database, since: str, until: str) -> list[dict]:
    """Pairs aligned in [since, until], with their agreement in the previous window and the change."""
    before_since, before_until = previous_window(since, until)
    before = {(p["actor_a_id"], p["actor_b_id"]): p["agreement"]
              for p in alignment_pairs(db, since=before_since, until=before_until)}
    rows = []
    for pair in alignment_pairs(db, since=since, until=until):
        old = before.get((pair["actor_a_id"], pair["actor_b_id"]))
        rows.append({"actor_a": pair["actor_a"], "actor_a_id": pair["actor_a_id"], "actor_b": pair["actor_b"],
                     "actor_b_id": pair["actor_b_id"], "agreement_now": pair["agreement"],
                     "agreement_before": old, "change": None if old is None else round(pair["agreement"] - old, 3),
                     "topics": pair["topics"], "evidence": pair["evidence"]})
    rows.sort(key=lambda r: (r["change"] is None, -abs(r["change"] or 0), r["actor_a"], r["actor_b"]))
    return rows


def build_digest(db: Database, *, since: str | None = None, until: str | None = None,
                 params: ShiftParams | None = None) -> Digest:
    """Collect the digest's four tables for [since, until] (default: yesterday to today)."""
    until = until or default_window()[1]
    since = since or (date.fromisoformat(until) - timedelta(days=1)).isoformat()
    if since > until:
        raise ReportError(f"the window starts ({since}) after it ends ({until})")
    digest = Digest(since, until, previous_window(since, until))
    digest.new_statements = positions.statements_in_window(db, since=since, until=until)
    digest.shifts = [s for s in find_shifts(db, since=since, until=until, params=params)]
    digest.shifts.sort(key=lambda s: (s["shift_date"], s["actor"]))
    digest.new_actors = [a for a in positions.actor_first_statements(db) if since <= a["first_date"] <= until]
    digest.alignment_changes = alignment_changes(db, since, until)
    return digest


def write_report(db: Database, out_dir: str | Path, *, since: str | None = None, until: str | None = None,
                 params: ShiftParams | None = None) -> dict:
    """Write the four CSVs and report.html into `out_dir`; returns the paths and row counts."""
    out = Path(out_dir)
    digest = build_digest(db, since=since, until=until, params=params)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{out}: cannot create the report folder ({exc.strerror or exc})") from exc
    tables = {"new_statements.csv": (digest.new_statements, STATEMENT_COLUMNS),
              "shifts.csv": (digest.shifts, SHIFT_COLUMNS),
              "new_actors.csv": (digest.new_actors, ACTOR_COLUMNS),
              "alignment_changes.csv": (digest.alignment_changes, ALIGNMENT_COLUMNS)}
    counts = {}
    try:
        for name, (rows, columns) in tables.items():
            with (out / name).open("w", encoding="utf-8", newline="") as fh:
                counts[name] = write_csv(rows, columns, fh)
        (out / "report.html").write_text(render_html(digest), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{exc.filename or out}: cannot write the report ({exc.strerror or exc})") from exc
    log.info("report for %s..%s written to %s: %s", digest.since, digest.until, out, counts)
    return {"out": str(out), "since": digest.since, "until": digest.until, "counts": counts,
            "files": [str(out / n) for n in [*tables, "report.html"]]}


# --- the HTML page ----------------------------------------------------------------------


def statements_figure(rows: list[dict]) -> go.Figure:
    """Stacked bars: new stance points per topic and stance."""
    counts = Counter((r["topic"], r["stance"]) for r in rows)
    topics = sorted({t for t, _ in counts})
    fig = go.Figure([go.Bar(name=stance, x=topics, y=[counts[(t, stance)] for t in topics],
                            marker_color=colour) for stance, colour in STANCE_COLOURS.items()])
    fig.update_layout(barmode="stack", title="New statements by topic and stance", height=320,
                      margin=dict(l=40, r=20, t=50, b=40), yaxis_title="stance points")
    return fig


def shifts_figure(rows: list[dict]) -> go.Figure:
    """One marker per shift: date against actor, coloured by the new stance."""
    fig = go.Figure()
    for stance, colour in STANCE_COLOURS.items():
        mine = [r for r in rows if r["to_stance"] == stance]
        fig.add_trace(go.Scatter(
            name=f"to {stance}", mode="markers", marker=dict(color=colour, size=12),
            x=[r["shift_date"] for r in mine], y=[f"{r['actor']} ({r['level']})" for r in mine],
            text=[f"{r['topic']}: {r['from_stance']} → {r['to_stance']}" for r in mine], hoverinfo="text+x+y"))
    fig.update_layout(title="Stance shifts", height=max(260, 40 + 28 * len({r["actor"] for r in rows})),
                      margin=dict(l=40, r=20, t=50, b=40), xaxis=dict(type="date", tickformat="%Y-%m-%d"))
    return fig


def alignment_figure(rows: list[dict], limit: int = 15) -> go.Figure:
    """Horizontal bars: the largest changes of agreement against the previous window."""
    changed = [r for r in rows if r["change"] is not None][:limit]
    fig = go.Figure(go.Bar(orientation="h", x=[r["change"] for r in changed],
                           y=[f"{r['actor_a']} – {r['actor_b']}" for r in changed],
                           marker_color=["#2e7d32" if r["change"] >= 0 else "#c62828" for r in changed]))
    fig.update_layout(title="Alignment changes against the previous window", height=max(260, 60 + 24 * len(changed)),
                      margin=dict(l=40, r=20, t=50, b=40), xaxis=dict(range=[-2, 2], title="change of agreement"))
    return fig


def _table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return "<p class='empty'>None in this window.</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows[:HTML_ROWS]:
        cells = []
        for c in columns:
            value = row.get(c)
            if isinstance(value, (list, tuple)):
                value = ", ".join(map(str, value))
            cells.append(f"<td>{html.escape('' if value is None else str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p class='more'>{len(rows) - HTML_ROWS} more rows in the CSV.</p>" if len(rows) > HTML_ROWS else "")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
table { border-collapse: collapse; font-size: 0.85em; margin-bottom: 1em; }
th, td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td { max-width: 480px; } .empty, .more { color: #666; }
"""


def render_html(digest: Digest) -> str:
    """The digest as one self-contained HTML page."""
    figures = [statements_figure(digest.new_statements)]
    if digest.shifts:
        figures.append(shifts_figure(digest.shifts))
    if any(r["change"] is not None for r in digest.alignment_changes):
        figures.append(alignment_figure(digest.alignment_changes))
    # plotly.js goes inline with the first figure only; the others reuse it.
    charts = "".join(fig.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, fig in enumerate(figures))
    e = html.escape
    title = f"stancewatch digest {digest.since} to {digest.until}"
    summary = (f"{len(digest.new_statements)} new statements, {len(digest.shifts)} shifts, "
               f"{len(digest.new_actors)} new actors, {len(digest.alignment_changes)} aligned pairs "
               f"(compared with {digest.previous[0]} to {digest.previous[1]}).")
    sections = [
        ("Stance shifts", _table(digest.shifts, ["actor", "level", "topic", "from_stance", "to_stance", "from_date",
                                                 "shift_date", "magnitude", "before_text", "after_text"])),
        ("New actors", _table(digest.new_actors, ACTOR_COLUMNS)),
        ("Alignment changes", _table(digest.alignment_changes, ["actor_a", "actor_b", "agreement_now",
                                                                "agreement_before", "change", "topics"])),
        ("New statements", _table(digest.new_statements, ["date", "actor", "actor_group", "topic", "stance",
                                                          "quote_type", "text", "doc_source"])),
    ]
    body = "".join(f"<h2>{e(name)}</h2>{content}" for name, content in sections)
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{e(title)}</h1><p>{e(summary)}</p>"
            f"{charts}{body}</body></html>\n")
