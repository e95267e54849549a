"""Vectors of spans of a passage read out of its token states, so a sentence costs no model run of its own."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embeddings.encoders import Encoder
from embeddings.sentences import Span


def encode_with_spans(encoder: Encoder, texts: Sequence[str], spans: Sequence[Sequence[Span]],
                      contexts: Sequence[Span | None]) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """The encoder's vectors of texts and, if it can read them out of the token states, of their spans.

    Encoders that cannot (a plain `Encoder`) give None for the spans; their sentences are
    encoded when a question needs them instead.
    """
    method = getattr(encoder, "encode_with_spans", None)
    if method is None:
        return encoder.encode_documents(texts), None
    return method(texts, spans, contexts)


def pool_spans(states: np.ndarray, offsets: np.ndarray, spans: Sequence[Span], context: Span | None) -> np.ndarray:
    """One unit row per span: the mean of the token states inside the span and inside `context`.

    `offsets` holds each token's character range in the encoded text ((0, 0) for special and
    padding tokens, which never count). The context (the headline) is pooled into every span
    because a sentence alone ("He said it would grow") loses what the article is about; this is
    the in-passage twin of encoding "headline. sentence". A span none of whose tokens the model
    saw (cut off by truncation) gets a zero row: callers treat it as missing.
    """
    vectors = np.zeros((len(spans), states.shape[1]), dtype=np.float32)
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = ends > starts
    shared = real & (starts >= context[0]) & (ends <= context[1]) if context else np.zeros(len(states), dtype=bool)
    for row, (start, end) in enumerate(spans):
        inside = real & (starts >= start) & (ends <= end)
        if not inside.any():
            continue
        pooled = states[inside | shared].mean(axis=0)
        vectors[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
    return vectors
