"""`stance report`: the daily digest (four CSVs and one self-contained HTML page) for a cron job."""

from __future__ import annotations

from pathlib import Path

import click

from etl.commands.common import db_option, open_for_reading
from etl.commands.shifts import check_date, param_options, params_from
from etl.errors import StanceError
from etl.report import write_report


@click.command("report")
@db_option
@click.option("--since", callback=check_date, help="Window start, YYYY-MM-DD (default: the day before --until).")
@click.option("--until", callback=check_date, help="Window end, YYYY-MM-DD (default: today, UTC).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for new_statements.csv, shifts.csv, new_actors.csv, alignment_changes.csv, report.html.")
@param_options
def command(db_path, since, until, out_dir, config, **values):
    """Write the digest of a window: new statements, shifts, new actors, alignment against the window before."""
    params = params_from(config, **values)
    db = open_for_reading(db_path)
    try:
        result = write_report(db, out_dir, since=since, until=until, params=params)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc
    c = result["counts"]
    click.echo(
        f"report {result['since']}..{result['until']} in {result['out']}: "
        f"{c['new_statements.csv']} new statements, {c['shifts.csv']} shifts, {c['new_actors.csv']} new actors, "
        f"{c['alignment_changes.csv']} aligned pairs; open report.html", err=True)
