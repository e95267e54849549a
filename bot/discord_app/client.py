"""ArchivistBot: the discord.py client, given its service and settings, that loads the cogs."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.activity import ActivityLog
from bot.cooldown import Cooldowns
from bot.discord_app.errors import report_error
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

    Mentions, replies to the bot and DMs carry their text without it.
    """
    intents = discord.Intents.default()
    intents.message_content = settings.message_content_intent
    return intents


class ArchivistBot(commands.Bot):
    """The bot. Commands are slash commands; the tree is synced only by `archivist sync`."""

    def __init__(self, service: ArchivistService, settings: Settings, activity: ActivityLog | None = None,
                 *, warm_up: bool = True) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=intents_for(settings), help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), tree_cls=ArchivistTree)
        self.service = service
        self.settings = settings
        self.activity_log = activity or ActivityLog.in_data_dir(settings.data_dir)
        self.question_cooldowns = Cooldowns(settings.cooldown_seconds)
        self._warm_up = warm_up
        self._background: set[asyncio.Task] = set()

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self._warm_up:  # load the model in a thread while the gateway connects
            task = asyncio.create_task(self._warm())
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def _warm(self) -> None:
        try:
            await asyncio.to_thread(self.service.warm_up)
            log.info("model loaded and index opened")
        except Exception:  # noqa: BLE001 - the first question will report the problem to the user too
            log.exception("warming up failed; questions will fail until it is fixed")

    async def on_ready(self) -> None:
        log.info("connected as %s (%s) to %d server(s)", self.user, getattr(self.user, "id", "?"), len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: the Chat cog's listener handles messages."""
