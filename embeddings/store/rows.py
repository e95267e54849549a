"""Conversions between Article/Chunk values and the flat rows a database stores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from embeddings.models import Article, Chunk

ARTICLE_COLUMNS = ("id", "title", "date", "url", "tags", "author", "body", "source_path", "content_hash")


def article_to_row(article: Article) -> tuple:
    """The values of ARTICLE_COLUMNS for an article (date as ISO text, tags as JSON)."""
    return (
        article.id, article.title, article.date.isoformat() if article.date else None, article.url,
        json.dumps(list(article.tags), ensure_ascii=False), article.author, article.body,
        article.source_path, article.content_hash,
    )


def article_from_row(row: Sequence) -> Article:
    """Inverse of article_to_row (accepts a date object or ISO text, tags as JSON or a list)."""
    article_id, title, date, url, tags, author, body, source_path, content_hash = row[:9]
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    if isinstance(tags, str):
        tags = json.loads(tags)
    return Article(
        id=article_id, title=title, body=body, date=date, url=url, tags=tuple(tags or ()),
        author=author, source_path=source_path, content_hash=content_hash,
    )


def chunks_in_order(rows: Sequence[Sequence], chunk_ids: Sequence[str]) -> list[tuple[Chunk, Article]]:
    """Chunks with their articles from rows of (chunk id, ordinal, start, end, *ARTICLE_COLUMNS), in the
    order of chunk_ids (unknown ids left out); each article is built once however many chunks it has."""
    found: dict[str, tuple[Chunk, Article]] = {}
    articles: dict[str, Article] = {}
    for row in rows:
        article = articles.get(row[4]) or article_from_row(row[4:])
        articles[article.id] = article
        start, end = row[2], row[3]
        found[row[0]] = (Chunk(row[0], article.id, row[1], article.body[start:end], start, end), article)
    return [found[c] for c in chunk_ids if c in found]
