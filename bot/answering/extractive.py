"""The default Answerer: quotes the archive's own sentences that best answer the question."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.answering.candidates import Candidate, SourceArticle, gather, measure_similarity, measure_words
from bot.answering.quotes import speaker_query
from bot.answering.types import CLOSEST_ARTICLES, Answer, Citation, abstention
from embeddings.encoders import Encoder
from embeddings.models import Hit
from embeddings.names import coordinated, names_together, parties
from embeddings.sentence_vectors import ArticleSentenceVectors

SentenceVectorLookup = Callable[[Sequence[str]], Mapping[str, ArticleSentenceVectors]]


@dataclass(frozen=True)
class ExtractiveConfig:
    """Thresholds and weights of the extractive answerer (cosines of all-MiniLM-L6-v2).

    The weights were fitted on the development questions (see the README's quality section);
    each one is a feature any news question has, never a rule about a particular question.
    """

    abstain_below: float = 0.38      # best passage cosine under this: not in the archive
    min_speaker_match: float = 0.3   # "what did X say" needs a statement this attributable to X
    article_margin: float = 0.04     # further articles are cited when this close to the best
    max_articles: int = 2
    max_words: int = 80
    # Sentences the model compares with the question (encoding is most of an answer's time):
    # half the best by the features that need no model, half those sharing most of the
    # question's words. See shortlist().
    encode_limit: int = 8
    sentence_margin: float = 0.25    # further sentences must score within this of the best
    closest_articles: int = CLOSEST_ARTICLES
    w_similarity: float = 1.0
    w_overlap: float = 0.1
    w_answer_type: float = 0.1
    w_speaker: float = 0.4
    w_lead: float = 0.05
    w_retrieval: float = 1.0         # the article's retrieval score (cosine plus its bonuses)


class ExtractiveAnswerer:
    """Answers with sentences quoted from the best articles, each followed by its [n]."""

    def __init__(self, encoder: Encoder, config: ExtractiveConfig = ExtractiveConfig(),
                 sentence_vectors: SentenceVectorLookup | None = None) -> None:
        self.encoder = encoder
        self.config = config
        # The index's stored sentence vectors (Store.sentence_vectors): without them, or for a
        # sentence they lack, the answerer encodes the sentence itself.
        self.sentence_vectors = sentence_vectors

    def answer(self, question: str, hits: Sequence[Hit]) -> Answer:
        cfg = self.config
        best = max((h.dense_score or 0.0 for h in hits), default=0.0)
        if not hits or best < cfg.abstain_below:
            return abstention(question, hits, cfg.closest_articles)
        sources = choose_sources(hits, cfg.article_margin, cfg.max_articles)
        speaker = speaker_query(question)
        candidates = gather(sources, speaker)
        # Only a named speaker can be checked: "the online shoe retailer's CEO" is in the article as
        # "Zappos CEO Tony Hsieh", which no word of the description matches.
        if speaker and speaker.named and max((c.speaker for c in candidates), default=0.0) < cfg.min_speaker_match:
            reason = f"The closest articles quote nothing said by {speaker.phrase}."
            return abstention(question, hits, cfg.closest_articles, reason)
        measure_words(candidates, question)
        candidates = shortlist(candidates, self._score, cfg.encode_limit)
        stored = self.sentence_vectors([s.article.id for s in sources]) if self.sentence_vectors else None
        measure_similarity(candidates, question, self.encoder, stored)
        for candidate in candidates:
            candidate.score = self._score(candidate)
        chosen = select(candidates, cfg.max_words, cfg.sentence_margin)
        if not chosen:
            return abstention(question, hits, cfg.closest_articles)
        answer = compose(question, chosen)
        named = parties(question)
        # A question naming several parties is answered by an article naming them together; quotes
        # from an article on each one alone answer a question the archive does not hold. A question
        # joining them ("Apple and Google") asks about each, so the cited articles may share them out.
        texts = [f"{c.article.title} {c.article.body}" for c in answer.citations]
        if len(named) >= 2 and not coordinated(question, named) \
                and not any(names_together(named, text) for text in texts):
            reason = f"The articles that best match the question never name {_listed(named)} together."
            return abstention(question, hits, cfg.closest_articles, reason)
        return answer

    def _score(self, c: Candidate) -> float:
        cfg = self.config
        return (cfg.w_similarity * c.similarity + cfg.w_overlap * c.overlap + cfg.w_answer_type * c.answer_type
                + cfg.w_speaker * c.speaker + cfg.w_lead * (c.index == 0)
                + cfg.w_retrieval * c.source.hit.score)


def _listed(names: Sequence[str]) -> str:
    """"A, B and C" (for two or more names)."""
    return f"{', '.join(names[:-1])} and {names[-1]}"


def choose_sources(hits: Sequence[Hit], margin: float, limit: int) -> list[SourceArticle]:
    """The best article, and the next ones whose best passage is nearly as close to the question."""
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        grouped.setdefault(hit.article.id, []).append(hit)
    ranked = list(grouped.values())
    best = ranked[0][0].dense_score or 0.0
    sources = []
    for group in ranked:
        if len(sources) >= limit:
            break
        if sources and (group[0].dense_score or 0.0) < best - margin:
            continue
        sources.append(SourceArticle(len(sources), group[0], tuple(group)))
    return sources


def shortlist(candidates: Sequence[Candidate], score: Callable[[Candidate], float], limit: int) -> list[Candidate]:
    """The candidates worth comparing with the question: the best by score and by shared words.

    Scored before the model has compared them, a question about a speaker ranks every quote by
    that speaker first; the sentence that answers it ("...would prioritise international
    hiring") is often no quote but shares the question's topic words, so half the places go to
    the sentences with the most of them.
    """
    by_score = sorted(candidates, key=score, reverse=True)
    by_words = sorted(by_score, key=lambda c: c.overlap, reverse=True)  # stable: ties stay in score order
    chosen = by_score[:limit - limit // 2]
    for candidate in by_words:
        if len(chosen) >= limit:
            break
        if not any(candidate is c for c in chosen):
            chosen.append(candidate)
    return chosen


def select(candidates: Sequence[Candidate], max_words: int, margin: float) -> list[Candidate]:
    """The best sentences within the word budget: the top one always, others within margin of it."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    if not ranked:
        return []
    chosen, words = [ranked[0]], ranked[0].words
    for candidate in ranked[1:]:
        if candidate.score < ranked[0].score - margin:
            break
        if words + candidate.words <= max_words:
            chosen.append(candidate)
            words += candidate.words
    return chosen


def compose(question: str, chosen: Sequence[Candidate]) -> Answer:
    """Number the cited articles by their best sentence and write each article's sentences in its order."""
    by_article: dict[str, list[Candidate]] = {}
    for candidate in sorted(chosen, key=lambda c: -c.score):
        by_article.setdefault(candidate.source.article.id, []).append(candidate)
    citations, parts = [], []
    for n, group in enumerate(by_article.values(), start=1):
        group.sort(key=lambda c: c.start)
        best = max(group, key=lambda c: c.score)
        hit = _hit_holding(best)
        quoted = [c for c in group if hit.chunk.start <= c.start and c.end <= hit.chunk.end] or [best]
        citations.append(Citation(n, hit, min(c.start for c in quoted), max(c.end for c in quoted)))
        parts.extend(f"{c.text} [{n}]" for c in group)
    return Answer(question, " ".join(parts), citations, abstained=False)


def _hit_holding(candidate: Candidate) -> Hit:
    """The retrieved passage that contains the sentence (else the article's best passage)."""
    for hit in candidate.source.hits:
        if hit.chunk.start <= candidate.start and candidate.end <= hit.chunk.end:
            return hit
    return candidate.source.hit
