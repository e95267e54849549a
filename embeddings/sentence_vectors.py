"""Sentence vectors kept beside each chunk: which sentences they are, and their compact stored form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from embeddings.errors import StoreError
from embeddings.models import Chunk
from embeddings.sentences import Span

_HEADER = np.dtype("<u4")


@dataclass(frozen=True)
class ArticleSentenceVectors:
    """The stored vectors of an article's sentences, by (start, end) offsets in the body it was indexed with.

    `content_hash` says which version of the article they belong to: a reader holding another
    version (the article changed since it was retrieved) must not use them.
    """

    content_hash: str
    by_span: dict[Span, np.ndarray]


def sentences_in_chunk(chunk: Chunk, sentences: Sequence[Span]) -> list[Span]:
    """The article's sentences (body offsets) that lie wholly inside the chunk, relative to its start."""
    return [(start - chunk.start, end - chunk.start) for start, end in sentences
            if chunk.start <= start and end <= chunk.end]


def pack(spans: Sequence[Span], vectors: np.ndarray) -> bytes:
    """Spans and their unit vectors as bytes; float16 halves the size and moves a cosine by < 0.001.

    Zero rows (sentences the model never saw, cut off by truncation) are left out.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.shape[0] != len(spans):
        raise StoreError(f"{len(spans)} sentence spans but {vectors.shape[0]} sentence vectors")
    kept = [i for i in range(len(spans)) if vectors[i].any()]
    dimension = vectors.shape[1] if vectors.ndim == 2 else 0
    header = np.array([len(kept), dimension], dtype=_HEADER).tobytes()
    offsets = np.array([spans[i] for i in kept], dtype="<i4").reshape(len(kept), 2).tobytes()
    return header + offsets + vectors[kept].astype("<f2").tobytes()


def unpack(blob: bytes, base: int = 0) -> dict[Span, np.ndarray]:
    """Inverse of pack, with every span shifted by base (the chunk's start in the body)."""
    count, dimension = (int(x) for x in np.frombuffer(blob, dtype=_HEADER, count=2))
    spans = np.frombuffer(blob, dtype="<i4", count=2 * count, offset=8).reshape(count, 2)
    vectors = np.frombuffer(blob, dtype="<f2", count=count * dimension, offset=8 + 8 * count)
    vectors = vectors.reshape(count, dimension).astype(np.float32)
    return {(int(s) + base, int(e) + base): vectors[i] for i, (s, e) in enumerate(spans)}


def by_article(rows: Iterable[tuple[str, str, int, bytes]]) -> dict[str, ArticleSentenceVectors]:
    """Rows of (article id, content hash, chunk start, packed blob) gathered into each article's vectors."""
    found: dict[str, ArticleSentenceVectors] = {}
    for article_id, content_hash, start, blob in rows:
        vectors = found.setdefault(article_id, ArticleSentenceVectors(content_hash, {}))
        vectors.by_span.update(unpack(bytes(blob), start))
    return found
