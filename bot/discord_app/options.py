"""The search filters every question command takes (from, to, tag) and the tag autocomplete they share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from discord import app_commands

from bot.discord_app.limits import CHOICE_CHARS, CHOICES

if TYPE_CHECKING:
    from bot.discord_app.client import ArchivistBot

T = TypeVar("T")


def filter_options(tag: bool = True) -> Callable[[T], T]:
    """Name and describe a command's `date_from`, `date_to` and (with `tag`) `tag` parameters as Discord
    shows them.

    `from` is a Python keyword, so the parameters are renamed for Discord: people type from/to.
    """
    described = {"date_from": "Only articles on or after this date (YYYY-MM-DD)",
                 "date_to": "Only articles on or before this date (YYYY-MM-DD)"}
    if tag:
        described["tag"] = "Only articles with this tag"

    def decorator(command: T) -> T:
        command = app_commands.rename(date_from="from", date_to="to")(command)
        return app_commands.describe(**described)(command)
    return decorator


def tag_choices(bot: ArchivistBot, current: str) -> list[app_commands.Choice[str]]:
    """Tags containing what was typed, most used first, from memory (autocomplete cannot be deferred)."""
    return [app_commands.Choice(name=tag, value=tag) for tag in bot.choices.tags(current, CHOICES, CHOICE_CHARS)]
