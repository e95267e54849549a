"""The bot's activity log: answers given, feedback clicks, per-server settings, admin actions (own SQLite file)."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering import Answer
from bot.followup import FollowUpContext

ACTIVITY_FILENAME = "activity.sqlite3"  # not the index file: a reindex holds that one's write lock
VERDICTS = ("helpful", "unhelpful", "wrong_source")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, asked_at TEXT NOT NULL, question TEXT NOT NULL, query TEXT NOT NULL,
    sources TEXT NOT NULL, latency_ms REAL NOT NULL, abstained INTEGER NOT NULL,
    guild_id INTEGER, channel_id INTEGER, user_id INTEGER, thread_id INTEGER
);
CREATE INDEX IF NOT EXISTS answers_asked_at ON answers (asked_at);
CREATE INDEX IF NOT EXISTS answers_thread ON answers (thread_id, asked_at);
CREATE TABLE IF NOT EXISTS answer_messages (message_id INTEGER PRIMARY KEY, answer_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL, user_id INTEGER NOT NULL, verdict TEXT NOT NULL, question TEXT NOT NULL,
    sources TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (answer_id, user_id)
);
CREATE TABLE IF NOT EXISTS guild_settings (guild_id INTEGER PRIMARY KEY, answer_in_thread INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS admin_actions (
    at TEXT NOT NULL, guild_id INTEGER, user_id INTEGER NOT NULL, user_name TEXT NOT NULL,
    command TEXT NOT NULL, detail TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class AnswerRecord:
    """One answer as the log keeps it; `query` is what was searched (the question, with any context)."""

    id: str
    question: str
    query: str
    sources: list[dict]
    latency_ms: float
    abstained: bool
    guild_id: int | None = None
    channel_id: int | None = None
    user_id: int | None = None
    thread_id: int | None = None
    asked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    @classmethod
    def of(cls, answer_id: str, answer: Answer, query: str, latency_ms: float, **where: int | None) -> "AnswerRecord":
        sources = [{"article_id": hit.article.id, "title": hit.article.title} for hit in answer.sources]
        return cls(answer_id, answer.question, query, sources, latency_ms, answer.abstained, **where)


@dataclass(frozen=True)
class ActivityStats:
    """What /admin stats reports about answers since a moment, and all feedback so far."""

    answers: int
    abstained: int
    p50_ms: float | None
    p95_ms: float | None
    feedback: dict[str, int]

    @property
    def abstention_rate(self) -> float | None:
        return self.abstained / self.answers if self.answers else None


class ActivityLog:
    """Thread-safe log in one SQLite file; every method is short and may run in a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> "ActivityLog":
        return cls(Path(data_dir) / ACTIVITY_FILENAME)

    def close(self) -> None:
        self._conn.close()

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- answers and the messages that show them ---------------------------------------------

    def record_answer(self, record: AnswerRecord) -> None:
        self._run(
            "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.id, record.asked_at.isoformat(), record.question, record.query,
             json.dumps(record.sources, ensure_ascii=False), record.latency_ms, int(record.abstained),
             record.guild_id, record.channel_id, record.user_id, record.thread_id),
        )

    def recent_answers(self, limit: int = 50) -> list[dict]:
        """The latest answers, newest first, with the ids of the messages that show them."""
        rows = self._run("SELECT id, asked_at, question, query, abstained, guild_id, thread_id FROM answers "
                         "ORDER BY asked_at DESC, rowid DESC LIMIT ?", (limit,))
        keys = ("id", "asked_at", "question", "query", "abstained", "guild_id", "thread_id")
        found = [dict(zip(keys, row)) for row in rows]
        for answer in found:
            answer["message_ids"] = [r[0] for r in self._run(
                "SELECT message_id FROM answer_messages WHERE answer_id = ? ORDER BY rowid", (answer["id"],))]
        return found

    def attach_messages(self, answer_id: str, message_ids: list[int], thread_id: int | None = None) -> None:
        """Remember which messages (and which thread) show an answer, so replies find their context."""
        with self._lock:
            self._conn.executemany("INSERT OR REPLACE INTO answer_messages VALUES (?, ?)",
                                   [(m, answer_id) for m in message_ids])
            if thread_id is not None:
                self._conn.execute("UPDATE answers SET thread_id = ? WHERE id = ?", (thread_id, answer_id))

    def context_for_message(self, message_id: int) -> FollowUpContext | None:
        """The context of the answer shown by a message (a reply to it is a follow-up), if any."""
        return _context(self._run(
            "SELECT a.query, a.sources FROM answer_messages m JOIN answers a ON a.id = m.answer_id "
            "WHERE m.message_id = ?", (message_id,)))

    def context_for_thread(self, thread_id: int) -> FollowUpContext | None:
        """The context of the latest answer given in a thread, if the thread holds answers."""
        return _context(self._run(
            "SELECT query, sources FROM answers WHERE thread_id = ? ORDER BY asked_at DESC LIMIT 1", (thread_id,)))

    # -- feedback -------------------------------------------------------------------------------

    def record_feedback(self, answer_id: str, user_id: int, verdict: str) -> bool:
        """Store a click with the answer's question and sources; False if this user already rated it."""
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        rows = self._run("SELECT question, sources FROM answers WHERE id = ?", (answer_id,))
        question, sources = rows[0] if rows else ("", "[]")
        with self._lock:
            cursor = self._conn.execute("INSERT OR IGNORE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                                        (answer_id, user_id, verdict, question, sources, _now()))
            return cursor.rowcount == 1

    def feedback_for(self, answer_id: str) -> list[dict]:
        rows = self._run("SELECT user_id, verdict, question, sources FROM feedback WHERE answer_id = ?", (answer_id,))
        return [{"user_id": u, "verdict": v, "question": q, "sources": json.loads(s)} for u, v, q, s in rows]

    # -- per-server settings and the admin audit trail ----------------------------------------

    def answer_in_thread(self, guild_id: int | None, default: bool) -> bool:
        if guild_id is None:
            return False  # DMs have no threads
        rows = self._run("SELECT answer_in_thread FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return bool(rows[0][0]) if rows else default

    def set_answer_in_thread(self, guild_id: int, enabled: bool) -> None:
        self._run("INSERT OR REPLACE INTO guild_settings VALUES (?, ?)", (guild_id, int(enabled)))

    def record_admin_action(self, guild_id: int | None, user_id: int, user_name: str, command: str,
                            detail: str = "") -> None:
        self._run("INSERT INTO admin_actions VALUES (?, ?, ?, ?, ?, ?)",
                  (_now(), guild_id, user_id, user_name, command, detail))

    def admin_actions(self, limit: int = 50) -> list[dict]:
        rows = self._run("SELECT at, guild_id, user_id, user_name, command, detail FROM admin_actions "
                         "ORDER BY rowid DESC LIMIT ?", (limit,))
        keys = ("at", "guild_id", "user_id", "user_name", "command", "detail")
        return [dict(zip(keys, row)) for row in rows]

    # -- statistics ----------------------------------------------------------------------------

    def stats(self, since: dt.datetime) -> ActivityStats:
        """Answers since `since` (count, abstentions, p50/p95 latency) and feedback counts of all time."""
        rows = self._run("SELECT latency_ms, abstained FROM answers WHERE asked_at >= ?", (since.isoformat(),))
        latencies = sorted(r[0] for r in rows)
        feedback = dict.fromkeys(VERDICTS, 0)
        feedback.update(dict(self._run("SELECT verdict, COUNT(*) FROM feedback GROUP BY verdict")))
        return ActivityStats(len(rows), sum(r[1] for r in rows), percentile(latencies, 50),
                             percentile(latencies, 95), feedback)


def percentile(ordered: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not ordered:
        return None
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def start_of_day_utc(now: dt.datetime | None = None) -> dt.datetime:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def _context(rows: list[tuple]) -> FollowUpContext | None:
    if not rows:
        return None
    query, sources = rows[0]
    return FollowUpContext(query, tuple(s["article_id"] for s in json.loads(sources)))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()
