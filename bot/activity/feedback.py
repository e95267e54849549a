"""Feedback on answers: one verdict per user per answer, kept with the answer's question and sources."""

from __future__ import annotations

import json

from bot.activity.database import ActivityDatabase, now_text

VERDICTS = ("helpful", "unhelpful", "wrong_source")


class FeedbackLog:
    """Records the feedback buttons' clicks."""

    def __init__(self, db: ActivityDatabase) -> None:
        self._db = db

    def record(self, answer_id: str, user_id: int, verdict: str) -> bool:
        """Store a click with the answer's question and sources; False if this user already rated it."""
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        rows = self._db.run("SELECT question, sources FROM answers WHERE id = ?", (answer_id,))
        question, sources = rows[0] if rows else ("", "[]")
        return self._db.changed("INSERT OR IGNORE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                                (answer_id, user_id, verdict, question, sources, now_text())) == 1

    def for_answer(self, answer_id: str) -> list[dict]:
        rows = self._db.run("SELECT user_id, verdict, question, sources FROM feedback WHERE answer_id = ?",
                            (answer_id,))
        return [{"user_id": u, "verdict": v, "question": q, "sources": json.loads(s)} for u, v, q, s in rows]

    def counts(self) -> dict[str, int]:
        """Clicks of all time, per verdict (every verdict present)."""
        counted = dict.fromkeys(VERDICTS, 0)
        counted.update(dict(self._db.run("SELECT verdict, COUNT(*) FROM feedback GROUP BY verdict")))
        return counted
