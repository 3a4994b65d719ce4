"""RawArticle -> Document: clean text, title, source, publication date, content id."""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from urllib.parse import urlsplit

from etl.errors import InputError
from etl.htmltext import fragment_text, page_text
from etl.models import Document, RawArticle, content_id
from etl.pubdates import date_in_name, html_published, parse_published, year_in
from etl.sources import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, InputRef, discover, is_url, read_input

log = logging.getLogger(__name__)

NO_DATE_WARNING = "no publication date found"
_FEED_FORMATS = ("rss", "atom")
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\v\f]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u2039": "'", "\u203a": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
})


def clean_text(text: str) -> str:
    """Normalise line endings to \\n, strip trailing spaces, at most one blank line in a row, NFC.

    Unicode spaces (no-break, thin) become plain spaces; soft hyphens, zero-width characters and
    stray control characters are removed, since they hide words from matching.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", _ODD_SPACE.sub(" ", text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return unicodedata.normalize("NFC", text).strip("\n").rstrip()


def text_id(text: str) -> str:
    """Content id of an article text, blind to case, spacing and the style of quote marks."""
    flat = " ".join(text.translate(_QUOTES).lower().split())
    return content_id(flat)


def to_document(raw: RawArticle, *, date_override: date | None = None,
                source_override: str | None = None) -> Document:
    """Clean one RawArticle into a Document; InputError when no article text is left."""
    warnings = list(raw.warnings)
    title, url, source = raw.title, raw.url, raw.source
    meta_dates = [raw.published] if raw.published else []
    if raw.fmt == "html":
        page = page_text(raw.body, raw.origin, url=raw.url)
        text = page.text
        title = title or page.title
        url = url or page.url
        source = source or page.sitename
        declared = html_published(raw.body)
        meta_dates = meta_dates + [d for d in (declared, page.date) if d]
    elif raw.fmt in _FEED_FORMATS:
        text = fragment_text(raw.body)
    else:
        text = raw.body
        if raw.fmt == "markdown" and not title:
            title = _leading_heading(text)  # shown as the title; the text keeps it as written
    text = clean_text(text)
    if not text:
        raise InputError(raw.origin, "no article text found")

    published, date_source = _resolve_date(raw, url, meta_dates, date_override, warnings)
    return Document(
        id=text_id(text),
        origin=raw.origin,
        fmt=raw.fmt,
        title=_one_line(title),
        text=text,
        url=url,
        source=source_override or _one_line(source) or _fallback_source(raw.origin),
        published=published,
        date_source=date_source,
        warnings=tuple(warnings),
    )


def _resolve_date(raw: RawArticle, url: str | None, candidates: list[str],
                  override: date | None, warnings: list[str]) -> tuple[date | None, str]:
    """Publication date by precedence: --date, metadata, a date in the file name, else none (with a warning)."""
    if override is not None:
        return override, "cli"
    name = _base_name(raw.origin)
    hint = year_in(url, name)
    for value in candidates:
        day, problem = parse_published(value, year_hint=hint)
        if day is not None:
            return day, "metadata"
        warnings.append(f"publication date not used: {problem}")
    day = date_in_name(name)
    if day is not None:
        return day, "filename"
    warnings.append(NO_DATE_WARNING)
    return None, "none"


def _base_name(origin: str) -> str:
    """The file (or URL path) name of an origin, without the "#n" item number."""
    bare = origin.split("#", 1)[0] if not is_url(origin) else urlsplit(origin).path
    return os.path.basename(bare.rstrip("/"))


def _fallback_source(origin: str) -> str | None:
    """The input's folder name, or a URL's host name."""
    if is_url(origin):
        return urlsplit(origin).hostname
    folder = os.path.basename(os.path.dirname(os.path.abspath(origin.split("#", 1)[0])))
    return folder or None


def _leading_heading(text: str) -> str | None:
    """The text of a Markdown "# Heading" on the first non-blank line, if there is one."""
    match = re.match(r"\s*#\s+(.+?)\s*#*\s*(?:\n|$)", text)
    return match.group(1) if match else None


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    flat = " ".join(unicodedata.normalize("NFC", value).split())
    return flat or None


def load_documents(paths: Iterable[str], *, date_override: date | None = None,
                   source_override: str | None = None,
                   on_error: Callable[[InputError], None] | None = None,
                   timeout: float = DEFAULT_TIMEOUT,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Documents from files, folders and feed URLs; every problem goes to `on_error` and the run goes on."""
    report = on_error or _log_problem
    for found in discover(list(paths)):
        if isinstance(found, InputError):
            report(found)
            continue
        yield from documents_from(found, date_override=date_override, source_override=source_override,
                                  on_error=report, timeout=timeout, max_bytes=max_bytes)


def documents_from(ref: InputRef, *, date_override: date | None = None, source_override: str | None = None,
                   on_error: Callable[[InputError], None] | None = None,
                   timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Documents from one discovered input (all its feed or JSONL items), problems to `on_error`."""
    report = on_error or _log_problem
    try:
        result = read_input(ref, timeout=timeout, max_bytes=max_bytes)
    except InputError as exc:
        report(exc)
        return
    for problem in result.problems:
        report(problem)
    for raw in result.articles:
        try:
            doc = to_document(raw, date_override=date_override, source_override=source_override)
        except InputError as exc:
            report(exc)
            continue
        for warning in doc.warnings:
            log.warning("%s: %s", doc.origin, warning)
        yield doc


def _log_problem(error: InputError) -> None:
    log.warning("%s", error)
