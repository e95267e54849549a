"""Near-duplicate stories: the same article stored twice (syndicated copies, re-imports) is one source."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from embeddings.models import Hit

_WORD = re.compile(r"\w+")
SHINGLE = 4
DUPLICATE_SIMILARITY = 0.8


def shingles(text: str, size: int = SHINGLE) -> frozenset[tuple[str, ...]]:
    """Overlapping word n-grams of text, lower-cased."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


def resemblance(a: frozenset, b: frozenset) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _could_resemble(a: frozenset, b: frozenset, threshold: float) -> bool:
    """A cheap necessary condition for resemblance >= threshold: similar sizes, and a sample agrees."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not small or len(small) < threshold * len(large):
        return False
    sample = list(small)[::8] or list(small)
    return sum(1 for s in sample if s in large) >= threshold * len(sample) * 0.8


def _normal_title(title: str) -> str:
    return " ".join(_WORD.findall(title.lower()))


def unique_stories(hits: Iterable[Hit], threshold: float = DUPLICATE_SIMILARITY) -> Iterator[Hit]:
    """Hits in order, skipping those from articles that duplicate a better-ranked article.

    Two articles are the same story when their headlines match (ignoring case and punctuation)
    and their bodies start alike, or when their bodies are near-identical; the comparison uses
    the first 2,000 characters, which is where syndicated copies agree. Lazy, because comparing
    bodies is the costly part of a search: a caller that needs ten hits stops after ten.
    """
    canonical: dict[str, str] = {}  # article id -> id of the article it duplicates (or itself)
    seen: list[tuple[str, str, frozenset]] = []  # (article id, normal title, body shingles)
    for hit in hits:
        article = hit.article
        if article.id not in canonical:
            title = _normal_title(article.title)
            body = shingles(article.body[:2000])
            canonical[article.id] = article.id
            for other_id, other_title, other_body in seen:
                bar = threshold / 2 if title == other_title else threshold
                if not _could_resemble(body, other_body, bar):
                    continue
                similarity = resemblance(body, other_body)
                if similarity >= threshold or (title == other_title and similarity >= threshold / 2):
                    canonical[article.id] = other_id
                    break
            else:
                seen.append((article.id, title, body))
        if canonical[article.id] == article.id:
            yield hit
