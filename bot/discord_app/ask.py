"""/ask: a question with optional date and tag filters, answered with numbered sources."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import delivery
from bot.discord_app.checks import question_cooldown
from bot.discord_app.client import ArchivistBot
from bot.discord_app.errors import defer_publicly, mark_resolved
from bot.discord_app.options import filter_options, tag_choices
from bot.filters import filters_from_text


class Ask(commands.Cog):
    """Slash-command questions; the chat path (mentions, replies, DMs) lives in the Chat cog."""

    def __init__(self, bot: ArchivistBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask", description="Ask the news archive a question; the answer cites its sources")
    @app_commands.describe(question="What you want to know")
    @filter_options()
    @question_cooldown()
    async def ask(self, interaction: discord.Interaction, question: str, date_from: str | None = None,
                  date_to: str | None = None, tag: str | None = None) -> None:
        # Bad input is refused at once, privately; everything slow happens after the defer.
        question = self.bot.service.validate(question)
        filters = filters_from_text(date_from, date_to, tag)
        await defer_publicly(interaction)
        context = await delivery.follow_up_context(self.bot, interaction.channel)
        where = delivery.Where(interaction.guild_id, interaction.channel_id, interaction.user.id)
        streamed = False

        async def show(text: str) -> None:  # a composed answer being written replaces "thinking…"
            nonlocal streamed
            await interaction.edit_original_response(content=delivery.writing(text))
            streamed = True

        answer, answer_id = await delivery.ask(self.bot, question, filters, context, where, show)
        send = _followup_sender(interaction)
        first = _original_editor(interaction) if streamed else send
        messages = await delivery.send_answer(first, send, answer, answer_id)
        # A slash command's answer is the interaction's own reply: a new thread opens on it, from the channel.
        thread = delivery.current_thread(interaction.channel, context)
        if thread is None and await delivery.wants_new_thread(self.bot, interaction.channel, interaction.guild_id):
            thread = await delivery.open_thread(interaction.channel, messages[0].id, answer.question)
        await delivery.remember(self.bot, answer_id, messages, thread)

    @ask.autocomplete("tag")
    async def tag_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return tag_choices(self.bot, current)


def _followup_sender(interaction: discord.Interaction) -> delivery.Send:
    async def send(**kwargs: Any) -> discord.Message:
        sent = await interaction.followup.send(wait=True, **kwargs)
        mark_resolved(interaction)  # the first followup resolved the deferred reply
        return sent
    return send


def _original_editor(interaction: discord.Interaction) -> delivery.Send:
    """Sends the answer's first message by editing the reply that showed it being written."""
    async def edit(**kwargs: Any) -> discord.Message:
        edited = await interaction.edit_original_response(content=None, **kwargs)
        mark_resolved(interaction)
        return edited
    return edit


async def setup(bot: ArchivistBot) -> None:
    await bot.add_cog(Ask(bot))
