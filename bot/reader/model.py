"""Running the reader: its int8 ONNX file and tokenizer, checked against their recorded hashes, run by onnxruntime."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.errors import ArchivistError
from bot.reader.inputs import ANSWER_TOKENS, CLAIM_TOKENS, AnswerInput, ClaimInput

MODEL_DIR = Path(__file__).with_name("model")
MANIFEST = "manifest.json"  # file name -> sha256, written by training.train_reader
WORKERS = 2  # pairs read at once, one core each
_FIX = "reinstall Archivist (pip install .), or retrain it with `make reader`"


class ReaderError(ArchivistError):
    """The reader's files are missing, altered or unreadable."""


class Reader:
    """Scores text pairs with the reader model: the probability that a sentence answers a question,
    or that passages support a claim.

    Thread-safe: one onnxruntime session on one thread per run, without spin-waiting; a call's pairs are
    read two at a time, one core each. Each pair is run alone, so its probability never depends on what
    else is read with it (`python -m benchmarks.query`, docs/performance.md: ask p50 / p95 45 / 101 ms,
    against 63 / 134 ms for one padded batch on two threads).
    """

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ReaderError("the reader needs onnxruntime and tokenizers; run `pip install archivist`") from exc
        manifest = verified_manifest(model_dir)
        self.version = manifest["version"]
        # Trained to read each candidate with the sentence before it (training.train_reader --context).
        self.answer_context = bool(manifest.get("answer_context", False))
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._lock = threading.Lock()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # a pair is small: two pairs run side by side use two cores better
        options.inter_op_num_threads = 1
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="reader")
        # Questions answered side by side share the cores: a waiting thread sleeps instead of spinning.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(str(model_dir / "reader.int8.onnx"), options,
                                                         providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for unreadable files
            raise ReaderError(f"cannot load the reader model in {model_dir} ({exc}); {_FIX}") from exc

    def answers(self, inputs: Sequence[AnswerInput]) -> np.ndarray:
        """For each candidate, the probability that it answers its question."""
        return self._score([i.pair() for i in inputs], ANSWER_TOKENS)

    def supports(self, inputs: Sequence[ClaimInput]) -> np.ndarray:
        """For each claim, the probability that its grounds support all of it."""
        return self._score([i.pair() for i in inputs], CLAIM_TOKENS)

    def _score(self, pairs: list[tuple[str, str]], max_tokens: int) -> np.ndarray:
        """One run per pair. The int8 model quantises its activations with one scale per input tensor,
        so in a padded batch a pair's probability moved with its batch-mates (by up to 0.26 on a
        12-sentence shortlist); alone, a pair always reads the same."""
        encoded = [self._encode(first, second, max_tokens) for first, second in pairs]
        if len(encoded) == 1:
            return np.asarray([self._run(*encoded[0])], dtype=np.float32)
        return np.asarray(list(self._pool.map(lambda e: self._run(*e), encoded)), dtype=np.float32)

    def _run(self, token_ids: list[int], type_ids: list[int]) -> float:
        ids = np.asarray([token_ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                 "token_type_ids": np.asarray([type_ids], dtype=np.int64)}
        (logits,) = self._session.run(["logits"], feeds)
        return 1.0 / (1.0 + float(np.exp(-float(logits.reshape(-1)[0]))))

    def _encode(self, first: str, second: str, max_tokens: int) -> tuple[list[int], list[int]]:
        with self._lock:  # a Tokenizer's truncation setting is shared state
            self._tokenizer.enable_truncation(max_tokens, strategy="longest_first")
            encoding = self._tokenizer.encode(first, second)
        return encoding.ids, encoding.type_ids


def verified_manifest(model_dir: Path) -> dict:
    """The model's manifest, once every file it lists is present with its recorded sha256."""
    path = model_dir / MANIFEST
    if not path.is_file():
        raise ReaderError(f"the reader model is missing ({path} not found); {_FIX}")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name, expected in manifest["files"].items():
        file = model_dir / name
        if not file.is_file():
            raise ReaderError(f"the reader model is incomplete ({file} not found); {_FIX}")
        if file_sha256(file) != expected:
            raise ReaderError(f"the reader model file {file} does not match its recorded sha256 "
                              f"(altered or truncated); {_FIX}")
    return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def load_reader() -> Reader:
    """The shipped reader, loaded once per process."""
    return Reader(MODEL_DIR)
