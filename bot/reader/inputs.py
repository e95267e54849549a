"""How the reader's two kinds of input are written as text pairs: the same at training and at query time."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from embeddings.dates import human_date
from embeddings.sentences import sentence_spans

# The first segment says which question the model is asked: "does this answer it?" or "is this supported?".
ANSWER_PREFIX = "question: "
CLAIM_PREFIX = "claim: "
# Word pieces per pair (both segments, [CLS] and two [SEP] included).
ANSWER_TOKENS = 128
CLAIM_TOKENS = 256
# Words of passage text a claim is read against (the rest of a long passage is left out; see pick_grounds).
GROUNDS_WORDS = 150
# Words of the sentence before a candidate that a reader trained with context reads after it (its end: where
# "..., Obama said." names the speaker of the quotation that follows).
CONTEXT_WORDS = 30

WordsOf = Callable[[str], set[str]]


@dataclass(frozen=True)
class AnswerInput:
    """A candidate sentence of an article, read against a question.

    `before`: the article's sentence before it, for a reader trained to read it (the model's manifest says
    so: Reader.answer_context); it follows the candidate, so truncation cuts it first.
    """

    question: str
    sentence: str
    title: str
    date: dt.date | None
    before: str = ""

    def pair(self) -> tuple[str, str]:
        second = f"{' '.join(self.title.split())} ({human_date(self.date)}): {' '.join(self.sentence.split())}"
        if self.before:
            second += " | before: " + " ".join(self.before.split()[-CONTEXT_WORDS:])
        return ANSWER_PREFIX + " ".join(self.question.split()), second


def sentence_before(body: str, start: int) -> str:
    """The sentence of body that ends last before offset start ("" for the first sentence)."""
    spans, ends = _sentences_of(body)
    at = bisect.bisect_right(ends, start) - 1
    return body[spans[at][0]:spans[at][1]] if at >= 0 else ""


@lru_cache(maxsize=64)
def _sentences_of(body: str) -> tuple[list[tuple[int, int]], list[int]]:
    """An article's sentence spans and their end offsets, split once for all the candidates read from it."""
    spans = [(s, e) for s, e in sentence_spans(body)]
    return spans, [e for _, e in spans]


@dataclass(frozen=True)
class ClaimInput:
    """A sentence a language model wrote, read against the passage text it may stand on.

    `grounds` are the passage sentences chosen for it (see `grounds_text`), each with its headline.
    """

    claim: str
    grounds: tuple[tuple[str, dt.date | None, str], ...]  # (headline, date, text)

    def pair(self) -> tuple[str, str]:
        parts = []
        for title, date, text in self.grounds:
            parts.append(f"{' '.join(title.split())} ({human_date(date)}): {' '.join(text.split())}")
        return CLAIM_PREFIX + " ".join(self.claim.split()), " | ".join(parts)


def claim_input(claim: str, passages: Sequence[tuple[str, dt.date | None, str]], words_of: WordsOf,
                budget_words: int = GROUNDS_WORDS) -> ClaimInput:
    """A claim and the passages it may stand on ((headline, date, text) each), as the reader reads them:
    each passage's sentences that share most of the claim's words, within an equal share of the budget."""
    wanted = words_of(claim)
    share = budget_words // max(1, len(passages))
    grounds = []
    for title, date, text in passages:
        sentences = [text[s:e] for s, e in sentence_spans(text)]
        keep = pick_grounds(wanted, sentences, words_of, share)
        grounds.append((title, date, " ".join(sentences[i] for i in keep)))
    return ClaimInput(claim, tuple(grounds))


def pick_grounds(claim_words: set[str], sentences: Sequence[str], words_of: WordsOf,
                 budget_words: int = GROUNDS_WORDS) -> list[int]:
    """Indices of the passage sentences a claim is read against, in their order, within a word budget.

    A passage can be longer than the reader reads, so when it is, the sentences sharing most of the
    claim's words are kept (with the sentence before each, which often names who "he" is) until the
    budget is spent. `words_of(text)` gives a sentence's comparable words (stems).
    """
    total = sum(len(s.split()) for s in sentences)
    if total <= budget_words:
        return list(range(len(sentences)))
    shared = [len(claim_words & words_of(s)) for s in sentences]
    chosen: set[int] = set()
    used = 0
    for index in sorted(range(len(sentences)), key=lambda i: (-shared[i], i)):
        if shared[index] == 0 and chosen:
            break
        for wanted in (index, index - 1):
            if 0 <= wanted < len(sentences) and wanted not in chosen:
                size = len(sentences[wanted].split())
                if used + size > budget_words and chosen:
                    continue
                chosen.add(wanted)
                used += size
    return sorted(chosen)
