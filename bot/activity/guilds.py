"""Per-server settings chosen with /admin (whether answers open a thread)."""

from __future__ import annotations

from bot.activity.database import ActivityDatabase


class GuildSettings:
    """Each server's own choices; a server that chose nothing gets the configured default."""

    def __init__(self, db: ActivityDatabase) -> None:
        self._db = db

    def answer_in_thread(self, guild_id: int | None, default: bool) -> bool:
        if guild_id is None:
            return False  # DMs have no threads
        rows = self._db.run("SELECT answer_in_thread FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return bool(rows[0][0]) if rows else default

    def set_answer_in_thread(self, guild_id: int, enabled: bool) -> None:
        self._db.run("INSERT OR REPLACE INTO guild_settings VALUES (?, ?)", (guild_id, int(enabled)))
