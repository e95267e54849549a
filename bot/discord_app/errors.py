"""The one place command errors become a short, private reply to the user (and details in the log)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord_app.limits import MESSAGE_CHARS, truncate
from bot.discord_app.render_admin import BUSY_TEXT
from bot.discord_app.safety import escape
from bot.errors import ArchivistError
from embeddings.errors import EmbeddingsError, ReindexBusyError

log = logging.getLogger("archivist.discord")
GENERIC_TEXT = "Something went wrong on my side; the details are in the bot's log."
# What everyone sees in place of "thinking…" when a public command fails; the reason goes to the asker only.
PUBLIC_FAILURE = "I couldn't answer this one (only the asker sees why)."
_PUBLIC_DEFER = "archivist.public_defer"  # keys of Interaction.extras
_RESOLVED = "archivist.resolved"


async def defer_publicly(interaction: discord.Interaction) -> None:
    """Show "thinking…" to everyone; an error before the answer is then still told privately."""
    await interaction.response.defer(thinking=True)
    interaction.extras[_PUBLIC_DEFER] = True


def mark_resolved(interaction: discord.Interaction) -> None:
    """The deferred reply now shows the answer: later errors go in a message of their own."""
    interaction.extras[_RESOLVED] = True


def error_message(error: BaseException) -> str:
    """What the user is told: the check's reason, the error's own message, or a generic apology."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, ReindexBusyError):
        return BUSY_TEXT
    if isinstance(error, app_commands.CheckFailure) and str(error):
        return str(error)
    if isinstance(error, (ArchivistError, EmbeddingsError)):
        return truncate(escape(str(error)), MESSAGE_CHARS - 20)
    return GENERIC_TEXT


def is_expected(error: BaseException) -> bool:
    """Refusals and bad input are expected; anything else is a bug worth a traceback."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    return isinstance(original, (app_commands.CheckFailure, ArchivistError, EmbeddingsError))


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Log the error and tell the user in one short, private message.

    The first followup after a deferred response edits that response and keeps its visibility, so
    after a public "thinking…" the deferred reply is first resolved with a neutral line for everyone,
    and the reason follows as a second, ephemeral followup.
    """
    command = interaction.command.qualified_name if interaction.command else "?"
    if is_expected(error):
        log.info("/%s refused for %s (%s): %s", command, interaction.user, interaction.user.id, error)
    else:
        log.error("/%s failed for %s (%s)", command, interaction.user, interaction.user.id, exc_info=error)
    text = error_message(error)
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True)
            return
        if interaction.extras.get(_PUBLIC_DEFER) and not interaction.extras.get(_RESOLVED):
            await interaction.edit_original_response(content=PUBLIC_FAILURE)
            mark_resolved(interaction)
        await interaction.followup.send(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell %s about the error on /%s", interaction.user.id, command)
