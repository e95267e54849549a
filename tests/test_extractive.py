"""The extractive answerer's choice of sentences to compare with the question (no model needed)."""

from __future__ import annotations

from bot.answering.candidates import Candidate
from bot.answering.extractive import shortlist


def candidate(index: int, overlap: float, speaker: float) -> Candidate:
    return Candidate(source=None, index=index, start=0, end=0, overlap=overlap, speaker=speaker)


def test_shortlist_keeps_the_sentences_sharing_the_question_words_among_many_quotes():
    quotes = [candidate(i, overlap=0.0, speaker=1.0) for i in range(10)]
    answer = candidate(10, overlap=0.33, speaker=0.5)
    lead = candidate(11, overlap=0.67, speaker=0.0)
    score = lambda c: 0.4 * c.speaker + 0.25 * c.overlap  # noqa: E731 - the answerer's cheap features
    chosen = shortlist(quotes + [answer, lead], score, limit=6)
    assert [c.index for c in chosen] == [0, 1, 2, lead.index, answer.index, 3]


def test_shortlist_takes_everything_when_there_is_room_and_never_repeats():
    few = [candidate(i, overlap=i / 10, speaker=0.0) for i in range(4)]
    chosen = shortlist(few, lambda c: c.overlap, limit=8)
    assert sorted(c.index for c in chosen) == [0, 1, 2, 3] and len(chosen) == 4
