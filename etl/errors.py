"""Exceptions the library raises; only the CLI turns them into messages and exit codes."""


class StanceError(Exception):
    """Base class for every error stancewatch raises on purpose."""


class InputError(StanceError):
    """One input (file, feed, item) could not be read; the run goes on without it."""

    def __init__(self, origin: str, problem: str):
        super().__init__(f"{origin}: {problem}")
        self.origin = origin
        self.problem = problem


class SourceFailed(StanceError):
    """A whole source (folder, feed URL) failed; the run records it and exits non-zero."""


class CodebookError(StanceError):
    """The codebook has problems; `problems` lists every one with file and line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class RefreshLocked(StanceError):
    """Another refresh holds the lock."""
