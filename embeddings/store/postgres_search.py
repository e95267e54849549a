"""Reading the PostgreSQL index inside one snapshot: HNSW dense search, BM25 over tsvector, fetches, filters."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import psycopg

from embeddings.errors import StoreError
from embeddings.models import Article, Chunk, SearchFilters
from embeddings.store.base import ScoredChunk
from embeddings.store.postgres_schema import TEXT_CONFIG
from embeddings.store.rows import ARTICLE_COLUMNS, article_from_row

ARTICLE_SELECT = ", ".join(f"a.{c}" for c in ARTICLE_COLUMNS)
MAX_EF_SEARCH = 1000  # pgvector's upper bound for hnsw.ef_search

# BM25 as SQLite's FTS5 computes it (k1, b, and a headline word counting twice a body word), so
# the full-text ranking fused with the dense one is the same kind of ranking on both stores.
_K1 = 1.2
_B = 0.75
_TITLE_WEIGHT = 2.0

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

# The score of a chunk sums, over the question's lexemes it contains,
#   idf * f * (k1 + 1) / (f + k1 * (1 - b + b * length / average length))
# with f the lexeme's weighted count in the chunk (read from the tsvector's positions and weights)
# and idf = ln((N - n + 0.5) / (n + 0.5)) floored at 1e-6 (FTS5's floor), n from archivist_lexemes.
_BM25_SQL = f"""
WITH terms AS (
    SELECT l.lexeme,
           greatest(ln((%(n)s - coalesce(x.chunks, 0) + 0.5) / (coalesce(x.chunks, 0) + 0.5)), 1e-6) AS idf
    FROM unnest(%(lexemes)s::text[]) AS l(lexeme)
    LEFT JOIN archivist_lexemes x ON x.lexeme = l.lexeme
)
SELECT c.id,
       sum(t.idf * f.freq * ({_K1} + 1)
           / (f.freq + {_K1} * (1 - {_B} + {_B} * c.tsv_length / %(avg_length)s))) AS score
FROM archivist_chunks c
CROSS JOIN LATERAL (
    SELECT u.lexeme,
           cardinality(u.positions) + {_TITLE_WEIGHT - 1} * cardinality(array_positions(u.weights, 'A')) AS freq
    FROM unnest(c.tsv) AS u
    WHERE u.lexeme = ANY(%(lexemes)s::text[])
) f
JOIN terms t ON t.lexeme = f.lexeme
WHERE c.tsv @@ %(query)s::tsquery{{where}}
GROUP BY c.id
ORDER BY score DESC, c.id
LIMIT %(k)s
"""


class PostgresSnapshot:
    """Read view inside one REPEATABLE READ, READ ONLY transaction."""

    def __init__(self, conn: psycopg.Connection, meta: dict[str, str], ef_search: int) -> None:
        self._conn = conn
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
        where, params = chunk_filter_sql(filters)
        query = _DENSE_SQL.format(d=self._dimension, where="".join(f" AND {w}" for w in where))
        rows = self._conn.execute(query, (vector, *params, int(k))).fetchall()
        return [ScoredChunk(chunk_id, float(score)) for chunk_id, score in rows]

    def text_search(self, terms: Sequence[str], k: int, filters: SearchFilters) -> list[ScoredChunk]:
        if not terms or k <= 0 or self._chunks == 0:
            return []
        (lexemes,) = self._conn.execute(
            "SELECT coalesce(array_agg(DISTINCT l), '{}') FROM unnest(tsvector_to_array(to_tsvector(%s::regconfig, %s))) l",
            (TEXT_CONFIG, " ".join(terms)),
        ).fetchone()
        if not lexemes:
            return []
        where, params = chunk_filter_sql(filters, named=True)
        rows = self._conn.execute(
            _BM25_SQL.format(where="".join(f" AND {w}" for w in where)),
            {"n": self._chunks, "lexemes": lexemes, "avg_length": max(self._text_tokens / self._chunks, 1.0),
             "query": or_query(lexemes), "k": int(k), **params},
        ).fetchall()
        return [ScoredChunk(chunk_id, float(score)) for chunk_id, score in rows]

    def fetch(self, chunk_ids: Sequence[str]) -> list[tuple[Chunk, Article]]:
        rows = self._conn.execute(
            f'SELECT c.id, c.ordinal, c.start, c."end", {ARTICLE_SELECT} FROM archivist_chunks c '
            "JOIN archivist_articles a ON a.id = c.article_id WHERE c.id = ANY(%s)", (list(set(chunk_ids)),),
        ).fetchall()
        found: dict[str, tuple[Chunk, Article]] = {}
        articles: dict[str, Article] = {}
        for row in rows:
            article = articles.get(row[4]) or article_from_row(row[4:])
            articles[article.id] = article
            start, end = row[2], row[3]
            found[row[0]] = (Chunk(row[0], article.id, row[1], article.body[start:end], start, end), article)
        return [found[c] for c in chunk_ids if c in found]

    def chunk_vectors(self, chunk_ids: Sequence[str]) -> np.ndarray:
        if not chunk_ids:
            return np.zeros((0, 0), np.float32)
        rows = self._conn.execute("SELECT id, embedding FROM archivist_chunks WHERE id = ANY(%s)",
                                  (list(set(chunk_ids)),)).fetchall()
        vectors = {chunk_id: vector.to_numpy() for chunk_id, vector in rows}
        return np.stack([vectors[c] for c in chunk_ids])

    def article_count(self, filters: SearchFilters) -> int:
        where, params = article_filter_sql(filters)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return int(self._conn.execute(f"SELECT count(*) FROM archivist_articles a {clause}", params).fetchone()[0])


def chunk_filter_sql(filters: SearchFilters, *, named: bool = False) -> tuple[list[str], list | dict]:
    """WHERE fragments over chunks `c` (their copied article date and tags), with their parameters."""
    conditions = []
    if filters.date_from:
        conditions.append(("c.article_date >= {}", "date_from", filters.date_from))
    if filters.date_to:
        conditions.append(("c.article_date <= {}", "date_to", filters.date_to))
    if filters.tags:
        conditions.append(("c.tag_keys && ARRAY(SELECT lower(t) FROM unnest({}::text[]) t)", "tags", list(filters.tags)))
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


def or_query(lexemes: Sequence[str]) -> str:
    """A tsquery matching any of the lexemes, each quoted so that none is read as query syntax."""
    return " | ".join("'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in lexemes)
