"""The activity log's SQLite file: one connection shared by its parts, schema, thread-safe statements."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

ACTIVITY_FILENAME = "activity.sqlite3"  # not the index file: a reindex holds that one's write lock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, asked_at TEXT NOT NULL, question TEXT NOT NULL, query TEXT NOT NULL,
    sources TEXT NOT NULL, latency_ms REAL NOT NULL, abstained INTEGER NOT NULL,
    guild_id INTEGER, channel_id INTEGER, user_id INTEGER, thread_id INTEGER, answer_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS answers_asked_at ON answers (asked_at);
CREATE INDEX IF NOT EXISTS answers_thread ON answers (thread_id, asked_at);
CREATE TABLE IF NOT EXISTS answer_messages (message_id INTEGER PRIMARY KEY, answer_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL, user_id INTEGER NOT NULL, verdict TEXT NOT NULL, question TEXT NOT NULL,
    sources TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (answer_id, user_id)
);
CREATE TABLE IF NOT EXISTS guild_settings (guild_id INTEGER PRIMARY KEY, answer_in_thread INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS timelines (
    id TEXT PRIMARY KEY, topic TEXT NOT NULL, date_from TEXT, date_to TEXT, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS admin_actions (
    at TEXT NOT NULL, guild_id INTEGER, user_id INTEGER NOT NULL, user_name TEXT NOT NULL,
    command TEXT NOT NULL, detail TEXT NOT NULL
);
"""


class ActivityDatabase:
    """One SQLite file in WAL mode; every statement is short and may run in a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.executescript(_SCHEMA)
        self._upgrade()
        self._lock = threading.Lock()

    def _upgrade(self) -> None:
        """Add what later versions keep to a file an earlier version made (columns only ever get added)."""
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(answers)")}
        if "answer_text" not in columns:
            self._conn.execute("ALTER TABLE answers ADD COLUMN answer_text TEXT NOT NULL DEFAULT ''")

    def run(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one statement; its rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def changed(self, sql: str, params: tuple = ()) -> int:
        """Run one statement; how many rows it changed."""
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def run_many(self, statements: Iterable[tuple[str, tuple]]) -> None:
        """Run several statements one after the other, none from another thread in between."""
        with self._lock:
            for sql, params in statements:
                self._conn.execute(sql, params)

    def close(self) -> None:
        self._conn.close()


def now_text() -> str:
    """The current UTC time as the log stores it (ISO 8601)."""
    return dt.datetime.now(dt.timezone.utc).isoformat()
