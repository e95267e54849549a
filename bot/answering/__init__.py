"""Answers with citations: the Answer types, the Answerer seam, the abstention policy and the answerers."""

from bot.answering.types import Answer, Answerer, Citation, abstention

__all__ = ["Answer", "Answerer", "Citation", "abstention"]
