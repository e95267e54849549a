"""/admin reindex, stats, ingest and threads: for Manage Server or allow-listed members, replies private."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.activity import start_of_day_utc
from bot.discord_app.checks import admin_only
from bot.discord_app.render_admin import BUSY_TEXT, gaps_embed, ingest_text, progress_text, report_text, stats_embed
from embeddings.indexer import ReindexProgress

log = logging.getLogger("archivist.admin")


class ProgressRelay:
    """Carries the latest progress event from the worker thread to the event loop (latest wins)."""

    def __init__(self) -> None:
        self.latest: ReindexProgress | None = None

    def __call__(self, event: ReindexProgress) -> None:
        self.latest = event  # a single assignment: safe across threads


@admin_only()
@app_commands.guild_only()
class Admin(commands.GroupCog, group_name="admin", group_description="Archive administration"):
    """Admin commands; the admin_only decorator hides them and checks every use."""

    progress_every = 3.0  # seconds between progress edits (Discord rate-limits edits)

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        super().__init__()

    async def _audit(self, interaction: discord.Interaction, command: str, detail: str = "") -> None:
        user = interaction.user
        log.info("/admin %s %s by %s (%s) in guild %s", command, detail, user, user.id, interaction.guild_id)
        await asyncio.to_thread(self.bot.activity_log.audit.record, interaction.guild_id, user.id,
                                str(user), command, detail)

    @app_commands.command(name="reindex", description="Bring the index in line with the archive folder")
    @app_commands.describe(rebuild="Re-embed everything (needed after changing the model)")
    async def reindex(self, interaction: discord.Interaction, rebuild: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "reindex", f"rebuild={rebuild}")
        if self.bot.service.reindex_running:
            await interaction.edit_original_response(content=BUSY_TEXT)
            return
        relay = ProgressRelay()
        work = asyncio.ensure_future(asyncio.to_thread(self.bot.service.reindex, rebuild=rebuild, on_progress=relay))
        report = await self._show_progress(interaction, work, relay)
        log.info("/admin reindex finished: %s", report.summary())
        await interaction.edit_original_response(content=report_text(report))

    async def _show_progress(self, interaction: discord.Interaction, work: asyncio.Future, relay: ProgressRelay):
        """Edit the one reply with the latest progress until the work ends; its result (or error) is returned."""
        shown = None
        while True:
            done, _ = await asyncio.wait({work}, timeout=self.progress_every)
            if done:
                return work.result()  # ReindexBusyError etc. go to the tree's error handler
            text = progress_text(relay.latest)
            if text != shown:
                try:
                    await interaction.edit_original_response(content=text)
                    shown = text
                except discord.HTTPException as exc:  # a failed edit must not stop the reindex
                    log.warning("could not show reindex progress: %s", exc)

    @app_commands.command(name="stats", description="What the index holds and how answering is going")
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "stats")
        index = await asyncio.to_thread(self.bot.service.stats)
        activity = await asyncio.to_thread(self.bot.activity_log.stats, start_of_day_utc())
        await interaction.followup.send(embed=stats_embed(index, activity, self.bot.service.reindex_running),
                                        ephemeral=True)

    @app_commands.command(name="gaps", description="What people asked that the archive could not answer, by topic")
    @app_commands.describe(days="How far back to look (default 30 days)")
    async def gaps(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 3650] = 30) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "gaps", f"days={days}")
        groups = await asyncio.to_thread(self.bot.service.gaps, self.bot.activity_log, days)
        await interaction.followup.send(embed=gaps_embed(groups, days), ephemeral=True)

    @app_commands.command(name="ingest", description="Add an article file to the archive and index it")
    @app_commands.describe(file="A .txt, .md, .json or .jsonl article file",
                           replace="Replace a file of the same name already in the archive")
    async def ingest(self, interaction: discord.Interaction, file: discord.Attachment, replace: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "ingest", f"{file.filename} ({file.size} bytes) replace={replace}")
        limit = self.bot.settings.max_ingest_bytes
        if file.size > limit:
            await interaction.followup.send(f"That file is {file.size:,} bytes; the limit is {limit:,} "
                                            "(ARCHIVIST_MAX_INGEST_BYTES).", ephemeral=True)
            return
        data = await file.read()
        outcome = await asyncio.to_thread(self.bot.service.ingest, file.filename, data, replace=replace)
        await interaction.followup.send(ingest_text(outcome), ephemeral=True)

    @app_commands.command(name="threads", description="Answer each question in a new thread in this server")
    @app_commands.describe(enabled="On: every answer opens a thread for follow-ups; off: answers in place")
    async def threads(self, interaction: discord.Interaction, enabled: bool) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self._audit(interaction, "threads", f"enabled={enabled}")
        await asyncio.to_thread(self.bot.activity_log.guilds.set_answer_in_thread, interaction.guild_id, enabled)
        state = "in a new thread" if enabled else "in place (no threads)"
        await interaction.followup.send(f"From now on, answers in this server are posted {state}.", ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Admin(bot))
