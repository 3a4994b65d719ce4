"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import click

from db.connection import DEFAULT_DB_ENV, DatabaseError, default_db_path, open_db, open_readonly


def db_option(func):
    """`--db FILE`, defaulting to $STANCE_DB, then ~/.local/share/stancewatch/stance.db."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=DEFAULT_DB_ENV,
        default=None,
        help=f"SQLite database file (env {DEFAULT_DB_ENV}; default {default_db_path()}).",
    )(func)


def resolve_db_path(db_path: Path | None) -> Path:
    """The database path the user asked for, or the default."""
    return db_path or default_db_path()


def open_writable(db_path: Path | None):
    """Open the database for writing, turning a bad file into a clean CLI error."""
    path = resolve_db_path(db_path)
    try:
        return open_db(path)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc


def open_for_reading(db_path: Path | None):
    """Open the database read-only, turning a missing or bad file into a clean CLI error."""
    path = resolve_db_path(db_path)
    try:
        return open_readonly(path)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc


def load_cli_codebook(codebook_path: Path | str | None = None):
    """The chosen (or default) codebook; a broken one is a clean CLI error listing every problem."""
    from etl.codebook import load_codebook
    from etl.errors import CodebookError

    try:
        return load_codebook(codebook_path)
    except CodebookError as exc:
        raise click.ClickException("the codebook has problems:\n" + "\n".join(exc.problems)) from exc


def load_engine(codebook_path: Path | str | None = None, untagged: bool = False):
    """The extraction engine with the chosen codebook; codebook or model problems are clean CLI errors."""
    from etl.engine import Engine
    from etl.errors import StanceError

    codebook = load_cli_codebook(codebook_path)
    try:
        return Engine(codebook, untagged=untagged)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc


def run_exit(report) -> None:
    """Print the run's closing summary line and exit 1 when a source failed entirely."""
    click.echo(report.summary(), err=True)
    if report.failed_sources or report.status == "failed":
        raise SystemExit(1)


def after_run(db) -> None:
    """After a run: store shifts and period means of what changed, and refresh the planner's statistics.

    A failure of either is reported, never fatal: readers stay right without them, only slower.
    """
    from db.connection import refresh_statistics
    from etl.errors import StanceError
    from etl.upkeep import update_stored_results

    try:
        update_stored_results(db)
    except (StanceError, sqlite3.Error) as exc:
        click.echo(f"warning: stored shifts and means not updated ({exc}); readers will compute them afresh",
                   err=True)
    try:
        refresh_statistics(db)
    except sqlite3.Error as exc:
        click.echo(f"warning: query statistics not refreshed ({exc})", err=True)


def check_date(ctx, param, value: str | None) -> str | None:
    """Click callback: a YYYY-MM-DD option value, normalised, or a usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc
