"""Options and helpers shared by the subcommands."""

from __future__ import annotations

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


def load_engine(codebook_path: Path | None = None):
    """The extraction engine with the chosen codebook; a broken codebook is a clean CLI error."""
    from etl.codebook import load_codebook
    from etl.engine import Engine
    from etl.errors import CodebookError

    try:
        codebook = load_codebook(codebook_path)
    except CodebookError as exc:
        raise click.ClickException("the codebook has problems:\n" + "\n".join(exc.problems)) from exc
    return Engine(codebook=codebook)


def run_exit(report) -> None:
    """Print the run's closing summary line and exit 1 when a source failed entirely."""
    click.echo(report.summary(), err=True)
    if report.failed_sources or report.status == "failed":
        raise SystemExit(1)


def check_date(ctx, param, value: str | None) -> str | None:
    """Click callback: a YYYY-MM-DD option value, normalised, or a usage error."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc
