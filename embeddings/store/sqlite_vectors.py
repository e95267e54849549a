"""Loading the SQLite index's vectors into memory for search, and exact rescoring from the stored ones."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

import numpy as np

from embeddings.store.compressed_vectors import CompressedVectors
from embeddings.store.vector_matrix import NO_DATE, RowFilters, VectorMatrix

# Up to this many passages the float32 vectors are held as they are (exact search, ~1.5 KB each;
# the 6,000-passage test corpus stays here). Past it they are compressed to about 0.17 of that and
# results are rescored exactly: dense search took 12 ms instead of 60 ms at 100,000 (benchmarks/scale.py).
COMPRESS_ABOVE = 50_000
_BATCH = 20_000


def load_vectors(conn: sqlite3.Connection, compress_above: int = COMPRESS_ABOVE) -> RowFilters:
    """Every chunk's vector with its row id and article date, exact or compressed by size."""
    count = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    dates = _article_dates(conn)
    cursor = conn.execute("SELECT rowid, article_id, vector FROM chunks ORDER BY rowid")
    row_ids = np.zeros(count, np.int64)
    ordinals = np.zeros(count, np.int32)
    target: CompressedVectors | np.ndarray = np.zeros((0, 1), np.float32)
    done = 0
    # Rows arrive in batches so a million vectors never sit in memory as Python bytes all at once;
    # the count and the rows come from the same read transaction, so they agree.
    for rows in iter(lambda: cursor.fetchmany(_BATCH), []):
        vectors = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        if done == 0:
            target = (CompressedVectors(row_ids, ordinals, vectors)
                      if count > compress_above else np.zeros((count, vectors.shape[1]), np.float32))
        row_ids[done:done + len(rows)] = [r[0] for r in rows]
        ordinals[done:done + len(rows)] = [dates.get(r[1], NO_DATE) for r in rows]
        if isinstance(target, CompressedVectors):
            target.fill(done, vectors)
        else:
            target[done:done + len(rows)] = vectors
        done += len(rows)
    return target if isinstance(target, CompressedVectors) else VectorMatrix(row_ids, target, ordinals)


def exact_rescore(conn: sqlite3.Connection, ranked: Sequence[tuple[int, float]], query: np.ndarray,
                  batch: int = 500) -> list[tuple[int, float]]:
    """The same rows with exact cosines from the stored float32 vectors, best first."""
    rowids = [rowid for rowid, _ in ranked]
    vectors: dict[int, bytes] = {}
    for start in range(0, len(rowids), batch):
        part = rowids[start:start + batch]
        marks = ", ".join("?" for _ in part)
        vectors.update(conn.execute(f"SELECT rowid, vector FROM chunks WHERE rowid IN ({marks})", part).fetchall())
    kept = [r for r in rowids if r in vectors]
    if not kept:
        return []
    matrix = np.frombuffer(b"".join(vectors[r] for r in kept), dtype=np.float32).reshape(len(kept), -1)
    scores = matrix @ np.asarray(query, dtype=np.float32)
    order = np.argsort(-scores, kind="stable")
    return [(kept[i], float(scores[i])) for i in order]


def _article_dates(conn: sqlite3.Connection) -> dict[str, int]:
    return {article_id: dt.date.fromisoformat(date).toordinal()
            for article_id, date in conn.execute("SELECT id, date FROM articles WHERE date IS NOT NULL")}
