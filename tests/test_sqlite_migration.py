"""An index written by an older Archivist (schema 1, no sentence vectors) opens, upgrades and keeps serving."""

from __future__ import annotations

import sqlite3

from embeddings.indexer import reindex
from embeddings.models import SearchFilters
from embeddings.store import SQLiteStore
from embeddings.store.sqlite_schema import SCHEMA_VERSION
from tests.fakes import PoolingHashingEncoder


def test_a_schema_1_index_gains_the_sentence_column_and_keeps_its_articles(tmp_path):
    archive = tmp_path / "articles"
    archive.mkdir()
    (archive / "a.txt").write_text("Apple news\n\nThe apple fell far from the tree. The farmer smiled.\n",
                                   encoding="utf-8")
    path = tmp_path / "data" / "index.sqlite3"
    encoder = PoolingHashingEncoder()
    store = SQLiteStore(path)
    reindex(archive, store, encoder)
    store.close()
    with sqlite3.connect(path) as conn:  # turn it into what schema 1 wrote
        conn.execute("ALTER TABLE chunks DROP COLUMN sentences")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")

    upgraded = SQLiteStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert conn.execute("SELECT COUNT(*) FROM chunks WHERE sentences IS NULL").fetchone()[0] == 1
    assert upgraded.sentence_vectors(["a.txt"]) == {}  # the answerer encodes its sentences meanwhile
    with upgraded.snapshot() as snap:
        assert [c.chunk_id for c in snap.text_search(["apple"], 5, SearchFilters())] == ["a.txt#0"]
    upgraded.close()
