"""Publication dates: parsed as archives write them ("2015-05-14", "Thu 14 May 2015", "May 14, 2015"),
written for people."""

from __future__ import annotations

import datetime as dt
import re

_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%A %d %B %Y",
    "%a %d %b %Y",
    "%a %d %B %Y",
    "%A %d %b %Y",
    "%A %B %d %Y",
    "%a %b %d %Y",
)
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
_ORDINAL_SUFFIX = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)


def parse_date(value: object) -> dt.date | None:
    """Return the date a value names, or None when it names none.

    Accepts date/datetime objects, ISO dates and datetimes, and the common written forms
    ("Thu 14 May 2015", "14 May 2015", "May 14, 2015", "Thursday, May 14th 2015").
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    iso = _ISO_DATETIME.match(text)
    if iso:
        text = iso.group(1)
    text = _ORDINAL_SUFFIX.sub(r"\1", text.replace(",", " "))
    text = " ".join(text.split())
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def human_date(date: dt.date | None) -> str:
    """"14 May 2015", or "undated"."""
    return f"{date.day} {date:%B %Y}" if date else "undated"
