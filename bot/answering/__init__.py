"""Answers with citations: the Answer types, the Answerer seam and the extractive answerer."""

from bot.answering.types import Answer, Answerer, Citation

__all__ = ["Answer", "Answerer", "Citation"]
