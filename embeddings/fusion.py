"""Combining ranked lists from different retrievers into one ranking."""

from __future__ import annotations

from collections.abc import Sequence


def weighted_rrf(rankings: Sequence[Sequence[str]], weights: Sequence[float], k: float = 60.0) -> dict[str, float]:
    """Weighted reciprocal rank fusion: sum over lists of weight / (k + rank), rank starting at 1."""
    if len(rankings) != len(weights):
        raise ValueError("one weight per ranking")
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


def cap_per_group(keys: Sequence[str], group_of: dict[str, str], cap: int) -> list[str]:
    """Keys in order, keeping at most `cap` from any one group."""
    taken: dict[str, int] = {}
    kept = []
    for key in keys:
        group = group_of[key]
        if taken.get(group, 0) < cap:
            taken[group] = taken.get(group, 0) + 1
            kept.append(key)
    return kept
