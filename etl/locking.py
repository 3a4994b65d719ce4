"""A per-database refresh lock: a second refresh exits at once instead of waiting or racing."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from etl.errors import RefreshLocked, StanceError


class LockFileError(StanceError):
    """The lock file beside the database cannot be created or opened."""


def lock_path(db_path: Path) -> Path:
    """The lock file that sits beside the database."""
    return db_path.with_name(db_path.name + ".refresh.lock")


@contextmanager
def refresh_lock(db_path: Path) -> Iterator[None]:
    """Hold the refresh lock for the duration of the block, or raise RefreshLocked.

    flock is released by the kernel when the process dies, even by SIGKILL, so a crashed
    refresh never leaves a stale lock behind.
    """
    path = lock_path(Path(db_path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LockFileError(f"{path}: cannot create the refresh lock file ({_os_reason(exc)})") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise RefreshLocked(f"another refresh is running on {db_path} ({holder}); not starting")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(fd)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileExistsError):
        return "a file of that name is in the way of a folder"
    return exc.strerror or str(exc)
