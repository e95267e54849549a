"""Starting the bot (`archivist run`) and publishing its slash commands (`archivist sync`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import discord

from bot.discord_app.client import ArchivistBot
from bot.errors import ConfigError
from bot.service import ArchivistService
from bot.settings import Settings

NO_TOKEN = ("DISCORD_TOKEN is not set; put DISCORD_TOKEN=<your bot token> in the environment or in .env "
            "(see docs/discord.md)")


def require_token(settings: Settings) -> str:
    if not settings.discord_token.strip():
        raise ConfigError(NO_TOKEN)
    return settings.discord_token.strip()


def run_bot(service: ArchivistService, settings: Settings) -> None:
    """Connect and serve until interrupted."""
    token = require_token(settings)
    discord.utils.setup_logging(level=logging.INFO)
    with _clear_login_errors():
        asyncio.run(_serve(ArchivistBot(service, settings), token))


async def _serve(bot: ArchivistBot, token: str) -> None:
    async with bot:
        await bot.start(token)


def sync_commands(service: ArchivistService, settings: Settings, guild_id: int | None = None,
                  clear: bool = False) -> list[str]:
    """Publish the slash commands globally, or to one server at once (for testing); returns their names.

    With `clear`, the server's own commands are removed instead (the duplicates a server shows after
    syncing to it and then globally); the global commands stay.
    """
    if clear and guild_id is None:
        raise ConfigError("--clear removes one server's commands: give it with --guild ID")
    token = require_token(settings)
    with _clear_login_errors():
        return asyncio.run(publish(ArchivistBot(service, settings, warm_up=False), token, guild_id, clear))


async def publish(bot: ArchivistBot, token: str, guild_id: int | None, clear: bool = False) -> list[str]:
    """Log in (which loads the cogs and their commands) and publish or clear; the names now published there."""
    async with bot:
        await bot.login(token)
        guild = discord.Object(id=guild_id) if guild_id else None
        if clear:
            bot.tree.clear_commands(guild=guild)
        elif guild is not None:
            bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    return sorted(command.name for command in synced)


@contextmanager
def _clear_login_errors() -> Iterator[None]:
    """Turn discord.py's start-up failures into ConfigErrors whose message names the fix."""
    try:
        yield
    except discord.LoginFailure as exc:
        raise ConfigError("Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer "
                          "Portal (your application → Bot → Reset Token)") from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise ConfigError("ARCHIVIST_MESSAGE_CONTENT_INTENT is on but the application may not use the Message "
                          "Content intent; enable it in the Developer Portal (Bot → Privileged Gateway "
                          "Intents) or unset the setting") from exc
