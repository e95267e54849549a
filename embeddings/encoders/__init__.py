"""The Encoder seam: turning passages and questions into unit vectors, and loading the configured model."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from embeddings.errors import EncoderError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# "onnx": int8 ONNX export run by onnxruntime (fast, torch-free at query time);
# "torch": the sentence-transformers model itself (fp32 reference).
BACKENDS = ("onnx", "torch")
DEFAULT_BACKEND = "onnx"


@runtime_checkable
class Encoder(Protocol):
    """Turns text into float32 unit vectors.

    Contract: `encode_documents` returns an (n, dimension) float32 array whose rows have unit
    L2 norm, in input order; `encode_query` returns one such row of shape (dimension,).
    `model_name` is the identity recorded in the index: two encoders with the same name must
    produce interchangeable vectors. `max_tokens` is how many word pieces one input may hold
    before the model silently truncates it; `count_tokens` counts them (without special tokens).

    An encoder may also offer `encode_with_spans(texts, spans, contexts)`: the vectors of texts and,
    per text, one unit row per character span pooled from the same run's token states (see
    span_pooling). The indexer stores those as sentence vectors; an encoder without it still works.
    """

    # Read-only: an implementation may hold them as plain attributes or compute them (LazyEncoder).
    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    @property
    def max_tokens(self) -> int: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


def default_cache_dir() -> Path:
    """Where derived model files (the ONNX export) are kept: $XDG_CACHE_HOME/archivist or ~/.cache/archivist."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "archivist"


def load_encoder(model: str = DEFAULT_MODEL, *, backend: str = DEFAULT_BACKEND, threads: int | None = None,
                 cache_dir: Path | None = None, on_status: Callable[[str], None] | None = None) -> Encoder:
    """The encoder for `model` (a hub name or a local path) on `backend` ("onnx" or "torch").

    The model is loaded on first use, not here: its identity, dimension and token limit are read
    from its files. The onnx backend exports the model to an int8 ONNX file on first use (once per
    machine, cached under `cache_dir`) and reports that through `on_status`.
    """
    from embeddings.encoders.lazy import LazyEncoder
    from embeddings.encoders.model_files import describe_model

    if backend not in BACKENDS:
        raise EncoderError(f"unknown encoder backend {backend!r}; use one of {', '.join(BACKENDS)}")
    spec = describe_model(model)
    if backend == "torch":
        def build_torch() -> Encoder:
            # Imported here so that importing the package never pulls in torch.
            from embeddings.encoders.sentence_transformers_encoder import SentenceTransformerEncoder

            return SentenceTransformerEncoder(model, threads=threads)

        return LazyEncoder(spec, spec.identity, build_torch)

    from embeddings.encoders.onnx_encoder import IDENTITY_SUFFIX, OnnxEncoder
    from embeddings.encoders.onnx_export import cached_onnx_model, check_exportable

    model_dir = check_exportable(spec)

    def build_onnx() -> Encoder:
        assert spec.dimension is not None  # check_exportable refuses a model whose files do not state it
        onnx_path = cached_onnx_model(spec, cache_dir or default_cache_dir(), on_status)
        return OnnxEncoder(onnx_path, model_dir / "tokenizer.json", model_name=spec.identity + IDENTITY_SUFFIX,
                           dimension=spec.dimension, max_tokens=spec.max_tokens or 254, threads=threads)

    return LazyEncoder(spec, spec.identity + IDENTITY_SUFFIX, build_onnx)
