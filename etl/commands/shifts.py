"""`stance shifts`: where actors changed their stance on a topic, with the evidence either side."""

from __future__ import annotations

from pathlib import Path

import click

from etl.commands.common import check_date, db_option, open_for_reading
from etl.errors import StanceError
from etl.output import FORMATS, render
from etl.shift_lines import find_shifts
from etl.shifts import load_params

COLUMNS = ["actor", "actor_id", "actor_kind", "level", "topic", "from_stance", "to_stance",
           "from_date", "shift_date", "magnitude", "delta", "before_count", "after_count",
           "before_statement", "after_statement", "before_text", "after_text"]
TABLE_COLUMNS = ["actor", "level", "topic", "from_stance", "to_stance", "from_date", "shift_date",
                 "magnitude", "delta", "before_count", "after_count", "after_text"]



def param_options(func):
    """--config and one option per detector parameter (each overrides the config file)."""
    options = [
        click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
                     help="YAML file of shift parameters (default etl/data/shifts.yaml)."),
        click.option("--min-per-side", type=int, help="Reports that must agree on each side of a shift."),
        click.option("--max-per-side", type=int, help="Statements read on each side of a split."),
        click.option("--agreement", type=float, help="Share of a side that must agree (e.g. 0.66)."),
        click.option("--window-days", type=int, help="Look-back (and look-ahead) window in days."),
        click.option("--min-delta", type=float, help="Smallest change of mean score that counts."),
        click.option("--min-confidence", type=float, help="Ignore stance points below this confidence."),
        click.option("--silence-days", type=int,
                     help="After this long a silence one firm report may stand for its period (0: never)."),
        click.option("--count-by", type=click.Choice(["report", "statement", "day"]),
                     help="What counts towards --min-per-side."),
        click.option("--skip-mixed-documents/--keep-mixed-documents", default=None,
                     help="Leave out articles in which the line takes both sides of a topic."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def params_from(config, **values):
    """Detector parameters from --config and the per-parameter options."""
    try:
        return load_params(config, **values)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("shifts")
@db_option
@click.option("--topic", help="Only this topic id (nato_membership, troop_deployment, burden_sharing...).")
@click.option("--actor", help="Only this actor (id or display name).")
@click.option("--since", callback=check_date, help="Only shifts on or after this date (YYYY-MM-DD).")
@click.option("--level", type=click.Choice(["person", "group", "all"]), default="all", show_default=True,
              help="Person lines (own statements), group lines (with office holders), or both.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@param_options
def command(db_path, topic, actor, since, level, fmt, config, **values):
    """List stance shifts per actor and topic, with the last statement before and the first after."""
    params = params_from(config, **values)
    db = open_for_reading(db_path)
    try:
        rows = find_shifts(db, topic=topic, actor=actor, since=since, params=params, level=level)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(render(rows, COLUMNS, fmt, table_columns=TABLE_COLUMNS))
    if fmt == "table":
        click.echo(f"{len(rows)} shift(s)", err=True)
