"""A test's scene: the imitation Discord with a server, people and a channel, and the real bot connected to it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl

from bot.activity import ActivityLog
from bot.discord_app.client import ArchivistBot
from bot.service import ArchivistService
from bot.settings import Settings
from tests.discord_api import permissions as perms
from tests.discord_api.clock import TestClock
from tests.discord_api.model import Channel, Guild, Interaction, Message, Role, User
from tests.discord_api.server import DiscordServer

# The tasks discord.py (and the bot) run an event's handlers in: a scene is settled when none is left.
_HANDLER_TASKS = ("discord.py: ", "CommandTree-invoker", "discord-ui-")


@dataclass
class Scene:
    """The server and what is in it: one guild, #general, a member (alice, bob) and an admin (Manage Server)."""

    server: DiscordServer
    bot: ArchivistBot
    clock: TestClock
    guild: Guild
    general: Channel
    alice: User
    bob: User
    admin: User
    admins: Role
    extra: dict[str, Any] = field(default_factory=dict)  # what a test's `prepare` added, by name
    process: BotProcess | None = None

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same data: nothing kept in memory survives."""
        assert self.process is not None
        await self.process.stop()
        self.bot = await self.process.start()

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until the bot has handled everything sent to it so far (and whatever that started)."""
        await self.server.barrier()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        me = asyncio.current_task()
        while True:
            pending = [t for t in asyncio.all_tasks() if t is not me and not t.done()
                       and t.get_name().startswith(_HANDLER_TASKS)]
            if not pending:
                return
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"the bot is still busy with {[t.get_name() for t in pending]}")
            await asyncio.wait(pending, timeout=left)

    async def run(self, user: User, command: str, channel: Channel | None = None, **options) -> Interaction:
        """A member runs a command and the bot finishes with it."""
        interaction = await self.server.invoke(user, channel or self.general, command, **options)
        await self.settle()
        return interaction

    async def say(self, user: User, content: str, channel: Channel | None = None, **how) -> Message:
        message = await self.server.say(user, channel or self.general, content, **how)
        await self.settle()
        return message

    async def click(self, user: User, message: Message, label: str) -> Interaction:
        interaction = await self.server.click(user, message, label)
        await self.settle()
        return interaction

    def mention(self) -> str:
        return f"<@{self.server.world.bot.id}>"

    def replies(self, interaction: Interaction) -> list[Message]:
        """What the bot showed for an interaction: its original response, then its followups."""
        original = self.server.original(interaction)
        return ([original] if original else []) + self.server.followups(interaction)


def build_server(clock: TestClock) -> tuple[DiscordServer, dict]:
    """The server's starting state: the bot invited with the permissions docs/discord.md lists."""
    server = DiscordServer(clock)
    world = server.world
    guild = world.add_guild("Archive Club")
    admins = world.add_role(guild, "Admins", perms.MANAGE_GUILD)
    people = {"guild": guild, "general": world.add_channel(guild, "general"), "admins": admins,
              "alice": world.add_member(guild, "alice"), "bob": world.add_member(guild, "bob"),
              "admin": world.add_member(guild, "admin", (admins,))}
    return server, people


class BotProcess:
    """Starts and stops the real bot against the server; a restart is a new process with the same data."""

    def __init__(self, service: ArchivistService, settings: Settings, data_dir: Path, clock: TestClock,
                 server: DiscordServer) -> None:
        self.service, self.settings, self.data_dir, self.clock, self.server = service, settings, data_dir, clock, server
        self.bot: ArchivistBot | None = None
        self._task: asyncio.Task | None = None

    async def start(self) -> ArchivistBot:
        self.server.session = None
        bot = self.bot = ArchivistBot(self.service, self.settings, ActivityLog.in_data_dir(self.data_dir),
                                      warm_up=False, clock=self.clock)
        self._task = asyncio.create_task(bot.start(self.server.world.token), name="bot runner")
        await _connected(self.server, self._task)
        return bot

    async def stop(self) -> None:
        if self.bot is None or self._task is None:
            return
        await self.bot.close()
        try:
            await self._task
        finally:
            self.bot.activity_log.close()
            self.bot = self._task = None


@asynccontextmanager
async def running(service: ArchivistService, data_dir: Path, *, clock: TestClock | None = None,
                  prepare: Callable[[DiscordServer, dict], dict | None] | None = None, publish: bool = True,
                  **settings: Any) -> AsyncIterator[Scene]:
    """The bot (settings overriding the service's; no cooldown unless asked) connected to a fresh server.

    `prepare` changes the world before the bot connects (permissions, intents, more people); it may
    return settings that name what it made (allow-listed role and user ids).
    """
    clock = clock or TestClock()
    server, people = build_server(clock)
    if prepare is not None:
        settings.update(prepare(server, people) or {})
    chosen = dataclasses.replace(service.settings, **{"cooldown_seconds": 0, **settings})
    await server.start()
    process = BotProcess(service, chosen, data_dir, clock, server)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(discord.http.Route, "BASE", server.api_base)
            patch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
            bot = await process.start()
            if publish:
                await bot.tree.sync()
            named = {f.name for f in fields(Scene)}
            yield Scene(server, bot, clock, **{k: v for k, v in people.items() if k in named},
                        extra={k: v for k, v in people.items() if k not in named}, process=process)
    finally:
        await process.stop()
        await server.stop()


async def _connected(server: DiscordServer, runner: asyncio.Task) -> None:
    """Until the bot has identified and handled READY and GUILD_CREATE (or failed to start)."""
    for _ in range(1000):
        if runner.done():
            runner.result()  # raises why it stopped
            raise AssertionError("the bot stopped before connecting")
        if server.session is not None and server.session.ready.is_set():
            await server.barrier()
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot did not connect within 10 s")
