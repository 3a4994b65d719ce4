"""Input formats -> RawArticles: text and Markdown with front matter, HTML pages, JSON Lines, RSS/Atom feeds."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import feedparser
import yaml

from etl.decode import decode_bytes
from etl.errors import InputError
from etl.models import RawArticle

log = logging.getLogger(__name__)

FRONT_MATTER_KEYS = ("title", "date", "url", "source")
_FENCE = "---"
_FENCE_CLOSERS = ("---", "...")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")
_HTML_START = re.compile(r"\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE | re.DOTALL)
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as written, so an impossible one (2025-02-30) is a warning, not a crash."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# The same loader over libyaml's parser, when PyYAML has it: the pure-Python parser takes about
# a millisecond per front matter block, half the cost of reading a Markdown article.
_FastFrontMatterLoader = (type("_FastFrontMatterLoader", (yaml.CSafeLoader,),
                               {"yaml_implicit_resolvers": _FrontMatterLoader.yaml_implicit_resolvers})
                          if getattr(yaml, "__with_libyaml__", False) else None)


@dataclass
class ReadResult:
    """What one input yielded: the articles read, and problems with single items (a bad JSONL line)."""

    articles: list[RawArticle] = field(default_factory=list)
    problems: list[InputError] = field(default_factory=list)


def read_text(data: bytes, origin: str, fmt: str) -> RawArticle:
    """A .txt or .md file: optional YAML front matter (title, date, url, source), then the body as written."""
    text, warnings = decode_bytes(data, origin)
    meta, body, fm_warnings = split_front_matter(text)
    warnings += fm_warnings
    if not body.strip():
        raise InputError(origin, "no article text (only front matter)" if meta else "empty file")
    return RawArticle(
        origin=origin,
        body=body,
        fmt=fmt,
        title=meta.get("title"),
        published=meta.get("date"),
        url=meta.get("url"),
        source=meta.get("source"),
        warnings=tuple(warnings),
    )


def split_front_matter(text: str) -> tuple[dict[str, str], str, list[str]]:
    """Split a leading `---` YAML block off `text`: (known fields as strings, body, warnings).

    A block that is not valid YAML is dropped with a warning; an opening fence that is never
    closed is not front matter, and the whole text is kept.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != _FENCE:
        return {}, text, []
    for end, line in enumerate(lines[1:], start=1):
        if line.rstrip() in _FENCE_CLOSERS:
            break
    else:
        return {}, text, ["front matter opened with '---' but never closed; read the whole file as text"]
    block = "".join(lines[1:end])
    body = "".join(lines[end + 1:])
    try:
        loaded = _load_yaml(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, body, [f"front matter is not valid YAML{where} ({reason}); metadata ignored"]
    except ValueError as exc:  # an explicitly tagged value that cannot be built ("!!int abc")
        return {}, body, [f"front matter has a bad value ({exc}); metadata ignored"]
    if loaded is None:
        return {}, body, []
    if not isinstance(loaded, dict):
        return {}, body, ["front matter is not a mapping of fields; metadata ignored"]
    meta: dict[str, str] = {}
    warnings: list[str] = []
    for key in FRONT_MATTER_KEYS:
        value = loaded.get(key)
        if value is None or value == "":
            continue
        if isinstance(value, (datetime, date)):
            meta[key] = value.isoformat()
        elif isinstance(value, (str, int, float)):
            meta[key] = str(value).strip()
        else:
            warnings.append(f"front matter field {key!r} is not a single value; ignored")
    return meta, body, warnings


def _load_yaml(block: str):
    """The block as YAML; a block libyaml rejects is read again in Python, which words the problem as before."""
    if _FastFrontMatterLoader is not None:
        try:
            return yaml.load(block, Loader=_FastFrontMatterLoader)
        except (yaml.YAMLError, ValueError):
            pass
    return yaml.load(block, Loader=_FrontMatterLoader)


def read_html(data: bytes, origin: str, *, url: str | None = None, declared: str | None = None) -> RawArticle:
    """An HTML page, kept whole: boilerplate removal and metadata come later, in `etl.documents`."""
    match = _META_CHARSET.search(data[:4096])
    if declared is None and match:
        declared = match.group(1).decode("ascii")
    text, warnings = decode_bytes(data, origin, declared=declared)
    return RawArticle(origin=origin, body=text, fmt="html", url=url, warnings=tuple(warnings))


def looks_like_html(data: bytes) -> bool:
    """True when the bytes start like an HTML document rather than XML feed markup."""
    return bool(_HTML_START.match(data[:2048].decode("ascii", errors="ignore")))


def looks_like_feed(data: bytes) -> bool:
    """True when an RSS, RDF or Atom root element opens near the start."""
    return bool(_FEED_ROOT.search(data[:4096]))


def read_jsonl(data: bytes, origin: str) -> ReadResult:
    """JSON Lines, one article object per line (text required; title, date, url, source optional).

    A bad line is one problem, named by its line number; the other lines are read.
    Items are numbered by line: "<file>#<line>".
    """
    text, warnings = decode_bytes(data, origin)
    result = ReadResult()
    # Split on newlines only: JSON strings may hold U+2028 and other characters splitlines() breaks on.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(InputError(origin, f"line {number}: invalid JSON ({exc.msg}, column {exc.colno})"))
            continue
        if not isinstance(item, dict):
            result.problems.append(InputError(origin, f"line {number}: expected a JSON object, got {type(item).__name__}"))
            continue
        body = item.get("text")
        if not isinstance(body, str) or not body.strip():
            result.problems.append(InputError(origin, f"line {number}: no \"text\" field with article text"))
            continue
        fields = {key: _scalar(item.get(key)) for key in ("title", "url", "source")}
        result.articles.append(RawArticle(
            origin=f"{origin}#{number}",
            body=body,
            fmt="jsonl",
            published=_scalar(item.get("date")) or _scalar(item.get("published")),
            guid=_scalar(item.get("id")),
            warnings=tuple(warnings),
            **fields,
        ))
    if not result.articles and not result.problems:
        raise InputError(origin, "empty file")
    return result


def read_feed(data: bytes, origin: str, *, declared: str | None = None) -> ReadResult:
    """An RSS or Atom feed: one RawArticle per item, full content preferred over the summary."""
    # Decoding here only screens out binary and empty input; feedparser reads the bytes itself
    # and honours the XML encoding declaration.
    decode_bytes(data, origin, declared=declared or _xml_encoding(data))
    headers = {"content-type": f"application/xml; charset={declared}"} if declared else None
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True, resolve_relative_uris=False)
    reason = _bozo_reason(parsed)
    entries = parsed.get("entries") or []
    if reason:  # a truncated feed can leave a husk of an item with neither title nor text
        entries = [e for e in entries if e.get("title") or _entry_body(e).strip()]
    if not entries:
        if reason:
            raise InputError(origin, f"malformed feed: {reason}")
        if not parsed.get("version"):
            raise InputError(origin, "not an RSS or Atom feed")
        return ReadResult(problems=[InputError(origin, "feed has no items")])
    warnings: tuple[str, ...] = ()
    if reason:
        warnings = (f"malformed feed ({reason}); {len(entries)} items recovered",)
        log.warning("%s: malformed feed (%s); %d items recovered", origin, reason, len(entries))
    fmt = "atom" if str(parsed.get("version", "")).startswith("atom") else "rss"
    feed_title = _scalar(parsed.get("feed", {}).get("title"))
    articles = [
        RawArticle(
            origin=f"{origin}#{n}",
            body=_entry_body(entry),
            fmt=fmt,
            title=_scalar(entry.get("title")),
            published=_scalar(entry.get("published") or entry.get("updated") or entry.get("created")),
            url=_scalar(entry.get("link")),
            source=feed_title,
            guid=_scalar(entry.get("id") or entry.get("guid") or entry.get("link")),
            warnings=warnings,
        )
        for n, entry in enumerate(entries, start=1)
    ]
    return ReadResult(articles=articles)


def _entry_body(entry) -> str:
    """The item's full content (content:encoded, Atom content) if any, else its summary/description."""
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    contents = [c for c in contents if c.strip()]
    if contents:
        return max(contents, key=len)
    return entry.get("summary") or entry.get("description") or ""


def _bozo_reason(parsed) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return None  # feedparser decoded with another encoding than declared, and did so successfully
    if hasattr(exc, "getMessage") and hasattr(exc, "getLineNumber"):  # expat's SAXParseException
        return f"{exc.getMessage()} at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    return str(exc) or type(exc).__name__


def _xml_encoding(data: bytes) -> str | None:
    match = _XML_ENCODING.match(data[:256])
    return match.group(1).decode("ascii") if match else None


def _scalar(value) -> str | None:
    """A metadata value as stripped text, or None when absent or not a plain value."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None
