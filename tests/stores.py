"""The store backends every store test runs against, and how a test (or a helper process) opens one."""

from __future__ import annotations

from pathlib import Path

from embeddings.store import SQLiteStore, Store

BACKENDS = ["sqlite", "postgres"]


def backend_location(kind: str, request, tmp_path: Path) -> str:
    """Where a fresh, empty index of this kind lives for one test: a file path or a connection string."""
    if kind == "sqlite":
        return str(tmp_path / "index.sqlite3")
    if kind == "postgres":
        return request.getfixturevalue("postgres_url")
    raise AssertionError(kind)


def open_backend(kind: str, location: str, *, writer_wait_seconds: float = 0.2) -> Store:
    if kind == "sqlite":
        return SQLiteStore(Path(location), writer_wait_seconds=writer_wait_seconds)
    from embeddings.store.postgres_store import PostgresStore

    return PostgresStore(location, writer_wait_seconds=writer_wait_seconds)
