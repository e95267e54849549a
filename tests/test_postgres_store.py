"""What only the PostgreSQL store has: pgvector set-up, migrations, the HNSW index, connection strings."""

from __future__ import annotations

import uuid

import numpy as np
import psycopg
import pytest
from pgvector.psycopg import register_vector
from psycopg.conninfo import make_conninfo

from embeddings.errors import StoreError
from embeddings.models import SearchFilters
from embeddings.store.postgres_schema import SCHEMA_VERSION
from embeddings.store.postgres_search import dense_query
from embeddings.store.postgres_store import PostgresStore, describe
from tests.stores import open_backend
from tests.test_store_conformance import article, put_vector


@pytest.fixture
def fresh_database(postgres_server_url):
    """A new database without pgvector (needs a server where we may create databases)."""
    name = f"archivist_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        try:
            conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the test server does not let this user create databases")
    yield make_conninfo(postgres_server_url, dbname=name)
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_fresh_database_gets_pgvector_and_the_schema_once(fresh_database):
    for _ in range(2):  # the second open finds everything in place
        store = open_backend("postgres", fresh_database)
        assert store.info() is None
        store.close()
    with psycopg.connect(fresh_database) as conn:
        assert conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0] >= "0.8"
        versions = conn.execute("SELECT array_agg(version) FROM archivist_schema_migrations").fetchone()[0]
        assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_a_schema_from_a_newer_archivist_is_refused(postgres_url):
    open_backend("postgres", postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("INSERT INTO archivist_schema_migrations (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer Archivist"):
        PostgresStore(postgres_url)


def test_dense_search_can_use_the_hnsw_index(postgres_url):
    """The query's expression must match the index's, or PostgreSQL silently compares every vector."""
    store = open_backend("postgres", postgres_url)
    vectors = np.random.default_rng(1).normal(size=(50, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with store.writer("test/model", 64) as w:
        for i, vector in enumerate(vectors):
            put_vector(w, article(f"n{i}", f"Note {i}.", tags=("odd",) if i % 2 else ()), vector)
    store.close()
    plans = []
    with psycopg.connect(postgres_url) as conn:
        register_vector(conn)
        conn.execute("SET enable_seqscan = off")  # so the plan shows whether the index *can* serve the query
        for filters in (SearchFilters(), SearchFilters(tags=("odd",))):
            query, params = dense_query(64, filters)
            plans.append("\n".join(row[0] for row in conn.execute("EXPLAIN " + query, (vectors[0], *params, 10))))
    assert all("Index Scan using archivist_chunks_hnsw_64" in plan for plan in plans), plans


def test_locations_never_show_the_password():
    assert describe("postgresql://archivist:secret@db.example.org:5433/news?sslmode=require") == \
        "postgresql://archivist@db.example.org:5433/news"
    assert describe("host=/var/run/postgresql dbname=news user=bot password=secret") == \
        "postgresql://bot@/news?host=/var/run/postgresql"
    with pytest.raises(StoreError, match="not a valid PostgreSQL connection string"):
        describe("postgresql://[broken")
