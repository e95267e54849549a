"""Conversation memory: which messages and threads show which answer, so replies and follow-ups find their context."""

from __future__ import annotations

import json

from bot.activity.database import ActivityDatabase
from bot.answering.types import FollowUpContext


class Conversations:
    """Links Discord messages and threads to the answers they show."""

    def __init__(self, db: ActivityDatabase) -> None:
        self._db = db

    def attach_messages(self, answer_id: str, message_ids: list[int], thread_id: int | None = None) -> None:
        """Remember which messages (and which thread) show an answer, so replies find their context."""
        statements = [("INSERT OR REPLACE INTO answer_messages VALUES (?, ?)", (m, answer_id)) for m in message_ids]
        if thread_id is not None:
            statements.append(("UPDATE answers SET thread_id = ? WHERE id = ?", (thread_id, answer_id)))
        self._db.run_many(statements)

    def context_for_message(self, message_id: int) -> FollowUpContext | None:
        """The context of the answer shown by a message (a reply to it is a follow-up), if any."""
        return _context(self._db.run(
            "SELECT a.query, a.sources, a.answer_text FROM answer_messages m JOIN answers a ON a.id = m.answer_id "
            "WHERE m.message_id = ?", (message_id,)))

    def context_for_thread(self, thread_id: int) -> FollowUpContext | None:
        """The context of the latest answer given in a thread, if the thread holds answers."""
        return _context(self._db.run(
            "SELECT query, sources, answer_text FROM answers WHERE thread_id = ? ORDER BY asked_at DESC LIMIT 1",
            (thread_id,)))


def _context(rows: list[tuple]) -> FollowUpContext | None:
    if not rows:
        return None
    query, sources, answer = rows[0]
    return FollowUpContext(query, tuple(s["article_id"] for s in json.loads(sources)), answer=answer)
