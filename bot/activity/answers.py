"""The answer log: every answer given (question, sources, time taken, abstention, where), and its statistics."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from bot.activity.database import ActivityDatabase
from bot.answering import Answer
from bot.percentiles import percentile


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
    answer: str = ""  # the answer's text, which a follow-up carries as its conversation

    @classmethod
    def of(cls, answer_id: str, answer: Answer, query: str, latency_ms: float, *, guild_id: int | None = None,
           channel_id: int | None = None, user_id: int | None = None, thread_id: int | None = None) -> AnswerRecord:
        sources = [{"article_id": hit.article.id, "title": hit.article.title} for hit in answer.sources]
        return cls(answer_id, answer.question, query, sources, latency_ms, answer.abstained, guild_id=guild_id,
                   channel_id=channel_id, user_id=user_id, thread_id=thread_id, answer=answer.text)


@dataclass(frozen=True)
class AnswerStats:
    """Answers since a moment: how many, how many abstained, and the p50/p95 time taken."""

    answers: int
    abstained: int
    p50_ms: float | None
    p95_ms: float | None


class AnswerLog:
    """Records answers and reads them back."""

    def __init__(self, db: ActivityDatabase) -> None:
        self._db = db

    def record(self, record: AnswerRecord) -> None:
        self._db.run(
            "INSERT INTO answers (id, asked_at, question, query, sources, latency_ms, abstained, guild_id, "
            "channel_id, user_id, thread_id, answer_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.id, record.asked_at.isoformat(), record.question, record.query,
             json.dumps(record.sources, ensure_ascii=False), record.latency_ms, int(record.abstained),
             record.guild_id, record.channel_id, record.user_id, record.thread_id, record.answer),
        )

    def recent(self, limit: int = 50) -> list[dict]:
        """The latest answers, newest first, with the ids of the messages that show them."""
        rows = self._db.run("SELECT id, asked_at, question, query, abstained, guild_id, thread_id FROM answers "
                            "ORDER BY asked_at DESC, rowid DESC LIMIT ?", (limit,))
        keys = ("id", "asked_at", "question", "query", "abstained", "guild_id", "thread_id")
        found = [dict(zip(keys, row)) for row in rows]
        for answer in found:
            answer["message_ids"] = [r[0] for r in self._db.run(
                "SELECT message_id FROM answer_messages WHERE answer_id = ? ORDER BY rowid", (answer["id"],))]
        return found

    def gaps(self, since: dt.datetime) -> list[tuple[str, list[dict]]]:
        """(question, sources shown) of each answer since `since` that abstained or was marked not
        helpful, newest first: what the archive could not answer."""
        rows = self._db.run(
            "SELECT a.question, a.sources FROM answers a WHERE a.asked_at >= ? AND (a.abstained = 1 OR EXISTS "
            "(SELECT 1 FROM feedback f WHERE f.answer_id = a.id AND f.verdict = 'unhelpful')) "
            "ORDER BY a.asked_at DESC, a.rowid DESC", (since.isoformat(),))
        return [(question, json.loads(sources)) for question, sources in rows]

    def stats(self, since: dt.datetime) -> AnswerStats:
        rows = self._db.run("SELECT latency_ms, abstained FROM answers WHERE asked_at >= ?", (since.isoformat(),))
        latencies = [r[0] for r in rows]
        return AnswerStats(len(rows), sum(r[1] for r in rows), percentile(latencies, 50), percentile(latencies, 95))


def start_of_day_utc(now: dt.datetime | None = None) -> dt.datetime:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
