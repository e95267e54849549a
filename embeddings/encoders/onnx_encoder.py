"""The fast Encoder: an int8 ONNX export of the model run by onnxruntime, tokenised by `tokenizers` (no torch)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embeddings.encoders.span_pooling import Span, pool_spans
from embeddings.errors import EncoderError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

# Suffix of the identity recorded in the index: int8 vectors differ slightly from the fp32 model's,
# so switching backends is an explicit rebuild rather than a silent mix of the two.
IDENTITY_SUFFIX = "+onnx-int8"
# Padded tokens per model run. Texts are sorted by length and a run holds as many as fit, so a
# passage near the model's limit runs alone (no padding at all) and short sentences share a run.
# Measured on 640 corpus passages with two workers: 60 passages/s with this budget, 50 with
# batches of 32 (padding costs more than the per-run overhead saves).
_BATCH_TOKENS = 256


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class OnnxEncoder:
    """Encoder running a mean-pooled, L2-normalised ONNX graph (see onnx_export) on the CPU.

    Many texts are encoded by `threads` workers (default: every available core), each running
    whole model runs on one core. Measured against one run at a time split over two cores by
    onnxruntime (batches of 8): 51 vs 45 passages/s, because a run's many small operators (layer
    norms, softmax, GELU) each wait for both cores, and the workers never wait for each other.
    """

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
        self._tokenizer.no_padding()  # each run pads to its own longest text (see _run)
        self._pad_id = self._tokenizer.token_to_id("[PAD]") or 0
        self._tokenizer_path = tokenizer_path
        # A second tokenizer without truncation, made when first needed (indexing).
        self._counter: Tokenizer | None = None
        self.workers = max(1, threads or available_cores())
        # ThreadPoolExecutor starts its threads when work is first submitted: a query-only process has none.
        self._pool = (ThreadPoolExecutor(self.workers, thread_name_prefix="archivist-encoder")
                      if self.workers > 1 else None)
        options = onnxruntime.SessionOptions()
        # One core per run; parallelism comes from running several texts' runs at once (see above).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
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
        encodings = self._tokenizer.encode_batch(list(texts)) if texts else []

        def run(rows: np.ndarray) -> None:
            vectors[rows] = self._run([encodings[i] for i in rows])[0]

        self._each(run, _token_budget_batches([len(e.ids) for e in encodings]))
        return vectors

    def encode_with_spans(self, texts: Sequence[str], spans: Sequence[Sequence[Span]],
                          contexts: Sequence[Span | None]) -> tuple[np.ndarray, list[np.ndarray]]:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        span_vectors: list[np.ndarray] = [np.zeros((0, self.dimension), np.float32)] * len(texts)
        encodings = self._tokenizer.encode_batch(list(texts)) if texts else []

        def run(rows: np.ndarray) -> None:
            vectors[rows], states, offsets = self._run([encodings[i] for i in rows], with_states=True)
            for position, row in enumerate(rows):
                span_vectors[row] = pool_spans(states[position], offsets[position], spans[row], contexts[row])

        self._each(run, _token_budget_batches([len(e.ids) for e in encodings]))
        return vectors, span_vectors

    def encode_query(self, text: str) -> np.ndarray:
        return self._run([self._tokenizer.encode(text)])[0][0]

    def _each(self, run: Callable[[np.ndarray], None], batches: list[np.ndarray]) -> None:
        """run(batch) for every batch, on the workers when there is more than one batch."""
        if self._pool is None or len(batches) <= 1:
            for batch in batches:
                run(batch)
            return
        # onnxruntime releases the GIL inside a run, so threads give real parallelism; list()
        # waits for every batch and re-raises the first error.
        list(self._pool.map(run, batches))

    def _run(self, encodings: list[Any], *, with_states: bool = False):
        """Unit vectors of tokenised texts; with_states, also the token states and each token's character offsets."""
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        outputs = ["embedding", "token_embeddings"] if with_states else ["embedding"]
        results = self._session.run(outputs, {k: v for k, v in feeds.items() if k in self._input_names})
        # The graph normalises already; normalising again costs nothing and guards the contract.
        norms = np.linalg.norm(results[0], axis=1, keepdims=True)
        vectors = np.ascontiguousarray(results[0] / np.maximum(norms, 1e-12), dtype=np.float32)
        if not with_states:
            return vectors, None, None
        offsets = np.zeros((len(encodings), width, 2), dtype=np.int64)  # padding: (0, 0), never pooled
        for row, encoding in enumerate(encodings):
            offsets[row, :len(encoding.offsets)] = encoding.offsets
        return vectors, results[1], offsets


def _token_budget_batches(lengths: Sequence[int], budget: int = _BATCH_TOKENS) -> list[np.ndarray]:
    """Row indices in batches, longest first, each holding as many texts as fit `budget` padded tokens."""
    order = np.argsort([-n for n in lengths], kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    while start < len(order):
        # Sorted longest first: the batch's first text sets the width every other text is padded to.
        size = max(1, budget // max(1, lengths[order[start]]))
        batches.append(order[start:start + size])
        start += size
    return batches
