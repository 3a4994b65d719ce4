"""The Engine: extraction of statements and their tagging, one document or a stream of them."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language

from etl.codebook_model import Codebook
from etl.models import Document, Extraction, Tag
from etl.nlp import load_nlp
from etl.statements import Prepared, StatementExtractor
from etl.token_attrs import COMPONENTS, CachedTokenAttributes

log = logging.getLogger(__name__)

DEFAULT_BATCH = 64


class Engine:
    """Extracts statements from documents and tags each with topics and stances."""

    def __init__(self, codebook: Codebook | None = None, nlp: Language | None = None,
                 parse_all: bool = False, untagged: bool = False):
        if codebook is None:
            from etl.codebook import load_codebook

            codebook = load_codebook()
        from etl.tagging import Tagger

        self.codebook = codebook
        self.nlp = nlp or load_nlp()
        self.parse_all = parse_all  # False: sentences with no quote and no speech cue are only tokenized
        self.extractor = StatementExtractor(codebook, self.nlp)
        # untagged=False: statements on no topic are kept only from documents where some topic
        # phrase occurs; the others are not parsed at all (a retag finds them if topics change).
        self.extractor.untagged_too = untagged
        self.tagger = Tagger(codebook, self.nlp)
        names = self.nlp.pipe_names
        self.token_attrs = CachedTokenAttributes(self.nlp) if all(c in names for c in COMPONENTS) else None

    def extract(self, doc: Document) -> Extraction:
        """Statements, tags and newly seen actors of one document."""
        return next(self.extract_many([doc]))[1]

    def extract_many(self, docs: Iterable[Document], batch_size: int = DEFAULT_BATCH
                     ) -> Iterator[tuple[Document, Extraction]]:
        """Each document with its extraction, parsing the sentences of a batch in one nlp.pipe."""
        stream = iter(docs)
        while True:
            batch = list(islice(stream, batch_size))
            if not batch:
                return
            prepared = [self.extractor.prepare(d) for d in batch]
            self._parse(prepared)
            for prep in prepared:
                yield prep.document, self._finish(prep)

    def _parse(self, prepared: list[Prepared]) -> None:
        """Parse the sentences of a batch that may carry a statement; only tokenize the rest."""
        jobs = []
        for prep in prepared:
            if prep.idle and not self.parse_all:
                continue  # finish() finds nothing in a document with no sentence docs; skip the tokens
            for sent, text in zip(prep.sentences, prep.texts()):
                if self.parse_all or sent.needs_parse:
                    jobs.append((sent, text))
                elif sent.doc is None:  # prepare() may have tokenized it already
                    sent.doc = self.nlp.make_doc(text)
        texts = (text for _, text in jobs)
        # Entities are found later, only for sentences whose speaker the codebook does not know.
        disable = [name for name in ("ner",) if name in self.nlp.pipe_names]
        if self.token_attrs is not None:
            disable.extend(COMPONENTS)
        for (sent, _), sdoc in zip(jobs, self.nlp.pipe(texts, batch_size=256, disable=disable)):
            sent.doc = self.token_attrs(sdoc) if self.token_attrs is not None else sdoc

    def _finish(self, prep: Prepared) -> Extraction:
        statements, actors, docs = self.extractor.finish(prep)
        tags: list[Tag] = []
        for statement in statements:
            tags.extend(self.tagger.tag(statement, doc=docs.get(statement.id)))
        log.debug("%s: %d statements, %d tags", prep.document.origin, len(statements), len(tags))
        return Extraction(statements=tuple(statements), tags=tuple(tags), actors=tuple(actors))
