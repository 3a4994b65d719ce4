"""`stance dashboard`: serve the Streamlit analyst dashboard on one database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from etl.commands.common import db_option, open_writable, resolve_db_path

# The dashboard package sits next to `etl` (in the source tree and in site-packages alike).
APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def streamlit_command(db: Path, host: str, port: int) -> list[str]:
    """The `python -m streamlit run` command line: headless, no usage statistics, the DB as a script argument."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", host, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer",  # analysts need no "Deploy" button
            "--", "--db", str(db)]


@click.command("dashboard")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8501, show_default=True, type=int, help="Port to listen on.")
def command(db_path, host, port):
    """Open the analyst dashboard (Ctrl-C stops it)."""
    path = resolve_db_path(db_path).expanduser().resolve()
    if path.exists():
        open_writable(path).close()  # refuses a foreign or corrupt file; brings the schema up to date
    else:
        click.echo(f"note: no database at {path} yet; the dashboard will say how to create one", err=True)
    click.echo(f"Serving the dashboard for {path} on http://{host}:{port}", err=True)
    env = {**os.environ, "STANCE_DB": str(path)}
    cmd = streamlit_command(path, host, port)
    # Become the Streamlit server, so Ctrl-C and a service manager's SIGTERM reach it directly.
    os.execve(cmd[0], cmd, env)
