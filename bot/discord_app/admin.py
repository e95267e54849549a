"""/admin reindex, stats, gaps, ingest and threads: for Manage Server or allow-listed members, replies private."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.activity import start_of_day_utc
from bot.discord_app.checks import admin_visibility, require_admin
from bot.discord_app.client import ArchivistBot
from bot.discord_app.errors import error_message, is_expected
from bot.discord_app.lasting import LastingReply
from bot.discord_app.render_admin import BUSY_TEXT, gaps_embed, ingest_text, progress_text, report_text, stats_embed
from embeddings.indexer import ReindexProgress

log = logging.getLogger("archivist.admin")


class ProgressRelay:
    """Carries the latest progress event from the worker thread to the event loop (latest wins)."""

    def __init__(self) -> None:
        self.latest: ReindexProgress | None = None

    def __call__(self, event: ReindexProgress) -> None:
        self.latest = event  # a single assignment: safe across threads


@app_commands.guild_only()
class Admin(commands.GroupCog, group_name="admin", group_description="Archive administration"):
    """Admin commands: published for Manage Server (or for everyone when allow-lists are set), checked on every use."""

    progress_every = 3.0  # seconds between progress edits (Discord rate-limits edits)

    def __init__(self, bot: ArchivistBot) -> None:
        self.bot = bot
        super().__init__()
        if self.app_command is not None:
            self.app_command.default_permissions = admin_visibility(bot.settings)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await require_admin(interaction)

    async def _audit(self, interaction: discord.Interaction, command: str, detail: str = "") -> None:
        user = interaction.user
        log.info("/admin %s %s by %s (%s) in guild %s", command, detail, user, user.id, interaction.guild_id)
        await self.bot.workers.quick(self.bot.activity_log.audit.record, interaction.guild_id, user.id, str(user),
                                     command, detail)

    @app_commands.command(name="reindex", description="Bring the index in line with the archive folder")
    @app_commands.describe(rebuild="Re-embed everything (needed after changing the model)")
    async def reindex(self, interaction: discord.Interaction[ArchivistBot], rebuild: bool = False) -> None:
        reply = LastingReply(interaction, self.bot.clock.now())
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "reindex", f"rebuild={rebuild}")
        if self.bot.service.reindex_running:
            await interaction.edit_original_response(content=BUSY_TEXT)
            return
        relay = ProgressRelay()
        work = asyncio.ensure_future(self.bot.workers.admin(self.bot.service.reindex, rebuild=rebuild,
                                                            on_progress=relay))
        await self._finish(reply, "reindex", self._show_progress(reply, work, relay), report_text)

    async def _finish(self, reply: LastingReply, command: str, work: Awaitable[Any],
                      describe: Callable[[Any], str]) -> None:
        """Wait for long work and report its result or error through a path that outlives the token."""
        try:
            result = await work
        except Exception as exc:  # noqa: BLE001 - reported to the admin below, wherever the token allows
            if is_expected(exc):
                log.info("/admin %s refused: %s", command, exc)
            else:
                log.error("/admin %s failed", command, exc_info=exc)
            await reply.final(error_message(exc))
            self.bot.in_background(self.bot.choices.refresh(), "autocomplete")
            return
        text = describe(result)
        log.info("/admin %s finished: %s", command, text.splitlines()[0])
        self.bot.in_background(self.bot.choices.refresh(), "autocomplete")  # new headlines and tags
        await reply.final(text)

    async def _show_progress(self, reply: LastingReply, work: asyncio.Future, relay: ProgressRelay) -> Any:
        """Edit the one reply with the latest progress until the work ends (or the token runs out)."""
        shown = None
        while True:
            timeout = min(self.progress_every, reply.seconds_left()) if reply.token_alive else None
            done, _ = await asyncio.wait({work}, timeout=timeout)
            if done:
                return work.result()  # ReindexBusyError etc. are reported by _finish
            text = progress_text(relay.latest)
            if (text != shown or reply.notice_due) and await reply.progress(text):
                shown = text

    @app_commands.command(name="stats", description="What the index holds and how answering is going")
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "stats")
        index = await self.bot.workers.quick(self.bot.service.stats)
        activity = await self.bot.workers.quick(self.bot.activity_log.stats, start_of_day_utc())
        await interaction.followup.send(embed=stats_embed(index, activity, self.bot.service.reindex_running),
                                        ephemeral=True)

    @app_commands.command(name="gaps", description="What people asked that the archive could not answer, by topic")
    @app_commands.describe(days="How far back to look (default 30 days)")
    async def gaps(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 3650] = 30) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "gaps", f"days={days}")
        groups = await self.bot.workers.answer(self.bot.service.gaps, self.bot.activity_log, days)
        await interaction.followup.send(embed=gaps_embed(groups, days), ephemeral=True)

    @app_commands.command(name="ingest", description="Add an article file to the archive and index it")
    @app_commands.describe(file="A .txt, .md, .json or .jsonl article file",
                           replace="Replace a file of the same name already in the archive")
    async def ingest(self, interaction: discord.Interaction[ArchivistBot], file: discord.Attachment,
                     replace: bool = False) -> None:
        reply = LastingReply(interaction, self.bot.clock.now())
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "ingest", f"{file.filename} ({file.size} bytes) replace={replace}")
        limit = self.bot.settings.max_ingest_bytes
        if file.size > limit:
            await interaction.followup.send(f"That file is {file.size:,} bytes; the limit is {limit:,} "
                                            "(ARCHIVIST_MAX_INGEST_BYTES).", ephemeral=True)
            return
        data = await file.read()
        work = self.bot.workers.admin(self.bot.service.ingest, file.filename, data, replace=replace)
        await self._finish(reply, "ingest", work, ingest_text)

    @app_commands.command(name="threads", description="Answer each question in a new thread in this server")
    @app_commands.describe(enabled="On: every answer opens a thread for follow-ups; off: answers in place")
    async def threads(self, interaction: discord.Interaction, enabled: bool) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "threads", f"enabled={enabled}")
        await self.bot.workers.quick(self.bot.activity_log.guilds.set_answer_in_thread, interaction.guild_id, enabled)
        state = "in a new thread" if enabled else "in place (no threads)"
        await interaction.followup.send(f"From now on, answers in this server are posted {state}.", ephemeral=True)


async def setup(bot: ArchivistBot) -> None:
    await bot.add_cog(Admin(bot))
