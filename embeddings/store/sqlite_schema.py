"""The SQLite index's schema and its versioned migrations."""

from __future__ import annotations

import sqlite3

from embeddings.errors import StoreError

SCHEMA_VERSION = 2

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS articles (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        date TEXT,
        url TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        author TEXT,
        body TEXT NOT NULL,
        source_path TEXT NOT NULL,
        content_hash TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
    CREATE TABLE IF NOT EXISTS article_tags (
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag TEXT NOT NULL COLLATE NOCASE,
        PRIMARY KEY (article_id, tag)
    );
    CREATE INDEX IF NOT EXISTS article_tags_tag ON article_tags(tag);
    -- A chunk's text is articles.body[start:end]; it is not stored twice.
    CREATE TABLE IF NOT EXISTS chunks (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        embed_hash TEXT NOT NULL,
        vector BLOB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
    CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
        title, text, tokenize = 'porter unicode61 remove_diacritics 2'
    );
    """,
    # Sentence vectors pooled from the chunk's own encoding (embeddings.sentence_vectors.pack);
    # NULL for chunks indexed before version 2, whose sentences are encoded when asked about.
    2: """
    ALTER TABLE chunks ADD COLUMN sentences BLOB;
    """,
}


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION inside one transaction.

    An index already at SCHEMA_VERSION is only read: opening it must not wait for the write
    lock, which a running reindex holds for its whole length.
    """
    if _schema_version(conn) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        current = int(row[0]) if row else 0
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"the index was written by a newer Archivist (schema {current} > {SCHEMA_VERSION}); "
                "upgrade Archivist or point ARCHIVIST_DATA_DIR at another directory"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _statements(_MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _schema_version(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:  # no meta table: a new, empty file
        return 0
    return int(row[0]) if row else 0


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no statement here contains a semicolon in a string)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
