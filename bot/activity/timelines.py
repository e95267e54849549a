"""Timelines shown in Discord: the topic and dates of each, so its page buttons work after a restart."""

from __future__ import annotations

import datetime as dt
import secrets

from bot.activity.database import ActivityDatabase, now_text
from embeddings.models import SearchFilters


class TimelineQueries:
    """Remembers what each shown timeline asked for; a page button recomputes it from that."""

    def __init__(self, db: ActivityDatabase) -> None:
        self._db = db

    def remember(self, topic: str, filters: SearchFilters) -> str:
        """A new id (12 hex digits: it fits a button's custom id) for this topic and these dates."""
        timeline_id = secrets.token_hex(6)
        self._db.run("INSERT INTO timelines VALUES (?, ?, ?, ?, ?)",
                     (timeline_id, topic, _iso(filters.date_from), _iso(filters.date_to), now_text()))
        return timeline_id

    def recall(self, timeline_id: str) -> tuple[str, SearchFilters] | None:
        rows = self._db.run("SELECT topic, date_from, date_to FROM timelines WHERE id = ?", (timeline_id,))
        if not rows:
            return None
        topic, start, end = rows[0]
        return topic, SearchFilters(date_from=_date(start), date_to=_date(end))


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
