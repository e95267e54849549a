"""The Encoder seam: turning passages and questions into unit vectors, and loading the configured model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


@runtime_checkable
class Encoder(Protocol):
    """Turns text into float32 unit vectors.

    Contract: `encode_documents` returns an (n, dimension) float32 array whose rows have unit
    L2 norm, in input order; `encode_query` returns one such row of shape (dimension,).
    `model_name` is the identity recorded in the index: two encoders with the same name must
    produce interchangeable vectors. `max_tokens` is how many word pieces one input may hold
    before the model silently truncates it; `count_tokens` counts them (without special tokens).
    """

    model_name: str
    dimension: int
    max_tokens: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


def load_encoder(model: str = DEFAULT_MODEL, *, threads: int | None = None) -> Encoder:
    """Load the sentence-transformers model named by `model` (a hub name or a local path)."""
    # Imported here so that importing the package never pulls in torch.
    from embeddings.encoders.sentence_transformers_encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(model, threads=threads)
