"""Headlines held in memory so autocomplete answers within Discord's deadline without the model."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

TitleRow = tuple[str, str, "dt.date | None"]


@dataclass(frozen=True)
class TitleChoice:
    """One autocomplete suggestion: an article's id, headline and date."""

    article_id: str
    title: str
    date: dt.date | None


class TitleIndex:
    """Every headline of the index, reloaded from the store when older than `max_age` seconds."""

    def __init__(self, load: Callable[[], list[TitleRow]], max_age: float = 60.0) -> None:
        self._load = load
        self._max_age = max_age
        self._rows: list[tuple[str, TitleChoice]] | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Forget the cached headlines (after a reindex in this process)."""
        with self._lock:
            self._rows = None

    def refresh(self) -> None:
        rows = [(f"{title} {article_id}".lower(), TitleChoice(article_id, title, date))
                for article_id, title, date in self._load()]
        with self._lock:
            self._rows, self._loaded_at = rows, time.monotonic()

    def matching(self, text: str, limit: int = 25) -> list[TitleChoice]:
        """Headlines containing every word typed, those starting with the text first; at most limit."""
        with self._lock:
            stale = self._rows is None or time.monotonic() - self._loaded_at > self._max_age
        if stale:
            self.refresh()
        rows = self._rows or []
        typed = text.strip().lower()
        words = typed.split()
        found = [choice for key, choice in rows if all(word in key for word in words)]
        found.sort(key=lambda choice: not choice.title.lower().startswith(typed))  # stable: newest first otherwise
        return found[:max(0, limit)]
