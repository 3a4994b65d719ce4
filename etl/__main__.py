"""`python -m etl` runs the `stance` CLI."""

from etl.cli import cli

cli(prog_name="stance")
