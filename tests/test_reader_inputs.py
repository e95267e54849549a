"""How a candidate sentence is written for the reader: alone, or followed by the sentence before it when the
model was trained to read that (its manifest says so)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from bot.answering.candidates import gather
from bot.answering.reading import as_input, read_shortlist
from bot.answering.sources import SourceArticle
from bot.reader import MODEL_DIR, AnswerInput
from bot.reader.inputs import CONTEXT_WORDS, sentence_before
from bot.reader.model import verified_manifest
from embeddings.models import Article, Chunk, Hit

BODY = ("Apple unveiled the iPhone on Tuesday. Chief executive Steve Jobs spoke first. "
        "\"This will change everything,\" he said. It ships in June for $499.")
ARTICLE = Article("jobs", "Jobs unveils the iPhone", BODY, dt.date(2007, 1, 9))


def test_the_sentence_before_is_the_one_that_ends_last_before_the_candidate():
    quote = BODY.index("\"This will")
    assert sentence_before(BODY, quote) == "Chief executive Steve Jobs spoke first."
    assert sentence_before(BODY, 0) == ""


def test_a_candidate_with_context_reads_the_candidate_first_and_the_sentence_before_it_after():
    plain = AnswerInput("what did jobs say", "\"This will change everything,\" he said.", ARTICLE.title, ARTICLE.date)
    assert plain.pair() == ("question: what did jobs say",
                            "Jobs unveils the iPhone (9 January 2007): \"This will change everything,\" he said.")
    long_before = " ".join(f"w{i}" for i in range(100))
    with_context = AnswerInput(plain.question, plain.sentence, plain.title, plain.date, long_before)
    second = with_context.pair()[1]
    assert second.startswith(plain.pair()[1] + " | before: ")
    # Only the end of a long sentence before (where "..., Jobs said." names the speaker) is read.
    assert second.split(" | before: ")[1].split() == long_before.split()[-CONTEXT_WORDS:]


class RecordingReader:
    """A reader stand-in that says what it was given (the wiring, not the model, is under test here)."""

    def __init__(self, answer_context: bool) -> None:
        self.answer_context = answer_context
        self.seen: list[AnswerInput] = []

    def answers(self, inputs: Sequence[AnswerInput]) -> np.ndarray:
        self.seen.extend(inputs)
        return np.full(len(inputs), 0.5, dtype=np.float32)


def test_the_answerer_gives_the_sentence_before_only_to_a_reader_trained_with_it():
    hit = Hit(Chunk("jobs#0", "jobs", 0, BODY, 0, len(BODY)), ARTICLE, 0.5, 0.5)
    candidates = gather([SourceArticle(0, hit, (hit,))], None, min_words=1)
    for trained_with_context in (False, True):
        reader = RecordingReader(trained_with_context)
        read_shortlist(reader, "what did jobs say", candidates, limit=10)  # type: ignore[arg-type]
        befores = {i.sentence: i.before for i in reader.seen}
        quote = "\"This will change everything,\" he said."
        if trained_with_context:
            assert befores[quote] == "Chief executive Steve Jobs spoke first."
            assert befores["Apple unveiled the iPhone on Tuesday."] == ""
        else:
            assert set(befores.values()) == {""}
    assert as_input("q", candidates[0], context=True).before == ""


def test_the_shipped_reader_reads_sentences_alone():
    assert not verified_manifest(MODEL_DIR).get("answer_context", False)
