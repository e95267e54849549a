"""Questions in chat: an @mention of the bot, a reply to one of its answers, a DM, a follow-up in an answer thread."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord.ext import commands

from bot.answering.types import FollowUpContext
from bot.cooldown import Cooldowns
from bot.discord_app import delivery
from bot.discord_app.checks import cooldown_text
from bot.discord_app.client import ArchivistBot
from bot.discord_app.errors import error_message, is_expected
from embeddings.models import SearchFilters

log = logging.getLogger("archivist.discord")
_EVERYONE = re.compile(r"@(everyone|here)\b")
_NOTICE_SECONDS = 15  # short notices (cooldown) delete themselves
PINGLESS_HINT = ("I can't read replies with the ping turned off. Reply again with **@ ON** (the switch above the "
                 "message box when you reply), mention me, or use `/ask`.")
_HINT_SECONDS = 60
_HINT_EVERY = 600  # one hint per person per ten minutes


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

    def __init__(self, bot: ArchivistBot) -> None:
        self.bot = bot
        self.hinted = Cooldowns(_HINT_EVERY, clock=bot.clock.now)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot:
            return
        if not message.content:
            await self._maybe_hint(message, me)
            return
        direct = message.guild is None or mentions_me(message, me) or replied_to_me(message, me)
        maybe_follow_up = message.reference is not None or (
            self.bot.intents.message_content and isinstance(message.channel, discord.Thread))
        if not direct and not maybe_follow_up:
            return
        context = None
        if message.reference is not None and message.reference.message_id:
            conversations = self.bot.activity_log.conversations
            context = await self.bot.workers.quick(conversations.context_for_message, message.reference.message_id)
        if context is None:
            context = await delivery.follow_up_context(self.bot, message.channel)
        if not direct and context is None:
            return
        question = question_text(message, me)
        if question:
            await self._answer(message, question, context)

    async def _maybe_hint(self, message: discord.Message, me: discord.abc.User) -> None:
        """A reply to the bot that arrives empty was sent with its ping off: without the Message Content
        intent Discord withholds its text. Say so, instead of staying silent."""
        if self.bot.intents.message_content or message.reference is None or message.guild is None:
            return
        if not replied_to_me(message, me):
            return
        if message.attachments or message.stickers or self.hinted.take_turn(message.author.id) > 0:
            return
        try:
            await message.reply(PINGLESS_HINT, mention_author=False, delete_after=_HINT_SECONDS,
                                allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not tell %s how to reply with a ping: %s", message.author.id, exc)

    async def _answer(self, message: discord.Message, question: str, context: FollowUpContext | None) -> None:
        wait = self.bot.question_cooldowns.take_turn(message.author.id)
        if wait > 0:
            await _safely(message.reply(cooldown_text(wait), mention_author=False, delete_after=_NOTICE_SECONDS,
                                        allowed_mentions=discord.AllowedMentions.none()), "a cooldown notice")
            return
        where = delivery.Where(message.guild.id if message.guild else None, message.channel.id, message.author.id)
        # In chat the question is a message of its own, so a new thread opens on it, before the answer.
        thread = delivery.current_thread(message.channel, context)
        opened = None
        if thread is None and await delivery.wants_new_thread(self.bot, message.channel, where.guild_id):
            opened = thread = await delivery.open_thread(message.channel, message.id, question)
        target: Any = opened or message.channel  # where the answer goes, and where "typing…" shows
        first, rest = (target.send, target.send) if opened else _senders(message)
        writing: discord.Message | None = None

        async def show(text: str) -> None:  # a composed answer being written: one message, edited
            nonlocal writing
            if writing is None:
                writing = await first(content=delivery.writing(text), allowed_mentions=discord.AllowedMentions.none())
            else:
                await writing.edit(content=delivery.writing(text))

        try:
            async with delivery.typing_in(target):
                answer, answer_id = await delivery.ask(self.bot, question, SearchFilters(), context,
                                                       delivery.Where(where.guild_id, target.id, where.user_id), show)
        except Exception as exc:  # noqa: BLE001 - every failure gets a reply; unexpected ones a traceback too
            await self._reply_error(message, exc)
            return
        if writing is not None:
            first = _editor(writing)
        try:
            sent = await delivery.send_answer(first, rest, answer, answer_id)
        except discord.HTTPException as exc:
            sent = await self._deliver_elsewhere(message, answer, answer_id, target, exc)
            thread = None  # not answered in the thread: follow-ups are replies to wherever it went
        if sent:
            await delivery.remember(self.bot, answer_id, sent, thread)

    async def _deliver_elsewhere(self, message: discord.Message, answer: Any, answer_id: str, failed: Any,
                                 exc: discord.HTTPException) -> list[discord.Message]:
        """The answer could not be posted where it belonged (no Send Messages in Threads, say): in place
        in the question's channel instead, else privately to the asker; logged either way."""
        log.warning("could not post answer %s in channel %s: %s", answer_id, getattr(failed, "id", "?"), exc)
        if failed is not message.channel:
            first, rest = _senders(message)
            try:
                return await delivery.send_answer(first, rest, answer, answer_id)
            except discord.HTTPException as again:
                log.warning("could not post answer %s in channel %s either: %s", answer_id, message.channel.id, again)
        try:
            await message.author.send(f"I couldn't post my answer in <#{message.channel.id}> (I lack a permission "
                                      "there; a server admin can fix it). Here it is:")
            send = message.author.send
            return await delivery.send_answer(send, send, answer, answer_id)
        except discord.HTTPException as last:
            log.error("answer %s for user %s could not be delivered anywhere: %s", answer_id, message.author.id, last)
            return []

    async def _reply_error(self, message: discord.Message, exc: Exception) -> None:
        if not is_expected(exc):
            log.error("answering message %s failed", message.id, exc_info=exc)
        await _safely(message.reply(error_message(exc), mention_author=False,
                                    allowed_mentions=discord.AllowedMentions.none()), "an error reply")


def _senders(message: discord.Message) -> tuple[delivery.Send, delivery.Send]:
    """A reply to the question (a normal message if the question has been deleted meanwhile), then messages."""
    async def reply(**kwargs: Any) -> discord.Message:
        return await message.channel.send(reference=message.to_reference(fail_if_not_exists=False),
                                          mention_author=False, **kwargs)
    return reply, message.channel.send


def _editor(message: discord.Message) -> delivery.Send:
    """Sends the answer's first message by editing the message that showed it being written."""
    async def edit(**kwargs: Any) -> discord.Message:
        return await message.edit(content=None, **kwargs)
    return edit


async def _safely(sending: Any, what: str) -> None:
    try:
        await sending
    except discord.HTTPException as exc:
        log.warning("could not send %s: %s", what, exc)


async def setup(bot: ArchivistBot) -> None:
    await bot.add_cog(Chat(bot))
