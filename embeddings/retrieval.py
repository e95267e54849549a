"""Hybrid retrieval: dense and full-text candidates from one snapshot, fused, capped per article."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embeddings.encoders import Encoder
from embeddings.errors import ModelMismatchError
from embeddings.fusion import cap_per_group, weighted_rrf
from embeddings.models import Hit, SearchFilters
from embeddings.store import Store
from embeddings.text_query import query_terms


@dataclass(frozen=True)
class RetrievalConfig:
    """Knobs of hybrid retrieval (see the quality evaluation for how they were chosen)."""

    candidates: int = 50
    dense_weight: float = 1.0
    text_weight: float = 0.5
    rrf_k: float = 60.0
    max_per_article: int = 2


@dataclass(frozen=True)
class RetrievalResult:
    """Ranked hits and how many articles the search looked at."""

    hits: list[Hit]
    articles_searched: int


class Retriever:
    """Finds the passages of the archive closest to a question."""

    def __init__(self, store: Store, encoder: Encoder, config: RetrievalConfig = RetrievalConfig()) -> None:
        self.store = store
        self.encoder = encoder
        self.config = config

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 10,
               mode: str = "hybrid") -> RetrievalResult:
        """Hits for query, best first; mode is "hybrid", "dense" or "text" (for evaluation)."""
        self.store.check_model(self.encoder.model_name)
        vector = self.encoder.encode_query(query)
        terms = query_terms(query)
        cfg = self.config
        with self.store.snapshot() as snap:
            # Checked again inside the snapshot: a rebuild with another model may have committed
            # since the check above, and its vectors cannot be compared with this query's.
            if snap.model is not None and snap.model != self.encoder.model_name:
                raise ModelMismatchError(snap.model, self.encoder.model_name)
            dense = snap.dense_search(vector, cfg.candidates, filters) if mode != "text" else []
            text = snap.text_search(terms, cfg.candidates, filters) if mode != "dense" else []
            rankings = [[c.chunk_id for c in dense], [c.chunk_id for c in text]]
            fused = weighted_rrf(rankings, [cfg.dense_weight, cfg.text_weight], cfg.rrf_k)
            order = sorted(fused, key=lambda key: -fused[key])
            fetched = {chunk.id: (chunk, article) for chunk, article in snap.fetch(order)}
            order = [key for key in order if key in fetched]
            order = cap_per_group(order, {k: fetched[k][1].id for k in order}, cfg.max_per_article)[:limit]
            cosines = self._cosines(snap, vector, order, dense)
            searched = snap.article_count(filters)
        dense_rank = {c.chunk_id: i for i, c in enumerate(dense, 1)}
        text_rank = {c.chunk_id: i for i, c in enumerate(text, 1)}
        hits = [
            Hit(chunk=fetched[key][0], article=fetched[key][1], score=fused[key], dense_score=cosines[key],
                why=_why(dense_rank.get(key), text_rank.get(key), cosines[key]))
            for key in order
        ]
        return RetrievalResult(hits, searched)

    @staticmethod
    def _cosines(snap, vector: np.ndarray, keys: list[str], dense) -> dict[str, float]:
        """Cosine of every kept hit; text-only hits get theirs from the stored vectors."""
        known = {c.chunk_id: c.score for c in dense}
        missing = [k for k in keys if k not in known]
        if missing:
            known.update(zip(missing, (snap.chunk_vectors(missing) @ vector).tolist()))
        return {k: float(known[k]) for k in keys}


def _why(dense_rank: int | None, text_rank: int | None, cosine: float) -> str:
    parts = [f"dense #{dense_rank}" if dense_rank else "dense -", f"bm25 #{text_rank}" if text_rank else "bm25 -"]
    return f"{', '.join(parts)}, cosine {cosine:.2f}"
