"""/search (ranked articles, privately, with a button to share) and /article (autocompleted headlines)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.checks import question_cooldown
from bot.discord_app.client import ArchivistBot
from bot.discord_app.errors import defer_publicly, mark_resolved
from bot.discord_app.limits import CHOICE_CHARS, CHOICES, truncate
from bot.discord_app.options import filter_options, tag_choices
from bot.discord_app.render import article_pages, render_hits
from bot.discord_app.views import PostPubliclyView, read_more, received
from bot.filters import filters_from_text
from embeddings.dates import human_date

SEARCH_RESULTS = 8


class Lookup(commands.Cog):
    """Finding and reading articles."""

    def __init__(self, bot: ArchivistBot) -> None:
        self.bot = bot

    @app_commands.command(name="search", description="Find articles in the archive (only you see the list)")
    @app_commands.describe(query="Words or a question")
    @filter_options()
    @question_cooldown()
    async def search(self, interaction: discord.Interaction[ArchivistBot], query: str, date_from: str | None = None,
                     date_to: str | None = None, tag: str | None = None) -> None:
        started = received(interaction)
        query = self.bot.service.validate(query)
        filters = filters_from_text(date_from, date_to, tag)
        await interaction.response.defer(ephemeral=True, thinking=True)
        hits = await self.bot.workers.answer(self.bot.service.search, query, filters, SEARCH_RESULTS)
        messages = render_hits(query, hits)
        if hits:
            view = PostPubliclyView(interaction, started, messages)
            await interaction.followup.send(embeds=messages[0], ephemeral=True, view=view)
        else:
            await interaction.followup.send(embeds=messages[0], ephemeral=True)
        for embeds in messages[1:]:
            await interaction.followup.send(embeds=embeds, ephemeral=True)

    @search.autocomplete("tag")
    async def search_tags(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return tag_choices(self.bot, current)

    @app_commands.command(name="article", description="Read an article of the archive")
    @app_commands.describe(title="Start typing a headline")
    async def article(self, interaction: discord.Interaction[ArchivistBot], title: str) -> None:
        started = received(interaction)
        await defer_publicly(interaction)
        found = await self.bot.workers.quick(self.bot.service.article, title)
        pages = article_pages(found)
        await interaction.followup.send(embed=pages[0], **read_more(interaction, started, pages))
        mark_resolved(interaction)

    @article.autocomplete("title")
    async def article_titles(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Headlines from memory: autocomplete cannot be deferred, so neither the model nor the index is used."""
        choices = []
        for match in self.bot.choices.titles(current, CHOICES):
            name = truncate(f"{match.title} ({human_date(match.date)})", CHOICE_CHARS)
            # The value must fit 100 characters; a longer id is looked up by its headline instead.
            value = match.article_id if len(match.article_id) <= CHOICE_CHARS else match.title[:CHOICE_CHARS]
            choices.append(app_commands.Choice(name=name or "…", value=value))
        return choices[:CHOICES]


async def setup(bot: ArchivistBot) -> None:
    await bot.add_cog(Lookup(bot))
