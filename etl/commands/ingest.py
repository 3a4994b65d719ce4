"""`stance ingest PATH...`: store articles from files, folders and feeds, with their statements."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from etl.commands.common import after_run, db_option, open_writable, run_exit
from etl.commands.workers import load_extractor, workers_option
from etl.pipeline import ingest_paths

log = logging.getLogger(__name__)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--date", "date_override", type=click.DateTime(["%Y-%m-%d"]),
              help="Publication date for every document (overrides metadata).")
@click.option("--source", "source_name", help="Source name for every document.")
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Codebook YAML (default: the bundled one, or $STANCE_CODEBOOK).")
@click.option("--timeout", default=20.0, show_default=True, help="Seconds to wait for a feed URL.")
@workers_option
def command(paths, db_path, date_override, source_name, codebook, timeout, workers):
    """Ingest files, folders (recursively) and RSS/Atom feeds (files or http(s) URLs)."""
    db = open_writable(db_path)
    extractor = load_extractor(codebook, workers)
    try:
        report = ingest_paths(
            db, list(paths), date_override=date_override.date() if date_override else None,
            source_override=source_name, engine=extractor, timeout=timeout, args=" ".join(paths))
    finally:
        extractor.close()
    after_run(db)
    run_exit(report)
