"""The PostgreSQL index's schema: versioned migrations, the pgvector check and the per-dimension HNSW index."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from embeddings.errors import StoreError

SCHEMA_VERSION = 2
MIN_PGVECTOR = (0, 8, 0)  # hnsw.iterative_scan: filtered HNSW queries that still return k rows
TEXT_CONFIG = "archivist_english"
TITLE_WEIGHT = 2.0  # a headline word counts as much as two body words (as in the SQLite store's bm25)

# Advisory-lock classes (the first key of the two-key form); the second key is the schema's hash,
# so two archives in different schemas of one database never block each other.
MIGRATION_LOCK = 0x41524331  # "ARC1"
REINDEX_LOCK = 0x41524332  # "ARC2"


def lock_keys(lock_class: int) -> str:
    """The two keys of an advisory lock of this class on the current schema, as SQL arguments."""
    return f"{int(lock_class)}, hashtext(current_schema())"


# Every table is prefixed so the index can share a database (or schema) with other applications.
# Ids compare with COLLATE "C": byte order, as SQLite orders them, whatever the database's locale.
_MIGRATIONS: dict[int, list[str]] = {
    1: [
        # A snowball stemmer without a stopword list: stopwords are dropped from questions by
        # embeddings.text_query, as for SQLite's FTS5, so both stores index the same words.
        "CREATE TEXT SEARCH DICTIONARY archivist_english_stem (TEMPLATE = snowball, LANGUAGE = english)",
        f"CREATE TEXT SEARCH CONFIGURATION {TEXT_CONFIG} (COPY = pg_catalog.english)",
        f"ALTER TEXT SEARCH CONFIGURATION {TEXT_CONFIG} ALTER MAPPING REPLACE english_stem WITH archivist_english_stem",
        'CREATE TABLE archivist_meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL)',
        """CREATE TABLE archivist_articles (
            id text COLLATE "C" PRIMARY KEY,
            title text NOT NULL,
            date date,
            url text,
            tags jsonb NOT NULL DEFAULT '[]',
            author text,
            body text NOT NULL,
            source_path text NOT NULL,
            content_hash text NOT NULL
        )""",
        "CREATE INDEX archivist_articles_date ON archivist_articles (date DESC NULLS LAST, id)",
        """CREATE TABLE archivist_article_tags (
            article_id text COLLATE "C" NOT NULL REFERENCES archivist_articles (id) ON DELETE CASCADE,
            tag text NOT NULL,
            tag_key text NOT NULL,
            PRIMARY KEY (article_id, tag_key)
        )""",
        "CREATE INDEX archivist_article_tags_key ON archivist_article_tags (tag_key)",
        # A chunk's text is articles.body[start:end]; it is not stored twice. The article's date
        # and lower-cased tags are copied onto its chunks so that a filter is a condition on the
        # row an HNSW or GIN scan returns (no join between the index scan and the filter).
        # `embedding` has no fixed dimension: the HNSW index is per dimension (see below).
        """CREATE TABLE archivist_chunks (
            id text COLLATE "C" PRIMARY KEY,
            article_id text COLLATE "C" NOT NULL REFERENCES archivist_articles (id) ON DELETE CASCADE,
            ordinal integer NOT NULL,
            start integer NOT NULL,
            "end" integer NOT NULL,
            embed_hash text NOT NULL,
            embedding vector NOT NULL,
            article_date date,
            tag_keys text[] NOT NULL DEFAULT '{}',
            tsv tsvector NOT NULL,
            tsv_length integer NOT NULL
        )""",
        "CREATE INDEX archivist_chunks_article ON archivist_chunks (article_id)",
        "CREATE INDEX archivist_chunks_date ON archivist_chunks (article_date)",
        "CREATE INDEX archivist_chunks_tags ON archivist_chunks USING gin (tag_keys)",
        # The inverted index BM25 reads: each lexeme of each chunk's tsvector with its weighted count
        # (a headline occurrence counts twice) and the chunk's length. ts_rank has no IDF and a GIN
        # index cannot say how often a lexeme occurs, so the postings are kept here, read out of the
        # tsvector when the chunk is stored; a lexeme's document frequency is its number of
        # postings, counted in the snapshot the question reads.
        """CREATE TABLE archivist_postings (
            lexeme text COLLATE "C" NOT NULL,
            chunk_id text COLLATE "C" NOT NULL REFERENCES archivist_chunks (id) ON DELETE CASCADE,
            frequency real NOT NULL,
            chunk_length integer NOT NULL,
            PRIMARY KEY (lexeme, chunk_id) INCLUDE (frequency, chunk_length)
        )""",
        "CREATE INDEX archivist_postings_chunk ON archivist_postings (chunk_id)",
    ],
    # Sentence vectors pooled from the chunk's own encoding (embeddings.sentence_vectors.pack);
    # NULL for chunks indexed before version 2, whose sentences are encoded when asked about.
    2: ["ALTER TABLE archivist_chunks ADD COLUMN sentences bytea"],
}


def migrate(conn: psycopg.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION (conn in autocommit mode); safe when many processes start at once."""
    _require_pgvector(conn)
    if _current_version(conn) == SCHEMA_VERSION:
        return
    # A session-level lock taken before the transaction begins: a transaction that begins after
    # another process's migration committed sees its tables (catalog caches are refreshed then).
    conn.execute(f"SELECT pg_advisory_lock({lock_keys(MIGRATION_LOCK)})")
    try:
        with conn.transaction():
            current = _current_version(conn)  # again, under the lock: another process may have migrated
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"the database was set up by a newer Archivist (schema {current} > {SCHEMA_VERSION}); "
                    "upgrade Archivist or point ARCHIVIST_DATABASE_URL at another database"
                )
            conn.execute("CREATE TABLE IF NOT EXISTS archivist_schema_migrations "
                         "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute("INSERT INTO archivist_schema_migrations (version) VALUES (%s)", (version,))
    finally:
        conn.execute(f"SELECT pg_advisory_unlock({lock_keys(MIGRATION_LOCK)})")


def one_row(cursor: psycopg.Cursor[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The row of a query that always returns one (an aggregate, `to_regclass`)."""
    row = cursor.fetchone()
    assert row is not None, "a query that always returns a row returned none"
    return row


def ensure_vector_index(conn: psycopg.Connection, dimension: int) -> None:
    """Create the HNSW (cosine) index for vectors of this dimension unless it exists.

    The index is partial and on an expression, so vectors of another dimension (a rebuild with a
    different model) can be written beside it in the same transaction.
    """
    name = vector_index_name(dimension)
    if one_row(conn.execute("SELECT to_regclass(%s)", (name,)))[0] is None:
        conn.execute(sql.SQL(
            "CREATE INDEX {name} ON archivist_chunks USING hnsw ((embedding::vector({d})) vector_cosine_ops) "
            "WHERE vector_dims(embedding) = {d}"
        ).format(name=sql.Identifier(name), d=sql.Literal(int(dimension))))


def drop_other_vector_indexes(conn: psycopg.Connection, dimension: int) -> None:
    """Drop the HNSW indexes of dimensions no longer stored (after a rebuild with another model)."""
    keep = vector_index_name(dimension)
    rows = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'archivist_chunks' "
        "AND indexname LIKE 'archivist_chunks_hnsw_%%' AND indexname <> %s", (keep,),
    ).fetchall()
    for (name,) in rows:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))


def vector_index_name(dimension: int) -> str:
    return f"archivist_chunks_hnsw_{int(dimension)}"


def _current_version(conn: psycopg.Connection) -> int:
    if one_row(conn.execute("SELECT to_regclass('archivist_schema_migrations')"))[0] is None:
        return 0
    return int(one_row(conn.execute("SELECT coalesce(max(version), 0) FROM archivist_schema_migrations"))[0])


def _require_pgvector(conn: psycopg.Connection) -> None:
    """Install pgvector in the database if it is missing and we may; refuse versions older than MIN_PGVECTOR."""
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    if row is None:
        available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
        if available is None:
            raise StoreError("the PostgreSQL server has no pgvector extension; install pgvector "
                             f"{_dotted(MIN_PGVECTOR)} or newer on the server (see the README)")
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreError("pgvector is not enabled in this database and this user may not enable it; "
                             "ask an administrator to run `CREATE EXTENSION vector;` in it") from exc
        except psycopg.errors.UniqueViolation:
            pass  # another process created it at the same moment
        # Created just above (or by another process at the same moment): the row is there now.
        row = one_row(conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'"))
    version = tuple(int(part) for part in row[0].split(".")[:3] if part.isdigit())
    if version < MIN_PGVECTOR:
        raise StoreError(f"pgvector {row[0]} is too old; Archivist needs {_dotted(MIN_PGVECTOR)} or newer "
                         "(run `ALTER EXTENSION vector UPDATE;` after upgrading pgvector on the server)")


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)
