"""The one module that imports sentence_transformers: the real Encoder."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from embeddings.encoders.model_files import resolve_model_path
from embeddings.encoders.span_pooling import Span, pool_spans
from embeddings.errors import EncoderError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_BATCH_SIZE = 32


class SentenceTransformerEncoder:
    """Encoder backed by a sentence-transformers model, run on the CPU (or GPU when present)."""

    def __init__(self, model: str, *, threads: int | None = None) -> None:
        self.model_name, load_from = resolve_model_path(model)
        if Path(load_from).exists():
            # A local model needs no hub; never let a missing file turn into a network call.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # Library chatter (weight-loading bars, tokenizer fork warnings) is not for our users.
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import torch
            import transformers
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderError("sentence-transformers is not installed; run `pip install archivist`") from exc
        transformers.utils.logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(load_from)
        except (OSError, ValueError) as exc:
            raise EncoderError(
                f"cannot load embedding model {model!r} ({exc}); set ARCHIVIST_MODEL to a "
                "sentence-transformers model name or a local model directory"
            ) from exc
        # The fast tokenizer's Rust backend counts without the "sequence too long" warnings.
        self._tokenizer = _counting_tokenizer(self._model.tokenizer)
        self._slow_tokenizer = self._model.tokenizer
        dimension, max_length = self._model.get_embedding_dimension(), self._model.max_seq_length
        if dimension is None or max_length is None:  # not a text model with one output vector
            raise EncoderError(f"the embedding model {model!r} states no vector dimension or input limit; "
                               "set ARCHIVIST_MODEL to a sentence-transformers text model")
        self.dimension = int(dimension)
        # The model adds [CLS] and [SEP]; what callers may fill is the rest.
        self.max_tokens = int(max_length) - 2

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        if self._tokenizer is not None:
            return [len(e.ids) for e in self._tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        encoded = self._slow_tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=_BATCH_SIZE, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[Span]],
                          contexts: Sequence[Span | None]) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        # One dict of tensors per text. The cast: without Pillow installed, the library's image input type
        # is Any, so its overloads take a list of texts for one input and type the result as a single dict.
        outputs = cast(list[dict[str, Any]],
                       self._model.encode(list(texts), batch_size=_BATCH_SIZE, output_value=None,
                                          convert_to_numpy=True, show_progress_bar=False))
        # The same tokenizer and truncation the model used, asked for each token's character range.
        offsets = self._slow_tokenizer(list(texts), return_offsets_mapping=True, truncation=True,
                                       max_length=self.max_tokens + 2)["offset_mapping"]
        vectors, span_vectors = [], []
        for output, text_offsets, text_spans, context in zip(outputs, offsets, spans, contexts):
            states = output["token_embeddings"].float().cpu().numpy()[:len(text_offsets)]
            pooled = output["sentence_embedding"].float().cpu().numpy()
            vectors.append(pooled / max(float(np.linalg.norm(pooled)), 1e-12))
            span_vectors.append(pool_spans(states, np.asarray(text_offsets, dtype=np.int64), text_spans, context))
        return np.ascontiguousarray(np.stack(vectors), dtype=np.float32), span_vectors

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_documents([text])[0]


def _counting_tokenizer(tokenizer: object) -> Tokenizer | None:
    """A copy of the fast tokenizer with padding and truncation off, or None for a slow one."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return None
    from tokenizers import Tokenizer

    counter = Tokenizer.from_str(backend.to_str())
    counter.no_truncation()
    counter.no_padding()
    return counter
