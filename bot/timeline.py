"""A topic's timeline: the articles about it in date order, each with the sentence that best matches the topic.

An article belongs when it is about the topic, not when it merely mentions it: its best passage
must score close to the topic (a floor) and not far below the best article's, and the topic's own
words must be in its headline or lead, or two of its passages must be that close.
Copies of one story collapse (retrieval's near-duplicate rule), and a day keeps one entry unless
its stories differ. Measured on a dozen topics in the README ("Timelines").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.text_features import content_stems, is_caption
from embeddings.capping import one_per_article
from embeddings.dedupe import resemblance, shingles
from embeddings.models import Article, Hit, SearchFilters
from embeddings.retrieval import Retriever
from embeddings.sentence_vectors import ArticleSentenceVectors
from embeddings.sentences import sentence_spans


@dataclass(frozen=True)
class TimelineConfig:
    """Which articles are about a topic, and how many a timeline lists."""

    candidates: int = 300        # passages each search proposes (dense and full text)
    # An article's best passage must score (cosine plus its full-text bonus: a short topic is a name,
    # which full text finds better) at least this, and not further than max_below_best under the best.
    min_score: float = 0.40
    max_below_best: float = 0.15
    same_day_resemblance: float = 0.3  # two entries of one day are one story when their words overlap this much
    min_sentence_words: int = 4        # as answers: datelines and captions ("Pictures.") are never shown
    limit: int = 100
    closest: int = 3                   # articles shown instead when none is about the topic


@dataclass(frozen=True)
class TimelineEntry:
    """One article of a timeline and its sentence that best matches the topic (offsets in its body)."""

    article: Article
    start: int
    end: int
    score: float

    @property
    def sentence(self) -> str:
        return self.article.body[self.start:self.end]


@dataclass(frozen=True)
class Timeline:
    """A topic's articles in date order; `closest` holds the nearest articles when none is about it."""

    topic: str
    entries: list[TimelineEntry]
    closest: list[Hit]
    articles_searched: int


def build_timeline(retriever: Retriever, topic: str, filters: SearchFilters = SearchFilters(),
                   config: TimelineConfig = TimelineConfig(),
                   sentence_vectors: Callable[[list[str]], Mapping[str, ArticleSentenceVectors]] | None = None,
                   ) -> Timeline:
    """The timeline of `topic` among the articles the filters allow."""
    wide = Retriever(retriever.store, retriever.encoder,
                     dataclasses.replace(retriever.config, candidates=config.candidates, max_per_article=2))
    result = wide.search(topic, filters, limit=config.candidates, analyse=False)
    by_article: dict[str, list[Hit]] = {}
    for hit in result.hits:
        by_article.setdefault(hit.article.id, []).append(hit)
    best = max((h.score for h in result.hits), default=0.0)
    words = set(content_stems(topic))
    about = [hits for hits in by_article.values() if _is_about(hits, words, best, config)]
    stored = sentence_vectors([h[0].article.id for h in about]) if sentence_vectors and about else {}
    query = result.query_vector
    assert query is not None  # Retriever.search always returns the vector it searched with
    entries = [_entry(hits, query, stored, config) for hits in about]
    entries = _one_a_day(sorted(entries, key=lambda e: (e.article.date or dt.date.max, -e.score)), config)
    closest = [] if entries else one_per_article(result.hits, config.closest)
    return Timeline(topic, entries[:config.limit], closest, result.articles_searched)


def _is_about(hits: Sequence[Hit], words: set[str], best: float, config: TimelineConfig) -> bool:
    """About the topic, not a mention: close enough, and the topic's words in headline or lead, or in
    two of its passages close to the topic."""
    score = hits[0].score
    if score < config.min_score or score < best - config.max_below_best or not hits[0].article.date:
        return False
    article = hits[0].article
    lead = article.body[:sentence_spans(article.body)[0][1]] if article.body else ""
    headline_words = set(content_stems(f"{article.title} {lead}"))
    if words & headline_words:
        return True
    close = [h for h in hits if h.score >= config.min_score]
    return len(close) >= 2


def _entry(hits: Sequence[Hit], query: np.ndarray, stored: Mapping[str, ArticleSentenceVectors],
           config: TimelineConfig) -> TimelineEntry:
    """The article's sentence closest to the topic (its stored vectors; else its best passage's first
    sentence), never a caption, a heading or a fragment; the lead when no sentence qualifies."""
    article = hits[0].article
    body = article.body

    def quotable(span: tuple[int, int]) -> bool:
        start, end = span
        return len(body[start:end].split()) >= config.min_sentence_words and not is_caption(body, start, end)

    vectors = stored.get(article.id)
    if vectors is not None and vectors.content_hash == article.content_hash and vectors.by_span:
        spans = [s for s in vectors.by_span if quotable(s)]
        if spans:
            scores = np.stack([vectors.by_span[s] for s in spans]) @ query
            start, end = spans[int(np.argmax(scores))]
            return TimelineEntry(article, start, end, hits[0].score)
    chunk = hits[0].chunk
    in_chunk = sentence_spans(chunk.text, chunk.start)
    fallback = [s for s in in_chunk + sentence_spans(body) if quotable(s)]
    start, end = fallback[0] if fallback else (in_chunk or [(chunk.start, chunk.end)])[0]
    return TimelineEntry(article, start, end, hits[0].score)


def _one_a_day(entries: list[TimelineEntry], config: TimelineConfig) -> list[TimelineEntry]:
    """Entries in date order, a day's second story kept only when its headline and sentence differ."""
    kept: list[TimelineEntry] = []
    for entry in entries:
        same_day = [k for k in kept if k.article.date == entry.article.date]
        text = shingles(f"{entry.article.title} {entry.sentence}", 2)
        if any(resemblance(text, shingles(f"{k.article.title} {k.sentence}", 2)) >= config.same_day_resemblance
               for k in same_day):
            continue
        kept.append(entry)
    return kept

