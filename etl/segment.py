"""Cheap, deterministic paragraph and sentence boundaries with offsets into the full text."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end in a full stop without ending the sentence ("U.S. President", "Mr. Blinken").
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof gen lt col maj capt cmdr adm sgt rev sen rep gov pres st jr sr
no nos vs etc inc ltd co corp dept univ approx est fig jan feb mar apr jun jul aug sep sept
oct nov dec mt ft
""".split())

_PARA_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+\.)\s)")
# A sentence may end at . ! ? (or an ellipsis), optionally followed by closing quotes/brackets.
_END = re.compile(r"(?:\.\.\.|…|[.!?])[\"'”’»)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+(?:[\"'“‘«(\[]\s?)*[A-Z0-9À-ÖØ-Þ]")  # "« Nous" has a space inside


@dataclass(frozen=True)
class Span:
    """A stretch of the full text: [start, end)."""

    start: int
    end: int


_LINE_BREAK = re.compile(r"\n")


def _one_line_paragraphs(text: str) -> bool:
    """True for text with no blank lines whose lines end like sentences: one paragraph a line."""
    if re.search(r"\n\s*\n", text):
        return False
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return False
    ended = sum(1 for line in lines if line[-1] in ".!?\"”’»:")
    return ended >= 0.6 * len(lines)  # not soft-wrapped prose, which breaks mid-sentence


def paragraphs(text: str) -> list[Span]:
    """Non-empty paragraphs, split at blank lines (and at list items), trimmed of whitespace.

    Text without blank lines whose lines end like sentences has one paragraph per line.
    """
    spans = []
    pos = 0
    breaks = _LINE_BREAK if _one_line_paragraphs(text) else _PARA_BREAK
    for match in breaks.finditer(text):
        spans.append(_trim(text, pos, match.start()))
        pos = match.end()
    spans.append(_trim(text, pos, len(text)))
    return [s for s in spans if s.end > s.start]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at `stop` closes an abbreviation or an initial, not a sentence."""
    start = stop
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "\"“‘'«(":
        start -= 1
    word = text[start:stop]
    if not word:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "George W. Bush"
        return True
    if "." in word and all(len(p) <= 2 for p in word.split(".") if p):  # U.S, U.K, e.g
        return True
    return word.lower() in ABBREVIATIONS


def sentences(text: str, para: Span) -> list[Span]:
    """Sentences of one paragraph: ends at . ! ? before a capital, skipping abbreviations."""
    spans = []
    start = para.start
    for match in _END.finditer(text, para.start, para.end):
        end = match.end()
        nxt = _NEXT_START.match(text, end, para.end)
        if not nxt:
            continue
        stop = match.start()
        if text[stop] == "." and _is_abbreviation(text, stop):
            continue
        spans.append(_trim(text, start, end))
        start = end
    spans.append(_trim(text, start, para.end))
    return [s for s in spans if s.end > s.start]
