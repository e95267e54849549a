"""The sentences an answer may quote: where they come from and the features that rank them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.quotes import SpeakerQuery, speaker_match, statements
from bot.answering.sources import SourceArticle
from bot.answering.text_features import (
    answer_types,
    content_stems,
    is_caption,
    type_match,
)
from embeddings.encoders import Encoder
from embeddings.sentence_vectors import ArticleSentenceVectors
from embeddings.sentences import sentence_spans


@dataclass
class Candidate:
    """A sentence of a source article, with offsets into its body and the features that rank it."""

    source: SourceArticle
    index: int          # sentence index in the article
    start: int
    end: int
    similarity: float = 0.0   # cosine of question and "headline. sentence"
    overlap: float = 0.0      # share of the question's content words in the sentence
    answer_type: float = 0.0  # offers the kind of answer asked for (number, date, cause, name)
    speaker: float = 0.0      # reports speech by the speaker the question names
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.source.article.body[self.start:self.end]

    @property
    def words(self) -> int:
        return len(self.text.split())


def gather(sources: Sequence[SourceArticle], speaker: SpeakerQuery | None, min_words: int = 4,
           reported_speech: float = 0.5) -> list[Candidate]:
    """Sentences of the retrieved passages, each article's lead, and statements by the asked-for speaker.

    Sentences shorter than min_words, and captions or headings (lines of their own without a
    verb), are left out; a statement reported without quotation marks counts reported_speech
    times a quoted one as the speaker's words.
    """
    found: dict[tuple[str, int], Candidate] = {}
    for source in sources:
        body = source.article.body
        spans = sentence_spans(body)
        wanted = {0}
        for hit in source.hits:
            wanted.update(i for i, (s, e) in enumerate(spans) if s < hit.chunk.end and e > hit.chunk.start)
        speech = _speech_by(speaker, [body[s:e] for s, e in spans], reported_speech)
        wanted.update(speech)
        for index in sorted(wanted):
            start, end = spans[index]
            if len(body[start:end].split()) >= min_words and not is_caption(body, start, end):
                found[(source.article.id, index)] = Candidate(source, index, start, end, speaker=speech.get(index, 0.0))
    return list(found.values())


def measure_words(candidates: Sequence[Candidate], question: str) -> None:
    """Fill in the features that need no model: word overlap with the question and answer type."""
    question_words = set(content_stems(question))
    types = answer_types(question)
    for candidate in candidates:
        words = set(content_stems(candidate.text))
        candidate.overlap = len(question_words & words) / len(question_words) if question_words else 0.0
        candidate.answer_type = type_match(types, candidate.text, question)


def measure_similarity(candidates: Sequence[Candidate], query: np.ndarray, encoder: Encoder,
                       stored: Mapping[str, ArticleSentenceVectors] | None = None) -> None:
    """Fill in each candidate's cosine to the question's vector `query`.

    A sentence whose vector the index stored (pooled from its passage's encoding) costs a dot
    product; the others ("headline. sentence") go through the encoder in one batch.
    """
    if not candidates:
        return
    missing = []
    for candidate in candidates:
        vector = _stored_vector(candidate, stored or {})
        if vector is None:
            missing.append(candidate)
        else:
            candidate.similarity = float(vector @ query)
    if missing:
        texts = [f"{c.source.article.title}. {c.text}" for c in missing]
        similarities = encoder.encode_documents(texts) @ query
        for candidate, similarity in zip(missing, np.asarray(similarities, dtype=float)):
            candidate.similarity = float(similarity)


def _stored_vector(candidate: Candidate, stored: Mapping[str, ArticleSentenceVectors]) -> np.ndarray | None:
    article = candidate.source.article
    vectors = stored.get(article.id)
    # Vectors of another version of the article (reindexed since it was retrieved) do not apply.
    if vectors is None or vectors.content_hash != article.content_hash:
        return None
    return vectors.by_span.get((candidate.start, candidate.end))


def _speech_by(speaker: SpeakerQuery | None, sentences: Sequence[str], reported: float) -> dict[int, float]:
    """Sentence index -> how well its reported speech matches the speaker (quoted speech counts more)."""
    if speaker is None:
        return {}
    matches: dict[int, float] = {}
    for statement in statements(sentences):
        match = speaker_match(speaker, statement)
        if match > 0:
            matches[statement.index] = match * (1.0 if statement.quoted else reported)
    return matches

