"""`stance extract`: statements and stances of input files as JSON Lines, without a database."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date

import click

from etl.commands.common import load_cli_codebook, load_engine
from etl.commands.workers import workers_option
from etl.errors import InputError

log = logging.getLogger(__name__)

# Problems that mean "read fine, but there was nothing in it": not a failure to read.
EMPTY_PROBLEMS = ("empty file", "no article text")


def _parse_day(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from exc


@click.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--date", "day", callback=_parse_day, metavar="YYYY-MM-DD",
              help="Publication date to use for every input, over any date in metadata.")
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False),
              help="Codebook YAML to use instead of the default (env STANCE_CODEBOOK).")
@click.option("--all", "show_all", is_flag=True,
              help="Also print statements on none of the topics (topic null).")
@workers_option
def command(paths: tuple[str, ...], day: date | None, codebook_path: str | None, show_all: bool,
            workers: int) -> None:
    """Print the statements found in PATH... (files, folders, feeds) as JSON Lines; no database."""
    from etl.documents import load_documents
    from etl.statement_rows import extraction_rows

    engine = load_engine(codebook_path, untagged=show_all) if workers == 1 else None
    failed, empty = [], []

    def on_error(error: InputError) -> None:
        (empty if error.problem.startswith(EMPTY_PROBLEMS) else failed).append(error)
        click.echo(f"stance extract: {error.origin}: {error.problem}", err=True)

    docs_read = statements = 0
    out = sys.stdout
    documents = load_documents(list(paths), date_override=day, on_error=on_error)
    if engine is not None:
        results = engine.extract_many(documents)
        codebook = engine.codebook
    else:
        pool = _pool(codebook_path, workers, show_all)
        codebook = pool.codebook
        results = _extracted_in_pool(pool, documents, on_error)
    for document, extraction in results:
        docs_read += 1
        statements += len(extraction.statements)
        for row in extraction_rows(document, extraction, codebook, include_untagged=show_all):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
    log.info("extract: %d documents, %d statements, %d inputs failed", docs_read, statements, len(failed))
    if docs_read == 0 and failed and not empty:
        raise SystemExit(1)


def _pool(codebook_path: str | None, workers: int, untagged: bool):
    """Worker processes, each with an Engine like load_engine's."""
    from functools import partial

    from etl.engine import Engine
    from etl.extractors import PoolExtractor

    codebook = load_cli_codebook(codebook_path)
    return PoolExtractor(codebook, workers, engine_class=partial(Engine, untagged=untagged))


def _extracted_in_pool(pool, documents, on_error):
    """(document, extraction) in input order; a document the engine fails on is reported and left out."""
    from etl.extractors import extract_ordered

    try:
        for document, extraction, failure in extract_ordered(pool, documents, batch_size=8):
            if extraction is None:
                on_error(InputError(document.origin, failure))
                continue
            yield document, extraction
    finally:
        pool.close()
