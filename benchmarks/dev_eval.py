"""Dev-set retrieval figures (hit@1, recall@5) and an fp32 index built from precomputed vectors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.common import ARTICLES, CORPUS


def dev_questions() -> list[dict]:
    with (CORPUS / "dev-questions.jsonl").open(encoding="utf-8") as handle:
        return [q for q in map(json.loads, handle) if q.get("article_ids")]


def dev_metrics(service) -> tuple[float, float]:
    """(hit@1, recall@5) over the answerable dev questions, by article, with `ArchivistService.retrieve`."""
    hits, recalls = [], []
    for question in dev_questions():
        gold = set(question["article_ids"])
        ranked = list(dict.fromkeys(h.article.id for h in service.retrieve(question["question"], limit=10).hits))
        hits.append(bool(ranked) and ranked[0] in gold)
        recalls.append(len(gold & set(ranked[:5])) / len(gold))
    return float(np.mean(hits)), float(np.mean(recalls))


class PrecomputedEncoder:
    """The fp32 sentence-transformers model, with document vectors already computed by the benchmark."""

    def __init__(self, model, vectors: dict[str, np.ndarray]) -> None:
        from embeddings.encoders import load_encoder

        identity = load_encoder(backend="torch")  # name, dimension and token limit only: loads nothing
        self.model_name, self.dimension, self.max_tokens = identity.model_name, identity.dimension, identity.max_tokens
        self._model, self._vectors = model, vectors

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        encoded = self._model.tokenizer(list(texts), add_special_tokens=False, verbose=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._encode(missing)))
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts, batch_size=32, normalize_embeddings=True), dtype=np.float32)


def fp32_service(model, vectors: dict[str, np.ndarray], data_dir: Path):
    """A service over the corpus indexed with the fp32 model's vectors (computed once, here reused)."""
    from bot.service import ArchivistService
    from bot.settings import Settings

    service = ArchivistService(Settings(archive_dir=ARTICLES, data_dir=data_dir, encoder_backend="torch"),
                               encoder=PrecomputedEncoder(model, vectors))
    service.reindex()
    return service
