"""The bot's activity, by job: answers, conversations, feedback, per-server settings, the admin audit trail
and the timelines shown.

All of them live in one SQLite file (`activity.sqlite3` beside the index), not the index itself: a
reindex holds the index's write lock for its whole transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.activity.answers import AnswerLog, AnswerRecord, AnswerStats, start_of_day_utc
from bot.activity.audit import AdminAudit
from bot.activity.conversations import Conversations
from bot.activity.database import ACTIVITY_FILENAME, ActivityDatabase
from bot.activity.feedback import VERDICTS, FeedbackLog
from bot.activity.guilds import GuildSettings
from bot.activity.timelines import TimelineQueries


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
    """The activity file and its parts, each with one job."""

    def __init__(self, path: Path) -> None:
        self.db = ActivityDatabase(path)
        self.answers = AnswerLog(self.db)
        self.conversations = Conversations(self.db)
        self.feedback = FeedbackLog(self.db)
        self.guilds = GuildSettings(self.db)
        self.audit = AdminAudit(self.db)
        self.timelines = TimelineQueries(self.db)

    @classmethod
    def in_data_dir(cls, data_dir: Path) -> ActivityLog:
        return cls(Path(data_dir) / ACTIVITY_FILENAME)

    def stats(self, since) -> ActivityStats:
        """Answers since `since` and feedback counts of all time (what /admin stats shows)."""
        answered = self.answers.stats(since)
        return ActivityStats(answered.answers, answered.abstained, answered.p50_ms, answered.p95_ms,
                             self.feedback.counts())

    def close(self) -> None:
        self.db.close()


__all__ = ["ACTIVITY_FILENAME", "VERDICTS", "ActivityLog", "ActivityStats", "AnswerRecord", "AnswerStats",
           "start_of_day_utc"]
