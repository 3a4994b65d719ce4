"""`stance export`: the dashboard's CSV exports from the command line, streamed from SQL."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from db import export
from db.positions import find_actors
from db.queries_filter import GRANULARITIES, LEVELS, STANCES, ViewFilter
from etl.commands.common import check_date, db_option, open_for_reading
from etl.errors import StanceError



def _actor_ids(db, names: tuple[str, ...], kind: str | None = None) -> tuple[str, ...]:
    ids = []
    for name in names:
        matches = [m for m in find_actors(db, name) if kind is None or m["kind"] == kind]
        if not matches:
            raise click.BadParameter(f"no {kind or 'actor'} matches {name!r}")
        if len(matches) > 1:
            listed = ", ".join(f"{m['name']} ({m['id']})" for m in matches[:8])
            raise click.BadParameter(f"{name!r} matches several: {listed}; give the id")
        ids.append(matches[0]["id"])
    return tuple(ids)


def _write(out: Path, write) -> int:
    """Write through `write(fh)` to a temporary file renamed into place, so a failure leaves no half file."""
    if str(out) == "-":
        return write(sys.stdout)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            n = write(fh)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


@click.command("export")
@click.argument("what", type=click.Choice(["statements", "timeline", "shifts"]))
@db_option
@click.option("--topic", help="Only this topic id.")
@click.option("--actor", "actors", multiple=True, help="Only this actor (id or name); repeat for several.")
@click.option("--group", "groups", multiple=True,
              help="Only statements spoken for this group (its own and its people's); repeatable.")
@click.option("--since", callback=check_date, help="From this statement date (YYYY-MM-DD), inclusive.")
@click.option("--until", callback=check_date, help="Up to this statement date (YYYY-MM-DD), inclusive.")
@click.option("--stance", "stances", multiple=True, type=click.Choice(STANCES), help="Only this stance; repeatable.")
@click.option("--search", help="Full-text search over statement text (statements, timeline).")
@click.option("--level", type=click.Choice(LEVELS), default="group", show_default=True,
              help="Timeline lines: one per actor (person) or per group.")
@click.option("--granularity", type=click.Choice(GRANULARITIES), default="month", show_default=True,
              help="Timeline rows: each statement, or weekly or monthly means.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV file to write ('-' for standard output).")
def command(what, db_path, topic, actors, groups, since, until, stances, search, level, granularity, out):
    """Export statements, timeline points or means, or detected shifts as UTF-8 CSV."""
    db = open_for_reading(db_path)
    f = ViewFilter(topic=topic, actors=_actor_ids(db, actors), groups=_actor_ids(db, groups, "group"),
                   level=level, since=since, until=until, stances=tuple(stances), search=search)
    try:
        if what == "statements":
            n = _write(out, lambda fh: export.export_statements(db, f, fh))
        elif what == "timeline":
            n = _write(out, lambda fh: export.export_timeline(db, f, granularity, fh))
        else:
            n = _write(out, lambda fh: export.export_shifts(_shifts(db, f), fh))
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{n} row(s) of {what} written to {out}", err=True)


def _shifts(db, f: ViewFilter):
    from etl.shift_lines import find_shifts

    if len(f.actors) + len(f.groups) > 1:
        raise click.UsageError("shifts export takes at most one --actor or --group")
    actor = (f.actors or f.groups or (None,))[0]
    level = "group" if f.groups else "all"
    return find_shifts(db, topic=f.topic, actor=actor, since=f.since, until=f.until, level=level)
