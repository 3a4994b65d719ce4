"""The refresh configuration: which folders, feed files and feed URLs a daily refresh reads."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from etl.errors import StanceError

CONFIG_ENV = "STANCE_CONFIG"


class ConfigError(StanceError):
    """The refresh configuration is missing or malformed."""


@dataclass(frozen=True)
class RefreshConfig:
    """Sources to read, plus optional database path and fetch timeout."""

    path: Path
    sources: tuple[dict, ...]
    db: Path | None = None
    timeout: float = 20.0
    codebook: Path | None = None
    extra: dict = field(default_factory=dict)


def default_config_path() -> Path:
    """`$STANCE_CONFIG`, else `~/.config/stancewatch/sources.yaml`."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "stancewatch" / "sources.yaml"


def load_config(path: Path | None) -> RefreshConfig:
    """Read and check a sources file; relative paths are taken from the file's folder."""
    path = Path(path) if path else default_config_path()
    if not path.exists():
        raise ConfigError(f"{path}: no such refresh configuration (see README, 'Daily refresh')")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a date like 2025-02-30
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the refresh configuration ({exc.strerror or exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list) or not data["sources"]:
        raise ConfigError(f"{path}: expected a mapping with a non-empty 'sources' list")
    base = path.parent
    sources = []
    problems = []
    for i, item in enumerate(data["sources"], 1):
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict):
            problems.append(f"source {i}: expected a path, URL or mapping")
            continue
        target = item.get("url") or item.get("path")
        if not target:
            problems.append(f"source {i}: needs 'path' or 'url'")
            continue
        target = str(target)
        if "://" not in target:  # a URL (of any scheme: discover names an unsupported one) stays as given
            target = str((base / os.path.expanduser(target)).resolve())
        sources.append({"path": target, "source": item.get("source")})
    timeout = _timeout(data.get("timeout", 20.0), problems)
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    db = data.get("db")
    codebook = data.get("codebook")
    return RefreshConfig(
        path=path,
        sources=tuple(sources),
        db=(base / os.path.expanduser(str(db))).resolve() if db else None,
        timeout=timeout,
        codebook=(base / os.path.expanduser(str(codebook))).resolve() if codebook else None,
    )


def _timeout(value, problems: list[str]) -> float:
    """The fetch timeout in seconds: a positive number, else a problem noted."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        problems.append(f"timeout: expected a positive number of seconds, got {value!r}")
        return 20.0
    return seconds
