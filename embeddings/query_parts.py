"""The parts of a question that asks two things at once ("what did SAIC buy, and which carmaker won approval?")."""

from __future__ import annotations

import re

from embeddings.names import question_names
from embeddings.text_query import query_terms

# A new question begins after "and", a comma, a colon or a semicolon when a question word follows.
_ASKING = r"(?:what|who|whom|whose|which|when|where|why|how|did|does|do|was|were|is|are|has|had)\b"
_SPLIT = re.compile(rf"(?:,?\s+and\s+|[,:;]\s+)(?={_ASKING})", re.IGNORECASE)


def question_parts(question: str, min_terms: int = 1) -> list[str]:
    """The questions a compound question is made of, each standing alone; [] for a simple question.

    A leading clause that asks nothing ("When MG Rover collapsed in 2005, what did SAIC buy ...")
    is the context of every part; a part also gets the names it lacks from the rest ("how much did
    it hope to raise" gets "MasterCard").
    """
    pieces = [p.strip(" ?,;:") for p in _SPLIT.split(question)]
    context = ""
    if len(pieces) > 1 and not _asks(pieces[0]) and all(_asks(p) for p in pieces[1:]):
        context = pieces.pop(0)
    pieces = [p for p in pieces if len(query_terms(p)) >= min_terms]
    if len(pieces) < 2:
        return []
    names = question_names(question)
    parts = []
    for piece in pieces[:3]:
        standing = f"{piece} {context}".strip()
        parts.append(" ".join([standing, *(n for n in names if n not in standing)]))
    return parts


def _asks(piece: str) -> bool:
    """Whether a piece is a question: it opens with a question word ("when" only when a verb follows:
    "When did it close" asks, "When MG Rover collapsed" sets the scene)."""
    if re.match(r"(?:when|after|before|while|as)\s+(?!(?:did|does|do|was|were|is|are|will|has|had)\b)", piece,
                re.IGNORECASE):
        return False
    return bool(re.match(_ASKING, piece, re.IGNORECASE))
