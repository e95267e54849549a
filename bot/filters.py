"""Search filters from what a person typed (dates in any common form, one tag)."""

from __future__ import annotations

from bot.errors import InvalidQuestionError
from embeddings.dates import parse_date
from embeddings.models import SearchFilters


def filters_from_text(date_from: str | None = None, date_to: str | None = None,
                      tag: str | None = None) -> SearchFilters:
    """SearchFilters for optional typed dates and tag; a date that names no day is refused clearly."""
    start, end = _date(date_from, "from"), _date(date_to, "to")
    if start and end and start > end:
        raise InvalidQuestionError(f"'from' ({start}) is after 'to' ({end}); swap them")
    tags = (tag.strip(),) if tag and tag.strip() else ()
    return SearchFilters(date_from=start, date_to=end, tags=tags)


def _date(text: str | None, name: str):
    if text is None or not text.strip():
        return None
    date = parse_date(text.strip())
    if date is None:
        raise InvalidQuestionError(f"'{name}' is not a date: {text.strip()!r}; use YYYY-MM-DD, e.g. 2015-05-14")
    return date
