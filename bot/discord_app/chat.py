"""Questions in chat: an @mention of the bot, a reply to one of its answers, a DM, a follow-up in an answer thread."""

from __future__ import annotations

import asyncio
import logging
import re

import discord
from discord.ext import commands

from bot.discord_app import delivery
from bot.discord_app.checks import cooldown_text
from bot.discord_app.errors import error_message, is_expected
from embeddings.models import SearchFilters

log = logging.getLogger("archivist.discord")
_EVERYONE = re.compile(r"@(everyone|here)\b")
_NOTICE_SECONDS = 15  # short notices (cooldown) delete themselves


def mentions_me(message: discord.Message, me: discord.abc.User) -> bool:
    """An explicit mention of the bot or its own role; @everyone/@here do not count."""
    if any(user.id == me.id for user in message.mentions):
        return True
    return any(role.tags is not None and role.tags.bot_id == me.id for role in message.role_mentions)


def question_text(message: discord.Message, me: discord.abc.User) -> str:
    """The message without the bot's mention, its role mention, @everyone and @here."""
    text = re.sub(rf"<@!?{me.id}>", " ", message.content or "")
    for role in message.role_mentions:
        if role.tags is not None and role.tags.bot_id == me.id:
            text = text.replace(role.mention, " ")
    return " ".join(_EVERYONE.sub(" ", text).split())


def replied_to_me(message: discord.Message, me: discord.abc.User) -> bool:
    resolved = message.reference.resolved if message.reference else None
    return isinstance(resolved, discord.Message) and resolved.author.id == me.id


class Chat(commands.Cog):
    """Answers messages addressed to the bot; ignores everything else, including other bots."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or not message.content:
            return
        direct = message.guild is None or mentions_me(message, me) or replied_to_me(message, me)
        maybe_follow_up = message.reference is not None or (
            self.bot.intents.message_content and isinstance(message.channel, discord.Thread))
        if not direct and not maybe_follow_up:
            return
        context = None
        if message.reference is not None and message.reference.message_id:
            conversations = self.bot.activity_log.conversations
            context = await asyncio.to_thread(conversations.context_for_message, message.reference.message_id)
        if context is None:
            context = await delivery.follow_up_context(self.bot, message.channel)
        if not direct and context is None:
            return
        question = question_text(message, me)
        if question:
            await self._answer(message, question, context)

    async def _answer(self, message: discord.Message, question: str, context) -> None:
        wait = self.bot.question_cooldowns.take_turn(message.author.id)
        if wait > 0:
            await message.reply(cooldown_text(wait), mention_author=False, delete_after=_NOTICE_SECONDS,
                                allowed_mentions=discord.AllowedMentions.none())
            return
        where = delivery.Where(message.guild.id if message.guild else None, message.channel.id, message.author.id)
        first, rest = self._senders(message)
        # In chat the question is a message of its own, so a new thread opens on it, before the answer.
        thread = delivery.current_thread(message.channel, context)
        if thread is None and await delivery.wants_new_thread(self.bot, message.channel, where.guild_id):
            thread = await delivery.open_thread(message, question)
            if thread is not None:
                first = rest = thread.send
        writing: discord.Message | None = None

        async def show(text: str) -> None:  # a composed answer being written: one message, edited
            nonlocal writing
            if writing is None:
                writing = await first(content=delivery.writing(text), allowed_mentions=discord.AllowedMentions.none())
            else:
                await writing.edit(content=delivery.writing(text))

        try:
            async with message.channel.typing():
                answer, answer_id = await delivery.ask(self.bot, question, SearchFilters(), context, where, show)
        except Exception as exc:  # noqa: BLE001 - every failure gets a reply; unexpected ones a traceback too
            await self._reply_error(message, exc)
            return
        if writing is not None:
            first = _editor(writing)
        sent = await delivery.send_answer(first, rest, answer, answer_id)
        await delivery.remember(self.bot, answer_id, sent, thread)

    @staticmethod
    def _senders(message: discord.Message) -> tuple[delivery.Send, delivery.Send]:
        async def reply(**kwargs) -> discord.Message:
            return await message.reply(mention_author=False, **kwargs)
        return reply, message.channel.send

    @staticmethod
    async def _reply_error(message: discord.Message, exc: Exception) -> None:
        if not is_expected(exc):
            log.error("answering message %s failed", message.id, exc_info=exc)
        await message.reply(error_message(exc), mention_author=False, allowed_mentions=discord.AllowedMentions.none())


def _editor(message: discord.Message) -> delivery.Send:
    """Sends the answer's first message by editing the message that showed it being written."""
    async def edit(**kwargs) -> discord.Message:
        return await message.edit(content=None, **kwargs)
    return edit


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Chat(bot))
