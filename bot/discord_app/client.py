"""ArchivistBot: the discord.py client, given its service and settings, that loads the cogs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.activity import ActivityLog
from bot.cooldown import Cooldowns
from bot.discord_app.choices import ChoiceMemory
from bot.discord_app.clock import Clock, SystemClock
from bot.discord_app.errors import report_error
from bot.discord_app.pacing import StreamPacer
from bot.discord_app.workers import Workers, answer_workers
from bot.service import ArchivistService
from bot.settings import Settings

log = logging.getLogger("archivist.discord")

EXTENSIONS = (
    "bot.discord_app.feedback",  # first: its buttons must be registered before any click arrives
    "bot.discord_app.ask",
    "bot.discord_app.chat",
    "bot.discord_app.lookup",
    "bot.discord_app.timeline",
    "bot.discord_app.admin",
)


class ArchivistTree(app_commands.CommandTree):
    """The command tree, with the one error handler every command shares."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


def intents_for(settings: Settings) -> discord.Intents:
    """Default intents; Message Content (privileged) only when the setting asks for it.

    Mentions, replies that keep their ping and DMs carry their text without it.
    """
    intents = discord.Intents.default()
    intents.message_content = settings.message_content_intent
    return intents


class ArchivistBot(commands.Bot):
    """The bot. Commands are slash commands; the tree is synced only by `archivist sync`.

    `clock` is the time the bot reads for interaction tokens, cooldowns and button expiry (tests move it).
    """

    def __init__(self, service: ArchivistService, settings: Settings, activity: ActivityLog | None = None,
                 *, warm_up: bool = True, clock: Clock | None = None) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=intents_for(settings), help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), tree_cls=ArchivistTree)
        self.service = service
        self.settings = settings
        self.activity_log = activity or ActivityLog.in_data_dir(settings.data_dir)
        self.clock: Clock = clock or SystemClock()
        self.question_cooldowns = Cooldowns(settings.cooldown_seconds, clock=self.clock.now)
        self.workers = Workers(answer_workers(settings))
        self.choices = ChoiceMemory(service, self.workers, self.clock.now)
        self.stream_pacer = StreamPacer(self.clock)
        self._warm_up = warm_up
        self._background: set[asyncio.Task] = set()

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.in_background(self.choices.refresh(), "autocomplete")
        if self._warm_up:  # load the model in a thread while the gateway connects
            self.in_background(self._warm(), "warm up")

    def in_background(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task:
        """Run work that outlives the event that started it (kept referenced until it ends)."""
        task = asyncio.create_task(work, name=f"archivist-bg: {name}")
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def later(self, seconds: float, work: Callable[[], Awaitable[None]], name: str) -> asyncio.Task:
        """Run work after `seconds` on the bot's clock (button expiry)."""
        async def wait_then_run() -> None:
            await self.clock.sleep(seconds)
            await work()
        return self.in_background(wait_then_run(), name)

    async def _warm(self) -> None:
        try:
            await self.workers.answer(self.service.warm_up)
            log.info("model loaded and index opened")
        except Exception:  # noqa: BLE001 - the first question will report the problem to the user too
            log.exception("warming up failed; questions will fail until it is fixed")

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await super().close()
        self.workers.shutdown()

    async def on_ready(self) -> None:
        log.info("connected as %s (%s) to %d server(s)", self.user, getattr(self.user, "id", "?"), len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: the Chat cog's listener handles messages."""
