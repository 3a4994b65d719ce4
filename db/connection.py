"""Opening the database: validation, WAL, busy timeout, migrations, and read-only access."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from db.schema import MIGRATION_SET, apply_migrations

BUSY_TIMEOUT_MS = 15_000
DEFAULT_DB_ENV = "STANCE_DB"


class DatabaseError(Exception):
    """The file is not a usable stancewatch database (corrupt, foreign, unreadable)."""


def default_db_path() -> Path:
    """`$STANCE_DB`, else `~/.local/share/stancewatch/stance.db`."""
    env = os.environ.get(DEFAULT_DB_ENV)
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "stancewatch" / "stance.db"


def _check_header(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot read the database file ({exc.strerror})") from exc
    if header != b"SQLite format 3\x00":
        raise DatabaseError(f"{path}: not an SQLite database (is it the right file?)")


def _check_ours(db: Database, path: Path) -> None:
    tables = set(db.table_names())
    # Every stancewatch database records its migrations; tables without that record are
    # another application's, even one with a table called "documents".
    if tables and "_sqlite_migrations" not in tables:
        raise DatabaseError(
            f"{path}: an SQLite database, but not a stancewatch one "
            f"(it has tables {', '.join(sorted(tables)[:5])}); refusing to write to it"
        )
    if "_sqlite_migrations" in tables:
        sets = {r["migration_set"] for r in db.query("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
        if sets and MIGRATION_SET not in sets:
            raise DatabaseError(f"{path}: migrations of another application ({', '.join(sets)})")


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA synchronous = NORMAL")


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) a writable database, in WAL mode, schema up to date."""
    path = Path(path)
    _check_header(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot create its folder {path.parent} ({_os_reason(exc)})") from exc
    try:
        db = Database(path)
        _configure(db.conn)
        _check_ours(db, path)
        if db.journal_mode != "wal":
            db.enable_wal()
        if migrate:
            apply_migrations(db)
    except sqlite3.OperationalError as exc:
        raise DatabaseError(f"{path}: {exc} ({_why_not_opened(exc)})") from exc
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: {exc} (corrupt or not an SQLite database)") from exc
    return db


def _why_not_opened(exc: sqlite3.OperationalError) -> str:
    """A hint for an operational failure: permissions and paths are likelier than corruption."""
    text = str(exc)
    if "unable to open" in text:
        return "cannot open or create the file: is its folder a folder, and writable?"
    if "readonly" in text:
        return "the file or its folder is not writable"
    if "locked" in text or "busy" in text:
        return "another process holds it; try again shortly"
    return "corrupt or not an SQLite database"


def open_readonly(path: str | Path) -> Database:
    """Open an existing database read-only; readers never block the writer in WAL mode."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"{path}: no such database; run `stance ingest` or `make demo` first")
    _check_header(path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        _configure(conn)
        db = Database(conn)
        _check_ours(db, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: {exc} (corrupt or not an SQLite database)") from exc
    return db


def refresh_statistics(db: Database, *, rows_per_index: int = 2000) -> None:
    """Sample every table and index (ANALYZE) so SQLite's planner knows which conditions are selective.

    Without statistics SQLite guesses from the shape of a query, and on a large archive some of
    its guesses cost seconds (a rare tag confidence read through a common statement flag). The
    sample size keeps this to a second or two at a million statements.
    """
    db.execute(f"PRAGMA analysis_limit = {int(rows_per_index)}")
    db.execute("ANALYZE")


def is_current(db: Database) -> bool:
    """True when every migration has been applied."""
    from db.schema import migrations

    return not migrations.pending(db)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileExistsError):
        return "a file of that name is in the way of a folder"
    return exc.strerror or str(exc)
