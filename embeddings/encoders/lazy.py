"""An Encoder that knows its identity from the model's files and loads the model only when it must encode."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from embeddings.encoders import Encoder
from embeddings.encoders.model_files import ModelSpec
from embeddings.encoders.span_pooling import Span, encode_with_spans

_RECENT_QUERIES = 64


class LazyEncoder:
    """Stands in for an Encoder: `model_name`, `dimension` and `max_tokens` come from the spec.

    The real encoder is built by `factory` on the first call that needs it, so a reindex that
    finds nothing changed, or a command that only checks the index, never loads a model.
    """

    def __init__(self, spec: ModelSpec, model_name: str, factory: Callable[[], Encoder]) -> None:
        self.model_name = model_name
        self._spec = spec
        self._factory = factory
        self._inner: Encoder | None = None
        self._lock = threading.Lock()
        # A question is encoded twice, by the search and by the answerer: the second one is free.
        self._recent_queries: dict[str, np.ndarray] = {}

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._inner is not None

    @property
    def inner(self) -> Encoder:
        """The real encoder, built on first use."""
        with self._lock:
            if self._inner is None:
                self._inner = self._factory()
            return self._inner

    @property
    def dimension(self) -> int:
        return self._spec.dimension if self._spec.dimension is not None else self.inner.dimension

    @property
    def max_tokens(self) -> int:
        return self._spec.max_tokens if self._spec.max_tokens is not None else self.inner.max_tokens

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.inner.encode_documents(texts)

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[Span]],
                          contexts: Sequence[Span | None]) -> tuple[np.ndarray, list[np.ndarray] | None]:
        return encode_with_spans(self.inner, texts, spans, contexts)

    def forget_queries(self) -> None:
        """Drop the remembered question vectors (a benchmark times the model, not the memory)."""
        with self._lock:
            self._recent_queries.clear()

    def encode_query(self, text: str) -> np.ndarray:
        vector = self._recent_queries.get(text)
        if vector is None:
            vector = self.inner.encode_query(text)
            with self._lock:
                if len(self._recent_queries) >= _RECENT_QUERIES:
                    self._recent_queries.pop(next(iter(self._recent_queries)))
                self._recent_queries[text] = vector
        return vector.copy()
