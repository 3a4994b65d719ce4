"""Statement dates: the day the actor spoke, from cues like "on Wednesday" or "on March 3"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
       r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"


def _explicit(tag: str) -> str:
    """An explicit date pattern whose groups carry `tag`, so it can appear twice in one regex."""
    return (rf"(?:(?P<m1{tag}>{_MON})\s+(?P<d1{tag}>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1{tag}>\d{{4}}))?"
            rf"|(?P<d2{tag}>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2{tag}>{_MON})(?:,?\s+(?P<y2{tag}>\d{{4}}))?"
            rf"|(?:the\s+)?(?P<d3{tag}>\d{{1,2}})(?:st|nd|rd|th)\s+of\s+(?P<m3{tag}>{_MON})(?:,?\s+(?P<y3{tag}>\d{{4}}))?"
            rf"|(?P<iso{tag}>\d{{4}}-\d{{2}}-\d{{2}}))")


_CUE = re.compile(
    rf"\b(?:"
    rf"(?P<last>[Ll]ast|[Tt]his\s+past)\s+(?P<wdl>{_WD})"
    rf"|(?:[Oo]n\s+)?(?P<wdlw>{_WD})\s+of\s+last\s+week"  # "on Thursday of last week"
    rf"|(?:[Aa]t|[Dd]uring)\s+(?P<wdp>{_WD})['’]s(?=\s)"  # "at Tuesday's summit"
    rf"|(?<![Nn]ext\s)(?<![Cc]oming\s)(?:[Oo]n\s+)?(?P<wd>{_WD})(?:\s+(?:morning|afternoon|evening|night))?"
    rf"(?:,?\s*\(?(?:{_explicit('a')})\)?)?"
    rf"|(?:[Oo]n\s+)?{_explicit('b')}"
    # "on the 11th", "on the morning of the 1st": a day of this month; not "the 75th anniversary"
    rf"|[Oo]n\s+(?:the\s+(?:morning|afternoon|evening|night)\s+of\s+)?the\s+(?P<ord>\d{{1,2}})(?:st|nd|rd|th)"
    rf"(?![ \t]+(?!(?:that|to|when|as|and|in|at|he|she|they|it|with|after|before)\b)[a-z])"
    rf"|(?P<yesterday>[Yy]esterday|[Ll]ast\s+night)"
    rf"|(?P<today>(?:[Ee]arlier|[Ll]ater)\s+today|[Tt]oday|[Tt]his\s+(?:morning|afternoon|evening)|tonight)"
    rf"|(?P<lastweek>[Ll]ast\s+week)"
    rf"|(?P<ago>a|one|two|three|four|five|six|\d)\s+days?\s+ago"
    rf"|(?P<earlier>(?:[Aa]|[Oo]ne|[Tt]wo|[Tt]hree)\s+days?\s+(?:earlier|before)|[Tt]he\s+(?:previous|preceding)\s+day|[Tt]he\s+day\s+before(?![ \t]+\w))"
    rf")(?!\w|['’]s\b)",
)


@dataclass(frozen=True)
class DateCue:
    """A phrase in the text that dates an event, with its offsets and the day it names."""

    start: int
    end: int
    text: str
    day: date | None  # None when the day cannot be worked out (no publication date)


def weekday_on_or_before(weekday: int, published: date, strictly_before: bool = False) -> date:
    """The most recent `weekday` (0 = Monday) on or before `published` (same weekday: that day)."""
    delta = (published.weekday() - weekday) % 7
    if delta == 0 and strictly_before:
        delta = 7
    return published - timedelta(days=delta)


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _explicit_day(match: re.Match, published: date | None) -> date | None:
    for tag in ("a", "b"):
        if match.group(f"iso{tag}"):
            try:
                return date.fromisoformat(match.group(f"iso{tag}"))
            except ValueError:
                return None
        for order in ("1", "2", "3"):
            if match.group(f"m{order}{tag}"):
                month = _month(match.group(f"m{order}{tag}"))
                day = int(match.group(f"d{order}{tag}"))
                return _dated(month, day, match.group(f"y{order}{tag}"), published)
    return None


def _dated(month: int, day: int, year: str | None, published: date | None) -> date | None:
    if year:
        y = int(year)
    elif published is None:
        return None
    else:
        # A month later in the year than the publication month belongs to the year before.
        y = published.year - 1 if month > published.month else published.year
    try:
        return date(y, month, day)
    except ValueError:
        return None


def _has_explicit(match: re.Match) -> bool:
    return any(match.group(f"{g}{t}") for g in ("iso", "m1", "m2", "m3") for t in ("a", "b"))


def _cue_day(match: re.Match, published: date | None) -> date | None:
    if _has_explicit(match):
        return _explicit_day(match, published)
    if published is None:
        return None
    if match.group("wdlw"):  # that weekday in the calendar week (Monday to Sunday) before this one
        monday = published - timedelta(days=published.weekday())
        return monday - timedelta(days=7) + timedelta(days=WEEKDAYS.index(match.group("wdlw").lower()))
    weekday = match.group("wd") or match.group("wdl") or match.group("wdp")
    if weekday:
        wd = WEEKDAYS.index(weekday.lower())
        return weekday_on_or_before(wd, published, strictly_before=bool(match.group("last")))
    if match.group("ord"):
        return _day_of_month(int(match.group("ord")), published)
    if match.group("yesterday"):
        return published - timedelta(days=1)
    if match.group("today"):
        return published
    if match.group("lastweek"):
        return published - timedelta(days=7)
    if match.group("earlier"):
        return published - timedelta(days=days_before(match.group("earlier")))
    if match.group("ago"):
        word = match.group("ago").lower()
        count = int(word) if word.isdigit() else ("one", "two", "three", "four", "five", "six").index(
            "one" if word == "a" else word) + 1
        return published - timedelta(days=count)
    return None


def _day_of_month(day: int, published: date) -> date | None:
    """Day `day` of the publication month, or of the month before when that is still to come."""
    year, month = published.year, published.month
    if day > published.day:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3}


def days_before(text: str) -> int:
    """How many days back "a day earlier", "two days before", "the previous day" point."""
    word = text.split()[0].lower()
    return _COUNTS.get(word, 1)


def is_relative(cue_text: str) -> bool:
    """True for cues counted back from the event last told ("a day earlier", "the day before")."""
    return re.search(r"\b(?:earlier|before|previous)\b", cue_text, re.I) is not None and \
        re.search(r"\btoday\b", cue_text, re.I) is None


# Every alternative of _CUE holds one of these: a weekday, "yesterday", "today" and "days" hold
# "day"; the explicit dates and ordinals hold a digit. Most sentences hold none, and this finds
# that far faster than _CUE itself.
_CUE_PART = re.compile(r"day|\d|night|morning|afternoon|evening|week")


def find_cues(text: str, published: date | None, start: int = 0, end: int | None = None) -> list[DateCue]:
    """Every date cue in text[start:end], in order, each with the day it names."""
    end = len(text) if end is None else end
    if _CUE_PART.search(text, start, end) is None:
        return []
    return list(_cues_in(text, published, start, end))


@lru_cache(maxsize=1024)  # a sentence's cues are asked for by each of its speakers and checks
def _cues_in(text: str, published: date | None, start: int, end: int) -> tuple[DateCue, ...]:
    cues = []
    for match in _CUE.finditer(text, start, end):
        day = _cue_day(match, published)
        if day is not None and published is not None and _has_explicit(match) and not _has_year(match):
            day = _in_frame_year(day, text, match.start(), published)
        cues.append(DateCue(match.start(), match.end(), match.group(0).strip(), day))
    return tuple(cues)


def _has_year(match: re.Match) -> bool:
    return any(match.group(f"{g}{t}") for g in ("iso", "y1", "y2", "y3") for t in ("a", "b"))


# What sets the year of a later "on April 1" without one: "In April 2008", "in March of last
# year", "by the end of 2024", "in late 2024", a paragraph or sentence opening "In 2008,", a
# full date ("July 9, 2023"), or a heading line that starts with a year ("2008: The Bucharest
# promise"). A year merely mentioned
# ("who in 2019 called NATO obsolete") sets none.
_FRAME = re.compile(
    rf"\b[Ii]n\s+(?:(?:early|late|mid-?)\s*)?{_MON}\s+(?:of\s+)?(?P<y1>\d{{4}}|last\s+year)\b"
    rf"|\b(?:[Ii]n|[Bb]y|[Aa]t|[Tt]owards?)\s+(?:the\s+)?(?:early|late|mid-?|(?:end|start|beginning|middle)\s+of"
    rf"|(?:spring|summer|autumn|fall|winter)\s+of)\s*(?P<y6>\d{{4}})\b"
    rf"|(?:^|(?<=\n)|(?<=[.!?]\s))\W{{0,3}}In\s+(?P<y2>\d{{4}}),"
    rf"|\b{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?P<y3>\d{{4}})\b"
    rf"|\b\d{{1,2}}\s+{_MON}\s+(?P<y4>\d{{4}})\b"
    rf"|(?:^|(?<=\n))\W{{0,3}}(?P<y5>\d{{4}})\b(?=[^\n]{{0,80}}(?:\n|$))")


def _in_frame_year(day: date, text: str, pos: int, published: date) -> date:
    """`day` moved to the year the text last set, in this paragraph or the one before, if any."""
    para = text.rfind("\n\n", 0, pos)
    window_start = max(0, text.rfind("\n\n", 0, para) if para > 0 else 0)
    year = None
    for match in _FRAME.finditer(text, window_start, pos):
        found = next(g for g in match.groups() if g)
        year = published.year - 1 if found.startswith("last") else int(found)
    if year is None or year == day.year or not 1900 <= year <= published.year:
        return day
    try:
        framed = day.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return day
    return framed if framed <= published else day


def resolve(cue_text: str, published: date | None) -> date | None:
    """The day one cue names ("on Wednesday", "on 12 February", "yesterday"), or None."""
    match = _CUE.search(cue_text)
    return _cue_day(match, published) if match else None


# "on the same day", "told the same breakfast": the occasion last dated in the article.
_SAME_OCCASION = re.compile(r"\b(?:the|that) same (?:day|evening|morning|meeting|breakfast|lunch|dinner|"
                            r"session|summit|event|occasion|gathering|appearance|news conference|"
                            r"press conference)\b")
# "told the meeting", "after the talks": an occasion the article has already told of, and dated.
_OCCASION_BACK = re.compile(r"\b(?:told|addressed|after|following|at|during|before) the "
                            r"(meeting|talks|session|summit|gathering|conference)\b")


_TOLD_OF = {"meeting": "meetings?|met", "talks": "talks|talked", "gathering": "gatherings?|gathered"}


def occasion_named(text: str) -> tuple[str, int] | None:
    """The occasion noun a sentence points back to ("after the meeting": "meeting") and where."""
    match = _OCCASION_BACK.search(text)
    return (match.group(1), match.start(1)) if match else None


def occasion_day(text: str, before: int, noun: str, published: date | None) -> DateCue | None:
    """The date cue of the last earlier sentence that names the occasion with a day ("the Paris
    meeting on Monday"), looking back from `before`; None if the article never dated it."""
    prose = text[:before]
    told_of = _TOLD_OF.get(noun, noun + "s?")
    for found in reversed(list(re.finditer(r"\b(?:" + told_of + r")\b", prose))):
        lo = max(prose.rfind(". ", 0, found.start()), prose.rfind("\n", 0, found.start())) + 1
        hi = min((i for i in (prose.find(". ", found.end()), prose.find("\n", found.end())) if i >= 0),
                 default=len(prose))
        dated = [c for c in find_cues(text, published, lo, hi) if c.day is not None]
        if dated:
            return min(dated, key=lambda c: abs(c.start - found.start()))
    return None


def same_occasion(text: str) -> bool:
    """True when the text points back to an occasion already dated ("on the same day")."""
    return _SAME_OCCASION.search(text) is not None


def latest_full_date(text: str) -> DateCue | None:
    """The latest full date (with a year) the text mentions, or None."""
    dated = [c for c in find_cues(text, None) if c.day is not None]
    return max(dated, key=lambda c: c.day) if dated else None
