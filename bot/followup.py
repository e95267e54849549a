"""Follow-up questions ("and what did he say about Alimama?") read in the context of an earlier answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.answering import Answer, Answerer
from embeddings.retrieval import RetrievalResult

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
    def of(cls, query: str, answer: Answer) -> "FollowUpContext":
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


def answer_in_context(question: str, result: RetrievalResult, context: FollowUpContext, answerer: Answerer,
                      on_progress: Callable[[str], None] | None = None) -> Answer:
    """Answer a follow-up, preferring the articles the earlier answer cited when it refers back.

    "What did he say about X" is about the person of the earlier answer, so the passages of the
    articles cited there are tried first; only if they do not answer does the whole ranking.
    """
    if context.refers_back(question) and context.article_ids:
        focused = [hit for hit in result.hits if hit.article.id in context.article_ids]
        if focused:
            focused_answer = answerer.answer(question, replace(result, hits=focused), context=context,
                                             on_progress=on_progress)
            if not focused_answer.abstained:
                return focused_answer
    return answerer.answer(question, result, context=context, on_progress=on_progress)
