"""Finding quotation spans: curly, straight, British single quotes and guillemets, across paragraphs."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from etl.segment import Span

log = logging.getLogger(__name__)

_OPEN_BEFORE = set(" \t\n([{—–-/:;,")  # what may stand before an opening straight quote


@dataclass(frozen=True)
class Quote:
    """A quotation: `start`/`end` include the marks; `inner` is the quoted text's span."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    mark: str  # the opening mark

    def contains(self, pos: int) -> bool:
        """True when character `pos` lies inside the quotation, marks included."""
        return self.start <= pos < self.end


def _is_open_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in _OPEN_BEFORE or before in "\"“") and after.isalpha()


def _is_close_single(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    # don’t, Kyiv’s: a letter on both sides is an apostrophe.
    return not before.isspace() and not after.isalnum()


def _is_open_double(text: str, i: int, start: int) -> bool:
    before = text[i - 1] if i > start else " "
    return before.isspace() or before in _OPEN_BEFORE or before in "‘'"


class _Scanner:
    """Scans one paragraph for quotations; an unclosed one is handed back to the caller."""

    PAIRS = {"“": "”", "«": "»", "‘": "’", "’": "’", '"': '"', "'": "'", "„": "“"}

    def __init__(self, text: str):
        self.text = text

    def scan(self, para: Span, carry: tuple[int, str] | None):
        """Quotes closed in this paragraph, plus the still-open quote (start, mark) if any."""
        text = self.text
        found: list[Quote] = []
        open_at, mark = carry if carry else (None, None)
        i = para.start
        if carry:
            # A multi-paragraph quote continues only if this paragraph re-opens with a mark.
            if text[para.start] not in ("“", "«", "‘", "’", '"', "'", "„"):
                log.debug("unclosed quote at %d dropped", carry[0])
                open_at, mark = None, None
            else:
                i = para.start + 1
        while i < para.end:
            ch = text[i]
            if open_at is None:
                if ch in "“«„" or (ch == '"' and _is_open_double(text, i, para.start)):
                    open_at, mark = i, ch
                elif ch in "‘'’" and _is_open_single(text, i) and self._closes_later(i, ch, para):
                    # (’ opening a quote is a common typesetting slip for ‘)
                    open_at, mark = i, ch
            else:
                closer = self.PAIRS[mark]
                if mark == '"' and ch == '"' and self._reopens(i, para):
                    log.debug("unbalanced straight quote at %d dropped", open_at)
                    open_at = i  # the earlier mark was stray; this one opens
                elif ch == closer and (mark not in "‘'’" or _is_close_single(text, i)):
                    if mark in "‘'’" and self._plural_possessive(i, closer, para):
                        i += 1
                        continue
                    found.append(Quote(open_at, i + 1, open_at + 1, i, mark))
                    open_at, mark = None, None
                elif mark == "„" and ch == "”":
                    found.append(Quote(open_at, i + 1, open_at + 1, i, mark))
                    open_at, mark = None, None
            i += 1
        return found, ((open_at, mark) if open_at is not None else None)

    def _reopens(self, i: int, para: Span) -> bool:
        """A straight mark after a space and before a word opens a quote rather than closing one."""
        text = self.text
        before = text[i - 1] if i > para.start else " "
        after = text[i + 1] if i + 1 < para.end else " "
        return before.isspace() and after.isalnum()

    def _closes_later(self, i: int, mark: str, para: Span) -> bool:
        """A single opening mark counts only if a closing mark follows (else it is an apostrophe)."""
        closer = self.PAIRS[mark]
        j = self.text.find(closer, i + 1, para.end)
        while j != -1:
            if _is_close_single(self.text, j):
                return True
            j = self.text.find(closer, j + 1, para.end)
        return False

    def _plural_possessive(self, i: int, closer: str, para: Span) -> bool:
        """allies’ budgets: an s’ followed by a word, with a later closer available, is a possessive."""
        text = self.text
        if text[i - 1] != "s" or i + 2 >= para.end or not text[i + 1] == " " or not text[i + 2].isalpha():
            return False
        j = text.find(closer, i + 1, para.end)
        while j != -1:
            if _is_close_single(text, j):
                return True
            j = text.find(closer, j + 1, para.end)
        return False


def find_quotes(text: str, paras: list[Span]) -> list[Quote]:
    """Every balanced quotation in the text; an unbalanced mark costs only its own quote."""
    scanner = _Scanner(text)
    quotes: list[Quote] = []
    carry = None
    last_para_end = None
    for para in paras:
        found, still_open = scanner.scan(para, carry)
        if carry and found and found[0].start == carry[0]:
            pass  # a multi-paragraph quote closed in this paragraph
        quotes.extend(found)
        carry = still_open
        last_para_end = para.end
    if carry:
        log.debug("quote opened at %d never closed (text ends at %s)", carry[0], last_para_end)
    return quotes
