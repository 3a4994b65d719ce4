"""Orchestration: inputs -> documents -> extraction -> one transaction per document, recorded as a run."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Sequence

from sqlite_utils import Database

from db import store
from etl import __version__
from etl.errors import InputError
from etl.models import content_id

log = logging.getLogger(__name__)

BATCH_SIZE = 32  # documents handed to the extractor at once (spaCy batches them)


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


class _Run:
    """One run's state: the DB, the engine, the report, and the pending batch."""

    def __init__(self, db: Database, engine, report: RunReport):
        self.db = db
        self.engine = engine
        self.report = report
        self.version = engine_version(engine)
        self.batch: list[tuple[object, str | None]] = []  # (Document, input key)
        self.copies: list[tuple[str, object]] = []  # (input key, Document) of copies of batched documents

    def problem(self, origin: str, message: str, level: str = "error") -> None:
        (log.error if level == "error" else log.warning)("%s", message)
        store.record_error(self.db, self.report.run_id, origin, message, level)
        self.report.problems.append((origin, message))
        # Skipped files (wrong type) are recorded and counted apart: they do not make a run partial.
        if level == "skipped":
            self.report.bump("skipped")
        elif level != "warning":
            self.report.bump("errors")

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
        if any(d.id == doc.id or (doc.url and d.url == doc.url) for d, _ in self.batch):
            # A copy waits in this batch: its key is marked once that copy is stored.
            self.report.bump("docs_duplicate")
            if key:
                self.copies.append((key, doc))
            return
        if doc.published is None:
            self.report.bump("docs_undated")
        for warning in doc.warnings:
            self.problem(doc.origin, f"{doc.origin}: {warning}", level="warning")
        self.batch.append((doc, key))
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        docs = [d for d, _ in self.batch]
        keys = {d.id: k for d, k in self.batch}
        copies, self.batch, self.copies = self.copies, [], []
        for doc, extraction, failure in extract_each(self.engine, docs):
            # A document the engine failed on is stored without statements and no extractor
            # version, so that `stance retag` tries it again.
            stored = store.store_document(self.db, doc, extraction, self.report.run_id,
                                          extractor_version=self.version if extraction else None,
                                          input_key=keys.get(doc.id))
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
        if copies:
            with store.write_transaction(self.db):
                for key, doc in copies:
                    store.mark_input_seen(self.db, key, doc.origin, doc.id, self.report.run_id)


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


def ingest_paths(db: Database, paths: Sequence[str], *, kind: str = "ingest",
                 date_override: date | None = None, source_override: str | None = None,
                 engine=None, timeout: float = 20.0, args: str = "",
                 sources: Iterable[dict] | None = None) -> RunReport:
    """Ingest files, folders and feed URLs; new articles are extracted and stored, each in one transaction.

    `sources` (from a refresh config) may give per-source options: {"path": ..., "source": ...}.
    Inputs already processed unchanged are skipped, so a re-run only does new work.
    """
    from etl import documents as documents_mod
    from etl import sources as sources_mod

    engine = engine or _default_engine()
    store.mark_interrupted_runs(db)
    store.sync_codebook(db, engine.codebook)
    run_id = store.start_run(db, kind, args=args, codebook_version=engine.codebook.version,
                             software_version=__version__)
    report = RunReport(run_id=run_id, kind=kind)
    run = _Run(db, engine, report)
    source_names = {s["path"]: s.get("source") for s in (sources or []) if s.get("source")}
    try:
        for path in paths:
            _ingest_one_source(run, path, sources_mod, documents_mod, date_override,
                               source_names.get(path, source_override), timeout)
        run.flush()
    except BaseException as exc:
        _stopped(db, report, exc)
        raise
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
    refs = list(sources_mod.discover([path]))
    readable = [r for r in refs if not isinstance(r, InputError)]
    for ref in refs:
        if isinstance(ref, InputError):
            run.problem(ref.origin, str(ref), level="skipped" if "skipped" in ref.problem else "error")
    failed_inputs = 0
    for ref in readable:
        report.bump("inputs")
        if ref.key and store.input_seen(run.db, ref.key):
            report.bump("docs_unchanged")
            continue
        if not _ingest_one_input(run, ref, sources_mod, documents_mod, date_override, source_name, timeout):
            failed_inputs += 1
    # A folder of nothing but unsupported files fails like an empty or unreadable one.
    if failed_inputs == len(readable):
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
    run.flush()
    if ref.key:
        with store.write_transaction(run.db):
            store.mark_input_seen(run.db, ref.key, ref.origin, None, report.run_id)
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
