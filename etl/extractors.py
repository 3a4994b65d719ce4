"""Running the engine over batches of documents: in this process, or in worker processes.

An extractor takes a batch of documents and returns a future of (document, extraction or None,
failure) triples in the batch's order. The in-process one builds its engine on the first batch,
so a run with nothing new never loads spaCy; the pool starts its workers on the first batch, and
each worker builds one engine, once, in its initializer.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)


def extract_each(engine, docs: list) -> list[tuple[object, object | None, str | None]]:
    """(document, extraction or None, failure) for each document.

    The batch goes through the engine at once; if that raises, each document goes alone, so
    one article that trips the engine costs only itself and is named in the failure.
    """
    try:
        return [(doc, extraction, None) for doc, extraction in engine.extract_many(docs)]
    except Exception:  # noqa: BLE001 - re-done one by one below, where each failure is reported
        log.debug("extraction of a batch of %d documents failed; retrying one by one", len(docs), exc_info=True)
    results = []
    for doc in docs:
        try:
            ((_, extraction),) = list(engine.extract_many([doc]))
        except Exception as exc:  # noqa: BLE001 - reported per document by the caller
            log.debug("%s: extraction failed", doc.origin, exc_info=True)
            results.append((doc, None, f"extraction failed ({type(exc).__name__}: {exc})"))
        else:
            results.append((doc, extraction, None))
    return results


class InlineExtractor:
    """Extraction in this process, one batch at a time; the engine is built when first needed."""

    workers = 1

    def __init__(self, codebook, engine_factory: Callable[[], object] | None = None, engine=None):
        self.codebook = codebook
        self._factory = engine_factory
        self._engine = engine

    @classmethod
    def around(cls, engine) -> "InlineExtractor":
        """An extractor over an engine already built."""
        return cls(engine.codebook, engine=engine)

    @property
    def engine(self):
        """The engine, built on first use (a failure to build it stops the run, not one document)."""
        if self._engine is None:
            self._engine = self._factory()
        return self._engine

    def submit(self, docs: list) -> Future:
        """Extract the batch now; the returned future is already done."""
        engine = self.engine
        future: Future = Future()
        future.set_result(extract_each(engine, docs))
        return future

    def close(self) -> None:
        """Nothing to release."""


_worker_engine = None


def _start_worker(factory: Callable, codebook) -> None:
    global _worker_engine
    _worker_engine = factory(codebook=codebook)


def _extract_in_worker(docs: list) -> list[tuple[object, object | None, str | None]]:
    return extract_each(_worker_engine, docs)


class PoolExtractor:
    """Extraction in `workers` processes, each with its own engine; started on the first batch."""

    def __init__(self, codebook, workers: int, engine_class: Callable | None = None):
        if engine_class is None:
            from etl.engine import Engine as engine_class
        self.codebook = codebook
        self.workers = workers
        self._engine_class = engine_class
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, docs: list) -> Future:
        """Send the batch to a free worker; the future holds its triples."""
        if self._pool is None:
            # spawn, not fork: the parent holds an open SQLite connection and may hold threads.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self._engine_class, self.codebook))
        return self._pool.submit(_extract_in_worker, docs)

    def close(self) -> None:
        """Stop the workers; batches not yet started are dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def open_extractor(codebook, workers: int = 1, engine_class: Callable | None = None):
    """An in-process extractor for one worker, else a pool of `workers` processes."""
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    if workers == 1:
        if engine_class is None:
            from etl.engine import Engine as engine_class
        return InlineExtractor(codebook, lambda: engine_class(codebook=codebook))
    return PoolExtractor(codebook, workers, engine_class)


def as_extractor(engine_or_extractor):
    """An extractor as given, or an in-process one around an engine."""
    if hasattr(engine_or_extractor, "submit"):
        return engine_or_extractor
    return InlineExtractor.around(engine_or_extractor)


def extract_ordered(extractor, docs: Iterable, batch_size: int = 16
                    ) -> Iterator[tuple[object, object | None, str | None]]:
    """Triples for a stream of documents, in input order, with a few batches in flight per worker."""
    in_flight: deque[Future] = deque()
    limit = 2 * getattr(extractor, "workers", 1)
    batch: list = []
    for doc in docs:
        batch.append(doc)
        if len(batch) >= batch_size:
            in_flight.append(extractor.submit(batch))
            batch = []
            while in_flight and (in_flight[0].done() or len(in_flight) > limit):
                yield from in_flight.popleft().result()
    if batch:
        in_flight.append(extractor.submit(batch))
    while in_flight:
        yield from in_flight.popleft().result()
