"""`stance codebook check|show`: check the codebook YAML, or summarise what it holds."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import click

from etl.codebook import CODEBOOK_ENV, check_codebook, default_codebook_path
from etl.errors import CodebookError


def codebook_option(func):
    """`--codebook FILE`, defaulting to $STANCE_CODEBOOK, then the shipped codebook."""
    return click.option(
        "--codebook", "codebook_path",
        type=click.Path(dir_okay=False, path_type=Path), default=None,
        help=f"Codebook YAML file (env {CODEBOOK_ENV}; default: the shipped codebook).",
    )(func)


@click.group("codebook")
def command() -> None:
    """Check or summarise the codebook (actors, roles, topics, cues)."""


@command.command("check")
@codebook_option
def check(codebook_path: Path | None) -> None:
    """Report every problem in the codebook with file and line; exit 1 on errors."""
    result = check_codebook(codebook_path)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in result.errors:
        click.echo(f"error: {error}", err=True)
    if result.errors:
        click.echo(f"{result.path}: {len(result.errors)} error(s),"
                   f" {len(result.warnings)} warning(s)", err=True)
        raise SystemExit(1)
    book = result.codebook
    persons = sum(a.kind == "person" for a in book.actors)
    click.echo(f"{result.path}: ok (version {book.version}; {persons} persons,"
               f" {len(book.actors) - persons} groups, {len(book.topics)} topics;"
               f" {len(result.warnings)} warning(s))")


@command.command("show")
@codebook_option
@click.option("--on", "on_day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Also list who held each office in each group on this day (YYYY-MM-DD).")
def show(codebook_path: Path | None, on_day) -> None:
    """Print a summary: version, counts, topics with their cue counts, offices."""
    result = check_codebook(codebook_path)
    if not result.ok:
        raise click.ClickException(str(CodebookError(result.errors))
                                   + "\n(run `stance codebook check` for details)")
    book = result.codebook
    kinds = Counter(a.kind for a in book.actors)
    click.echo(f"codebook {book.path or default_codebook_path()}")
    click.echo(f"version  {book.version}")
    click.echo(f"actors   {kinds['person']} persons, {kinds['group']} groups")
    click.echo(f"offices  {len(book.offices)} ({len(book.office_phrases)} office phrases)")
    click.echo(f"verbs    {len(book.speech_verbs)} speech, {len(book.reported_verbs)} reported")
    click.echo("topics")
    for topic in book.topics:
        click.echo(f"  {topic.id}: {topic.proposition}")
        click.echo(f"    {len(topic.cues)} cues, {len(topic.context)} context,"
                   f" {len(topic.exclude)} exclude, {len(topic.support)} support,"
                   f" {len(topic.oppose)} oppose, {len(topic.neutral)} neutral")
    if on_day is not None:
        day: date = on_day.date()
        click.echo(f"office holders on {day}")
        for group in (a for a in book.actors if a.kind == "group"):
            for office in book.offices:
                names = [p.name for p in book.holders(group.id, office.id, day)]
                if names:
                    click.echo(f"  {group.name} / {office.id}: {', '.join(names)}")
