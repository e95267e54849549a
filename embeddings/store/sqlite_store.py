"""The embedded default Store: one SQLite file (WAL, FTS5) with vectors searched in numpy."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from embeddings.errors import ModelMismatchError, ReindexBusyError, StoreError
from embeddings.models import Article, Chunk, SearchFilters
from embeddings.sentence_vectors import ArticleSentenceVectors, by_article
from embeddings.store.base import (
    IndexInfo,
    ScoredChunk,
    StoredArticleState,
    StoredEmbedding,
    check_put,
    iter_batches,
    require_model,
)
from embeddings.store.index_meta import committed_meta, info_from_meta
from embeddings.store.rows import ARTICLE_COLUMNS, article_from_row, article_to_row, chunks_in_order
from embeddings.store.sqlite_schema import migrate
from embeddings.store.sqlite_text import ranked_rowids
from embeddings.store.sqlite_vectors import COMPRESS_ABOVE, exact_rescore, load_vectors
from embeddings.store.vector_matrix import RowFilters

INDEX_FILENAME = "index.sqlite3"
_ARTICLE_SELECT = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
_SQL_BATCH = 500


def _connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000)
    _use_wal(conn, busy_timeout_ms / 1000)
    # WAL + NORMAL: a crash loses at most the last commit, never consistency
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL, retrying while another connection holds the lock the switch needs.

    Two processes opening a new index at once: while one switches the fresh file to WAL, the
    other's switch fails with "database is locked" at once, because SQLite skips the busy handler
    when waiting could deadlock (both hold a shared lock and want an exclusive one). Its
    statement failed, so it holds nothing now, and trying again succeeds.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


class SQLiteStore:
    """Index in one SQLite file; safe to share between threads and processes."""

    def __init__(self, path: Path, *, writer_wait_seconds: float = 2.0, compress_above: int = COMPRESS_ABOVE) -> None:
        self.path = Path(path)
        self._compress_above = compress_above
        self.location = str(self.path)
        self._writer_wait_ms = int(writer_wait_seconds * 1000)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            setup = _connect(self.path, 30_000)
            migrate(setup)
            setup.close()
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc):  # a reindex is upgrading or creating it right now
                raise ReindexBusyError.at(str(self.path)) from exc
            raise StoreError(
                f"cannot open the index at {self.path} ({exc}); delete it and run `archivist index`") from exc
        self._local = threading.local()
        self._matrix_lock = threading.Lock()
        self._matrix: tuple[int, RowFilters] | None = None

    # -- connections -------------------------------------------------------------------------

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path, 30_000)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- metadata ----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._reader().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def info(self) -> IndexInfo | None:
        meta = dict(self._reader().execute("SELECT key, value FROM meta").fetchall())
        return info_from_meta(meta)

    def check_model(self, model: str) -> IndexInfo:
        return require_model(self.info(), self.location, model)

    # -- lookups -----------------------------------------------------------------------------

    def get_article(self, article_id: str) -> Article | None:
        row = self._reader().execute(f"SELECT {_ARTICLE_SELECT} FROM articles a WHERE a.id = ?",
                                     (article_id,)).fetchone()
        return article_from_row(row) if row else None

    def list_articles(self, filters: SearchFilters, *, title_contains: str = "", limit: int = 25) -> list[Article]:
        where, params = _filter_sql(filters)
        if title_contains:
            where.append("instr(lower(a.title), ?) > 0")
            params.append(title_contains.lower())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = self._reader().execute(
            f"SELECT {_ARTICLE_SELECT} FROM articles a {clause} ORDER BY a.date DESC, a.id LIMIT ?",
            (*params, int(limit)),
        ).fetchall()
        return [article_from_row(r) for r in rows]

    def sentence_vectors(self, article_ids: Sequence[str]) -> dict[str, ArticleSentenceVectors]:
        rows = []
        for batch in iter_batches(list(dict.fromkeys(article_ids)), _SQL_BATCH):
            rows += self._reader().execute(
                "SELECT a.id, a.content_hash, c.start, c.sentences "
                "FROM chunks c JOIN articles a ON a.id = c.article_id "
                f"WHERE c.article_id IN ({_marks(batch)}) AND c.sentences IS NOT NULL", tuple(batch),
            ).fetchall()
        return by_article(rows)

    def titles(self) -> list[tuple[str, str, dt.date | None]]:
        rows = self._reader().execute("SELECT id, title, date FROM articles ORDER BY date DESC, id").fetchall()
        return [(r[0], r[1], dt.date.fromisoformat(r[2]) if r[2] else None) for r in rows]

    def tags(self) -> list[tuple[str, int]]:
        rows = self._reader().execute(
            "SELECT tag, COUNT(*) AS n FROM article_tags GROUP BY tag ORDER BY n DESC, tag"
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    # -- reading -----------------------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[SQLiteSnapshot]:
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            # The first read fixes the WAL snapshot every later statement in this transaction sees.
            meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'model')").fetchall())
            generation = int(meta.get("generation", 0))
            yield SQLiteSnapshot(conn, self._matrix_for(conn, generation), meta.get("model"))
        finally:
            conn.execute("COMMIT")

    def _matrix_for(self, conn: sqlite3.Connection, generation: int) -> RowFilters:
        with self._matrix_lock:
            if self._matrix is None or self._matrix[0] != generation:
                self._matrix = None  # let the old generation's arrays go before the new ones are built
                self._matrix = (generation, load_vectors(conn, self._compress_above))
            return self._matrix[1]

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def writer(self, model: str, dimension: int, *, rebuild: bool = False) -> Iterator[SQLiteWriter]:
        conn = _connect(self.path, self._writer_wait_ms)
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(f"cannot write to the index at {self.location} ({exc})") from exc
                raise ReindexBusyError.at(self.location) from exc
            try:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                current = info_from_meta(meta)
                if current is not None and current.model != model and not rebuild:
                    raise ModelMismatchError(current.model, model)
                if rebuild:
                    for table in ("chunks_fts", "chunks", "article_tags", "articles"):
                        conn.execute(f"DELETE FROM {table}")
                writer = SQLiteWriter(conn, dimension)
                yield writer
                _finish(conn, meta, model, dimension)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()


class SQLiteSnapshot:
    """Read view inside one SQLite read transaction."""

    def __init__(self, conn: sqlite3.Connection, matrix: RowFilters, model: str | None) -> None:
        self._conn = conn
        self._matrix = matrix
        self.model = model

    def dense_search(self, vector: np.ndarray, k: int, filters: SearchFilters) -> list[ScoredChunk]:
        mask = self._matrix.date_mask(filters.date_from, filters.date_to)
        if filters.tags:
            allowed = np.fromiter(
                (r[0] for r in self._conn.execute(
                    "SELECT c.rowid FROM chunks c JOIN article_tags t ON t.article_id = c.article_id "
                    f"WHERE t.tag IN ({_marks(filters.tags)})", tuple(filters.tags))),
                dtype=np.int64,
            )
            tag_mask = self._matrix.row_mask(allowed)
            mask = tag_mask if mask is None else mask & tag_mask
        if self._matrix.exact:
            ranked = self._matrix.search(vector, k, mask)
        else:
            # Approximate scores pick four times the candidates; their stored vectors decide the order.
            ranked = exact_rescore(self._conn, self._matrix.search(vector, max(4 * k, 100), mask), vector)[:k]
        ids = self._ids_for_rowids([rowid for rowid, _ in ranked])
        return [ScoredChunk(ids[rowid], score) for rowid, score in ranked if rowid in ids]

    def text_search(self, terms: Sequence[str], k: int, filters: SearchFilters) -> list[ScoredChunk]:
        if not terms:
            return []
        where, params = _filter_sql(filters)
        ranked = ranked_rowids(self._conn, terms, k, where, params)
        ids = self._ids_for_rowids([rowid for rowid, _ in ranked])
        return [ScoredChunk(ids[rowid], score) for rowid, score in ranked if rowid in ids]

    def fetch(self, chunk_ids: Sequence[str]) -> list[tuple[Chunk, Article]]:
        rows = []
        for batch in iter_batches(list(dict.fromkeys(chunk_ids)), _SQL_BATCH):
            rows += self._conn.execute(
                f'SELECT c.id, c.ordinal, c.start, c."end", {_ARTICLE_SELECT} FROM chunks c '
                f"JOIN articles a ON a.id = c.article_id WHERE c.id IN ({_marks(batch)})", tuple(batch),
            ).fetchall()
        return chunks_in_order(rows, chunk_ids)

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> np.ndarray:
        vectors: dict[str, np.ndarray] = {}
        for batch in iter_batches(list(chunk_ids), _SQL_BATCH):
            for chunk_id, blob in self._conn.execute(
                f"SELECT id, vector FROM chunks WHERE id IN ({_marks(batch)})", tuple(batch)
            ):
                vectors[chunk_id] = np.frombuffer(blob, dtype=np.float32)
        return np.stack([vectors[c] for c in chunk_ids]) if chunk_ids else np.zeros((0, 0), np.float32)

    def article_count(self, filters: SearchFilters) -> int:
        if not (filters.date_from or filters.date_to or filters.tags):
            # Counting rows scans an index (milliseconds at a million); the writer records the total.
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'articles'").fetchone()
            if row is not None:
                return int(row[0])
        where, params = _filter_sql(filters)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return int(self._conn.execute(f"SELECT COUNT(*) FROM articles a {clause}", params).fetchone()[0])

    def _ids_for_rowids(self, rowids: list[int]) -> dict[int, str]:
        if not rowids:
            return {}
        rows = self._conn.execute(f"SELECT rowid, id FROM chunks WHERE rowid IN ({_marks(rowids)})", rowids)
        return {r[0]: r[1] for r in rows}


class SQLiteWriter:
    """The statements of one reindex transaction."""

    def __init__(self, conn: sqlite3.Connection, dimension: int) -> None:
        self._conn = conn
        self._dimension = dimension

    def article_states(self) -> dict[str, StoredArticleState]:
        rows = self._conn.execute("SELECT id, content_hash, source_path FROM articles").fetchall()
        return {r[0]: StoredArticleState(r[1], r[2]) for r in rows}

    def existing_embeddings(self, article_id: str) -> dict[str, StoredEmbedding]:
        rows = self._conn.execute("SELECT embed_hash, vector, sentences FROM chunks WHERE article_id = ?",
                                  (article_id,))
        return {h: StoredEmbedding(np.frombuffer(blob, dtype=np.float32), sentences) for h, blob, sentences in rows}

    def put_article(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray,
                    embed_hashes: Sequence[str], sentences: Sequence[bytes | None] | None = None) -> None:
        sentences = check_put(article, chunks, vectors, embed_hashes, sentences, self._dimension)
        self.delete_article(article.id)
        conn = self._conn
        conn.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({_marks(ARTICLE_COLUMNS)})",
                     article_to_row(article))
        conn.executemany("INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)",
                         [(article.id, tag) for tag in article.tags])
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        for chunk, vector, embed_hash, packed in zip(chunks, vectors, embed_hashes, sentences):
            cursor = conn.execute(
                'INSERT INTO chunks (id, article_id, ordinal, start, "end", embed_hash, vector, sentences) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (chunk.id, article.id, chunk.ordinal, chunk.start, chunk.end, embed_hash, vector.tobytes(), packed),
            )
            conn.execute("INSERT INTO chunks_fts (rowid, title, text) VALUES (?, ?, ?)",
                         (cursor.lastrowid, article.title, chunk.text))

    def delete_article(self, article_id: str) -> None:
        conn = self._conn
        conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE article_id = ?)",
                     (article_id,))
        conn.execute("DELETE FROM chunks WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM article_tags WHERE article_id = ?", (article_id,))
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _finish(conn: sqlite3.Connection, meta: dict[str, str], model: str, dimension: int) -> None:
    """Stamp the model, counts and a new generation on the transaction about to commit."""
    articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    values = committed_meta(meta, model, dimension, articles, chunks)
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))




def _filter_sql(filters: SearchFilters) -> tuple[list[str], list]:
    """WHERE fragments over articles `a` for the filters, with their parameters."""
    where: list[str] = []
    params: list = []
    if filters.date_from:
        where.append("a.date >= ?")
        params.append(filters.date_from.isoformat())
    if filters.date_to:
        where.append("a.date <= ?")
        params.append(filters.date_to.isoformat())
    if filters.tags:
        where.append(f"a.id IN (SELECT article_id FROM article_tags WHERE tag IN ({_marks(filters.tags)}))")
        params.extend(filters.tags)
    return where, params


def _marks(items: Sequence) -> str:
    return ", ".join("?" for _ in items)
