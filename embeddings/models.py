"""The value types that flow through the pipeline: Article, Chunk, Hit, SearchFilters."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article as parsed from the archive."""

    id: str
    title: str
    body: str
    date: dt.date | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    author: str | None = None
    source_path: str = ""
    content_hash: str = ""

    def with_hash(self) -> Article:
        """Return a copy whose content_hash covers every field that reaches the index."""
        payload = json.dumps(
            [self.id, self.title, self.body, self.date.isoformat() if self.date else None,
             self.url, list(self.tags), self.author],
            ensure_ascii=False,
        )
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        return Article(**{**self.__dict__, "content_hash": digest})


@dataclass(frozen=True)
class Chunk:
    """A passage of an article body; body[start:end] == text."""

    id: str
    article_id: str
    ordinal: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its article, fused score and an explanation of the ranking."""

    chunk: Chunk
    article: Article
    score: float
    dense_score: float | None = None
    why: str = ""


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on which articles a search may return."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.tags)
