"""The extractive answerer's candidate sentences and its choice of those to compare with the question (no model)."""

from __future__ import annotations

from bot.answering.candidates import Candidate, gather
from bot.answering.extractive import shortlist
from bot.answering.sources import SourceArticle
from bot.answering.text_features import has_verb, is_caption
from embeddings.models import Article, Chunk, Hit


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


def test_captions_and_headings_are_not_candidate_sentences():
    body = ("Steve Jobs introduced the iPhone in January.\n\n"
            "The co-founder and former chief executive officer of Apple Inc.\n\n"
            "Apple said the phone would ship in June.")
    caption = body.index("The co-founder")
    assert is_caption(body, caption, body.index("\n\nApple said"))
    assert not is_caption(body, 0, body.index("\n\n"))  # a sentence, not a caption
    assert has_verb("Engelhard holds 35% of the world market.") and has_verb("“I'm a chess player.”")
    assert not has_verb("Market data.") and not has_verb("Prime Minister Manmohan Singh of India.")
    article = Article("jobs", "Jobs unveils the iPhone", body)
    hit = Hit(Chunk("jobs#0", "jobs", 0, body, 0, len(body)), article, 0.5, 0.5)
    quoted = [c.text for c in gather([SourceArticle(0, hit, (hit,))], None)]
    assert quoted == ["Steve Jobs introduced the iPhone in January.", "Apple said the phone would ship in June."]


def test_whole_articles_offers_the_sentences_outside_the_retrieved_passage():
    body = ("Apple unveiled the iPhone on Tuesday. The launch drew crowds. "
            "Jobs said the phone would change everything. It ships in June for $499.")
    article = Article("jobs", "Jobs unveils the iPhone", body)
    passage = body.index("Jobs said")
    hit = Hit(Chunk("jobs#1", "jobs", 1, body[passage:], passage, len(body)), article, 0.5, 0.5)
    source = SourceArticle(0, hit, (hit,))
    lead_and_passage = [c.text for c in gather([source], None)]
    assert lead_and_passage == ["Apple unveiled the iPhone on Tuesday.", "Jobs said the phone would change everything.",
                                "It ships in June for $499."]
    every = [c.text for c in gather([source], None, whole_articles=True)]
    assert every == ["Apple unveiled the iPhone on Tuesday.", "The launch drew crowds.",
                     "Jobs said the phone would change everything.", "It ships in June for $499."]
