"""Small synthetic archives for query tests, built by the benchmark's own generator."""

from __future__ import annotations

import importlib.util
from pathlib import Path

GENERATOR = Path(__file__).parent / "benchmarks" / "make_synthetic_db.py"


def build_synthetic(path: Path, statements: int, seed: int) -> None:
    """Write a synthetic database of `statements` statements at `path`."""
    spec = importlib.util.spec_from_file_location("make_synthetic_db", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(path, statements, seed=seed)
