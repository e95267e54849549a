"""Short-lived buttons for lookups: post search results publicly, read more of an article."""

from __future__ import annotations

import discord

from bot.discord_app.render import Messages
from bot.discord_app.safety import escape

LOOKUP_TIMEOUT = 15 * 60  # an interaction's token lives 15 minutes


class PostPubliclyView(discord.ui.View):
    """Under an ephemeral result: posts the same embeds in the channel for everyone."""

    def __init__(self, messages: Messages) -> None:
        super().__init__(timeout=LOOKUP_TIMEOUT)
        self.messages = messages

    @discord.ui.button(label="Post publicly", style=discord.ButtonStyle.primary)
    async def post(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        shared = f"Shared by {escape(interaction.user.display_name)}"
        await interaction.response.send_message(shared, embeds=self.messages[0],
                                                allowed_mentions=discord.AllowedMentions.none())
        for embeds in self.messages[1:]:
            await interaction.followup.send(embeds=embeds, allowed_mentions=discord.AllowedMentions.none())
        button.disabled = True
        self.stop()


class ReadMoreView(discord.ui.View):
    """Under an article page: shows the next page to whoever clicks, with its own button."""

    def __init__(self, pages: list[discord.Embed], next_page: int = 1) -> None:
        super().__init__(timeout=LOOKUP_TIMEOUT)
        self.pages = pages
        self.next_page = next_page

    @discord.ui.button(label="Read more", style=discord.ButtonStyle.secondary)
    async def read_more(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        page = self.pages[self.next_page]
        following = self.next_page + 1
        extra = {"view": ReadMoreView(self.pages, following)} if following < len(self.pages) else {}
        await interaction.response.send_message(embed=page, ephemeral=True, **extra)


def read_more(pages: list[discord.Embed]) -> dict:
    """The view keyword for the first page: a Read more button when there is more to read."""
    return {"view": ReadMoreView(pages)} if len(pages) > 1 else {}
