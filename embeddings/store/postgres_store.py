"""The scale-out Store: PostgreSQL with pgvector (HNSW) and full-text search, shared by many processes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

import psycopg
from pgvector.psycopg import register_vector
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from embeddings.errors import ModelMismatchError, ReindexBusyError, StoreError
from embeddings.models import Article, SearchFilters
from embeddings.sentence_vectors import ArticleSentenceVectors, by_article
from embeddings.store.base import IndexInfo, require_model
from embeddings.store.index_meta import info_from_meta
from embeddings.store.postgres_schema import REINDEX_LOCK, ensure_vector_index, lock_keys, migrate
from embeddings.store.postgres_search import ARTICLE_SELECT, PostgresSnapshot, article_filter_sql
from embeddings.store.postgres_writer import PostgresWriter, clear_index, finish
from embeddings.store.rows import article_from_row

_CONNECT_TIMEOUT_SECONDS = 10


class PostgresStore:
    """Index in a PostgreSQL database (tables prefixed `archivist_` in the connection's current schema).

    Readers take connections from a pool and read inside REPEATABLE READ snapshots; a reindex has a
    connection of its own, one transaction, and a transaction-level advisory lock that refuses a
    second reindex (the lock goes with the transaction, so a killed indexer frees it and changes nothing).
    """

    def __init__(self, conninfo: str, *, writer_wait_seconds: float = 2.0, max_connections: int = 8,
                 ef_search: int = 100) -> None:
        self._conninfo = conninfo
        self.location = describe(conninfo)
        self._writer_wait_ms = max(1, int(writer_wait_seconds * 1000))
        self._ef_search = ef_search
        with self._errors("open", (psycopg.Error,)), self._connect(vectors=False) as conn:
            migrate(conn)  # first: it may have to create the vector type the other connections load
        self._pool = ConnectionPool(
            conninfo, min_size=1, max_size=max_connections, open=True, name="archivist",
            kwargs={"autocommit": True, "connect_timeout": _CONNECT_TIMEOUT_SECONDS},
            configure=register_vector, check=ConnectionPool.check_connection,
        )

    # -- connections -------------------------------------------------------------------------

    def _connect(self, *, vectors: bool = True) -> psycopg.Connection:
        conn = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_SECONDS)
        if vectors:
            register_vector(conn)  # numpy arrays in and out as pgvector's `vector`
        return conn

    @contextmanager
    def _errors(self, doing: str, catch: tuple[type[Exception], ...] = (psycopg.OperationalError, PoolTimeout)
                ) -> Iterator[None]:
        """Turn a lost or refused connection into a StoreError that says where and what to check."""
        try:
            yield
        except catch as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot {doing} the index in PostgreSQL at {self.location} ({reason}); "
                             "check that the server is running and ARCHIVIST_DATABASE_URL") from exc

    @contextmanager
    def _reader(self) -> Iterator[psycopg.Connection]:
        with self._errors("read"), self._pool.connection() as conn:
            yield conn

    def close(self) -> None:
        self._pool.close()

    # -- metadata ----------------------------------------------------------------------------

    def _meta(self) -> dict[str, str]:
        with self._reader() as conn:
            return dict(conn.execute("SELECT key, value FROM archivist_meta").fetchall())

    def get_meta(self, key: str) -> str | None:
        with self._reader() as conn:
            row = conn.execute("SELECT value FROM archivist_meta WHERE key = %s", (key,)).fetchone()
        return row[0] if row else None

    def info(self) -> IndexInfo | None:
        return info_from_meta(self._meta())

    def check_model(self, model: str) -> IndexInfo:
        return require_model(self.info(), self.location, model)

    # -- lookups -----------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        with self._reader() as conn:
            row = conn.execute(f"SELECT {ARTICLE_SELECT} FROM archivist_articles a WHERE a.id = %s",
                               (article_id,)).fetchone()
        return article_from_row(row) if row else None

    def list_articles(self, filters: SearchFilters, *, title_contains: str = "", limit: int = 25) -> list[Article]:
        where, params = article_filter_sql(filters)
        if title_contains:
            where.append("strpos(lower(a.title), lower(%s::text)) > 0")
            params.append(title_contains)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._reader() as conn:
            rows = conn.execute(
                f"SELECT {ARTICLE_SELECT} FROM archivist_articles a {clause} "
                "ORDER BY a.date DESC NULLS LAST, a.id LIMIT %s", (*params, int(limit)),
            ).fetchall()
        return [article_from_row(r) for r in rows]

    def sentence_vectors(self, article_ids: Sequence[str]) -> dict[str, ArticleSentenceVectors]:
        with self._reader() as conn:
            rows = conn.execute(
                "SELECT a.id, a.content_hash, c.start, c.sentences FROM archivist_chunks c "
                "JOIN archivist_articles a ON a.id = c.article_id "
                "WHERE c.article_id = ANY(%s::text[]) AND c.sentences IS NOT NULL", (list(dict.fromkeys(article_ids)),),
            ).fetchall()
        return by_article(rows)

    def titles(self) -> list[tuple[str, str, dt.date | None]]:
        with self._reader() as conn:
            rows = conn.execute("SELECT id, title, date FROM archivist_articles ORDER BY date DESC NULLS LAST, id")
            return [(r[0], r[1], r[2]) for r in rows]

    def tags(self) -> list[tuple[str, int]]:
        # Tags match case-insensitively (as in SQLite's NOCASE column): case variants count together.
        with self._reader() as conn:
            rows = conn.execute(
                'SELECT min(tag COLLATE "C"), count(*) AS n FROM archivist_article_tags '
                'GROUP BY tag_key ORDER BY n DESC, tag_key COLLATE "C"'
            ).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    # -- reading -----------------------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[PostgresSnapshot]:
        with self._reader() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                # The first query fixes the snapshot every later statement in this transaction sees.
                meta = dict(conn.execute("SELECT key, value FROM archivist_meta").fetchall())
                # Iterative scans: when a filter rejects rows the HNSW scan found, it looks further
                # (pgvector >= 0.8) instead of returning fewer than k rows; results are re-sorted exactly.
                conn.execute("SELECT set_config('hnsw.ef_search', %s, true), "
                             "set_config('hnsw.iterative_scan', 'relaxed_order', true)", (str(self._ef_search),))
                yield PostgresSnapshot(conn, meta, self._ef_search)
            finally:
                with suppress(psycopg.Error):  # a broken connection is dropped by the pool
                    conn.execute("ROLLBACK")  # read only: nothing to keep

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def writer(self, model: str, dimension: int, *, rebuild: bool = False) -> Iterator[PostgresWriter]:
        with self._errors("write"):
            conn = self._connect()
            try:
                conn.execute("BEGIN")
                try:
                    self._lock_reindex(conn)
                    meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM archivist_meta").fetchall())
                    current = info_from_meta(meta)
                    if current is not None and current.model != model and not rebuild:
                        raise ModelMismatchError(current.model, model)
                    if rebuild:
                        clear_index(conn)
                    ensure_vector_index(conn, dimension)
                    yield PostgresWriter(conn, dimension)
                    finish(conn, meta, model, dimension)
                    conn.execute("COMMIT")
                except BaseException:
                    with suppress(psycopg.Error):  # closing the connection rolls back in any case
                        conn.execute("ROLLBACK")
                    raise
            finally:
                conn.close()

    def _lock_reindex(self, conn: psycopg.Connection) -> None:
        """Take the reindex lock for this transaction, waiting at most writer_wait_seconds."""
        conn.execute(f"SET LOCAL lock_timeout = {self._writer_wait_ms}")
        try:
            conn.execute(f"SELECT pg_advisory_xact_lock({lock_keys(REINDEX_LOCK)})")
        except psycopg.errors.LockNotAvailable as exc:
            raise ReindexBusyError(
                f"another reindex is writing to {self.location}; wait for it to finish"
            ) from exc
        conn.execute("SET LOCAL lock_timeout = 0")


def describe(conninfo: str) -> str:
    """The connection string without its password, for messages and `archivist stats`."""
    try:
        parts = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"ARCHIVIST_DATABASE_URL is not a valid PostgreSQL connection string ({exc})") from exc
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = str(parts.get("host") or "localhost")
    port = f":{parts['port']}" if parts.get("port") else ""
    database = parts.get("dbname") or ""
    if host.startswith("/"):  # a Unix socket directory
        return f"postgresql://{user}/{database}?host={host}"
    return f"postgresql://{user}{host}{port}/{database}"
