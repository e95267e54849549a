"""Spec'd stand-ins for the Discord gateway's objects (Interaction, Message, …) around a real ArchivistBot.

Only what cannot exist here is faked: the objects Discord would send. Every mock is spec'd on
discord.py's real classes, so an attribute or method the real class lacks fails the test, and
autospec'd methods check the arguments they are called with.
"""

from __future__ import annotations

import dataclasses
import itertools
from contextlib import asynccontextmanager
from pathlib import Path
from unittest.mock import AsyncMock, MagicMock, create_autospec

import discord

from bot.activity import ActivityLog
from bot.discord_app.client import ArchivistBot
from bot.service import ArchivistService

BOT_ID = 900_000_000_000_000_001
GUILD_ID = 900_000_000_000_000_100
CHANNEL_ID = 900_000_000_000_000_200
_ids = itertools.count(910_000_000_000_000_000)


@asynccontextmanager
async def running_bot(service: ArchivistService, activity_dir: Path, **settings):
    """A real ArchivistBot with its cogs loaded (no gateway here); `settings` override the service's."""
    chosen = dataclasses.replace(service.settings, **{"cooldown_seconds": 0, **settings})
    bot = ArchivistBot(service, chosen, ActivityLog.in_data_dir(activity_dir), warm_up=False)
    async with bot:
        await bot.setup_hook()
        me = MagicMock(spec=discord.ClientUser)
        me.id, me.bot, me.mention = BOT_ID, True, f"<@{BOT_ID}>"
        bot._connection.user = me  # what login would set
        yield bot
    bot.activity_log.close()


def role(role_id: int) -> MagicMock:
    made = MagicMock(spec=discord.Role)
    made.id, made.tags = role_id, None
    return made


def member(user_id: int = 123_456_789_012_345_678, roles: tuple[int, ...] = (), name: str = "reader") -> MagicMock:
    made = MagicMock(spec=discord.Member)
    made.id, made.bot, made.roles = user_id, False, [role(r) for r in roles]
    made.display_name = made.name = name
    made.mention = f"<@{user_id}>"
    made.__str__.return_value = name
    return made


def sent_message(channel_id: int = CHANNEL_ID) -> MagicMock:
    """A message as Discord returns it after sending (can open a thread)."""
    made = create_autospec(discord.WebhookMessage, instance=True)
    made.id = next(_ids)
    made.channel = MagicMock(spec=discord.TextChannel, id=channel_id)
    made.create_thread.return_value = thread()
    return made


def thread(thread_id: int | None = None) -> MagicMock:
    made = MagicMock(spec=discord.Thread)
    made.id = thread_id or next(_ids)
    made.send = AsyncMock(side_effect=lambda *a, **k: sent_message(made.id))
    made.typing.return_value = MagicMock()
    return made


def text_channel(channel_id: int = CHANNEL_ID) -> MagicMock:
    made = MagicMock(spec=discord.TextChannel)
    made.id = channel_id
    made.send = AsyncMock(side_effect=lambda *a, **k: sent_message(channel_id))
    made.typing.return_value = MagicMock()  # MagicMock supports `async with`
    return made


def interaction(bot: ArchivistBot, *, user: MagicMock | None = None, guild: bool = True,
                channel: MagicMock | None = None, permissions: discord.Permissions | None = None) -> MagicMock:
    """A slash-command Interaction; `.events` lists the responses in the order they were made."""
    made = MagicMock(spec=discord.Interaction)
    made.client = bot
    made.user = user or member()
    made.guild = MagicMock(spec=discord.Guild, id=GUILD_ID) if guild else None
    made.guild_id = GUILD_ID if guild else None
    made.channel = channel or text_channel()
    made.channel_id = made.channel.id
    made.permissions = permissions or discord.Permissions.none()
    made.command = None
    made.events = []
    made.sent = []  # the messages Discord "returned" for followup.send, in order
    made.response = create_autospec(discord.InteractionResponse, instance=True)
    made.followup = create_autospec(discord.Webhook, instance=True)
    made.edit_original_response = create_autospec(discord.Interaction, instance=True).edit_original_response

    def record(name: str, returns=None):
        async def effect(*args, **kwargs):
            made.events.append(name)
            if returns is None:
                return None
            made.sent.append(returns())
            return made.sent[-1]
        return effect

    made.response.defer.side_effect = record("defer")
    made.response.send_message.side_effect = record("send_message")
    made.followup.send.side_effect = record("followup.send", sent_message)
    made.edit_original_response.side_effect = record("edit_original_response")
    made.response.is_done.side_effect = lambda: bool({"defer", "send_message"} & set(made.events))
    return made


def message(bot: ArchivistBot, content: str, *, author: MagicMock | None = None, channel: MagicMock | None = None,
            guild: bool = True, mentions: list | None = None, reference_to: MagicMock | None = None,
            mention_everyone: bool = False) -> MagicMock:
    """A message arriving from the gateway (spec'd on discord.Message)."""
    made = MagicMock(spec=discord.Message)
    made.id = next(_ids)
    made.content = content
    made.author = author or member()
    made.guild = MagicMock(spec=discord.Guild, id=GUILD_ID) if guild else None
    made.channel = channel or (text_channel() if guild else _dm_channel())
    made.mentions = mentions or []
    made.role_mentions = []
    made.mention_everyone = mention_everyone
    made.reference = None
    if reference_to is not None:
        made.reference = MagicMock(spec=discord.MessageReference)
        made.reference.message_id = reference_to.id
        made.reference.resolved = reference_to
    made.reply = AsyncMock(side_effect=lambda *a, **k: sent_message(made.channel.id))
    made.create_thread = AsyncMock(return_value=thread())
    return made


def bot_answer_message(bot: ArchivistBot, message_id: int) -> MagicMock:
    """One of the bot's own earlier messages (what a reply refers to)."""
    made = MagicMock(spec=discord.Message)
    made.id = message_id
    made.author = bot.user
    return made


def attachment(filename: str, data: bytes, size: int | None = None) -> MagicMock:
    made = MagicMock(spec=discord.Attachment)
    made.filename = filename
    made.size = len(data) if size is None else size
    made.read = AsyncMock(return_value=data)
    return made


def _dm_channel() -> MagicMock:
    made = MagicMock(spec=discord.DMChannel)
    made.id = next(_ids)
    made.send = AsyncMock(side_effect=lambda *a, **k: sent_message(made.id))
    made.typing.return_value = MagicMock()
    return made


def all_kwargs(mock) -> list[dict]:
    return [call.kwargs for call in mock.await_args_list]


async def invoke(bot: ArchivistBot, fake: MagicMock, command: str, **options: str) -> None:
    """Run a slash command as Discord's payload reaches discord.py: by its name and the option names
    people see ("from", not date_from), through the tree's own parsing, checks and transforms."""
    fake.type = discord.InteractionType.application_command
    fake.data = {"type": 1, "name": command,
                 "options": [{"name": name, "type": 3, "value": value} for name, value in options.items()]}
    fake.command_failed = False
    await bot.tree._call(fake)
