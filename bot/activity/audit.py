"""The admin audit trail: every /admin command, with who ran it, where and with what."""

from __future__ import annotations

from bot.activity.database import ActivityDatabase, now_text


class AdminAudit:
    """Records admin actions and reads back the latest."""

    def __init__(self, db: ActivityDatabase) -> None:
        self._db = db

    def record(self, guild_id: int | None, user_id: int, user_name: str, command: str, detail: str = "") -> None:
        self._db.run("INSERT INTO admin_actions VALUES (?, ?, ?, ?, ?, ?)",
                     (now_text(), guild_id, user_id, user_name, command, detail))

    def recent(self, limit: int = 50) -> list[dict]:
        rows = self._db.run("SELECT at, guild_id, user_id, user_name, command, detail FROM admin_actions "
                            "ORDER BY rowid DESC LIMIT ?", (limit,))
        keys = ("at", "guild_id", "user_id", "user_name", "command", "detail")
        return [dict(zip(keys, row)) for row in rows]
