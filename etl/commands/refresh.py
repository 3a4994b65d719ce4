"""`stance refresh`: the cron job. Reads the sources file, ingests what is new, records a run."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import EXIT_LOCKED
from etl.commands.common import after_run, db_option, open_writable, resolve_db_path, run_exit
from etl.commands.workers import load_extractor, workers_option
from etl.errors import RefreshLocked
from etl.locking import LockFileError, refresh_lock
from etl.pipeline import ingest_paths
from etl.refresh_config import ConfigError, load_config


@click.command("refresh")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Sources file (default $STANCE_CONFIG, then ~/.config/stancewatch/sources.yaml).")
@db_option
@workers_option
def command(config_path, db_path, workers):
    """Ingest only what is new from every configured source; safe to run from cron."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    path = db_path or config.db or resolve_db_path(None)
    try:
        with refresh_lock(path):
            db = open_writable(path)
            extractor = load_extractor(config.codebook, workers)
            try:
                report = ingest_paths(db, [s["path"] for s in config.sources], kind="refresh",
                                      engine=extractor, timeout=config.timeout, sources=config.sources,
                                      args=str(config.path))
            finally:
                extractor.close()
            after_run(db)
    except RefreshLocked as exc:
        click.echo(f"stance refresh: {exc}", err=True)
        raise SystemExit(EXIT_LOCKED)
    except LockFileError as exc:
        raise click.ClickException(str(exc)) from exc
    run_exit(report)
