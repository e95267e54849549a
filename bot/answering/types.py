"""The Answer a question gets, its numbered Citations, the follow-up context it may carry, and the Answerer seam."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.answering.policy import first_shown
from embeddings.capping import one_per_article
from embeddings.models import Article, Hit
from embeddings.retrieval import RetrievalResult

NOT_FOUND_TEXT = "I couldn't find that in the archive."


@dataclass(frozen=True)
class Citation:
    """Source [n] of an answer: a retrieved passage and the span of it that is quoted."""

    n: int
    hit: Hit
    quote_start: int  # offsets into hit.article.body
    quote_end: int

    @property
    def article(self) -> Article:
        return self.hit.article

    @property
    def quote(self) -> str:
        return self.hit.article.body[self.quote_start:self.quote_end]


@dataclass(frozen=True)
class Dropped:
    """A sentence the model wrote and the check removed, with the reason."""

    sentence: str
    reason: str


@dataclass(frozen=True)
class Considered:
    """A candidate sentence an answer weighed, for `ask --explain`: why this sentence, why this refusal."""

    article_id: str
    title: str
    text: str
    reading: float | None  # the reader's probability that it answers (None: not read)
    score: float           # its final score (what ranked it)
    features: dict[str, float]
    chosen: bool


@dataclass(frozen=True)
class Answer:
    """The reply to a question: text with [n] markers, or an abstention with the closest articles."""

    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    closest: list[Hit] = field(default_factory=list)
    articles_searched: int = 0
    retrieved: list[Hit] = field(default_factory=list)  # every hit the answer was chosen from, ranked
    caveat: str = ""  # a limit the reader should know, said beside the answer (see caveats.period_caveat)
    abstained_by: str = ""  # the abstention rule that refused (policy.RULES), when abstained
    answerer: str = "extractive"  # who wrote the text: "extractive" (the archive's sentences) or "composed"
    fallback_reason: str | None = None  # why a composed answer was asked for but the extractive one given
    dropped: tuple[Dropped, ...] = ()  # sentences the model wrote that the support check removed
    model_sentences: int = 0  # how many sentences the model wrote (kept or dropped)
    timings: dict[str, float] = field(default_factory=dict)  # ms from the start: first_token, first_sentence, total
    considered: tuple[Considered, ...] = ()  # the sentences weighed, best first (see Considered)

    @property
    def sources(self) -> list[Hit]:
        """Every hit shown to the reader, cited or closest, in display order."""
        return [c.hit for c in self.citations] if not self.abstained else list(self.closest)


# Words that point back at something named in the earlier question or answer.
_BACK_REFERENCES = frozenset("he him his she her hers they them their theirs it its".split())
_CONTINUATIONS = ("and ", "but ", "also ", "what about ", "how about ", "and what ", "what else", "anything else")
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class FollowUpConfig:
    """How a follow-up is read."""

    short_question_words: int = 3  # a question this short ("and Alimama?") leans on the earlier one
    context_chars: int = 300       # how much of the earlier question a follow-up carries (chains stay bounded)


@dataclass(frozen=True)
class FollowUpContext:
    """What a follow-up refers back to: the earlier question (as searched) and the articles it cited."""

    question: str
    article_ids: tuple[str, ...] = ()
    config: FollowUpConfig = FollowUpConfig()
    answer: str = ""  # the earlier answer's text (a composed answer gives it to the model as the conversation)

    @classmethod
    def of(cls, query: str, answer: Answer) -> FollowUpContext:
        """The context a follow-up to `answer` (which searched for `query`) should carry."""
        return cls(query, tuple(hit.article.id for hit in answer.sources), answer=answer.text)

    @property
    def earlier(self) -> tuple[str, str] | None:
        """(earlier question, earlier answer), when the earlier answer is known."""
        return (self.question, self.answer) if self.answer else None

    def refers_back(self, question: str) -> bool:
        """True when the question leans on the earlier one ("and…", "what about…", "he", "it")."""
        lowered = question.strip().lower()
        words = _WORD.findall(lowered)
        return (lowered.startswith(_CONTINUATIONS) or any(w in _BACK_REFERENCES for w in words)
                or len(words) <= self.config.short_question_words)

    def search_query(self, question: str) -> str:
        """What to search for: the follow-up, preceded by the earlier question when it refers back."""
        if not self.refers_back(question):
            return question
        earlier = self.question[-self.config.context_chars:]
        return f"{earlier} {question}"


class Answerer(Protocol):
    """Turns a question and what retrieval found for it into a complete Answer.

    Contract (checked by tests/test_answerer_conformance.py on every answerer): every [n] in the text
    refers to a Citation built from one of the given hits; every citation is referred to; no
    article is cited twice; the Answer carries the result's articles_searched and its caveat;
    before answering, the answerer asks the abstention policy (policy.refusal), and when the
    archive does not hold the answer the Answer abstains (its text starts with NOT_FOUND_TEXT,
    abstained_by names the rule), cites nothing and lists the closest articles (an [n] in its text
    refers to the n-th of them). `context` is the conversation a
    follow-up belongs to; an answerer that writes as it goes calls `on_progress` with the text
    verified so far (never more than that).
    """

    def answer(self, question: str, result: RetrievalResult, *, context: FollowUpContext | None = None,
               on_progress: Callable[[str], None] | None = None) -> Answer: ...


def abstention(question: str, result: RetrievalResult, rule: str, reason: str = "", limit: int = 3,
               answerer: str = "extractive") -> Answer:
    """The honest answer when the archive does not hold one: say so (and why), show the closest articles."""
    text = f"{NOT_FOUND_TEXT} {reason}" if reason else NOT_FOUND_TEXT
    shown = first_shown(result)
    ordered = [shown, *(h for h in result.hits if h is not shown)] if shown is not None else list(result.hits)
    return Answer(question, text, [], abstained=True, closest=one_per_article(ordered, limit),
                  articles_searched=result.articles_searched, retrieved=list(result.hits), abstained_by=rule,
                  answerer=answerer)
