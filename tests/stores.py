"""The store backends every store test runs against, and how a test (or a helper process) opens one."""

from __future__ import annotations

from pathlib import Path

from embeddings.store import SQLiteStore, Store

# "sqlite-compressed" holds vectors as sign bits + 4-bit codes in memory, as for large archives.
BACKENDS = ["sqlite", "sqlite-compressed", "postgres"]


def backend_location(kind: str, request, tmp_path: Path) -> str:
    """Where a fresh, empty index of this kind lives for one test: a file path or a connection string."""
    if kind.startswith("sqlite"):
        return str(tmp_path / "index.sqlite3")
    if kind == "postgres":
        return request.getfixturevalue("postgres_url")
    raise AssertionError(kind)


def open_backend(kind: str, location: str, *, writer_wait_seconds: float = 0.2) -> Store:
    if kind == "sqlite":
        return SQLiteStore(Path(location), writer_wait_seconds=writer_wait_seconds)
    if kind == "sqlite-compressed":
        return SQLiteStore(Path(location), writer_wait_seconds=writer_wait_seconds, compress_above=0)
    from embeddings.store.postgres_store import PostgresStore

    return PostgresStore(location, writer_wait_seconds=writer_wait_seconds)
