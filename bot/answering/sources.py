"""The articles an answer may cite: the best retrieved article and those nearly as close to the question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from embeddings.models import Article, Hit


@dataclass(frozen=True)
class SourceArticle:
    """An article the answer may cite: its best hit, all its hits, and its rank among the chosen articles."""

    rank: int
    hit: Hit
    hits: tuple[Hit, ...]

    @property
    def article(self) -> Article:
        return self.hit.article


def choose_sources(hits: Sequence[Hit], margin: float, limit: int) -> list[SourceArticle]:
    """The best article, and the next ones whose best passage is nearly as close to the question."""
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        grouped.setdefault(hit.article.id, []).append(hit)
    ranked = list(grouped.values())
    if not ranked:
        return []
    best = ranked[0][0].dense_score or 0.0
    sources: list[SourceArticle] = []
    for group in ranked:
        if len(sources) >= limit:
            break
        if sources and (group[0].dense_score or 0.0) < best - margin:
            continue
        sources.append(SourceArticle(len(sources), group[0], tuple(group)))
    return sources
