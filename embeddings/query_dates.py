"""The time a question is about ("in May 2015", "early 2007", "before 2010", "latest"), as a date range."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_PART = r"(?P<part>early|mid|late|end of|the end of|beginning of|the beginning of|start of|the start of)[\s-]*"

_DAY_FIRST = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s*{_YEAR}\b", re.I)
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*{_YEAR}\b", re.I)
_MONTH_YEAR = re.compile(rf"\b(?:{_PART})?{_MONTH}\s*,?\s*(?:of\s+)?{_YEAR}\b", re.I)
_BETWEEN = re.compile(r"\b(?:between|from)\s+(?P<a>(?:19|20)\d\d)\s+(?:and|to|until)\s+(?P<b>(?:19|20)\d\d)\b", re.I)
# One end named only by an event ("between its launch year and 2007", "from 2009 until its sale"):
# the range is open on that side, not the single year the other end names.
_BETWEEN_TO_YEAR = re.compile(rf"\b(?:between|from)\s+(?!(?:19|20)\d\d)[^,;?.]{{1,40}}?\s+(?:and|to|until)\s+{_YEAR}\b",
                              re.I)
_BETWEEN_FROM_YEAR = re.compile(rf"\b(?:between|from)\s+{_YEAR}\s+(?:and|to|until)\s+(?!(?:19|20)\d\d)\w", re.I)
_BEFORE = re.compile(rf"\b(?:before|prior to|until|by)\s+(?:the\s+end\s+of\s+)?{_YEAR}\b", re.I)
_AFTER = re.compile(rf"\b(?:after|since|from)\s+{_YEAR}\b", re.I)
_PART_YEAR = re.compile(rf"\b{_PART}{_YEAR}\b", re.I)
_BARE_YEAR = re.compile(rf"\b{_YEAR}\b")
_RECENT = re.compile(r"\b(?:latest|most recent(?:ly)?|recently|newest|lately|last (?:week|month))\b", re.I)

# How far past a named period an article may be dated and still be "about" it: news of the
# end of a month is often published at the start of the next.
_SLACK = dt.timedelta(days=20)


@dataclass(frozen=True)
class DateScope:
    """A range of publication dates a question points at; recent=True asks for the newest articles."""

    start: dt.date | None = None
    end: dt.date | None = None
    recent: bool = False

    def contains(self, date: dt.date | None) -> bool:
        """True when date lies in the range, widened by a few weeks at each end."""
        if date is None or self.recent:
            return False
        if self.start and date < self.start - _SLACK:
            return False
        return not (self.end and date > self.end + _SLACK)


def date_scope(question: str) -> DateScope | None:
    """The dates a question is scoped to, or None when it names no time."""
    for finder in (_exact_day, _month_year, _between, _before_after, _part_year, _bare_years):
        scope = finder(question)
        if scope is not None:
            return scope
    if _RECENT.search(question):
        return DateScope(recent=True)
    return None


def _exact_day(text: str) -> DateScope | None:
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        match = pattern.search(text)
        if match:
            try:
                day = dt.date(int(match["year"]), _MONTHS[match["month"].lower()], int(match["day"]))
            except ValueError:
                continue
            return DateScope(day - dt.timedelta(days=3), day + dt.timedelta(days=3))
    return None


def _month_year(text: str) -> DateScope | None:
    match = _MONTH_YEAR.search(text)
    if not match:
        return None
    year, month = int(match["year"]), _MONTHS[match["month"].lower()]
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    part = (match["part"] or "").lower()
    if part in ("early", "beginning of", "the beginning of", "start of", "the start of"):
        last = dt.date(year, month, 10)
    elif part == "mid":
        first, last = dt.date(year, month, 10), dt.date(year, month, 20)
    elif part in ("late", "end of", "the end of"):
        first = dt.date(year, month, 20)
    return DateScope(first, last)


def _between(text: str) -> DateScope | None:
    match = _BETWEEN.search(text)
    if match:
        a, b = sorted((int(match["a"]), int(match["b"])))
        return DateScope(dt.date(a, 1, 1), dt.date(b, 12, 31))
    match = _BETWEEN_TO_YEAR.search(text)
    if match:
        return DateScope(end=dt.date(int(match["year"]), 12, 31))
    match = _BETWEEN_FROM_YEAR.search(text)
    if match:
        return DateScope(start=dt.date(int(match["year"]), 1, 1))
    return None


def _before_after(text: str) -> DateScope | None:
    before = _BEFORE.search(text)
    if before:
        return DateScope(end=dt.date(int(before["year"]), 12, 31) if "end" in before.group().lower()
                         else dt.date(int(before["year"]) - 1, 12, 31))
    after = _AFTER.search(text)
    if after:
        return DateScope(start=dt.date(int(after["year"]), 1, 1))
    return None


def _part_year(text: str) -> DateScope | None:
    match = _PART_YEAR.search(text)
    if not match:
        return None
    year, part = int(match["year"]), match["part"].lower()
    if part == "early" or "beginning" in part or "start" in part:
        return DateScope(dt.date(year, 1, 1), dt.date(year, 4, 30))
    if part == "mid":
        return DateScope(dt.date(year, 5, 1), dt.date(year, 8, 31))
    return DateScope(dt.date(year, 9, 1), dt.date(year, 12, 31))


def _bare_years(text: str) -> DateScope | None:
    years = sorted({int(m["year"]) for m in _BARE_YEAR.finditer(text)})
    if not years:
        return None
    return DateScope(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))
