"""Bytes -> text: byte-order marks, strict UTF-8, then a charset guess; binary and empty input refused."""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

from charset_normalizer import from_bytes

from etl.errors import InputError

log = logging.getLogger(__name__)

# Leading bytes of common non-text formats a folder of articles tends to pick up.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "ELF executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office (OLE)"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!", "RAR"),
)

# Checked longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.05
# Control bytes that do occur in text: tab, newline, vertical tab, form feed, carriage return, escape.
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
SCORE_BYTES = 65536
# A run of non-space characters with a letter at both ends (punctuation around it left out).
_WORD = re.compile(r"[^\W\d_](?:\S*[^\W\d_])?")
# Preferred among equally clean guesses (see _guess_encoding).
_PREFERRED_SINGLE_BYTE = ("cp1252", "latin_1", "iso8859_15")


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of `data` (e.g. "PNG"), "binary" for control-heavy bytes, or None for text."""
    for signature, name in BINARY_SIGNATURES:
        if data.startswith(signature):
            return name
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return "binary"
    controls = sum(1 for b in head if b < 0x20 and b not in _TEXT_CONTROLS)
    if head and controls / len(head) > MAX_CONTROL_SHARE:
        return "binary"
    return None


def decode_bytes(data: bytes, origin: str, *, declared: str | None = None) -> tuple[str, list[str]]:
    """Decode `data` to text, returning the text and warnings on how it was decoded.

    `declared` is an encoding named by the container (HTTP header, XML or HTML declaration);
    it is tried only when the bytes are not valid UTF-8.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(origin, f"byte-order mark says {encoding} but the bytes are not ({exc.reason})") from exc
            return _nonempty(text, origin), []

    kind = binary_kind(data)
    if kind is not None:
        label = "binary file, not text" if kind == "binary" else f"binary file, not text ({kind})"
        raise InputError(origin, label)
    if not data.strip():
        raise InputError(origin, "empty file")

    try:
        return _nonempty(data.decode("utf-8"), origin), []
    except UnicodeDecodeError:
        pass

    codec = _known_codec(declared) if declared else None
    if codec and codec != "utf-8":
        try:
            text = data.decode(codec)
            return _nonempty(text, origin), [f"not valid UTF-8; decoded as declared {codec}"]
        except UnicodeDecodeError:
            log.debug("%s: declared encoding %s does not fit the bytes", origin, declared)

    encoding = _guess_encoding(data)
    if encoding is not None:
        return _nonempty(data.decode(encoding), origin), [f"not valid UTF-8; decoded as {encoding}"]

    text = data.decode("utf-8", errors="replace")
    return _nonempty(text, origin), ["not valid UTF-8 and no encoding fits; undecodable bytes replaced with U+FFFD"]


def _guess_encoding(data: bytes) -> str | None:
    """Pick among charset-normalizer's candidates the one whose text looks least garbled.

    On short texts charset-normalizer finds many single-byte code pages equally "clean" and its
    first pick is often wrong (Latin-1 German read as cp775). We score each candidate's text by
    its odd-looking words and break ties towards cp1252/Latin-1, the usual legacy encodings of
    English-language news.
    """
    sample = data[:SCORE_BYTES]
    try:
        if _garbled_words(sample.decode("cp1252")) == 0:
            data.decode("cp1252")
            return "cp1252"  # the common case, without the cost of a full charset search
    except UnicodeDecodeError:
        pass
    candidates: list[str] = list(_PREFERRED_SINGLE_BYTE)
    for match in from_bytes(data):
        if match.encoding not in candidates:
            candidates.append(match.encoding)
    scored = []
    for rank, name in enumerate(candidates):
        try:
            text = sample.decode(name)
            data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((_garbled_words(text), rank, name))
    return min(scored)[2] if scored else None


def _garbled_words(text: str) -> int:
    """Count words a wrong code page tends to produce: mixed scripts, symbols inside words, all-accent words."""
    count = 0
    for word in _WORD.findall(text):
        scripts = set()
        symbols = accented = 0
        for ch in word:
            if ch.isascii():
                if ch.isalpha():
                    scripts.add("LATIN")
                continue
            if not ch.isalpha():
                symbols += 1
                continue
            script = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
            scripts.add(script)
            if script == "LATIN":
                accented += 1
        letters = sum(1 for ch in word if ch.isalpha())
        if len(scripts) > 1 or symbols or (letters >= 3 and accented * 2 > letters):
            count += 1
    return count


def _known_codec(name: str) -> str | None:
    """Python's name for a declared encoding; Latin-1 and ASCII labels mean cp1252, as in browsers."""
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if codec in ("iso8859-1", "latin-1", "ascii") else codec


def _nonempty(text: str, origin: str) -> str:
    if not text.strip():
        raise InputError(origin, "empty file")
    return text
