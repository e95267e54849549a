"""Follow-up questions ("and what did he say about Alimama?") read in the context of an earlier answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.answering import Answer, Answerer
from bot.answering.types import FollowUpContext
from embeddings.retrieval import RetrievalResult


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
