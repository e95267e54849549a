"""How alike two words are, by the model's own input word embeddings (no model run: a table lookup).

all-MiniLM-L6-v2's first layer maps each word piece to a 384-number vector; words a text uses in
the same way lie close ("film"/"movie" 0.72, "buy"/"purchase" 0.75; unrelated words near 0). The
support check uses them to accept a reworded content word, never a number, date or name, and
never a word whose opposite (antonyms lie close too) the passage says instead; and to compare the
meaning of a sentence's words as a whole with its grounds' (text_similarity).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np


class WordVectors:
    """Unit vectors of words (the mean of their word pieces' input embeddings), cached."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        self._table: np.ndarray | None = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = load_file(str(self.model_dir / "model.safetensors"))
        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self._table = weights["embeddings.word_embeddings.weight"].astype(np.float32)
        self._tokenizer = tokenizer

    def vector(self, word: str) -> np.ndarray:
        with self._lock:
            if self._table is None:
                self._load()
        return _cached_vector(self, word.lower())

    def similarity(self, a: str, b: str) -> float:
        return float(self.vector(a) @ self.vector(b))

    def closest(self, word: str, others: tuple[str, ...]) -> float:
        """The highest similarity of word to any of others (0 for none)."""
        if not others:
            return 0.0
        return float(np.max(_matrix(self, others) @ self.vector(word)))

    def text_similarity(self, a: Sequence[str], b: Sequence[str]) -> float:
        """The cosine of two bags of words' mean vectors (0 when either is empty): how alike in
        meaning, word for word, a reworded sentence is to the sentences it rewords."""
        if not a or not b:
            return 0.0
        left, right = _matrix(self, tuple(a)).mean(axis=0), _matrix(self, tuple(b)).mean(axis=0)
        return float(left @ right / max(float(np.linalg.norm(left) * np.linalg.norm(right)), 1e-12))

    def is_common_word(self, word: str) -> bool:
        """Whether the model's vocabulary holds the word whole, in lower case: an ordinary English word
        ("speaking", "government"), or a name common enough to have its own piece ("london")."""
        with self._lock:
            if self._table is None:
                self._load()
        return self._tokenizer.token_to_id(word.lower()) is not None


@lru_cache(maxsize=65536)
def _cached_vector(vectors: WordVectors, word: str) -> np.ndarray:
    ids = vectors._tokenizer.encode(word, add_special_tokens=False).ids
    if not ids:
        return np.zeros(vectors._table.shape[1], dtype=np.float32)
    mean = vectors._table[ids].mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


@lru_cache(maxsize=1024)
def _matrix(vectors: WordVectors, words: tuple[str, ...]) -> np.ndarray:
    return np.stack([vectors.vector(w) for w in words])


@lru_cache(maxsize=4)
def word_vectors_for(model: str) -> WordVectors | None:
    """The word vectors of a model setting (None when its files are not a local safetensors model)."""
    from embeddings.encoders.model_files import describe_model

    spec = describe_model(model)
    if spec.path is None or not (spec.path / "model.safetensors").is_file():
        return None
    return WordVectors(spec.path)
