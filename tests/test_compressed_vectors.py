"""Compressed vector search (sign bits + 4-bit codes) finds what exact float32 search finds."""

from __future__ import annotations

import numpy as np

from embeddings.store.compressed_vectors import CompressedVectors
from embeddings.store.vector_matrix import VectorMatrix


def clustered_unit_vectors(rows: int, dimension: int = 384, clusters: int = 300, seed: int = 0) -> np.ndarray:
    """Vectors around shared topic directions with a common offset, like sentence embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dimension)).astype(np.float32) + 0.8
    vectors = centres[rng.integers(0, clusters, rows)] + 1.2 * rng.standard_normal((rows, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def compress(vectors: np.ndarray, dates: np.ndarray | None = None) -> CompressedVectors:
    rows = len(vectors)
    dates = np.zeros(rows, np.int32) if dates is None else dates
    compressed = CompressedVectors(np.arange(rows) + 100, dates, vectors[:5_000])
    for start in range(0, rows, 7_000):  # filled in batches, as the store loads them
        compressed.fill(start, vectors[start:start + 7_000])
    return compressed


def test_recall_at_10_against_exact_search():
    vectors = clustered_unit_vectors(60_000)
    exact = VectorMatrix(np.arange(len(vectors)) + 100, vectors, np.zeros(len(vectors), np.int32))
    compressed = compress(vectors)
    rng = np.random.default_rng(1)
    queries = vectors[rng.integers(0, len(vectors), 40)] + 0.03 * rng.standard_normal((40, 384)).astype(np.float32)
    recalls, errors = [], []
    for query in queries / np.linalg.norm(queries, axis=1, keepdims=True):
        truth = exact.search(query, 10)
        found = compressed.search(query, 50)
        # As the store does: the 50 candidates are rescored with their float32 vectors.
        rescored = sorted(found, key=lambda hit: -float(vectors[hit[0] - 100] @ query))[:10]
        recalls.append(len({r for r, _ in truth} & {r for r, _ in rescored}) / 10)
        errors += [abs(score - float(vectors[r - 100] @ query)) for r, score in found]
    assert np.mean(recalls) >= 0.99 and min(recalls) >= 0.9
    assert max(errors) < 0.05  # approximate cosines, close enough to pick the candidates


def test_mask_limits_results_even_when_few_rows_are_allowed():
    vectors = clustered_unit_vectors(20_000, dimension=64, clusters=50)
    dates = np.arange(len(vectors), dtype=np.int32) % 100
    compressed = compress(vectors, dates)
    mask = compressed.date_ordinals == 7  # 200 rows: fewer than the shortlist
    found = compressed.search(vectors[7], 10, mask)
    assert len(found) == 10 and all(compressed.date_ordinals[r - 100] == 7 for r, _ in found)
    assert found[0][0] == 107  # the row itself is its own nearest neighbour
    assert compressed.search(vectors[7], 10, np.zeros(len(vectors), bool)) == []
    assert CompressedVectors(np.zeros(0, np.int64), np.zeros(0, np.int32), vectors[:10]).search(vectors[0], 5) == []


def test_memory_is_under_a_fifth_of_float32():
    compressed = compress(clustered_unit_vectors(1_000))
    held = (compressed.codes.nbytes + compressed.bits.nbytes + compressed.row_ids.nbytes
            + compressed.date_ordinals.nbytes)
    assert held / (1_000 * 384 * 4) < 0.2
