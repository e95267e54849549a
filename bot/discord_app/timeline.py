"""/timeline: a topic's articles in date order, paged with buttons that keep working after a restart."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.checks import question_cooldown
from bot.discord_app.client import ArchivistBot
from bot.discord_app.errors import defer_publicly, mark_resolved
from bot.discord_app.options import filter_options
from bot.discord_app.timeline_pages import TimelinePages
from bot.filters import filters_from_text

UNKNOWN_TIMELINE = "That timeline is no longer known; ask for it again."


class TimelinePageButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"archivist:tl:(?P<timeline_id>[0-9a-f]{12}):(?P<page>\d{1,4})",
):
    """Go to a page of a timeline; the custom id carries the timeline's id and the page, nothing else."""

    def __init__(self, timeline_id: str, page: int, label: str, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
                                           custom_id=f"archivist:tl:{timeline_id}:{page}"))
        self.timeline_id, self.page = timeline_id, page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match: re.Match[str], /) -> TimelinePageButton:
        return cls(match["timeline_id"], int(match["page"]), getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction[ArchivistBot]) -> None:  # type: ignore[override]
        await interaction.response.defer()  # acknowledged first: the page may have to be rebuilt
        cog = interaction.client.get_cog("Timelines")
        if not isinstance(cog, Timelines):
            return
        message_id = interaction.message.id if interaction.message else 0
        if not cog.pages.may_turn(interaction.user.id, message_id):
            return  # clicked again within the cooldown: the click is acknowledged, the page stays
        pages = await cog.pages.get(self.timeline_id)
        if pages is None:
            await interaction.followup.send(UNKNOWN_TIMELINE, ephemeral=True)
            return
        page = min(self.page, len(pages) - 1)
        await interaction.edit_original_response(embed=pages[page], view=page_view(self.timeline_id, page, len(pages)))


def page_view(timeline_id: str, page: int, pages: int) -> discord.ui.View | None:
    """Previous / next buttons for a timeline of several pages (None for one page)."""
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(TimelinePageButton(timeline_id, max(0, page - 1), "◀ Earlier", disabled=page == 0))
    view.add_item(TimelinePageButton(timeline_id, min(pages - 1, page + 1), "Later ▶", disabled=page == pages - 1))
    return view


class Timelines(commands.Cog):
    """How a story unfolded, for everyone."""

    def __init__(self, bot: ArchivistBot) -> None:
        self.bot = bot
        self.pages = TimelinePages(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(TimelinePageButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(TimelinePageButton)

    @app_commands.command(name="timeline", description="The archive's articles about a topic, in date order")
    @app_commands.describe(topic="A story or subject, e.g. the HP-Compaq merger")
    @filter_options(tag=False)
    @question_cooldown()
    async def timeline(self, interaction: discord.Interaction, topic: str, date_from: str | None = None,
                       date_to: str | None = None) -> None:
        topic = self.bot.service.validate(topic)
        filters = filters_from_text(date_from, date_to)
        await defer_publicly(interaction)
        timeline_id, pages = await self.pages.new(topic, filters)
        view = page_view(timeline_id, 0, len(pages))
        if view is None:
            await interaction.followup.send(embed=pages[0], allowed_mentions=discord.AllowedMentions.none())
        else:
            await interaction.followup.send(embed=pages[0], allowed_mentions=discord.AllowedMentions.none(), view=view)
        mark_resolved(interaction)


async def setup(bot: ArchivistBot) -> None:
    await bot.add_cog(Timelines(bot))
