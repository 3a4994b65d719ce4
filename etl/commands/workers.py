"""`--workers N` and the extractor it selects, shared by ingest, refresh and extract."""

from __future__ import annotations

import os
from pathlib import Path

import click


def workers_option(func):
    """`--workers N`: extraction processes; 1 (the default) extracts in the main process."""
    return click.option(
        "--workers", type=click.IntRange(min=1), default=1, show_default=True,
        help=f"Processes that extract statements, each with its own copy of the model (this machine has "
             f"{os.cpu_count()} cores); 1 extracts in this process.")(func)


def load_extractor(codebook_path: Path | str | None, workers: int):
    """The codebook loaded now (a broken one is a clean CLI error); the engine, when first needed."""
    from etl.commands.common import load_cli_codebook
    from etl.extractors import open_extractor

    return open_extractor(load_cli_codebook(codebook_path), workers)
