"""`stance documents`: list or search stored documents."""

from __future__ import annotations

import click

from db import queries
from etl.commands.common import db_option, open_for_reading


@click.command("documents")
@db_option
@click.option("-s", "--search", help="Full-text search over titles and text.")
@click.option("-n", "--limit", default=20, show_default=True)
@click.option("--offset", default=0, show_default=True)
def command(db_path, search, limit, offset):
    """List stored documents, newest first, or those matching a search."""
    db = open_for_reading(db_path)
    rows = queries.documents(db, search=search, limit=limit, offset=offset)
    if not rows:
        click.echo("no matching documents" if search else "no documents yet")
        return
    for row in rows:
        date = row["published"] or "(undated)"
        click.echo(f"{row['id']}  {date:<10}  {row['source'] or '-'}  {row['title'] or row['origin']}")
        if row.get("snippet"):
            click.echo(f"    {row['snippet']}")
