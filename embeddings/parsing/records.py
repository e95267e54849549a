"""Validation of a metadata record (JSON object, front matter) into an Article."""

from __future__ import annotations

import re
from collections.abc import Mapping

from embeddings.dates import parse_date
from embeddings.errors import ParseError
from embeddings.models import Article

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def normalise_body(text: str) -> str:
    """Trim the body and make paragraph breaks exactly one blank line, so offsets are stable."""
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text.strip())]
    return "\n\n".join(p for p in paragraphs if p)


def split_tags(value: object) -> tuple[str, ...]:
    """Tags from a list or a comma-separated string, trimmed, de-duplicated, order kept."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = [str(item) for item in value if item is not None]
    else:
        return ()
    seen: dict[str, None] = {}
    for item in items:
        tag = " ".join(item.split())
        if tag and tag.lower() not in {t.lower() for t in seen}:
            seen[tag] = None
    return tuple(seen)


def optional_text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def article_from_record(
    record: Mapping[str, object], *, path: str, default_id: str, line: int | None = None
) -> Article:
    """Build an Article from a corpus-schema record, or raise ParseError saying what is wrong."""
    if not isinstance(record, Mapping):
        raise ParseError(path, f"expected a JSON object, found {type(record).__name__}", line)
    title = optional_text(record.get("title"))
    if not title:
        raise ParseError(path, "the record has no title", line)
    body_value = record.get("body", record.get("text", record.get("content")))
    if not isinstance(body_value, str) or not body_value.strip():
        raise ParseError(path, "the record has no body", line)
    raw_id = record.get("id")
    article_id = optional_text(raw_id) if raw_id is not None else None
    date_value = record.get("date", record.get("published"))
    date = parse_date(date_value)
    if date_value not in (None, "") and date is None:
        raise ParseError(path, f"unreadable date {str(date_value)[:40]!r}; use YYYY-MM-DD", line)
    author = record.get("author")
    if isinstance(author, (list, tuple)):
        author = ", ".join(str(a) for a in author if a)
    article = Article(
        id=article_id or default_id,
        title=title,
        body=normalise_body(body_value),
        date=date,
        url=optional_text(record.get("url")),
        tags=split_tags(record.get("tags")),
        author=optional_text(author),
        source_path=path,
    )
    if any("\x00" in (value or "") for value in (article.id, article.title, article.body, article.url,
                                                   article.author, *article.tags)):
        # PostgreSQL text cannot hold NUL; refusing it here keeps every store's index the same.
        raise ParseError(path, "the record contains a NUL character (\\u0000); remove it", line)
    return article.with_hash()
