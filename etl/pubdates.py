"""Publication dates: parsing metadata strings (the local calendar day), reading them from HTML, finding them in file names."""

from __future__ import annotations

import email.utils
import json
import logging
import re
import warnings
from datetime import date, datetime, timedelta

from dateutil import parser as dateparser
from lxml import html as lxml_html

from etl.htmltext import parse_page

log = logging.getLogger(__name__)

EARLIEST_YEAR = 1900

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.IGNORECASE)
# The feed date shape: "Thu, 13 Feb 2025 23:30:00 -0500" (email.utils misreads anything else).
_RFC822 = re.compile(
    r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[+-]\d{4}|[A-Za-z]{1,5}))?$"
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# YYYY-MM-DD, YYYYMMDD, YYYY_MM_DD or YYYY.MM.DD, not inside a longer run of digits.
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?!\d)")
# A 4-digit year standing alone in a path or URL segment ("/2025/02/13/", "2025-budget").
_YEAR_IN_PATH = re.compile(r"(?<![\d])((?:19|20)\d{2})(?![\d])")
_PREFIXES = re.compile(r"^\s*(published|posted|updated|last updated|first published|date)\s*(on|:)?\s*", re.IGNORECASE)

# <meta> names/properties that carry a publication date, most specific first.
_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
)
_BOILERPLATE_TAGS = {"nav", "aside", "footer"}
# Zone abbreviations seen in news feeds, as UTC offsets in seconds; dateutil knows none but UTC.
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
    "MSK": 10800, "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200,
    "MDT": -21600, "PST": -28800, "PDT": -25200,
}


def parse_published(value: str, *, year_hint: int | None = None) -> tuple[date | None, str | None]:
    """Parse a metadata date string to the calendar day it names: (date, None) or (None, problem).

    A time with a zone keeps the day of its own zone ("Thu, 13 Feb 2025 23:30:00 -0500" is
    2025-02-13): that is the day the article's own "today" and weekdays count from, as its
    writer and readers saw it. A bare day or a time without zone is taken as given. A date without a year ("13 Feb") uses
    `year_hint` (a year from the URL or file name) and is checked against any weekday it names;
    without a hint it is left undated.
    """
    text = _PREFIXES.sub("", value or "").strip()
    if not text:
        return None, "empty date"
    if _ISO_DAY.match(text):
        try:
            return _plausible(date.fromisoformat(text), value)
        except ValueError:
            return None, f"not a valid date: {value!r}"
    parsed = _parse_datetime(text)
    if parsed is None:
        return None, f"unrecognised date {value!r}"
    moment, has_year = parsed
    if has_year:
        return _plausible(moment.date(), value)
    if year_hint is None:
        return None, f"date {value!r} has no year"
    try:
        day = moment.replace(year=year_hint).date()
    except ValueError:
        return None, f"date {value!r} does not exist in {year_hint}"
    weekday = _WEEKDAY.search(text)
    if weekday and _WEEKDAYS.index(weekday.group(1).lower()) != day.weekday():
        return None, f"date {value!r} has no year, and in {year_hint} it is not a {weekday.group(0)}"
    return day, None


def _parse_datetime(text: str) -> tuple[datetime, bool] | None:
    """(moment, has_year) by RFC 822 (feeds), then dateutil; None when nothing fits."""
    if _RFC822.match(text):
        try:
            return email.utils.parsedate_to_datetime(text), True
        except (TypeError, ValueError, IndexError):
            pass
    # Parse with two different default years: if the year changes, the string has none.
    a = _dateutil(text, datetime(2000, 1, 1))
    b = _dateutil(text, datetime(2004, 1, 1))
    if a is None or b is None:
        return None
    if not _has_day(text, a):
        return None
    return a, a.year == b.year


def _dateutil(text: str, default: datetime) -> datetime | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
        return _dateutil_quiet(text, default)


def _dateutil_quiet(text: str, default: datetime) -> datetime | None:
    try:
        return dateparser.parse(text, default=default, tzinfos=_ZONES)
    except (ValueError, OverflowError, TypeError):
        try:
            return dateparser.parse(text, default=default, tzinfos=_ZONES, fuzzy=True)
        except (ValueError, OverflowError, TypeError):
            return None


def _has_day(text: str, parsed: datetime) -> bool:
    """Reject month-only strings ("February 2025"), which dateutil fills with a default day."""
    alt = _dateutil(text, datetime(2000, 1, 28))
    return alt is not None and alt.day == parsed.day


def _plausible(day: date, value: str, today: date | None = None) -> tuple[date | None, str | None]:
    # A year ahead at most; timedelta rather than replace(year=...), which fails on 29 February.
    if day.year < EARLIEST_YEAR or day > (today or date.today()) + timedelta(days=366):
        return None, f"implausible date {value!r}"
    return day, None


def date_in_name(name: str) -> date | None:
    """A date written in a file name: 2025-02-13, 20250213, 2025_02_13 or 2025.02.13."""
    for match in _NAME_DATE.finditer(name):
        try:
            return date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        except ValueError:
            continue
    return None


def year_in(*texts: str | None) -> int | None:
    """A year named in a URL or path ("/2025/02/", "2025-summit"), used to complete a year-less date."""
    for text in texts:
        if text:
            match = _YEAR_IN_PATH.search(text)
            if match:
                return int(match.group(1))
    return None


def html_published(page: str) -> str | None:
    """The publication date string an HTML page declares: <meta>, JSON-LD datePublished, then <time datetime>."""
    try:
        tree = parse_page(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in metas:
            metas[key] = content
    for key in _META_KEYS:
        if key in metas:
            return metas[key]
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json":
            found = _json_ld_date(script.text_content())
            if found:
                return found
    for node in tree.iter("time"):
        stamp = (node.get("datetime") or "").strip()
        if stamp and not any(a.tag in _BOILERPLATE_TAGS for a in node.iterancestors()):
            return stamp
    return None


def _json_ld_date(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str) and value.strip():
                return value.strip()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None
