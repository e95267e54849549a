"""Who may run what: the admin decorator (permission hint and a real check) and the question cooldown."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import discord
from discord import app_commands

from bot.settings import Settings

T = TypeVar("T")


class NotAdmin(app_commands.CheckFailure):
    """The member lacks Manage Server and is on no admin allow-list."""

    def __init__(self) -> None:
        super().__init__("This command is for server admins (Manage Server) or allow-listed roles and users.")


def cooldown_text(wait: float) -> str:
    """What a member who asked too recently is told (slash commands and chat alike)."""
    return f"You're asking quickly: try again in {math.ceil(wait)} s."


class OnCooldown(app_commands.CheckFailure):
    """The member asked too recently."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(cooldown_text(retry_after))


def is_admin(interaction: discord.Interaction, settings: Settings) -> bool:
    """Manage Server in this server, or an allow-listed user id, or an allow-listed role."""
    user = interaction.user
    if user.id in settings.admin_user_ids:
        return True
    if interaction.guild is None:
        return False  # in DMs only the user allow-list counts
    if any(role.id in settings.admin_role_ids for role in getattr(user, "roles", ())):
        return True
    return bool(interaction.permissions.manage_guild)


async def require_admin(interaction: discord.Interaction) -> bool:
    if not is_admin(interaction, interaction.client.settings):
        raise NotAdmin()
    return True


async def _admin_interaction_check(self: object, interaction: discord.Interaction) -> bool:
    return await require_admin(interaction)


def admin_only() -> Callable[[T], T]:
    """Hide a command (or a whole GroupCog) from members without Manage Server, and refuse them.

    `default_permissions` is only a hint that server admins can change, so the real check runs
    on every use and lets allow-listed roles and users (ARCHIVIST_ADMIN_ROLE_IDS/_USER_IDS) through.
    """
    def decorator(target: T) -> T:
        target = app_commands.default_permissions(manage_guild=True)(target)
        if isinstance(target, type):  # a GroupCog: the cog's interaction_check guards every subcommand
            target.interaction_check = _admin_interaction_check
            return target
        return app_commands.check(require_admin)(target)
    return decorator


def question_cooldown() -> Callable[[T], T]:
    """One question per user per ARCHIVIST_COOLDOWN_SECONDS, shared with the chat path."""
    async def predicate(interaction: discord.Interaction) -> bool:
        wait = interaction.client.question_cooldowns.take_turn(interaction.user.id)
        if wait > 0:
            raise OnCooldown(wait)
        return True
    return app_commands.check(predicate)
