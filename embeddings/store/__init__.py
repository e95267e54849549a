"""Index storage: the Store seam and the function that opens the configured backend."""

from __future__ import annotations

from pathlib import Path

from embeddings.errors import StoreError
from embeddings.store.base import IndexInfo, ScoredChunk, Snapshot, Store, StoredArticleState, StoreWriter
from embeddings.store.sqlite_store import INDEX_FILENAME, SQLiteStore

__all__ = [
    "IndexInfo", "ScoredChunk", "Snapshot", "Store", "StoredArticleState", "StoreWriter",
    "SQLiteStore", "open_store",
]


def open_store(data_dir: Path, database_url: str | None = None) -> Store:
    """Open the index: in PostgreSQL when database_url is set, else the SQLite file in data_dir."""
    if database_url:
        try:
            from embeddings.store.postgres_store import PostgresStore
        except ImportError as exc:
            if exc.name not in {"psycopg", "psycopg_pool", "pgvector"}:
                raise
            raise StoreError(f"ARCHIVIST_DATABASE_URL is set but {exc.name} is not installed; "
                             "install Archivist with its PostgreSQL extra: pip install 'archivist[postgres]'") from exc
        return PostgresStore(database_url)
    return SQLiteStore(Path(data_dir) / INDEX_FILENAME)
