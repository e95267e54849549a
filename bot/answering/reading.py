"""The reader in an answer: which candidate sentences it reads, and the score that ranks them after it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.candidates import Candidate
from bot.reader import AnswerInput, Reader
from bot.reader.inputs import sentence_before


@dataclass(frozen=True)
class ReadingConfig:
    """How the reader ranks an answer's sentences (its floors for abstaining live in AbstentionConfig).

    The final score of a read sentence is the reader's logit plus w_features times the hand-weighted
    score of ExtractiveConfig (retrieval, speaker, answer type, cosine): the reader decides, the
    features break its near-ties.
    """

    shortlist: int = 12          # sentences read per question, the best by the hand-weighted score (0: no reader)
    # Of those, read against each part of a compound question (the best by that part's cosine): 3 and 6 gave
    # validation coverage 0.705 against 0.707 for all 12, tuning unchanged, and ask's p95 335 -> 247 ms.
    part_shortlist: int = 3
    w_features: float = 1.0      # weight of the hand-weighted score beside the reader's logit
    # A sentence after the first joins the answer (within ExtractiveConfig.max_words) when it reads at least
    # include_floor likely and scores within read_margin of the best (logit scale; without a reader,
    # ExtractiveConfig.sentence_margin). Swept with benchmarks.tune on tuning + validation (docs/experiments.md,
    # 2026-12-07). With the first reader, margin 8 against 1 raised tuning coverage 0.67 -> 0.79, and
    # include_floor 0.05 against 0 cost 0.02 of it for answers without sentences that answer nothing asked (a
    # follow-up's answer repeated the earlier answer's sentences at 0). The second reader reads an article's
    # other statements higher (0.22 for the hiring sentence asked about Alimama), so at margin 8 a follow-up
    # repeated them again; margin 3 keeps them out for tuning / validation coverage 0.775 / 0.735 -> 0.760 /
    # 0.729 and median words 75 / 72 -> 67 / 59 (include_floor 0.2 instead: 0.760 / 0.720).
    include_floor: float = 0.05
    read_margin: float = 3.0


def logit(probability: float) -> float:
    p = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def read_shortlist(reader: Reader, question: str, candidates: Sequence[Candidate], limit: int) -> list[Candidate]:
    """The best `limit` candidates by their hand-weighted score, each with its `reading` filled in."""
    shortlist = sorted(candidates, key=lambda c: -c.score)[:limit]
    probabilities = reader.answers([as_input(question, c, reader.answer_context) for c in shortlist])
    for candidate, probability in zip(shortlist, probabilities):
        candidate.reading = float(probability)
    return shortlist


def as_input(question: str, candidate: Candidate, context: bool = False) -> AnswerInput:
    """The candidate as the reader reads it; with context, followed by the sentence before it."""
    article = candidate.source.article
    before = sentence_before(article.body, candidate.start) if context else ""
    return AnswerInput(question, candidate.text, article.title, article.date, before)


def best_reading(candidates: Sequence[Candidate]) -> float:
    """How likely the best read candidate answers the question (0 when none was read)."""
    return max((c.reading for c in candidates if c.reading is not None), default=0.0)
