"""The statements of one PostgreSQL reindex transaction, and what it stamps on the index before committing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import psycopg

from embeddings.models import Article, Chunk
from embeddings.store.base import StoredArticleState, StoredEmbedding, check_put
from embeddings.store.index_meta import committed_meta
from embeddings.store.postgres_schema import TEXT_CONFIG, TITLE_WEIGHT, drop_other_vector_indexes, one_row
from embeddings.store.postgres_search import vector_array
from embeddings.store.rows import ARTICLE_COLUMNS, article_to_row

_INSERT_ARTICLE = (
    f"INSERT INTO archivist_articles ({', '.join(ARTICLE_COLUMNS)}) "
    "VALUES (%s, %s, %s::date, %s, %s::jsonb, %s, %s, %s, %s)"
)
_INSERT_TAGS = """
INSERT INTO archivist_article_tags (article_id, tag, tag_key)
SELECT %s, u.tag, lower(u.tag) FROM unnest(%s::text[]) WITH ORDINALITY AS u(tag, n) ORDER BY u.n
ON CONFLICT DO NOTHING
"""
_INSERT_CHUNK = f"""
INSERT INTO archivist_chunks
    (id, article_id, ordinal, start, "end", embed_hash, embedding, sentences, article_date, tag_keys, tsv, tsv_length)
SELECT %(id)s, %(article_id)s, %(ordinal)s, %(start)s, %(end)s, %(embed_hash)s, %(embedding)s, %(sentences)s,
       %(date)s::date,
       ARRAY(SELECT DISTINCT lower(t) FROM unnest(%(tags)s::text[]) t),
       v.tsv, (SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest(v.tsv) u)
FROM (SELECT setweight(to_tsvector('{TEXT_CONFIG}', %(title)s), 'A')
             || setweight(to_tsvector('{TEXT_CONFIG}', %(text)s), 'D') AS tsv) v
"""
_INSERT_POSTINGS = f"""
INSERT INTO archivist_postings (lexeme, chunk_id, frequency, chunk_length)
SELECT u.lexeme, c.id,
       cardinality(u.positions) + {TITLE_WEIGHT - 1} * cardinality(array_positions(u.weights, 'A')), c.tsv_length
FROM archivist_chunks c, unnest(c.tsv) u
WHERE c.article_id = %s
"""


class PostgresWriter:
    """Writes through the one connection (and transaction) of a reindex."""

    def __init__(self, conn: psycopg.Connection, dimension: int) -> None:
        self._conn = conn
        self._dimension = dimension

    def article_states(self) -> dict[str, StoredArticleState]:
        rows = self._conn.execute("SELECT id, content_hash, source_path FROM archivist_articles").fetchall()
        return {r[0]: StoredArticleState(r[1], r[2]) for r in rows}

    def existing_embeddings(self, article_id: str) -> dict[str, StoredEmbedding]:
        rows = self._conn.execute(
            "SELECT embed_hash, embedding, sentences FROM archivist_chunks WHERE article_id = %s", (article_id,)
        ).fetchall()
        return {h: StoredEmbedding(vector_array(vector), bytes(packed) if packed is not None else None)
                for h, vector, packed in rows}

    def put_article(self, article: Article, chunks: Sequence[Chunk], vectors: np.ndarray,
                    embed_hashes: Sequence[str], sentences: Sequence[bytes | None] | None = None) -> None:
        sentences = check_put(article, chunks, vectors, embed_hashes, sentences, self._dimension)
        self.delete_article(article.id)
        conn = self._conn
        conn.execute(_INSERT_ARTICLE, article_to_row(article))
        conn.execute(_INSERT_TAGS, (article.id, list(article.tags)))
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        with conn.cursor() as cursor:
            cursor.executemany(_INSERT_CHUNK, [
                {"id": chunk.id, "article_id": article.id, "ordinal": chunk.ordinal, "start": chunk.start,
                 "end": chunk.end, "embed_hash": embed_hash, "embedding": vector, "sentences": packed,
                 "date": article.date, "tags": list(article.tags), "title": article.title, "text": chunk.text}
                for chunk, vector, embed_hash, packed in zip(chunks, vectors, embed_hashes, sentences)
            ])
        conn.execute(_INSERT_POSTINGS, (article.id,))

    def delete_article(self, article_id: str) -> None:
        # Chunks, their postings and the tags go with their article (ON DELETE CASCADE).
        self._conn.execute("DELETE FROM archivist_articles WHERE id = %s", (article_id,))

    def set_meta(self, key: str, value: str) -> None:
        set_meta(self._conn, {key: value})


def clear_index(conn: psycopg.Connection) -> None:
    """Delete every article, chunk and posting (a rebuild). DELETE, not TRUNCATE: readers keep their snapshot."""
    for table in ("archivist_postings", "archivist_chunks", "archivist_article_tags", "archivist_articles"):
        conn.execute(f"DELETE FROM {table}")


def finish(conn: psycopg.Connection, meta: dict[str, str], model: str, dimension: int) -> None:
    """Drop the vector indexes of other dimensions, stamp model, counts and a new generation."""
    drop_other_vector_indexes(conn, dimension)
    (articles,) = one_row(conn.execute("SELECT count(*) FROM archivist_articles"))
    chunks, tokens = one_row(conn.execute("SELECT count(*), coalesce(sum(tsv_length), 0) FROM archivist_chunks"))
    values = committed_meta(meta, model, dimension, articles, chunks)
    values["text_tokens"] = str(tokens)  # BM25's average chunk length, consistent with the committed chunks
    set_meta(conn, values)
    # Fresh statistics let the planner choose between the HNSW scan and an exact one for a filter.
    conn.execute("ANALYZE archivist_chunks, archivist_postings")


def set_meta(conn: psycopg.Connection, values: dict[str, str]) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO archivist_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            list(values.items()),
        )
