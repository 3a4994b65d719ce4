"""`stance extract`: statements and stances of input files as JSON Lines, without a database."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date

import click

from etl.errors import CodebookError, InputError, StanceError

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


def load_engine(codebook_path: str | None, untagged: bool = False):
    """An Engine with the given (or default) codebook; codebook problems become a CLI error."""
    from etl.codebook import load_codebook
    from etl.engine import Engine

    try:
        codebook = load_codebook(codebook_path)
    except CodebookError as exc:
        raise click.ClickException("codebook problems:\n" + "\n".join(exc.problems)) from exc
    try:
        return Engine(codebook, untagged=untagged)
    except StanceError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("extract")
@click.argument("paths", nargs=-1, required=True)
@click.option("--date", "day", callback=_parse_day, metavar="YYYY-MM-DD",
              help="Publication date to use for every input, over any date in metadata.")
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False),
              help="Codebook YAML to use instead of the default (env STANCE_CODEBOOK).")
@click.option("--all", "show_all", is_flag=True,
              help="Also print statements on none of the topics (topic null).")
def command(paths: tuple[str, ...], day: date | None, codebook_path: str | None, show_all: bool) -> None:
    """Print the statements found in PATH... (files, folders, feeds) as JSON Lines; no database."""
    from etl.documents import load_documents
    from etl.statement_rows import extraction_rows

    engine = load_engine(codebook_path, untagged=show_all)
    failed, empty = [], []

    def on_error(error: InputError) -> None:
        (empty if error.problem.startswith(EMPTY_PROBLEMS) else failed).append(error)
        click.echo(f"stance extract: {error.origin}: {error.problem}", err=True)

    docs_read = statements = 0
    out = sys.stdout
    documents = load_documents(list(paths), date_override=day, on_error=on_error)
    for document, extraction in engine.extract_many(documents):
        docs_read += 1
        statements += len(extraction.statements)
        for row in extraction_rows(document, extraction, engine.codebook, include_untagged=show_all):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()
    log.info("extract: %d documents, %d statements, %d inputs failed", docs_read, statements, len(failed))
    if docs_read == 0 and failed and not empty:
        raise SystemExit(1)
