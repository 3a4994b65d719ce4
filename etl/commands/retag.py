"""`stance retag`: re-extract and re-tag stored documents after a codebook change."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import EXIT_LOCKED
from etl.commands.common import after_run, db_option, load_engine, open_writable, resolve_db_path, run_exit
from etl.errors import RefreshLocked
from etl.locking import LockFileError, refresh_lock
from etl.pipeline import retag


@click.command("retag")
@db_option
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Codebook YAML (default: the bundled one, or $STANCE_CODEBOOK).")
@click.option("--force", is_flag=True, help="Re-tag every document, even those already tagged with this codebook.")
def command(db_path, codebook, force):
    """Re-tag stored documents without re-ingesting; analyst overrides stay in force."""
    path = resolve_db_path(db_path)
    try:
        with refresh_lock(path):
            db = open_writable(path)
            report = retag(db, engine=load_engine(codebook), force=force)
            after_run(db)
    except RefreshLocked as exc:
        click.echo(f"stance retag: {exc}", err=True)
        raise SystemExit(EXIT_LOCKED)
    except LockFileError as exc:
        raise click.ClickException(str(exc)) from exc
    run_exit(report)
