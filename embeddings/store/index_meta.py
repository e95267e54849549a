"""The bookkeeping every store keeps beside its index: model, dimension, counts, generation, last reindex."""

from __future__ import annotations

import datetime as dt

from embeddings.store.base import IndexInfo


def info_from_meta(meta: dict[str, str]) -> IndexInfo | None:
    """IndexInfo from a store's key/value meta rows, or None when nothing was ever indexed."""
    if "model" not in meta:
        return None
    last = meta.get("last_reindex")
    return IndexInfo(
        model=meta["model"], dimension=int(meta["dimension"]), articles=int(meta.get("articles", 0)),
        chunks=int(meta.get("chunks", 0)), last_reindex=dt.datetime.fromisoformat(last) if last else None,
        generation=int(meta.get("generation", 0)),
    )


def committed_meta(previous: dict[str, str], model: str, dimension: int, articles: int, chunks: int) -> dict[str, str]:
    """The meta values a reindex stamps on its transaction just before it commits (a new generation)."""
    return {
        "model": model,
        "dimension": str(dimension),
        "articles": str(articles),
        "chunks": str(chunks),
        "generation": str(int(previous.get("generation", "0")) + 1),
        "last_reindex": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
