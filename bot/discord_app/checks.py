"""Who may run what: the admin decorator (permission hint and a real check) and the question cooldown."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.discord_app.client import ArchivistBot

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
        return False  # /admin is guild-only; no role counts outside a server
    if any(role.id in settings.admin_role_ids for role in getattr(user, "roles", ())):
        return True
    return bool(interaction.permissions.manage_guild)


def admin_visibility(settings: Settings) -> discord.Permissions | None:
    """The default_member_permissions /admin is published with.

    Discord enforces them itself: members without Manage Server neither see nor run the command unless
    a server admin adds an override (Server Settings → Integrations). So with an allow-list, /admin is
    published for every member and the real check (require_admin) refuses all but the listed ones.
    """
    if settings.admin_role_ids or settings.admin_user_ids:
        return None
    return discord.Permissions(manage_guild=True)


async def require_admin(interaction: discord.Interaction) -> bool:
    settings = getattr(interaction.client, "settings", None)
    if not isinstance(settings, Settings) or not is_admin(interaction, settings):
        raise NotAdmin()
    return True


def question_cooldown() -> Callable[[T], T]:
    """One question per user per ARCHIVIST_COOLDOWN_SECONDS, shared with the chat path."""
    async def predicate(interaction: discord.Interaction[ArchivistBot]) -> bool:
        wait = interaction.client.question_cooldowns.take_turn(interaction.user.id)
        if wait > 0:
            raise OnCooldown(wait)
        return True
    return app_commands.check(predicate)
