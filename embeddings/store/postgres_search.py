"""Reading the PostgreSQL index inside one snapshot: HNSW dense search, BM25 over tsvector, fetches, filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, overload

import numpy as np
import psycopg

from embeddings.errors import StoreError
from embeddings.models import Article, Chunk, SearchFilters
from embeddings.store.base import ScoredChunk
from embeddings.store.postgres_schema import TEXT_CONFIG, one_row
from embeddings.store.rows import ARTICLE_COLUMNS, chunks_in_order

ARTICLE_SELECT = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
MAX_EF_SEARCH = 1000  # pgvector's upper bound for hnsw.ef_search

_DENSE_SQL = """
WITH nearest AS MATERIALIZED (
    SELECT c.id, c.embedding::vector({d}) <=> %s::vector({d}) AS distance
    FROM archivist_chunks c
    WHERE vector_dims(c.embedding) = {d}{where}
    ORDER BY distance
    LIMIT %s
)
SELECT id, 1 - distance FROM nearest ORDER BY distance, id
"""

# BM25 as SQLite's FTS5 computes it, over the postings of the question's lexemes (the terms as
# PostgreSQL's parser and stemmer read them, the same way the chunks were read): a chunk's score
# sums, over those lexemes, idf * f * (k1 + 1) / (f + k1 * (1 - b + b * length / average length)),
# f being the lexeme's weighted count in the chunk and idf = ln((N - n + 0.5) / (n + 0.5)) floored
# at 1e-6 (FTS5's floor), n the lexeme's number of postings across the whole index (before filters).
_K1 = 1.2
_B = 0.75
_BM25_SQL = f"""
WITH postings AS (
    SELECT p.chunk_id, p.frequency, p.chunk_length, count(*) OVER (PARTITION BY p.lexeme) AS n
    FROM archivist_postings p
    WHERE p.lexeme = ANY(tsvector_to_array(to_tsvector(%(config)s::regconfig, %(text)s)))
)
SELECT p.chunk_id,
       sum(greatest(ln((%(chunks)s::float8 - p.n + 0.5) / (p.n + 0.5)), 1e-6) * p.frequency * {_K1 + 1}
           / (p.frequency + {_K1} * (1 - {_B} + {_B} * p.chunk_length / %(average_length)s::float8))) AS score
FROM postings p{{join}}
GROUP BY p.chunk_id
ORDER BY score DESC, p.chunk_id
LIMIT %(k)s
"""


class PostgresSnapshot:
    """Read view inside one REPEATABLE READ, READ ONLY transaction."""

    def __init__(self, conn: psycopg.Connection, meta: dict[str, str], ef_search: int) -> None:
        self._conn = conn
        self.model = meta.get("model")  # the model that built the generation this snapshot sees
        self._dimension = int(meta["dimension"]) if "dimension" in meta else None
        self._chunks = int(meta.get("chunks", 0))
        self._text_tokens = int(meta.get("text_tokens", 0))
        self._ef_search = ef_search

    def dense_search(self, vector: np.ndarray, k: int, filters: SearchFilters) -> list[ScoredChunk]:
        if self._dimension is None or k <= 0:
            return []
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self._dimension,):
            raise StoreError(f"a query vector of shape {vector.shape} cannot search an index of "
                             f"{self._dimension}-dimensional vectors; rebuild the index with the configured model")
        if k > self._ef_search:
            # The HNSW scan keeps ef_search candidates; fewer than k would cut the answer short.
            self._ef_search = min(k, MAX_EF_SEARCH)
            self._conn.execute("SELECT set_config('hnsw.ef_search', %s, true)", (str(self._ef_search),))
        query, params = dense_query(self._dimension, filters)
        rows = self._conn.execute(query, (vector, *params, int(k))).fetchall()
        return [ScoredChunk(chunk_id, float(score)) for chunk_id, score in rows]

    def text_search(self, terms: Sequence[str], k: int, filters: SearchFilters) -> list[ScoredChunk]:
        if not terms or k <= 0 or self._chunks == 0:
            return []
        where, params = chunk_filter_sql(filters, named=True)
        # Filters apply to the chunks scored, never to the document frequencies (as in FTS5).
        join = f" JOIN archivist_chunks c ON c.id = p.chunk_id WHERE {' AND '.join(where)}" if where else ""
        rows = self._conn.execute(
            _BM25_SQL.format(join=join),
            {"config": TEXT_CONFIG, "text": " ".join(terms), "chunks": self._chunks, "k": int(k),
             "average_length": max(self._text_tokens / self._chunks, 1.0), **params},
        ).fetchall()
        return [ScoredChunk(chunk_id, float(score)) for chunk_id, score in rows]

    def fetch(self, chunk_ids: Sequence[str]) -> list[tuple[Chunk, Article]]:
        rows = self._conn.execute(
            f'SELECT c.id, c.ordinal, c.start, c."end", {ARTICLE_SELECT} FROM archivist_chunks c '
            "JOIN archivist_articles a ON a.id = c.article_id WHERE c.id = ANY(%s)", (list(set(chunk_ids)),),
        ).fetchall()
        return chunks_in_order(rows, chunk_ids)

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> np.ndarray:
        if not chunk_ids:
            return np.zeros((0, 0), np.float32)
        rows = self._conn.execute("SELECT id, embedding FROM archivist_chunks WHERE id = ANY(%s)",
                                  (list(set(chunk_ids)),)).fetchall()
        vectors = {chunk_id: vector_array(vector) for chunk_id, vector in rows}
        return np.stack([vectors[c] for c in chunk_ids])

    def article_count(self, filters: SearchFilters) -> int:
        where, params = article_filter_sql(filters)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return int(one_row(self._conn.execute(f"SELECT count(*) FROM archivist_articles a {clause}", params))[0])


def vector_array(value) -> np.ndarray:
    """A loaded `vector` as float32 numpy (pgvector-python returns a Vector from 0.5 on, numpy before)."""
    return value.to_numpy() if hasattr(value, "to_numpy") else np.asarray(value, dtype=np.float32)


def dense_query(dimension: int, filters: SearchFilters) -> tuple[str, list]:
    """The nearest-neighbour query for vectors of this dimension; parameters: vector, *filter values, k."""
    where, params = chunk_filter_sql(filters)
    return _DENSE_SQL.format(d=int(dimension), where="".join(f" AND {w}" for w in where)), params


@overload
def chunk_filter_sql(filters: SearchFilters, *, named: Literal[False] = False) -> tuple[list[str], list]: ...


@overload
def chunk_filter_sql(filters: SearchFilters, *, named: Literal[True]) -> tuple[list[str], dict[str, object]]: ...


def chunk_filter_sql(filters: SearchFilters, *, named: bool = False) -> tuple[list[str], list | dict[str, object]]:
    """WHERE fragments over chunks `c` (their copied article date and tags), with their parameters
    (named: a dict of %(name)s parameters; else a list of %s ones)."""
    conditions: list[tuple[str, str, object]] = []
    if filters.date_from:
        conditions.append(("c.article_date >= {}", "date_from", filters.date_from))
    if filters.date_to:
        conditions.append(("c.article_date <= {}", "date_to", filters.date_to))
    if filters.tags:
        conditions.append(
            ("c.tag_keys && ARRAY(SELECT lower(t) FROM unnest({}::text[]) t)", "tags", list(filters.tags)))
    if named:
        return [text.format(f"%({name})s") for text, name, _ in conditions], {name: v for _, name, v in conditions}
    return [text.format("%s") for text, _, _ in conditions], [v for _, _, v in conditions]


def article_filter_sql(filters: SearchFilters) -> tuple[list[str], list]:
    """WHERE fragments over articles `a` for the filters, with their parameters."""
    where: list[str] = []
    params: list = []
    if filters.date_from:
        where.append("a.date >= %s")
        params.append(filters.date_from)
    if filters.date_to:
        where.append("a.date <= %s")
        params.append(filters.date_to)
    if filters.tags:
        where.append("a.id IN (SELECT article_id FROM archivist_article_tags "
                     "WHERE tag_key IN (SELECT lower(t) FROM unnest(%s::text[]) t))")
        params.append(list(filters.tags))
    return where, params

