"""`stance runs`: recent runs with their counts and problems."""

from __future__ import annotations

import click

from db import queries
from etl.commands.common import db_option, open_for_reading


@click.command("runs")
@db_option
@click.option("-n", "--limit", default=10, show_default=True, help="How many runs to show.")
@click.option("--problems/--no-problems", default=True, show_default=True,
              help="List each run's recorded problems.")
def command(db_path, limit, problems):
    """Show recent runs: when, status, counts, and what went wrong."""
    db = open_for_reading(db_path)
    rows = queries.recent_runs(db, limit)
    if not rows:
        click.echo("no runs yet: run `stance ingest PATH` or `stance refresh`")
        return
    for run in rows:
        click.echo(f"#{run['id']} {run['kind']:<8} {run['status']:<11} {run['started_at']} -> "
                   f"{run['ended_at'] or '…'}")
        click.echo(f"    {run['summary'] or ''}")
        if problems and run["problems"]:
            for p in queries.run_problems(db, run["id"])[:50]:
                click.echo(f"    [{p['level']}] {p['message']}")
            if run["problems"] > 50:
                click.echo(f"    … {run['problems'] - 50} more (see the ingest_errors table)")
