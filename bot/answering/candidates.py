"""The sentences an answer may quote: where they come from and the features that rank them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.quotes import SpeakerQuery, speaker_match, statements
from bot.answering.sources import SourceArticle
from bot.answering.text_features import answer_types, content_stems, is_caption, type_match
from embeddings.encoders import Encoder
from embeddings.sentence_vectors import ArticleSentenceVectors
from embeddings.sentences import sentence_spans

FEATURES = ("similarity", "overlap", "focus", "answer_type", "speaker", "lead", "retrieval", "second_article",
            "position", "in_passage")  # what Candidate.features() gives, by name (ExtractiveConfig's w_<name>)


@dataclass
class Candidate:
    """A sentence of a source article, with offsets into its body and the features that rank it."""

    source: SourceArticle
    index: int          # sentence index in the article
    start: int
    end: int
    similarity: float = 0.0   # cosine of question and "headline. sentence"
    overlap: float = 0.0      # share of the question's content words in the sentence
    focus: float = 0.0        # share of the words the question asks about (less its speaker's) in the sentence
    answer_type: float = 0.0  # offers the kind of answer asked for (number, date, cause, name)
    speaker: float = 0.0      # reports speech by the speaker the question names
    position: float = 0.0     # where in the article: 0 for the first sentence, 1 for the last
    in_passage: bool = False  # inside a retrieved passage (not only the lead or a statement found elsewhere)
    score: float = 0.0
    reading: float | None = None  # the reader's probability that it answers the question (None: not read)

    @property
    def text(self) -> str:
        return self.source.article.body[self.start:self.end]

    @property
    def words(self) -> int:
        return len(self.text.split())

    def features(self) -> dict[str, float]:
        """The features the answerer weighs (ExtractiveConfig's w_<name>), by name."""
        return {"similarity": self.similarity, "overlap": self.overlap, "focus": self.focus,
                "answer_type": self.answer_type, "speaker": self.speaker, "lead": float(self.index == 0),
                "retrieval": self.source.hit.score, "second_article": float(self.source.rank > 0),
                "position": self.position, "in_passage": float(self.in_passage)}


def gather(sources: Sequence[SourceArticle], speaker: SpeakerQuery | None, min_words: int = 4,
           reported_speech: float = 0.5, whole_articles: bool = False) -> list[Candidate]:
    """Sentences of the retrieved passages (with `whole_articles`, every sentence of the articles), each
    article's lead, and statements by the asked-for speaker.

    Sentences shorter than min_words, and captions or headings (lines of their own without a
    verb), are left out; a statement reported without quotation marks counts reported_speech
    times a quoted one as the speaker's words.
    """
    found: dict[tuple[str, int], Candidate] = {}
    for source in sources:
        body = source.article.body
        spans = sentence_spans(body)
        passages = {i for i, (s, e) in enumerate(spans)
                    for hit in source.hits if s < hit.chunk.end and e > hit.chunk.start}
        speech = _speech_by(speaker, [body[s:e] for s, e in spans], reported_speech)
        wanted = {0} | passages | speech.keys() | (set(range(len(spans))) if whole_articles else set())
        for index in sorted(wanted):
            start, end = spans[index]
            if len(body[start:end].split()) >= min_words and not is_caption(body, start, end):
                found[(source.article.id, index)] = Candidate(
                    source, index, start, end, speaker=speech.get(index, 0.0),
                    position=index / max(1, len(spans) - 1), in_passage=index in passages)
    return list(found.values())


def measure_words(candidates: Sequence[Candidate], question: str, speaker: SpeakerQuery | None = None,
                  *, focus: bool = True) -> None:
    """Fill in the features that need no model: word overlap with the question (all of it, and, with
    `focus`, what it asks about less its speaker's words, which the speaker feature already weighs) and
    answer type."""
    question_words = set(content_stems(question))
    focus_words = question_words - (speaker.who if speaker else frozenset())
    types = answer_types(question)
    for candidate in candidates:
        words = set(content_stems(candidate.text))
        candidate.overlap = len(question_words & words) / len(question_words) if question_words else 0.0
        if focus:
            candidate.focus = len(focus_words & words) / len(focus_words) if focus_words else 0.0
        candidate.answer_type = type_match(types, candidate.text, question)


def measure_similarity(candidates: Sequence[Candidate], query: np.ndarray, encoder: Encoder,
                       stored: Mapping[str, ArticleSentenceVectors] | None = None,
                       to_encode: Callable[[list[Candidate]], list[Candidate]] = list) -> list[Candidate]:
    """Fill in each candidate's cosine to the question's vector `query`; the candidates that have one.

    A sentence whose vector the index stored (pooled from its passage's encoding) costs a dot
    product; of the others ("headline. sentence", from an index made before sentence vectors),
    those `to_encode` picks go through the encoder in one batch, and the rest are left out.
    """
    measured, missing = [], []
    for candidate in candidates:
        vector = stored_vector(candidate, stored or {})
        if vector is None:
            missing.append(candidate)
        else:
            candidate.similarity = float(vector @ query)
            measured.append(candidate)
    encoding = to_encode(missing) if missing else []
    if encoding:
        texts = [f"{c.source.article.title}. {c.text}" for c in encoding]
        similarities = encoder.encode_documents(texts) @ query
        for candidate, similarity in zip(encoding, np.asarray(similarities, dtype=float)):
            candidate.similarity = float(similarity)
    return measured + list(encoding)


def stored_vector(candidate: Candidate, stored: Mapping[str, ArticleSentenceVectors]) -> np.ndarray | None:
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

