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
            "(see the README, section \"Discord bot\")")


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


def sync_commands(service: ArchivistService, settings: Settings, guild_id: int | None = None) -> list[str]:
    """Publish the slash commands globally, or to one server at once (for testing); returns their names."""
    token = require_token(settings)
    with _clear_login_errors():
        return asyncio.run(_sync(ArchivistBot(service, settings, warm_up=False), token, guild_id))


async def _sync(bot: ArchivistBot, token: str, guild_id: int | None) -> list[str]:
    async with bot:
        await bot.login(token)  # runs setup_hook, which loads the cogs and their commands
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
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
