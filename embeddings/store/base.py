"""The Store seam: what every index backend (SQLite, PostgreSQL) must do, and the types it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from embeddings.errors import IndexNotBuiltError, ModelMismatchError, StoreError
from embeddings.models import Article, Chunk, SearchFilters
from embeddings.sentence_vectors import ArticleSentenceVectors


@dataclass(frozen=True)
class IndexInfo:
    """What an index holds and which model built it."""

    model: str
    dimension: int
    articles: int
    chunks: int
    last_reindex: dt.datetime | None
    generation: int


@dataclass(frozen=True)
class StoredArticleState:
    """What the indexer needs to decide whether an article changed."""

    content_hash: str
    source_path: str


@dataclass(frozen=True)
class StoredEmbedding:
    """What a chunk's encoding left in the index: its vector and its packed sentence vectors (if any)."""

    vector: np.ndarray
    sentences: bytes | None


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk id with a backend score (higher is better); lists of them are ranked best first."""

    chunk_id: str
    score: float


class Snapshot(Protocol):
    """A consistent read view of the index: every call sees the same committed generation."""

    model: str | None  # the model that built the generation this snapshot sees (None: nothing indexed)

    def dense_search(self, vector: np.ndarray, k: int, filters: SearchFilters) -> list[ScoredChunk]:
        """The k chunks with the highest cosine similarity to vector (a unit float32 row)."""

    def text_search(self, terms: Sequence[str], k: int, filters: SearchFilters) -> list[ScoredChunk]:
        """The k chunks ranked best by full-text relevance for any of the terms."""

    def fetch(self, chunk_ids: Sequence[str]) -> list[tuple[Chunk, Article]]:
        """Chunks with their articles, in the order asked; unknown ids are left out."""

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> np.ndarray:
        """The stored vectors of the given chunks, in the order asked."""

    def article_count(self, filters: SearchFilters) -> int:
        """How many articles a search with these filters looks at."""


class StoreWriter(Protocol):
    """One reindex: everything written through it commits together or not at all."""

    def article_states(self) -> dict[str, StoredArticleState]:
        """Content hash and source path of every stored article, as this transaction sees them."""

    def existing_embeddings(self, article_id: str) -> dict[str, StoredEmbedding]:
        """Encodings already stored for an article, keyed by the hash of their encoder input."""

    def put_article(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray,
                    embed_hashes: Sequence[str], sentences: Sequence[bytes | None] | None = None) -> None:
        """Insert or replace an article with exactly these chunks, vectors and packed sentence vectors."""

    def delete_article(self, article_id: str) -> None:
        """Remove an article, its chunks, vectors and full-text rows."""

    def set_meta(self, key: str, value: str) -> None:
        """Record a small piece of bookkeeping (e.g. the reindex summary), committed with the rest."""


class Store(Protocol):
    """An index of articles, chunks, vectors and full text.

    Contract (checked by tests/test_store_conformance.py): a writer commits atomically; readers never
    see a half-written reindex; an index records the model that built it and `check_model`
    refuses another; `put_article` replaces, never duplicates.
    """

    location: str

    def info(self) -> IndexInfo | None:
        """What the index holds, or None when nothing was ever indexed."""

    def check_model(self, model: str) -> IndexInfo:
        """Raise IndexNotBuiltError or ModelMismatchError unless the index was built with model."""

    def writer(self, model: str, dimension: int, *, rebuild: bool = False) -> AbstractContextManager[StoreWriter]:
        """Open the one write transaction of a reindex; raise ReindexBusyError if one is open."""

    def snapshot(self) -> AbstractContextManager[Snapshot]:
        """Open a consistent read view."""

    def get_article(self, article_id: str) -> Article | None:
        """One article by id."""

    def list_articles(self, filters: SearchFilters, *, title_contains: str = "", limit: int = 25) -> list[Article]:
        """Articles matching the filters (and a case-insensitive title substring), newest first."""

    def sentence_vectors(self, article_ids: Sequence[str]) -> dict[str, ArticleSentenceVectors]:
        """The stored sentence vectors of these articles (articles indexed without them are left out)."""

    def titles(self) -> list[tuple[str, str, dt.date | None]]:
        """(id, title, date) of every article, for in-memory autocomplete."""

    def tags(self) -> list[tuple[str, int]]:
        """Every tag with its article count, most used first."""

    def get_meta(self, key: str) -> str | None:
        """Read back a value a writer recorded with set_meta."""

    def close(self) -> None:
        """Release connections."""


def require_model(info: IndexInfo | None, location: str, model: str) -> IndexInfo:
    """What Store.check_model does with the index's info: refuse a missing index or another model's."""
    if info is None:
        raise IndexNotBuiltError(location)
    if info.model != model:
        raise ModelMismatchError(info.model, model)
    return info


def check_put(article: Article, chunks: Sequence[Chunk], vectors: np.ndarray, embed_hashes: Sequence[str],
              sentences: Sequence[bytes | None] | None, dimension: int) -> Sequence[bytes | None]:
    """Refuse a put_article whose parts do not line up; the packed sentences (all None if not given)."""
    if sentences is None:
        sentences = [None] * len(chunks)
    if vectors.shape != (len(chunks), dimension) or len(embed_hashes) != len(chunks) or len(sentences) != len(chunks):
        raise StoreError(f"article {article.id!r}: {len(chunks)} chunks but vectors of shape {vectors.shape}, "
                         f"{len(embed_hashes)} hashes and {len(sentences)} sentence blobs")
    return sentences


def iter_batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """Slices of at most `size` items (keeps SQL parameter lists bounded)."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
