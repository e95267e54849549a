"""A synthetic archive of any size: Zipf-distributed words for BM25, clustered unit vectors for dense search."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.models import Article, Chunk
from embeddings.store import SQLiteStore

CHUNKS_PER_ARTICLE = 4
MODEL = "synthetic/clustered-384"
DIMENSION = 384


@dataclass
class SyntheticArchive:
    texts: list[str]
    vectors: np.ndarray  # (passages, 384) float32 unit rows
    queries: list[str]
    query_vectors: np.ndarray

    def chunk_id(self, index: int) -> str:
        return f"a{index // CHUNKS_PER_ARTICLE}#{index % CHUNKS_PER_ARTICLE}"


def make_archive(passages: int, queries: int, seed: int = 0) -> SyntheticArchive:
    """Passages of 30-60 words and vectors around shared topics; queries near chosen passages."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array([_word(i) for i in range(50_000)])
    weights = 1.0 / np.arange(1, len(vocabulary) + 1) ** 1.1
    weights /= weights.sum()
    lengths = rng.integers(30, 61, passages)
    words = vocabulary[rng.choice(len(vocabulary), size=int(lengths.sum()), p=weights)]
    texts = [" ".join(part) for part in np.split(words, np.cumsum(lengths)[:-1])]
    vectors = clustered_vectors(passages, rng)
    chosen = rng.choice(passages, queries, replace=False)
    query_vectors = vectors[chosen] + 0.03 * rng.standard_normal((queries, DIMENSION)).astype(np.float32)
    query_vectors /= np.linalg.norm(query_vectors, axis=1, keepdims=True)
    query_texts = [_question_words(texts[i], rng) for i in chosen]
    return SyntheticArchive(texts, vectors, query_texts, query_vectors)


def clustered_vectors(rows: int, rng: np.random.Generator, topics: int = 2_000) -> np.ndarray:
    """Unit vectors around topic directions that share a common offset, like sentence embeddings."""
    centres = rng.standard_normal((topics, DIMENSION)).astype(np.float32) + 0.8
    out = np.empty((rows, DIMENSION), np.float32)
    for start in range(0, rows, 100_000):
        n = min(100_000, rows - start)
        block = centres[rng.integers(0, topics, n)] + 1.2 * rng.standard_normal((n, DIMENSION)).astype(np.float32)
        out[start:start + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def write_store(archive: SyntheticArchive, data_dir: Path) -> None:
    """Index the archive through the real store writer (articles of four passages)."""
    store = SQLiteStore(data_dir / "index.sqlite3")
    with store.writer(MODEL, DIMENSION) as writer:
        for first in range(0, len(archive.texts), CHUNKS_PER_ARTICLE):
            texts = archive.texts[first:first + CHUNKS_PER_ARTICLE]
            body = "\n\n".join(texts)
            article_id = f"a{first // CHUNKS_PER_ARTICLE}"
            article = Article(id=article_id, title=f"Article {first // CHUNKS_PER_ARTICLE}", body=body,
                              source_path="synthetic.jsonl").with_hash()
            chunks, start = [], 0
            for ordinal, text in enumerate(texts):
                chunks.append(Chunk(f"{article_id}#{ordinal}", article_id, ordinal, text, start, start + len(text)))
                start += len(text) + 2
            vectors = archive.vectors[first:first + len(texts)]
            writer.put_article(article, chunks, vectors, [f"{article_id}:{i}" for i in range(len(texts))])
    store.close()


def _question_words(text: str, rng: np.random.Generator) -> str:
    """Two of the passage's rarest words (names, in a real question) and two others."""
    words = list(dict.fromkeys(text.split()))
    rare = sorted(words, key=lambda w: (-len(w), w))[:2]
    others = [w for w in words if w not in rare]
    return " ".join(rare + list(rng.choice(others, 2, replace=False)))


def _word(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    index += 26 * 27  # at least three letters, so no word is dropped as too short
    while index:
        index, rest = divmod(index, 26)
        word += letters[rest]
    return word
