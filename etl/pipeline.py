"""Orchestration: inputs -> documents -> extraction -> one transaction per document, recorded as a run."""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Callable, Iterable, Sequence

from sqlite_utils import Database

from db import store
from etl import __version__
from etl.errors import InputError
from etl.extractors import as_extractor, extract_each, open_extractor
from etl.models import content_id

log = logging.getLogger(__name__)

BATCH_SIZE = 64  # documents handed to the extractor at once (spaCy batches them)
POOL_BATCH_SIZE = 8  # smaller per worker task, so the last tasks of a run share out evenly
SEEN_CHUNK = 500  # input keys looked up in one query


@dataclass
class RunReport:
    """What a run did: its id, counts, problems and status."""

    run_id: int
    kind: str
    counts: dict = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    failed_sources: list[str] = field(default_factory=list)
    status: str = "running"

    def bump(self, key: str, n: int = 1) -> None:
        """Add n to one counter."""
        self.counts[key] = self.counts.get(key, 0) + n

    def summary(self) -> str:
        """The one line that closes every run."""
        c = self.counts
        labels = [("inputs", "inputs"), ("docs_new", "new documents"), ("docs_retagged", "re-tagged"),
                  ("docs_duplicate", "duplicates"), ("docs_unchanged", "unchanged"),
                  ("docs_failed", "failed"), ("skipped", "skipped"), ("docs_undated", "undated"), ("statements", "statements"),
                  ("tags", "tags"), ("errors", "problems")]
        always = {"docs_new", "statements", "errors"} if self.kind != "retag" else {"docs_retagged", "statements"}
        parts = [f"{c.get(k, 0)} {label}" for k, label in labels if c.get(k) or k in always]
        line = f"run {self.run_id} {self.kind} {self.status}: " + ", ".join(parts)
        if self.failed_sources:
            line += f"; {len(self.failed_sources)} source(s) failed entirely: " + ", ".join(self.failed_sources)
        return line


def engine_version(engine) -> str:
    """Software plus codebook version, stored with each extraction."""
    return f"{__version__}+codebook.{engine.codebook.version}"


def _default_engine():
    from etl.engine import Engine

    return Engine()


@dataclass
class _Sent:
    """A batch handed to the extractor, and the input marks that wait for it to be stored."""

    keys: dict  # document id -> input key
    future: Future
    marks: list = field(default_factory=list)  # (input key, origin, document id)


class _Run:
    """One run's state: the DB, the extractor, the report, and the documents on their way to the DB.

    In this process (one worker) each input's documents are extracted and stored before the next
    input is read. With worker processes, documents are batched across inputs and several batches
    are in flight while the next inputs are read. Either way results are stored in reading order,
    one transaction per document, and an input is marked seen only once every document read before
    its mark has been stored: a run killed at any point leaves inputs to be read again, never an
    input marked whose article is missing.
    """

    def __init__(self, db: Database, extractor, report: RunReport):
        self.db = db
        self.extractor = extractor
        self.report = report
        self.version = engine_version(extractor)
        self.batch: list[tuple[object, str | None]] = []  # (Document, input key), not yet sent
        self.batch_marks: list[tuple[str, str, str | None]] = []  # marks waiting on the batch
        self.sent: deque[_Sent] = deque()
        self.waiting: dict[str, object] = {}  # id and URL of every document sent or batched -> document
        workers = getattr(extractor, "workers", 1)
        # One worker batches across inputs too: spaCy parses a batch of articles far faster than
        # the same articles one call each, and the marks wait for their documents either way.
        self.batch_size = BATCH_SIZE if workers == 1 else POOL_BATCH_SIZE
        self.in_flight = 2 * workers

    def problem(self, origin: str, message: str, level: str = "error") -> None:
        (log.error if level == "error" else log.warning)("%s", message)
        store.record_error(self.db, self.report.run_id, origin, message, level)
        self.report.problems.append((origin, message))
        # Skipped files (wrong type) are recorded and counted apart: they do not make a run partial.
        if level == "skipped":
            self.report.bump("skipped")
        elif level != "warning":
            self.report.bump("errors")

    def mark(self, key: str, origin: str, doc_id: str | None) -> None:
        """Remember an input as processed, once the documents read before it are stored."""
        if self.batch:
            self.batch_marks.append((key, origin, doc_id))
        elif self.sent:
            self.sent[-1].marks.append((key, origin, doc_id))
        else:
            with store.write_transaction(self.db):
                store.mark_input_seen(self.db, key, origin, doc_id, self.report.run_id)

    def add(self, doc, key: str | None) -> None:
        existing = store.existing_document_id(self.db, doc)
        if existing:
            self.report.bump("docs_duplicate")
            if existing != doc.id:  # same URL, other text: an edited article; say which copy is kept
                self.problem(doc.origin, f"{doc.origin}: same URL as stored document {existing} ({doc.url})"
                                         " but different text; the stored text is kept", level="warning")
            if key:
                with store.write_transaction(self.db):
                    store.mark_input_seen(self.db, key, doc.origin, existing, self.report.run_id)
            return
        if doc.id in self.waiting or (doc.url and doc.url in self.waiting):
            # A copy is on its way to the DB: this key is marked once that copy is stored.
            self.report.bump("docs_duplicate")
            if key:
                self.mark(key, doc.origin, doc.id)
            return
        if doc.published is None:
            self.report.bump("docs_undated")
        for warning in doc.warnings:
            self.problem(doc.origin, f"{doc.origin}: {warning}", level="warning")
        self.batch.append((doc, key))
        self.waiting[doc.id] = doc
        if doc.url:
            self.waiting[doc.url] = doc
        if len(self.batch) >= self.batch_size:
            self.send()

    def send(self) -> None:
        """Hand the batch to the extractor, then store whatever results are ready (or overdue)."""
        if self.batch:
            docs = [d for d, _ in self.batch]
            sent = _Sent(keys={d.id: k for d, k in self.batch}, future=self.extractor.submit(docs),
                         marks=self.batch_marks)
            self.batch, self.batch_marks = [], []
            self.sent.append(sent)
        while self.sent and (self.sent[0].future.done() or len(self.sent) > self.in_flight):
            self.store(self.sent.popleft())

    def flush(self) -> None:
        """Extract and store every document read so far, and write the marks that waited on them."""
        self.send()
        while self.sent:
            self.store(self.sent.popleft())

    def store(self, sent: _Sent) -> None:
        for doc, extraction, failure in sent.future.result():
            self.waiting.pop(doc.id, None)
            if doc.url:
                self.waiting.pop(doc.url, None)
            # A document the engine failed on is stored without statements and no extractor
            # version, so that `stance retag` tries it again.
            stored = store.store_document(self.db, doc, extraction, self.report.run_id,
                                          extractor_version=self.version if extraction else None,
                                          input_key=sent.keys.get(doc.id))
            if not stored:
                self.report.bump("docs_duplicate")
                continue
            self.report.bump("docs_new")
            if extraction is None:
                self.problem(doc.origin, f"{doc.origin}: {failure}; stored without statements"
                                         " (`stance retag` tries it again)")
                continue
            self.report.bump("statements", len(extraction.statements))
            self.report.bump("tags", len(extraction.tags))
        if sent.marks:
            with store.write_transaction(self.db):
                for key, origin, doc_id in sent.marks:
                    store.mark_input_seen(self.db, key, origin, doc_id, self.report.run_id)


def ingest_paths(db: Database, paths: Sequence[str], *, kind: str = "ingest",
                 date_override: date | None = None, source_override: str | None = None,
                 engine=None, timeout: float = 20.0, args: str = "",
                 sources: Iterable[dict] | None = None, workers: int = 1) -> RunReport:
    """Ingest files, folders and feed URLs; new articles are extracted and stored, each in one transaction.

    `sources` (from a refresh config) may give per-source options: {"path": ..., "source": ...}.
    Inputs already processed unchanged are skipped, so a re-run only does new work.
    `engine` is an Engine or an extractor (etl.extractors); with `workers` > 1 and an Engine, its
    codebook is extracted in that many worker processes.
    """
    from etl import documents as documents_mod
    from etl import sources as sources_mod

    engine = engine or _default_engine()
    if workers > 1 and not hasattr(engine, "submit"):
        extractor = open_extractor(engine.codebook, workers, engine_class=type(engine))
    else:
        extractor = as_extractor(engine)
    store.mark_interrupted_runs(db)
    store.sync_codebook(db, extractor.codebook)
    run_id = store.start_run(db, kind, args=args, codebook_version=extractor.codebook.version,
                             software_version=__version__)
    report = RunReport(run_id=run_id, kind=kind)
    run = _Run(db, extractor, report)
    source_names = {s["path"]: s.get("source") for s in (sources or []) if s.get("source")}
    try:
        for path in paths:
            _ingest_one_source(run, path, sources_mod, documents_mod, date_override,
                               source_names.get(path, source_override), timeout)
            # Stored before the next source is read, so an input named by two sources is read once.
            run.flush()
    except BaseException as exc:
        _stopped(db, report, exc)
        raise
    finally:
        if extractor is not engine:
            extractor.close()
    if report.failed_sources and len(report.failed_sources) == len(paths):
        report.status = "failed"
    elif report.failed_sources or report.counts.get("errors"):
        report.status = "partial"
    else:
        report.status = "ok"
    store.finish_run(db, run_id, report.status, report.counts, report.summary())
    return report


def _stopped(db: Database, report: RunReport, exc: BaseException) -> None:
    """Close a run cut short: 'interrupted' by Ctrl-C, 'failed' by an error."""
    report.status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
    store.finish_run(db, report.run_id, report.status, report.counts,
                     f"{report.summary()} (stopped by {type(exc).__name__}: {exc})")


def _ingest_one_source(run: _Run, path: str, sources_mod, documents_mod, date_override, source_name,
                       timeout: float) -> None:
    """Read one configured path or URL; it failed entirely when none of its inputs gave an article."""
    report = run.report
    found = sources_mod.discover([path])
    readable = failed_inputs = 0
    # The folder is walked a chunk at a time, so a run holds a chunk of inputs in memory, not the archive.
    while chunk := list(islice(found, SEEN_CHUNK)):
        for ref in chunk:
            if isinstance(ref, InputError):
                run.problem(ref.origin, str(ref), level="skipped" if "skipped" in ref.problem else "error")
        refs = [r for r in chunk if not isinstance(r, InputError)]
        readable += len(refs)
        # One query per chunk: a refresh of a large archive is mostly this lookup.
        seen = store.seen_keys(run.db, [r.key for r in refs if r.key])
        for ref in refs:
            report.bump("inputs")
            if ref.key in seen:
                report.bump("docs_unchanged")
                continue
            if not _ingest_one_input(run, ref, sources_mod, documents_mod, date_override, source_name,
                                     timeout):
                failed_inputs += 1
    # A folder of nothing but unsupported files fails like an empty or unreadable one.
    if failed_inputs == readable:
        report.failed_sources.append(path)


def _ingest_one_input(run: _Run, ref, sources_mod, documents_mod, date_override, source_name,
                      timeout: float) -> bool:
    """Read one file or URL; False when it gave no article at all, only problems."""
    report = run.report
    try:
        result = sources_mod.read_input(ref, timeout=timeout)
    except InputError as exc:
        report.bump("docs_failed")
        run.problem(exc.origin, str(exc))
        return False
    articles, problems = _split_result(result)
    for problem in problems:
        report.bump("docs_failed")
        run.problem(getattr(problem, "origin", ref.origin), str(problem))
    usable = 0
    for raw in articles:
        item_key = _item_key(ref, raw, len(articles))
        if item_key and item_key != ref.key and store.input_seen(run.db, item_key):
            report.bump("docs_unchanged")
            usable += 1
            continue
        try:
            doc = documents_mod.to_document(raw, date_override=date_override, source_override=source_name)
        except InputError as exc:
            report.bump("docs_failed")
            run.problem(exc.origin, str(exc))
            if item_key and item_key != ref.key:
                # Reported once, like a file that holds no article: a feed item without text
                # would otherwise come back as a problem on every refresh.
                with store.write_transaction(run.db):
                    store.mark_input_seen(run.db, item_key, raw.origin, None, report.run_id)
            continue
        run.add(doc, item_key if item_key != ref.key else None)
        usable += 1
    # The input as a whole is marked only once all its articles are stored.
    if ref.key:
        run.mark(ref.key, ref.origin, None)
    return usable > 0


def _split_result(result) -> tuple[list, list]:
    if hasattr(result, "articles"):
        return list(result.articles), list(getattr(result, "problems", []) or [])
    return list(result), []


def _item_key(ref, raw, n_items: int) -> str | None:
    if ref.kind == "url" or n_items > 1 or raw.guid:
        # Without a guid or link, the item's content names it: its position ("#3") would name
        # another article once the feed or file changes, and that article would be skipped unread.
        ident = raw.guid or raw.url or "content:" + content_id(raw.title, raw.body)
        return f"item|{ref.origin}|{ident}"
    return ref.key


def retag(db: Database, *, engine=None, force: bool = False,
          progress: Callable[[int], None] | None = None) -> RunReport:
    """Re-extract and re-tag stored documents with the current codebook; overrides stay in force."""
    from etl.models import Document
    from datetime import date as _date

    engine = engine or _default_engine()
    store.mark_interrupted_runs(db)
    store.sync_codebook(db, engine.codebook)
    version = engine_version(engine)
    run_id = store.start_run(db, "retag", codebook_version=engine.codebook.version,
                             software_version=__version__)
    report = RunReport(run_id=run_id, kind="retag")
    pending = []

    def flush() -> None:
        docs = list(pending)
        pending.clear()
        for doc, extraction, failure in extract_each(engine, docs):
            if extraction is None:  # the stored statements stay as they were
                message = f"{doc.origin}: {failure}; kept its previous statements"
                log.error("%s", message)
                store.record_error(db, run_id, doc.origin, message)
                report.problems.append((doc.origin, message))
                report.bump("errors")
                continue
            store.replace_extraction(db, doc.id, extraction, run_id, extractor_version=version)
            report.bump("docs_retagged")
            report.bump("statements", len(extraction.statements))
            report.bump("tags", len(extraction.tags))

    try:
        for row in store.iter_documents_for_retag(db):
            if not force and row.get("extractor_version") == version:
                report.bump("docs_unchanged")
                continue
            pending.append(Document(
                id=row["id"], origin=row["origin"], fmt=row["raw_format"], title=row["title"],
                text=row["text"], url=row["url"], source=row["source"],
                published=_date.fromisoformat(row["published"]) if row["published"] else None,
                date_source=row["date_source"]))
            if len(pending) >= BATCH_SIZE:
                flush()
                if progress:
                    progress(report.counts.get("docs_retagged", 0))
        flush()
    except BaseException as exc:
        _stopped(db, report, exc)
        raise
    report.status = "partial" if report.counts.get("errors") else "ok"
    store.finish_run(db, run_id, report.status, report.counts, report.summary())
    return report
