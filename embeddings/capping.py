"""Capping a ranked list: at most a few entries from any one group (passages per article)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from embeddings.models import Hit

T = TypeVar("T")


def cap_per_group(items: Iterable[T], group_of: Callable[[T], str], cap: int) -> Iterator[T]:
    """Items in order, keeping at most `cap` from any one group (lazily: a caller may stop early)."""
    taken: dict[str, int] = {}
    for item in items:
        group = group_of(item)
        if taken.get(group, 0) < cap:
            taken[group] = taken.get(group, 0) + 1
            yield item


def one_per_article(hits: Iterable[Hit], limit: int) -> list[Hit]:
    """The first `limit` hits of distinct articles, in order (each article's best passage)."""
    return list(itertools.islice(cap_per_group(hits, lambda h: h.article.id, 1), limit))
