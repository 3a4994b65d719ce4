"""`stance alignment`: which actors' positions match, over a time window."""

from __future__ import annotations

import click

from etl.alignment import alignment_pairs, closest_actors
from etl.commands.common import db_option, open_for_reading
from etl.commands.shifts import check_date
from etl.errors import StanceError
from etl.output import FORMATS, render

PAIR_COLUMNS = ["actor_a", "actor_a_id", "actor_a_kind", "actor_b", "actor_b_id", "actor_b_kind",
                "agreement", "topics", "evidence"]
PAIR_TABLE = ["actor_a", "actor_b", "agreement", "topics", "statements"]
ACTOR_COLUMNS = ["of", "actor", "actor_id", "actor_kind", "agreement", "topics", "evidence"]
ACTOR_TABLE = ["actor", "actor_kind", "agreement", "topics", "statements"]


@click.command("alignment")
@db_option
@click.option("--since", callback=check_date, help="Window start (YYYY-MM-DD), inclusive.")
@click.option("--until", callback=check_date, help="Window end (YYYY-MM-DD), inclusive.")
@click.option("--actor", help="Rank the others by how closely they match this actor (id or name).")
@click.option("--topic", "topics", multiple=True, help="Only these topics (repeatable).")
@click.option("--level", type=click.Choice(["person", "group", "all"]), default="all", show_default=True,
              help="Compare persons, groups, or both.")
@click.option("--limit", type=int, default=0, help="Show at most this many rows (0: all).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def command(db_path, since, until, actor, topics, level, limit, fmt):
    """Agreement between actors (1 same position, -1 opposite), averaged over the topics they share."""
    db = open_for_reading(db_path)
    try:
        if actor:
            rows = closest_actors(db, actor, since=since, until=until, topics=topics or None, level=level)
            columns, table = ACTOR_COLUMNS, ACTOR_TABLE
        else:
            rows = alignment_pairs(db, since=since, until=until, topics=topics or None, level=level)
            columns, table = PAIR_COLUMNS, PAIR_TABLE
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc
    if limit > 0:
        rows = rows[:limit]
    click.echo(render(rows, columns, fmt, table_columns=table))
    if fmt == "table":
        what = f"actor(s) compared with {actor}" if actor else "pair(s)"
        click.echo(f"{len(rows)} {what}", err=True)
