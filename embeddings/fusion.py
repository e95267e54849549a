"""Shaping a ranked list: at most a few entries from any one group (article)."""

from __future__ import annotations

from collections.abc import Sequence


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
