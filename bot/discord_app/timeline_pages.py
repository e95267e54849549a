"""Timeline pages kept in memory for their buttons, and the cooldown between clicks on one message."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import TYPE_CHECKING

import discord

from bot.cooldown import Cooldowns
from bot.discord_app.render import timeline_pages
from embeddings.models import SearchFilters

if TYPE_CHECKING:
    from bot.discord_app.client import ArchivistBot

KEPT = 64             # timelines whose pages stay in memory (a page button needs only its id to rebuild one)
PAGE_COOLDOWN = 1.0   # seconds between page turns by one person on one message


class TimelinePages:
    """Rendered pages by timeline id: built once per process, shared by every click on them."""

    def __init__(self, bot: ArchivistBot) -> None:
        self._bot = bot
        self._pages: OrderedDict[str, list[discord.Embed]] = OrderedDict()
        self._building: dict[str, asyncio.Future[list[discord.Embed] | None]] = {}
        self._turns = Cooldowns(PAGE_COOLDOWN, clock=bot.clock.now)

    def may_turn(self, user_id: int, message_id: int) -> bool:
        return self._turns.take_turn((user_id, message_id)) == 0

    async def new(self, topic: str, filters: SearchFilters) -> tuple[str, list[discord.Embed]]:
        """Build a timeline's pages and remember its query (for buttons after a restart); (its id, pages)."""
        bot = self._bot
        timeline = await bot.workers.answer(bot.service.timeline, topic, filters)
        pages = timeline_pages(timeline)
        timeline_id = await bot.workers.quick(bot.activity_log.timelines.remember, topic, filters)
        self._keep(timeline_id, pages)
        return timeline_id, pages

    async def get(self, timeline_id: str) -> list[discord.Embed] | None:
        """The pages of a known timeline, rebuilt once if this process has not got them; None if unknown."""
        if timeline_id in self._pages:
            self._pages.move_to_end(timeline_id)
            return self._pages[timeline_id]
        if timeline_id not in self._building:  # concurrent clicks share one rebuild
            self._building[timeline_id] = asyncio.ensure_future(self._rebuild(timeline_id))
        try:
            return await asyncio.shield(self._building[timeline_id])
        finally:
            if self._building.get(timeline_id) is not None and self._building[timeline_id].done():
                del self._building[timeline_id]

    async def _rebuild(self, timeline_id: str) -> list[discord.Embed] | None:
        bot = self._bot
        recalled = await bot.workers.quick(bot.activity_log.timelines.recall, timeline_id)
        if recalled is None:
            return None
        timeline = await bot.workers.answer(bot.service.timeline, *recalled)
        pages = timeline_pages(timeline)
        self._keep(timeline_id, pages)
        return pages

    def _keep(self, timeline_id: str, pages: list[discord.Embed]) -> None:
        self._pages[timeline_id] = pages
        self._pages.move_to_end(timeline_id)
        while len(self._pages) > KEPT:
            self._pages.popitem(last=False)
