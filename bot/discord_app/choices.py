"""Headlines and tags held in memory for autocomplete, which cannot be deferred: answered without I/O."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable

from bot.discord_app.workers import Workers
from bot.service import ArchivistService
from bot.titles import TitleChoice, TitleIndex

log = logging.getLogger("archivist.discord")
REFRESH_AFTER = 60.0  # seconds: a reindex in another process shows up in suggestions within a minute


class ChoiceMemory:
    """What autocomplete suggests, read from the index on the quick pool and served from memory.

    Until the first load finishes, suggestions are empty rather than late; every answer older than
    REFRESH_AFTER starts a reload in the background.
    """

    def __init__(self, service: ArchivistService, workers: Workers, now: Callable[[], float]) -> None:
        self._service = service
        self._workers = workers
        self._now = now
        self._titles = TitleIndex(lambda: service.store.titles(), max_age=math.inf)  # reloaded only by refresh
        self._tags: list[str] = []
        self._loaded_at: float | None = None
        self._refreshing = False
        self._tasks: set[asyncio.Task] = set()

    @property
    def loaded(self) -> bool:
        return self._loaded_at is not None

    def titles(self, typed: str, limit: int) -> list[TitleChoice]:
        self._refresh_if_old()
        return self._titles.matching(typed, limit) if self.loaded else []

    def tags(self, typed: str, limit: int, max_chars: int) -> list[str]:
        self._refresh_if_old()
        typed = typed.strip().lower()
        return [tag for tag in self._tags if typed in tag.lower() and len(tag) <= max_chars][:limit]

    async def refresh(self) -> None:
        """Reload headlines and tags from the index (on the quick pool); failures keep the old ones."""
        if self._refreshing:
            return
        self._refreshing = True
        try:
            self._tags = await self._workers.quick(self._load)
            self._loaded_at = self._now()
        except Exception:  # noqa: BLE001 - suggestions are a convenience; the next question reports a broken index
            log.exception("could not load headlines and tags for autocomplete")
        finally:
            self._refreshing = False

    def _load(self) -> list[str]:
        self._titles.refresh()
        return [tag for tag, _count in self._service.store.tags()]

    def _refresh_if_old(self) -> None:
        if self._refreshing or (self._loaded_at is not None and self._now() - self._loaded_at < REFRESH_AFTER):
            return
        task = asyncio.get_running_loop().create_task(self.refresh(), name="archivist-bg: autocomplete")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
