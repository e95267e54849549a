"""Answers with citations: the Answer types, the Answerer seam and the extractive answerer."""

from bot.answering.types import CLOSEST_ARTICLES, Answer, Answerer, Citation, abstention

__all__ = ["CLOSEST_ARTICLES", "Answer", "Answerer", "Citation", "abstention"]
