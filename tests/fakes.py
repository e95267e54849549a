"""A small deterministic Encoder for fast tests (the real model is exercised in other tests)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+")


class HashingEncoder:
    """Bag-of-words vectors by feature hashing: texts sharing words get similar vectors."""

    def __init__(self, dimension: int = 256, max_tokens: int = 254, model_name: str = "test/hashing",
                 *, record: bool = True) -> None:
        self.dimension = dimension
        self.max_tokens = max_tokens
        self.model_name = model_name
        self.record = record  # off for memory measurements: the record grows with the archive
        self.encoded: list[str] = []  # every document text encoded, for re-embedding assertions

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(_WORD.findall(t)) for t in texts]

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if self.record:
            self.encoded.extend(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dimension] += 1.0
        norm = np.linalg.norm(vector)
        if norm == 0:
            vector[0] = 1.0
            return vector
        return vector / norm


class PoolingHashingEncoder(HashingEncoder):
    """A HashingEncoder that also gives span vectors, as the real encoders do: here the bag of words
    of the context (headline) and the span."""

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                          contexts: Sequence[tuple[int, int] | None]):
        pooled = []
        for text, text_spans, context in zip(texts, spans, contexts):
            prefix = text[context[0]:context[1]] + " " if context else ""
            rows = [self._vector(prefix + text[s:e]) for s, e in text_spans]
            pooled.append(np.stack(rows) if rows else np.zeros((0, self.dimension), np.float32))
        return self.encode_documents(texts), pooled


class MemoizingEncoder:
    """Wraps a real Encoder and remembers document vectors, so a test session embeds a text once.

    Not a fake: every vector comes from the wrapped model. It lets several tests index the same
    corpus (into different stores) without paying for the model each time.
    """

    def __init__(self, inner) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.dimension = inner.dimension
        self.max_tokens = inner.max_tokens
        self._vectors: dict[str, np.ndarray] = {}
        self._pooled: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}  # (text, spans, context) -> vector, span vectors

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self.inner.encode_documents(missing)))
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                          contexts: Sequence[tuple[int, int] | None]):
        keys = [(t, tuple(s), c) for t, s, c in zip(texts, spans, contexts)]
        missing = list(dict.fromkeys(k for k in keys if k not in self._pooled))
        if missing:
            vectors, pooled = self.inner.encode_with_spans([k[0] for k in missing], [list(k[1]) for k in missing],
                                                           [k[2] for k in missing])
            self._pooled.update(zip(missing, zip(vectors, pooled)))
        if not texts:
            return np.zeros((0, self.dimension), np.float32), []
        return np.stack([self._pooled[k][0] for k in keys]), [self._pooled[k][1] for k in keys]

    def encode_query(self, text: str) -> np.ndarray:
        return self.inner.encode_query(text)


class NoisyEncoder(MemoizingEncoder):
    """The real model's vectors, each moved by a small deterministic random step: another machine.

    Vectors differ slightly from one CPU to another (SIMD width changes the order of float sums;
    onnxruntime's int8 kernels differ between AVX2 and AVX512-VNNI). `cosine_loss` is the mean
    1 - cosine between a vector and its perturbed form (int8 against fp32 is about 0.007 here);
    `seed` picks the machine. A ranking that flips under this noise is a ranking of noise.
    """

    def __init__(self, inner, cosine_loss: float, seed: int) -> None:
        super().__init__(inner)
        # A random step of norm s in d dimensions leaves cosine 1/sqrt(1 + s^2) ~ 1 - s^2/2.
        self.step = float(np.sqrt(2 * cosine_loss))
        self.seed = seed

    def _perturb(self, vector: np.ndarray, key: str) -> np.ndarray:
        digest = hashlib.blake2b(f"{self.seed}:{key}".encode(), digest_size=8).digest()
        noise = np.random.default_rng(int.from_bytes(digest, "little")).standard_normal(vector.shape[-1])
        moved = vector + self.step * noise / np.linalg.norm(noise)
        return (moved / np.linalg.norm(moved)).astype(np.float32)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        vectors = super().encode_documents(texts)
        return np.stack([self._perturb(v, t) for v, t in zip(vectors, texts)]) if len(texts) else vectors

    def encode_with_spans(self, texts, spans, contexts):
        vectors, pooled = super().encode_with_spans(texts, spans, contexts)
        vectors = np.stack([self._perturb(v, t) for v, t in zip(vectors, texts)]) if len(texts) else vectors
        pooled = [np.stack([self._perturb(row, f"{t}|{s}:{e}") for row, (s, e) in zip(rows, text_spans)])
                  if len(rows) else rows for rows, t, text_spans in zip(pooled, texts, spans)]
        return vectors, pooled

    def encode_query(self, text: str) -> np.ndarray:
        return self._perturb(super().encode_query(text), "query:" + text)
