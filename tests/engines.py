"""Engines for tests: the real one, made to fail where a test says so."""

from __future__ import annotations

from etl.engine import Engine


class TrippingEngine(Engine):
    """The real engine, made to fail on a marked article (no real article is known to trip it).

    At module level, so that worker processes can load it."""

    def extract_many(self, docs, *args, **kwargs):
        docs = list(docs)
        if any("TRIPWIRE" in d.text for d in docs):
            raise RuntimeError("tripped on purpose")
        return super().extract_many(docs, *args, **kwargs)
