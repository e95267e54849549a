"""The default Answerer: quotes the archive's own sentences that best answer the question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.types import NOT_FOUND_TEXT, Answer, Citation
from embeddings.encoders import Encoder
from embeddings.models import Hit
from embeddings.sentences import sentence_spans
from embeddings.text_query import query_terms

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ExtractiveConfig:
    """Thresholds of the extractive answerer (cosines of all-MiniLM-L6-v2)."""

    abstain_below: float = 0.35      # best passage cosine under this: not in the archive
    passage_margin: float = 0.15     # passages this far below the best are not quoted
    max_passages: int = 4
    max_sentences: int = 3
    max_words: int = 80
    sentence_margin: float = 0.08    # extra sentences must score within this of the best
    closest_articles: int = 3


@dataclass(frozen=True)
class _Sentence:
    hit_index: int
    start: int  # offsets into the article body
    end: int
    score: float


class ExtractiveAnswerer:
    """Answers with sentences quoted from the best passages, each followed by its [n]."""

    def __init__(self, encoder: Encoder, config: ExtractiveConfig = ExtractiveConfig()) -> None:
        self.encoder = encoder
        self.config = config

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        cfg = self.config
        best = max((h.dense_score or 0.0 for h in hits), default=0.0)
        if not hits or best < cfg.abstain_below:
            return abstention(question, hits, cfg.closest_articles)
        passages = [h for h in hits if (h.dense_score or 0.0) >= best - cfg.passage_margin][:cfg.max_passages]
        chosen = self._choose(question, passages)
        if not chosen:
            return abstention(question, hits, cfg.closest_articles)
        return _compose(question, passages, chosen)

    def _choose(self, question: str, passages: Sequence[Hit]) -> list[_Sentence]:
        candidates = [
            (i, start, end)
            for i, hit in enumerate(passages)
            for start, end in sentence_spans(hit.chunk.text, hit.chunk.start)
            if len(_WORD.findall(hit.article.body[start:end])) >= 4
        ]
        if not candidates:
            return []
        texts = [passages[i].article.body[s:e] for i, s, e in candidates]
        cosines = self.encoder.encode_documents(texts) @ self.encoder.encode_query(question)
        terms = set(query_terms(question))
        scored = sorted(
            (_Sentence(i, s, e, float(cos) + 0.1 * _overlap(terms, text) + 0.05 * (passages[i].dense_score or 0.0))
             for (i, s, e), cos, text in zip(candidates, cosines, texts)),
            key=lambda s: -s.score,
        )
        chosen, words = [], 0
        for sentence in scored:
            length = len(_WORD.findall(passages[sentence.hit_index].article.body[sentence.start:sentence.end]))
            if chosen and (sentence.score < scored[0].score - self.config.sentence_margin
                           or len(chosen) >= self.config.max_sentences or words + length > self.config.max_words):
                continue
            chosen.append(sentence)
            words += length
        return chosen


def _overlap(terms: set[str], text: str) -> float:
    if not terms:
        return 0.0
    return len(terms & set(query_terms(text, max_terms=200))) / len(terms)


def _compose(question: str, passages: Sequence[Hit], chosen: list[_Sentence]) -> Answer:
    """Number the cited articles by first appearance and write the sentences with their markers."""
    by_article: dict[str, list[_Sentence]] = {}
    for sentence in chosen:  # best first, so the article of the best sentence is [1]
        by_article.setdefault(passages[sentence.hit_index].article.id, []).append(sentence)
    for sentences in by_article.values():
        sentences.sort(key=lambda s: s.start)  # an article's sentences read in its own order
    citations, parts = [], []
    for n, sentences in enumerate(by_article.values(), start=1):
        top = max(sentences, key=lambda s: s.score)
        hit = passages[top.hit_index]
        # Quote the run of chosen sentences when they share the passage, else the best one alone.
        same_passage = [s for s in sentences if s.hit_index == top.hit_index]
        citations.append(Citation(n, hit, min(s.start for s in same_passage), max(s.end for s in same_passage)))
        parts.extend(f"{hit.article.body[s.start:s.end]} [{n}]" for s in sentences)
    return Answer(question, " ".join(parts), citations, abstained=False)


def abstention(question: str, hits: Sequence[Hit], limit: int) -> Answer:
    """The honest answer when the archive does not hold one: say so, show the closest articles."""
    closest, seen = [], set()
    for hit in hits:
        if hit.article.id not in seen:
            seen.add(hit.article.id)
            closest.append(hit)
        if len(closest) >= limit:
            break
    return Answer(question, NOT_FOUND_TEXT, [], abstained=True, closest=closest)
