"""The `stance` command line: one click group; subcommands live in `etl.commands.*`."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from etl import __version__

log = logging.getLogger(__name__)

# Each module defines `command` (a click command or group). Listed here so that each
# subcommand stays in a small module of its own.
COMMAND_MODULES = [
    "etl.commands.ingest",
    "etl.commands.refresh",
    "etl.commands.runs",
    "etl.commands.documents",
    "etl.commands.extract",
    "etl.commands.codebook",
    "etl.commands.evaluate",
    "etl.commands.evaluate_shifts",
    "etl.commands.retag",
    "etl.commands.export",
    "etl.commands.dashboard",
    "etl.commands.shifts",
    "etl.commands.alignment",
    "etl.commands.report",
]

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FAILED = 1  # a source failed entirely, or the command could not do its job
EXIT_USAGE = 2  # click's own code for bad arguments
EXIT_LOCKED = 75  # another refresh is running (EX_TEMPFAIL): try again later


def setup_logging(verbose: int) -> None:
    """Log to stderr: warnings by default, info with -v, debug with -vv."""
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stance")
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """stancewatch: who said what about a policy question, and when they changed their mind."""
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    setup_logging(verbose)


for _name in COMMAND_MODULES:
    cli.add_command(importlib.import_module(_name).command)
