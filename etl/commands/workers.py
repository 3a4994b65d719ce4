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
    from etl.codebook import load_codebook
    from etl.errors import CodebookError
    from etl.extractors import open_extractor

    try:
        codebook = load_codebook(codebook_path)
    except CodebookError as exc:
        raise click.ClickException("the codebook has problems:\n" + "\n".join(exc.problems)) from exc
    return open_extractor(codebook, workers)
