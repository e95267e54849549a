"""Asking the service on the answer pool, logging the answer, and sending it as rendered messages."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.activity import AnswerRecord
from bot.answering import Answer
from bot.answering.types import FollowUpContext
from bot.discord_app.limits import MESSAGE_CHARS, THREAD_NAME, truncate
from bot.discord_app.render import render_answer
from bot.discord_app.safety import escape, plain
from embeddings.models import SearchFilters

if TYPE_CHECKING:
    from bot.discord_app.client import ArchivistBot

log = logging.getLogger("archivist.discord")
Send = Callable[..., Awaitable[discord.Message]]
Show = Callable[[str], Awaitable[None]]
STREAM_POLL = 0.5    # seconds between looks at an answer being written (the pacer decides when it is shown)
TYPING_EVERY = 8.0   # Discord shows "typing…" for 10 seconds after each call


@dataclass(frozen=True)
class Where:
    """Where a question was asked (for the activity log, and the channel whose edits are paced)."""

    guild_id: int | None
    channel_id: int | None
    user_id: int | None


def new_answer_id() -> str:
    return secrets.token_hex(8)  # 16 hex digits: fits a button's custom id with room to spare


class TextRelay:
    """Carries the latest verified text of an answer being written from the worker thread to the loop."""

    def __init__(self) -> None:
        self.latest = ""

    def __call__(self, text: str) -> None:
        self.latest = text  # a single assignment: safe across threads


async def ask(bot: ArchivistBot, question: str, filters: SearchFilters, context: FollowUpContext | None,
              where: Where, show: Show | None = None) -> tuple[Answer, str]:
    """Answer on the answer pool (the model never runs on the event loop) and log the answer.

    While a composed answer is being written, `show` gets its verified text so far whenever the
    channel's stream pacer allows an edit; the finished answer is the caller's to send.
    """
    started = time.perf_counter()
    relay = TextRelay()
    work = asyncio.ensure_future(bot.workers.answer(bot.service.ask, question, filters, context, on_progress=relay))
    shown = ""
    while True:
        done, _ = await asyncio.wait({work}, timeout=STREAM_POLL)
        if done:
            break
        if (show is not None and relay.latest and relay.latest != shown
                and bot.stream_pacer.may_edit(where.channel_id)):
            shown = relay.latest
            try:
                await show(shown)
            except discord.HTTPException as exc:  # a failed edit must not lose the answer
                log.warning("could not show an answer being written: %s", exc)
    answer = work.result()
    latency_ms = (time.perf_counter() - started) * 1000
    answer_id = new_answer_id()
    query = context.search_query(answer.question) if context else answer.question
    record = AnswerRecord.of(answer_id, answer, query, latency_ms, guild_id=where.guild_id,
                             channel_id=where.channel_id, user_id=where.user_id)
    await bot.workers.quick(bot.activity_log.answers.record, record)
    log.info("answer %s in %.0f ms (abstained=%s, answerer=%s%s) for user %s", answer_id, latency_ms,
             answer.abstained, answer.answerer, f", fell back: {answer.fallback_reason}" if answer.fallback_reason
             else "", where.user_id)
    return answer, answer_id


def writing(text: str) -> str:
    """An answer being written, as a plain message: its verified sentences so far, escaped, and a mark."""
    return truncate(escape(text), MESSAGE_CHARS - 4) + " …"


async def send_answer(first: Send, rest: Send, answer: Answer, answer_id: str) -> list[discord.Message]:
    """Send the rendered answer: `first` sends the first message, `rest` the others; buttons go last."""
    # The feedback cog owns the buttons.
    from bot.discord_app.feedback import feedback_view

    rendered = render_answer(answer, answer_id)
    sent = []
    for index, embeds in enumerate(rendered):
        extra: dict[str, Any] = {"view": feedback_view(answer_id)} if index == len(rendered) - 1 else {}
        send = first if index == 0 else rest
        sent.append(await send(embeds=embeds, allowed_mentions=discord.AllowedMentions.none(), **extra))
    return sent


async def remember(bot: ArchivistBot, answer_id: str, messages: list[discord.Message],
                   thread: discord.Thread | None) -> None:
    """Record which messages and thread show the answer, so replies and follow-ups find it."""
    ids = [m.id for m in messages if m is not None]
    await bot.workers.quick(bot.activity_log.conversations.attach_messages, answer_id, ids,
                            thread.id if thread else None)


def current_thread(channel: object, context: FollowUpContext | None) -> discord.Thread | None:
    """The answer thread a follow-up was asked in (its answer stays there), else None."""
    return channel if context is not None and isinstance(channel, discord.Thread) else None


async def wants_new_thread(bot: ArchivistBot, channel: object, guild_id: int | None) -> bool:
    """Whether an answer in this channel opens a thread: a server's text channel, when the server wants it."""
    if not isinstance(channel, discord.TextChannel):
        return False
    return await bot.workers.quick(bot.activity_log.guilds.answer_in_thread, guild_id, bot.settings.answer_in_thread)


async def open_thread(channel: object, message_id: int, question: str) -> discord.Thread | None:
    """A new thread on a message of this text channel, named after the question; None when not possible here.

    Opened from the channel: a followup's WebhookMessage knows no guild, so it cannot open one itself.
    """
    if not isinstance(channel, discord.TextChannel):
        return None
    try:
        return await channel.create_thread(name=truncate(plain(question), THREAD_NAME) or "Question",
                                           message=discord.Object(id=message_id))
    except discord.HTTPException as exc:
        log.warning("could not open a thread for an answer in channel %s: %s", channel.id, exc)
        return None


async def follow_up_context(bot: ArchivistBot, channel: object) -> FollowUpContext | None:
    """The context of the latest answer in this thread, when the channel is an answer thread."""
    if isinstance(channel, discord.Thread):
        return await bot.workers.quick(bot.activity_log.conversations.context_for_thread, channel.id)
    return None


@asynccontextmanager
async def typing_in(channel: discord.abc.Messageable) -> AsyncIterator[None]:
    """Show "typing…" in the channel while the body runs; a failed typing call is logged and never raised."""
    async def keep_typing() -> None:
        while True:
            try:
                await channel.typing()
            except discord.HTTPException as exc:
                log.info("could not show typing in %s: %s", getattr(channel, "id", "?"), exc)
                return
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing(), name="archivist-typing")
    try:
        yield
    finally:
        task.cancel()
