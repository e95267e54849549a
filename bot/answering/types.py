"""The Answer a question gets, its numbered Citations, and the Answerer seam that produces it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from embeddings.capping import one_per_article
from embeddings.models import Article, Hit
from embeddings.retrieval import RetrievalResult

if TYPE_CHECKING:
    from bot.followup import FollowUpContext

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

    @property
    def sources(self) -> list[Hit]:
        """Every hit shown to the reader, cited or closest, in display order."""
        return [c.hit for c in self.citations] if not self.abstained else list(self.closest)


class Answerer(Protocol):
    """Turns a question and what retrieval found for it into a complete Answer.

    Contract (checked by tests/test_answerer_conformance.py on every answerer): every [n] in the text
    refers to a Citation built from one of the given hits; every citation is referred to; no
    article is cited twice; the Answer carries the result's articles_searched and its caveat;
    before answering, the answerer asks the abstention policy (policy.refusal), and when the
    archive does not hold the answer the Answer abstains (its text starts with NOT_FOUND_TEXT,
    abstained_by names the rule) and lists the closest articles. `context` is the conversation a
    follow-up belongs to; an answerer that writes as it goes calls `on_progress` with the text
    verified so far (never more than that).
    """

    def answer(self, question: str, result: RetrievalResult, *, context: FollowUpContext | None = None,
               on_progress: Callable[[str], None] | None = None) -> Answer: ...


def abstention(question: str, result: RetrievalResult, rule: str, reason: str = "", limit: int = 3,
               answerer: str = "extractive") -> Answer:
    """The honest answer when the archive does not hold one: say so (and why), show the closest articles."""
    text = f"{NOT_FOUND_TEXT} {reason}" if reason else NOT_FOUND_TEXT
    return Answer(question, text, [], abstained=True, closest=one_per_article(result.hits, limit), articles_searched=result.articles_searched,
                  retrieved=list(result.hits), abstained_by=rule, answerer=answerer)
