"""The default Answerer: quotes the archive's own sentences that best answer the question."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.answering.candidates import FEATURES, Candidate, gather, measure_similarity, measure_words, stored_vector
from bot.answering.caveats import period_caveat
from bot.answering.policy import AbstentionConfig, Grounds, Refusal, refusal
from bot.answering.quotes import speaker_query
from bot.answering.reading import ReadingConfig, as_input, best_reading, logit, read_shortlist
from bot.answering.sources import SourceArticle, choose_sources
from bot.answering.types import Answer, Citation, Considered, FollowUpContext, abstention
from bot.reader import Reader
from embeddings.encoders import Encoder
from embeddings.models import Hit
from embeddings.retrieval import RetrievalResult
from embeddings.sentence_vectors import ArticleSentenceVectors

SentenceVectorLookup = Callable[[Sequence[str]], Mapping[str, ArticleSentenceVectors]]


@dataclass(frozen=True)
class ExtractiveConfig:
    """Weights and limits of the extractive answerer (cosines of all-MiniLM-L6-v2).

    The weights were fitted on the development questions (see the README's quality section);
    each one is a feature any news question has, never a rule about a particular question.
    """

    # The articles whose sentences may be quoted: the best retrieved and those whose best passage is within
    # article_margin (cosine) of it. With the reader choosing among their sentences, 0.08 and 3 against 0.04
    # and 2 raised tuning / validation coverage 0.760 / 0.729 -> 0.771 / 0.756 and hit@1 0.94 / 0.84 -> 0.95 /
    # 0.86 (benchmarks.tune, margins 0.04-0.15 by 2-4 articles; docs/experiments.md, 2026-12-07): a story told
    # in two reports, or an article retrieval ranks second that the reader reads as the answer.
    article_margin: float = 0.08
    max_articles: int = 3
    max_words: int = 80
    min_sentence_words: int = 4      # shorter "sentences" (datelines, captions' fragments) are never quoted
    reported_speech: float = 0.5     # a statement without quotation marks, as the speaker's words, vs a quoted one
    # Every sentence of a cited article is a candidate, not only those of its retrieved passages: the sentence
    # that answers is often just outside the passage retrieval matched (a quotation's second half, the figure
    # after the event). Tuning / validation coverage 0.773 / 0.716 -> 0.791 / 0.736 at the same length
    # (benchmarks.tune; docs/experiments.md, 2026-12-08).
    whole_articles: bool = True
    # Sentences without a stored vector that are encoded to compare with the question: the best
    # `encode_limit` by the features that need no model, shortlist_by_words of the places going to
    # those sharing most of the question's words.
    encode_limit: int = 8
    shortlist_by_words: float = 0.5
    # Further sentences must score within this of the best: 1.0 lets the word budget decide (sealed
    # coverage 0.65 -> 0.66 against 0.25, tuning 0.62 -> 0.64; see the README).
    sentence_margin: float = 1.0
    # Weights of the candidate features (Candidate.features), set by hand on measurements (docs/quality.md);
    # a feature of weight 0 is not computed on the answer path.
    w_similarity: float = 1.0
    w_overlap: float = 0.1
    w_focus: float = 0.0
    w_answer_type: float = 0.1
    w_speaker: float = 0.4
    w_lead: float = 0.05
    w_retrieval: float = 1.0         # the article's retrieval score (cosine plus its bonuses)
    w_second_article: float = 0.0
    w_position: float = 0.0
    w_in_passage: float = 0.0


@dataclass(frozen=True)
class Judged:
    """A question's candidates, scored (and read, with a reader), and the policy's verdict on them."""

    candidates: list[Candidate]
    grounds: Grounds
    refused: Refusal | None
    stored: Mapping[str, ArticleSentenceVectors] | None = None


class ExtractiveAnswerer:
    """Answers with sentences quoted from the best articles, each followed by its [n].

    With a reader (bot.reader), the best candidates by the hand-weighted features are read against
    the question: the reader's probability ranks them (the features break near-ties), decides which
    further sentences join the first, and tells the policy whether anything answers at all.
    """

    def __init__(self, encoder: Encoder, config: ExtractiveConfig = ExtractiveConfig(),
                 sentence_vectors: SentenceVectorLookup | None = None,
                 policy: AbstentionConfig = AbstentionConfig(), reader: Reader | None = None,
                 reading: ReadingConfig = ReadingConfig()) -> None:
        self.encoder = encoder
        self.config = config
        self.policy = policy
        self.reader = reader
        self.reading = reading
        # The index's stored sentence vectors (Store.sentence_vectors): without them, or for a
        # sentence they lack, the answerer encodes the sentence itself.
        self.sentence_vectors = sentence_vectors
        # The features that weigh anything: those of weight 0 are left out of every score.
        self._weights = {name: getattr(config, f"w_{name}") for name in FEATURES if getattr(config, f"w_{name}")}

    def answer(self, question: str, result: RetrievalResult, *, context: FollowUpContext | None = None,
               on_progress: Callable[[str], None] | None = None) -> Answer:
        judged = self.judge(question, result)
        if judged.refused:
            return replace(abstention(question, result, judged.refused.rule, judged.refused.reason,
                                      self.policy.closest_articles), considered=considered(judged.candidates, ()))
        floor = self.reading.include_floor if self.reading_on else None
        margin = self.reading.read_margin if self.reading_on else self.config.sentence_margin
        chosen = select(judged.candidates, self.config.max_words, margin,
                        self._best_for_parts(judged.candidates, result, judged.stored), floor)
        return replace(compose(question, chosen, result), considered=considered(judged.candidates, chosen))

    def judge(self, question: str, result: RetrievalResult) -> Judged:
        """Score the candidate sentences (read them, with a reader) and ask the policy whether to answer."""
        cfg = self.config
        sources, candidates, grounds = prepare(question, result, cfg)
        refused = refusal(grounds, self.policy)
        if refused:
            return Judged([], grounds, refused)
        # A feature of weight 0 is not computed (the fitting code, benchmarks.fit_answer, computes them all).
        measure_words(candidates, question, speaker_query(question), focus=bool(cfg.w_focus))
        stored = self.sentence_vectors([s.article.id for s in sources]) if self.sentence_vectors else None
        # Encoding is most of an answer's time: of the sentences the index has no vector for, only
        # a shortlist is encoded.
        candidates = measure_similarity(
            candidates, question_vector(question, result, self.encoder), self.encoder, stored,
            lambda missing: shortlist(missing, self._score, cfg.encode_limit, cfg.shortlist_by_words))
        for candidate in candidates:
            candidate.score = self._score(candidate)
        if self.reader is None or not self.reading_on:
            return Judged(candidates, grounds, None, stored)
        candidates = read_shortlist(self.reader, question, candidates, self.reading.shortlist)
        for candidate in candidates:
            candidate.score = logit(candidate.reading or 0.0) + self.reading.w_features * candidate.score
        grounds = replace(grounds, reading=best_reading(candidates))
        return Judged(candidates, grounds, refusal(grounds, self.policy), stored)

    @property
    def reading_on(self) -> bool:
        return self.reader is not None and self.reading.shortlist > 0

    def _best_for_parts(self, candidates: Sequence[Candidate], result: RetrievalResult,
                        stored: Mapping[str, ArticleSentenceVectors] | None) -> list[Candidate]:
        """For a question asking two things, the best sentence for each: read against that part, with a
        reader, else scored by its cosine to that part."""
        if not candidates or not result.parts:
            return []
        # Each part's best sentences by the features (with that part's cosine): the best, or with a reader
        # the few it reads against that part, every part in one batch.
        ranked = [sorted(candidates, key=lambda c: -self._part_score(c, part.vector, stored))  # noqa: B023
                  for part in result.parts]
        if self.reader is None or not self.reading_on:
            return [order[0] for order in ranked]
        shortlists = [order[:self.reading.part_shortlist] for order in ranked]
        readings = self.reader.answers([as_input(part.query, c, self.reader.answer_context)
                                        for part, shortlist in zip(result.parts, shortlists)
                                        for c in shortlist])
        best, at = [], 0
        for shortlist in shortlists:
            best.append(shortlist[int(readings[at:at + len(shortlist)].argmax())])
            at += len(shortlist)
        return best

    def _part_score(self, c: Candidate, vector: np.ndarray, stored: Mapping[str, ArticleSentenceVectors] | None
                    ) -> float:
        found = stored_vector(c, stored or {})
        similarity = float(found @ vector) if found is not None else c.similarity
        return c.score + self.config.w_similarity * (similarity - c.similarity)

    def _score(self, c: Candidate) -> float:
        features = c.features()
        return sum(weight * features[name] for name, weight in self._weights.items())


def considered(candidates: Sequence[Candidate], chosen: Sequence[Candidate]) -> tuple[Considered, ...]:
    """The candidates as `ask --explain` shows them, best first."""
    picked = {id(c) for c in chosen}
    return tuple(Considered(c.source.article.id, c.source.article.title, c.text, c.reading, c.score, c.features(),
                            id(c) in picked) for c in sorted(candidates, key=lambda c: -c.score))


def prepare(question: str, result: RetrievalResult,
            cfg: ExtractiveConfig) -> tuple[list[SourceArticle], list[Candidate], Grounds]:
    """The articles an answer may cite, their candidate sentences, and the grounds the policy judges."""
    sources = choose_sources(result.hits, cfg.article_margin, cfg.max_articles)
    for part in result.parts:  # each part of a compound question brings its own best article
        if part.hits and all(part.hits[0].article.id != s.article.id for s in sources):
            mine = tuple(h for h in part.hits if h.article.id == part.hits[0].article.id)
            sources.append(SourceArticle(len(sources), part.hits[0], mine))
    candidates = gather(sources, speaker_query(question), cfg.min_sentence_words, cfg.reported_speech,
                        cfg.whole_articles)
    return sources, candidates, Grounds(question, result, len(candidates))


def question_vector(question: str, result: RetrievalResult, encoder: Encoder) -> np.ndarray:
    """The vector of the question being answered: retrieval's, when it searched for exactly that.

    A follow-up is searched together with the earlier question, but its sentences are ranked
    against what it asks itself.
    """
    if result.query_vector is not None and result.query == question:
        return result.query_vector
    return encoder.encode_query(question)


def shortlist(candidates: Sequence[Candidate], score: Callable[[Candidate], float], limit: int,
              by_words: float = 0.5) -> list[Candidate]:
    """The candidates worth comparing with the question: the best by score and by shared words.

    Scored before the model has compared them, a question about a speaker ranks every quote by
    that speaker first; the sentence that answers it ("...would prioritise international
    hiring") is often no quote but shares the question's topic words, so a share of the places
    (by_words) goes to the sentences with the most of them.
    """
    by_score = sorted(candidates, key=score, reverse=True)
    by_overlap = sorted(by_score, key=lambda c: c.overlap, reverse=True)  # stable: ties stay in score order
    chosen = by_score[:limit - int(limit * by_words)]
    for candidate in by_overlap:
        if len(chosen) >= limit:
            break
        if not any(candidate is c for c in chosen):
            chosen.append(candidate)
    return chosen


def select(candidates: Sequence[Candidate], max_words: int, margin: float,
           wanted: Sequence[Candidate] = (), floor: float | None = None) -> list[Candidate]:
    """The best sentences within the word budget: the top one always, then those `wanted` (the best
    for each part of a compound question), then others within margin of the top one (and, with a
    reader, read at least `floor` likely to answer)."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    if not ranked:
        return []
    chosen, words = [ranked[0]], ranked[0].words
    for candidate in wanted:
        if not any(candidate is c for c in chosen) and words + candidate.words <= max_words:
            chosen.append(candidate)
            words += candidate.words
    for candidate in ranked[1:]:
        if candidate.score < ranked[0].score - margin:
            break
        if floor is not None and (candidate.reading or 0.0) < floor:
            continue
        if not any(candidate is c for c in chosen) and words + candidate.words <= max_words:
            chosen.append(candidate)
            words += candidate.words
    return chosen


def compose(question: str, chosen: Sequence[Candidate], result: RetrievalResult) -> Answer:
    """Number the cited articles by their best sentence and write each article's sentences in its order."""
    by_article: dict[str, list[Candidate]] = {}
    for candidate in sorted(chosen, key=lambda c: -c.score):
        by_article.setdefault(candidate.source.article.id, []).append(candidate)
    citations: list[Citation] = []
    parts: list[str] = []
    for n, group in enumerate(by_article.values(), start=1):
        group.sort(key=lambda c: c.start)
        best = max(group, key=lambda c: c.score)
        hit = _hit_holding(best)
        quoted = [c for c in group if hit.chunk.start <= c.start and c.end <= hit.chunk.end] or [best]
        citations.append(Citation(n, hit, min(c.start for c in quoted), max(c.end for c in quoted)))
        parts.extend(f"{c.text} [{n}]" for c in group)
    return Answer(question, " ".join(parts), citations, abstained=False, articles_searched=result.articles_searched,
                  retrieved=list(result.hits), caveat=period_caveat(result.period, citations))


def _hit_holding(candidate: Candidate) -> Hit:
    """The retrieved passage that contains the sentence (else the article's best passage)."""
    for hit in candidate.source.hits:
        if hit.chunk.start <= candidate.start and candidate.end <= hit.chunk.end:
            return hit
    return candidate.source.hit
