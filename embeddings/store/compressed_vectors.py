"""Approximate cosine search over compressed vectors: a 1-bit scan, then 4-bit rescoring of a shortlist.

Held per passage: one bit per dimension (48 bytes for 384 dimensions) and four bits per
dimension (192 bytes); with the row id and date, about 0.17 of the float32 vectors. A query is
compared with every row by Hamming distance between sign bits taken around the mean vector (a few
machine words per row); the rows nearest in that sense are rescored with the 4-bit codes, and the
best are returned with approximate cosines for the caller to rescore exactly from the stored
float32 vectors.
"""

from __future__ import annotations

import numpy as np

from embeddings.store.vector_matrix import RowFilters, one_blas_thread

_MIN_SHORTLIST = 4_000
_SHORTLIST_SHARE = 1 / 100  # of the rows: 10,000 at 1,000,000 (5,000 gave recall@10 0.98 in benchmarks/scale.py)
_MAX_SHORTLIST = 20_000
_LEVELS = 15  # 4-bit codes: 0..15


class CompressedVectors(RowFilters):
    """Sign bits and 4-bit codes of unit vectors, with each row's chunk row id and article date."""

    exact = False

    def __init__(self, row_ids: np.ndarray, date_ordinals: np.ndarray, sample: np.ndarray) -> None:
        """Room for len(row_ids) rows; `sample` (some of the rows) sets the code ranges and the bit centre."""
        super().__init__(row_ids, date_ordinals)
        dimension = sample.shape[1]
        # Per dimension: x ≈ low + code * step over the middle 99% of the sample; the rare values
        # outside are clipped, which buys finer steps for all the others.
        low, high = np.percentile(sample, [0.5, 99.5], axis=0)
        self.low = low.astype(np.float32)
        self.step = (np.maximum(high - low, 1e-6) / _LEVELS).astype(np.float32)
        # Embeddings share a common direction; bits taken around the mean carry more information than raw signs.
        self.centre = sample.mean(axis=0).astype(np.float32)
        # Two dimensions a byte: the even one in the low nibble, the odd one in the high nibble.
        self.codes = np.zeros((len(row_ids), (dimension + 1) // 2), dtype=np.uint8)
        # Column-major words: one long array per 64 dimensions, so the scan runs over contiguous memory.
        self.bits = np.zeros(((dimension + 63) // 64, len(row_ids)), dtype=np.uint64)

    def fill(self, start: int, vectors: np.ndarray) -> None:
        """Compress the float32 rows `vectors` into positions start, start + 1, ..."""
        end = start + len(vectors)
        codes = np.clip(np.rint((vectors - self.low) / self.step), 0, _LEVELS).astype(np.uint8)
        if codes.shape[1] % 2:
            codes = np.pad(codes, ((0, 0), (0, 1)))
        self.codes[start:end] = codes[:, 0::2] | (codes[:, 1::2] << 4)
        self.bits[:, start:end] = _sign_words(vectors - self.centre).T

    def search(self, query: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row id, approximate cosine) of about the k best rows, best first, among rows the mask allows."""
        if len(self) == 0 or k <= 0:
            return []
        query = np.asarray(query, dtype=np.float32)
        distance = self._hamming(query)
        if mask is not None:
            distance[~mask] = np.iinfo(np.uint16).max
        shortlist = _smallest(distance, self._shortlist_size(k))
        if mask is not None:
            shortlist = shortlist[mask[shortlist]]
        scores = self._approximate_scores(shortlist, query)
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.row_ids[shortlist[i]]), float(scores[i])) for i in top]

    def _approximate_scores(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        weights = np.zeros(self.codes.shape[1] * 2, dtype=np.float32)
        weights[:len(query)] = query * self.step
        packed = self.codes[rows]
        with one_blas_thread():
            return ((packed & 15).astype(np.float32) @ weights[0::2] + (packed >> 4).astype(np.float32) @ weights[1::2]
                    + float(query @ self.low))

    def _shortlist_size(self, k: int) -> int:
        return int(min(len(self), max(_MIN_SHORTLIST, 4 * k, min(_MAX_SHORTLIST, len(self) * _SHORTLIST_SHARE))))

    def _hamming(self, query: np.ndarray) -> np.ndarray:
        words = _sign_words(query[None, :] - self.centre)[0]
        distance = np.zeros(len(self), dtype=np.uint16)
        scratch = np.empty(len(self), dtype=np.uint64)
        counts = np.empty(len(self), dtype=np.uint8)
        for column, word in zip(self.bits, words):
            np.bitwise_xor(column, word, out=scratch)
            np.bitwise_count(scratch, out=counts)
            distance += counts
        return distance


def _sign_words(vectors: np.ndarray) -> np.ndarray:
    """(rows, words) uint64: bit j of a row is set when dimension j is positive."""
    packed = np.packbits(vectors > 0, axis=1, bitorder="little")
    padded = np.zeros((len(vectors), (packed.shape[1] + 7) // 8 * 8), dtype=np.uint8)
    padded[:, :packed.shape[1]] = packed
    return padded.view(np.uint64)


def _smallest(distance: np.ndarray, n: int) -> np.ndarray:
    """Indices of (at least) the n smallest distances: a histogram finds the cut without sorting."""
    if n >= len(distance):
        return np.arange(len(distance))
    counts = np.bincount(distance, minlength=int(distance.max()) + 1)
    cut = int(np.searchsorted(np.cumsum(counts), n))
    return np.flatnonzero(distance <= cut)
