"""Finding inputs (files, folders, feed URLs) and reading them; the only module that touches the network."""

from __future__ import annotations

import http.client
import logging
import os
import socket
import stat
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from etl import __version__
from etl.errors import InputError
from etl.readers import ReadResult, looks_like_feed, looks_like_html, read_feed, read_html, read_jsonl, read_text

log = logging.getLogger(__name__)

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB
DEFAULT_TIMEOUT = 20.0
USER_AGENT = f"stancewatch/{__version__} (+news stance tracker; feed reader)"
_CHUNK = 64 * 1024

# File extension -> format read_input will parse it as. "feed" means RSS or Atom, sniffed.
FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass(frozen=True)
class InputRef:
    """One input to read: a file as discovered, or a URL."""

    origin: str  # the path as discovered, or the URL
    kind: str  # "file" | "url"
    fmt: str  # format guessed from the extension; "feed" for URLs until the content is seen
    key: str | None = None  # change key for files: "<abs path>|<size>|<mtime_ns>"; None for URLs


def is_url(text: str) -> bool:
    """True for an http(s) URL."""
    return urlsplit(text).scheme.lower() in ("http", "https")


def discover(paths: Sequence[str]) -> Iterator[InputRef | InputError]:
    """Files as given, folders recursively (sorted, hidden entries skipped), URLs as feeds.

    Every path that cannot be used comes out as an InputError in its place; nothing raises.
    """
    seen: set[str] = set()
    for raw in paths:
        text = str(raw)
        if is_url(text):
            found = [InputRef(origin=text, kind="url", fmt="feed")]
        elif "://" in text:
            found = [InputError(text, f"unsupported URL scheme {urlsplit(text).scheme!r} (only http and https)")]
        else:
            found = _discover_path(text)
        for item in found:
            # A file named twice (itself and inside a folder also given) is read once.
            # A file's key starts with its absolute path (size and mtime follow, after the last two "|").
            ident = item.key.rsplit("|", 2)[0] if isinstance(item, InputRef) and item.kind == "file" else None
            if ident is not None:
                if ident in seen:
                    continue
                seen.add(ident)
            yield item


def _discover_path(path: str) -> Iterator[InputRef | InputError]:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            yield InputError(path, f"broken symbolic link (points to {os.readlink(path)})")
        else:
            yield InputError(path, "no such file or directory")
        return
    except OSError as exc:
        yield InputError(path, f"cannot access: {exc.strerror or exc}")
        return
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path)
    else:
        yield _file_ref(path, info, os.path.abspath(path))


def _file_ref(path: str, info: os.stat_result, absolute: str) -> InputRef | InputError:
    """A stat'ed non-folder as an input, or the reason it is skipped."""
    if not stat.S_ISREG(info.st_mode):
        return InputError(path, "not a regular file (skipped)")
    suffix = _suffix(absolute.rpartition(os.sep)[2])
    fmt = FORMATS.get(suffix)
    if fmt is None:
        what = f"unsupported file type {suffix}" if suffix else "unsupported file type (no extension)"
        return InputError(path, f"{what} (skipped)")
    key = f"{absolute}|{info.st_size}|{info.st_mtime_ns}"
    return InputRef(origin=path, kind="file", fmt=fmt, key=key)


def _suffix(name: str) -> str:
    """The lower-case extension of a file name as pathlib gives it ("" for "name." and ".hidden")."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _walk(folder: str) -> Iterator[InputRef | InputError]:
    # scandir rather than listdir + a stat per name: a refresh walks the whole archive, so each
    # file should cost one stat call (for its size and mtime) and no more.
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as exc:
        yield InputError(folder, f"cannot list folder: {exc.strerror or exc}")
        return
    if not entries:
        yield InputError(folder, "folder has no files to read")
        return
    absolute = os.path.join(os.path.abspath(folder), "")  # with its trailing separator
    for entry in entries:
        child = entry.path  # the folder as given joined with the name, as os.path.join would
        if entry.is_symlink():
            if os.path.isdir(child):
                yield InputError(child, "symbolic link to a folder (skipped, not followed)")
            else:
                yield from _discover_path(child)
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(child)
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:  # gone or unreadable since the listing: the general path names the problem
            yield from _discover_path(child)
            continue
        yield _file_ref(child, info, absolute + entry.name)


def read_input(ref: InputRef, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    """Read one input into RawArticles; raises InputError when the input as a whole cannot be used."""
    if ref.kind == "url":
        return _read_url(ref.origin, timeout=timeout, max_bytes=max_bytes)
    data = _read_file(ref.origin, max_bytes)
    if ref.fmt in ("text", "markdown"):
        return ReadResult(articles=[read_text(data, ref.origin, ref.fmt)])
    if ref.fmt == "html":
        return ReadResult(articles=[read_html(data, ref.origin)])
    if ref.fmt == "jsonl":
        return read_jsonl(data, ref.origin)
    if ref.fmt == "feed":
        return read_feed(data, ref.origin)
    raise InputError(ref.origin, f"unsupported format {ref.fmt!r}")


def _read_file(path: str, max_bytes: int) -> bytes:
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise InputError(path, _too_large(size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise InputError(path, "no such file or directory") from exc
    except IsADirectoryError as exc:
        raise InputError(path, "is a directory, not a file") from exc
    except PermissionError as exc:
        raise InputError(path, "permission denied") from exc
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew between stat and read
        raise InputError(path, _too_large(len(data), max_bytes))
    return data


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size / MB:.1f} MB > {limit / MB:.1f} MB limit)"


def _read_url(url: str, *, timeout: float, max_bytes: int) -> ReadResult:
    data, final_url, content_type, charset = fetch(url, timeout=timeout, max_bytes=max_bytes)
    if not data.strip():
        raise InputError(url, "empty response")
    if looks_like_html(data) or ("html" in content_type and not looks_like_feed(data)):
        # A web page rather than a feed: one article.
        return ReadResult(articles=[read_html(data, url, url=final_url, declared=charset)])
    return read_feed(data, url, declared=charset)


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str, str, str | None]:
    """GET `url` within about `timeout` seconds: (body, final URL, content type, charset); InputError on failure."""
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
        "Accept-Encoding": "gzip",
    })
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(url, _too_large(int(length), max_bytes).replace("file", "response"))
            body = _read_body(response, url, deadline, timeout, max_bytes)
            final_url = response.geturl()
            content_type = response.headers.get_content_type() or ""
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (socket.timeout, TimeoutError)):
            raise InputError(url, f"timed out after {timeout:g}s") from exc
        raise InputError(url, f"cannot connect: {exc.reason}") from exc
    except (socket.timeout, TimeoutError) as exc:
        raise InputError(url, f"timed out after {timeout:g}s") from exc
    except (http.client.HTTPException, OSError) as exc:
        raise InputError(url, f"connection failed: {exc or type(exc).__name__}") from exc
    except ValueError as exc:
        raise InputError(url, f"invalid URL: {exc}") from exc
    return body, final_url, content_type, charset


def _read_body(response, url: str, deadline: float, timeout: float, max_bytes: int) -> bytes:
    """Read the body in chunks, stopping at the size limit or the overall deadline (a trickling server)."""
    gzipped = response.headers.get("Content-Encoding", "").lower() == "gzip"
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    parts: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise InputError(url, f"timed out after {timeout:g}s")
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, max_bytes + 1 - total)
            except zlib.error as exc:
                raise InputError(url, f"bad gzip data: {exc}") from exc
        parts.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise InputError(url, f"response too large (more than {max_bytes / MB:.1f} MB limit)")
    return b"".join(parts)
