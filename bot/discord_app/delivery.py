"""Asking the service off the event loop, logging the answer, and sending it as rendered messages."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import discord

from bot.activity import AnswerRecord
from bot.answering import Answer
from bot.discord_app.limits import MESSAGE_CHARS, THREAD_NAME, truncate
from bot.discord_app.render import render_answer
from bot.discord_app.safety import escape, plain
from bot.followup import FollowUpContext
from embeddings.models import SearchFilters

log = logging.getLogger("archivist.discord")
Send = Callable[..., Awaitable[discord.Message]]


@dataclass(frozen=True)
class Where:
    """Where a question was asked (for the activity log)."""

    guild_id: int | None
    channel_id: int | None
    user_id: int | None


def new_answer_id() -> str:
    return secrets.token_hex(8)  # 16 hex digits: fits a button's custom id with room to spare


EDIT_EVERY = 1.0  # seconds between edits of an answer being written (edits share the send rate limit)
Show = Callable[[str], Awaitable[None]]


class TextRelay:
    """Carries the latest verified text of an answer being written from the worker thread to the loop."""

    def __init__(self) -> None:
        self.latest = ""

    def __call__(self, text: str) -> None:
        self.latest = text  # a single assignment: safe across threads


async def ask(bot, question: str, filters: SearchFilters, context: FollowUpContext | None,
              where: Where, show: Show | None = None) -> tuple[Answer, str]:
    """Answer in a worker thread (the model never runs on the event loop) and log the answer.

    While a composed answer is being written, `show` gets its verified text so far, at most once
    every EDIT_EVERY seconds; the finished answer is the caller's to send.
    """
    started = time.perf_counter()
    relay = TextRelay()
    work = asyncio.ensure_future(asyncio.to_thread(bot.service.ask, question, filters, context, on_progress=relay))
    shown = ""
    while True:
        done, _ = await asyncio.wait({work}, timeout=EDIT_EVERY)
        if done:
            break
        if show is not None and relay.latest and relay.latest != shown:
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
    await asyncio.to_thread(bot.activity_log.answers.record, record)
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
        extra = {"view": feedback_view(answer_id)} if index == len(rendered) - 1 else {}
        send = first if index == 0 else rest
        sent.append(await send(embeds=embeds, allowed_mentions=discord.AllowedMentions.none(), **extra))
    return sent


async def remember(bot, answer_id: str, messages: list[discord.Message], thread: discord.Thread | None) -> None:
    """Record which messages and thread show the answer, so replies and follow-ups find it."""
    ids = [m.id for m in messages if m is not None]
    await asyncio.to_thread(bot.activity_log.conversations.attach_messages, answer_id, ids,
                            thread.id if thread else None)


def current_thread(channel: object, context: FollowUpContext | None) -> discord.Thread | None:
    """The answer thread a follow-up was asked in (its answer stays there), else None."""
    return channel if context is not None and isinstance(channel, discord.Thread) else None


async def wants_new_thread(bot, channel: object, guild_id: int | None) -> bool:
    """Whether an answer in this channel opens a thread: a server's text channel, when the server wants it."""
    if not isinstance(channel, discord.TextChannel):
        return False
    return await asyncio.to_thread(bot.activity_log.guilds.answer_in_thread, guild_id, bot.settings.answer_in_thread)


async def open_thread(message: discord.Message, question: str) -> discord.Thread | None:
    """A new thread on message named after the question, or None when that is not possible here."""
    try:
        return await message.create_thread(name=truncate(plain(question), THREAD_NAME) or "Question")
    except (discord.Forbidden, discord.HTTPException, ValueError) as exc:
        log.warning("could not open a thread for an answer: %s", exc)
        return None


async def follow_up_context(bot, channel: object) -> FollowUpContext | None:
    """The context of the latest answer in this thread, when the channel is an answer thread."""
    if isinstance(channel, discord.Thread):
        return await asyncio.to_thread(bot.activity_log.conversations.context_for_thread, channel.id)
    return None
