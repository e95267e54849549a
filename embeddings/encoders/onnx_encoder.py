"""The fast Encoder: an int8 ONNX export of the model run by onnxruntime, tokenised by `tokenizers` (no torch)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embeddings.encoders.span_pooling import Span, pool_spans
from embeddings.errors import EncoderError

# Suffix of the identity recorded in the index: int8 vectors differ slightly from the fp32 model's,
# so switching backends is an explicit rebuild rather than a silent mix of the two.
IDENTITY_SUFFIX = "+onnx-int8"
_BATCH_SIZE = 32


class OnnxEncoder:
    """Encoder running a mean-pooled, L2-normalised ONNX graph (see onnx_export) on the CPU."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, *, model_name: str, dimension: int,
                 max_tokens: int, threads: int | None = None) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderError("onnxruntime and tokenizers are needed for the onnx backend; "
                               "run `pip install archivist`") from exc
        self.model_name = model_name
        self.dimension = dimension
        self.max_tokens = max_tokens
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_tokens + 2)
        self._tokenizer.enable_padding(pad_id=self._tokenizer.token_to_id("[PAD]") or 0)
        self._tokenizer_path = tokenizer_path
        self._counter = None  # a second tokenizer without truncation, made when first needed (indexing)
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        # Busy-waiting threads burn cores that other processes (or the indexer's own work) need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for unreadable files
            raise EncoderError(f"cannot load the ONNX model at {onnx_path} ({exc}); delete it to have it "
                               "exported again") from exc
        self._input_names = {i.name for i in self._session.get_inputs()}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        if self._counter is None:
            from tokenizers import Tokenizer

            counter = Tokenizer.from_file(str(self._tokenizer_path))
            counter.no_truncation()
            counter.no_padding()
            self._counter = counter
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for rows in _length_sorted_batches(texts):
            vectors[rows] = self._run([texts[i] for i in rows])[0]
        return vectors

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[Span]],
                          contexts: Sequence[Span | None]) -> tuple[np.ndarray, list[np.ndarray]]:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        span_vectors: list[np.ndarray] = [np.zeros((0, self.dimension), np.float32)] * len(texts)
        for rows in _length_sorted_batches(texts):
            vectors[rows], states, offsets = self._run([texts[i] for i in rows], with_states=True)
            for position, row in enumerate(rows):
                span_vectors[row] = pool_spans(states[position], offsets[position], spans[row], contexts[row])
        return vectors, span_vectors

    def encode_query(self, text: str) -> np.ndarray:
        return self._run([text])[0][0]

    def _run(self, texts: list[str], *, with_states: bool = False):
        """Unit vectors of texts; with_states, also the token states and each token's character offsets."""
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        feeds = {
            "input_ids": ids,
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.zeros_like(ids),
        }
        outputs = ["embedding", "token_embeddings"] if with_states else ["embedding"]
        results = self._session.run(outputs, {k: v for k, v in feeds.items() if k in self._input_names})
        # The graph normalises already; normalising again costs nothing and guards the contract.
        norms = np.linalg.norm(results[0], axis=1, keepdims=True)
        vectors = np.ascontiguousarray(results[0] / np.maximum(norms, 1e-12), dtype=np.float32)
        if not with_states:
            return vectors, None, None
        offsets = np.array([e.offsets for e in encodings], dtype=np.int64).reshape(len(texts), -1, 2)
        return vectors, results[1], offsets


def _length_sorted_batches(texts: Sequence[str]):
    """Row indices in batches, longest texts first, so each batch holds similar lengths and little padding."""
    order = np.argsort([-len(t) for t in texts], kind="stable")
    for start in range(0, len(texts), _BATCH_SIZE):
        yield order[start:start + _BATCH_SIZE]
