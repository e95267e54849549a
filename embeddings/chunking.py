"""Cutting an article body into passages on paragraph and sentence boundaries, with exact offsets."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from embeddings.models import Article, Chunk
from embeddings.sentences import sentence_spans

# Bump when the chunking rules change, so every article is re-chunked on the next reindex.
CHUNKER_VERSION = "2"

TokenCounter = Callable[[Sequence[str]], list[int]]
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ChunkingPolicy:
    """How big a passage may be, in the encoder's word pieces.

    max_tokens is the hard limit (past it the model silently truncates); target_tokens is the
    size paragraphs are merged up to, which keeps a passage about one thing.
    """

    max_tokens: int = 250
    target_tokens: int = 200


def embedding_text(title: str, chunk_text: str) -> str:
    """What the encoder sees for a chunk: the headline gives every passage its context."""
    return f"{title}\n\n{chunk_text}"


def chunk_article(article: Article, count_tokens: TokenCounter,
                  policy: ChunkingPolicy = ChunkingPolicy()) -> list[Chunk]:
    """Split article.body into Chunks whose headline-prefixed text fits the model's limit."""
    title_cost = count_tokens([embedding_text(article.title, "")])[0]
    budget_max = max(8, policy.max_tokens - title_cost)
    budget_target = max(8, min(budget_max, policy.target_tokens - title_cost))
    units = _units(article.body, count_tokens, budget_max)
    spans = _pack(units, budget_target)
    return [
        Chunk(
            id=f"{article.id}#{ordinal}",
            article_id=article.id,
            ordinal=ordinal,
            text=article.body[start:end],
            start=start,
            end=end,
        )
        for ordinal, (start, end) in enumerate(spans)
    ]


@dataclass
class _Unit:
    start: int
    end: int
    tokens: int
    paragraph_start: bool


def _units(body: str, count_tokens: TokenCounter, budget_max: int) -> list[_Unit]:
    """Paragraphs that fit the budget, else their sentences, else word windows of a sentence."""
    paragraphs = _paragraph_spans(body)
    counts = count_tokens([body[s:e] for s, e in paragraphs])
    units: list[_Unit] = []
    for (start, end), tokens in zip(paragraphs, counts):
        if tokens <= budget_max:
            units.append(_Unit(start, end, tokens, True))
            continue
        sentences = sentence_spans(body[start:end], start)
        sentence_counts = count_tokens([body[s:e] for s, e in sentences])
        first = True
        for (s_start, s_end), s_tokens in zip(sentences, sentence_counts):
            if s_tokens <= budget_max:
                pieces = [(s_start, s_end, s_tokens)]
            else:
                pieces = _word_windows(body, s_start, s_end, count_tokens, budget_max)
            for p_start, p_end, p_tokens in pieces:
                units.append(_Unit(p_start, p_end, p_tokens, first))
                first = False
    return units


def _paragraph_spans(body: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(body)))
    return [(s, e) for s, e in spans if body[s:e].strip()]


def _word_windows(body: str, start: int, end: int, count_tokens: TokenCounter,
                  budget: int) -> list[tuple[int, int, int]]:
    """Cut an over-long sentence into runs of whole words that each fit the budget."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(body, start, end)]
    counts = count_tokens([body[s:e] for s, e in words])
    windows: list[tuple[int, int, int]] = []
    w_start: int | None = None  # the open window's first character; its end is set with it
    w_end, w_tokens = 0, 0
    for (s, e), tokens in zip(words, counts):
        tokens = min(tokens, budget)  # a single absurd "word" still lands somewhere
        if w_start is not None and w_tokens + tokens > budget:
            windows.append((w_start, w_end, w_tokens))
            w_start, w_tokens = None, 0
        if w_start is None:
            w_start = s
        w_end, w_tokens = e, w_tokens + tokens
    if w_start is not None:
        windows.append((w_start, w_end, w_tokens))
    return windows


def _pack(units: list[_Unit], budget: int) -> list[tuple[int, int]]:
    """Merge consecutive units up to the budget; a paragraph start is the preferred cut."""
    spans: list[tuple[int, int]] = []
    current: _Unit | None = None
    for unit in units:
        if current is not None and current.tokens + unit.tokens + 1 <= budget:
            current = _Unit(current.start, unit.end, current.tokens + unit.tokens + 1, current.paragraph_start)
            continue
        if current is not None:
            spans.append((current.start, current.end))
        current = _Unit(unit.start, unit.end, unit.tokens, unit.paragraph_start)
    if current is not None:
        spans.append((current.start, current.end))
    return spans
