"""Index storage: the Store seam and the function that opens the configured backend."""

from __future__ import annotations

from pathlib import Path

from embeddings.store.base import IndexInfo, ScoredChunk, Snapshot, Store, StoredArticleState, StoreWriter
from embeddings.store.sqlite_store import INDEX_FILENAME, SQLiteStore

__all__ = [
    "IndexInfo", "ScoredChunk", "Snapshot", "Store", "StoredArticleState", "StoreWriter",
    "SQLiteStore", "open_store",
]


def open_store(data_dir: Path) -> Store:
    """Open the index in data_dir (one SQLite file)."""
    return SQLiteStore(Path(data_dir) / INDEX_FILENAME)
