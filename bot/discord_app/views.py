"""Short-lived buttons for lookups: post search results publicly, read more of an article.

Their message is edited through the interaction's token, which lasts 15 minutes from the interaction:
the buttons are disabled shortly before that, while the token still works, instead of being left to
answer "This interaction failed".
"""

from __future__ import annotations

import logging

import discord

from bot.discord_app.client import ArchivistBot
from bot.discord_app.render import Messages
from bot.discord_app.safety import escape

log = logging.getLogger("archivist.discord")
TOKEN_LIFETIME = 15 * 60.0   # seconds an interaction's token lives
EXPIRY_MARGIN = 60.0         # buttons are disabled this long before the token expires


def received(interaction: discord.Interaction[ArchivistBot]) -> float:
    """When the bot got the interaction, on its clock (call first thing in the callback)."""
    return interaction.client.clock.now()


class ExpiringView(discord.ui.View):
    """Buttons on a message sent through `origin`'s token, disabled before that token expires."""

    def __init__(self, origin: discord.Interaction[ArchivistBot], started: float) -> None:
        super().__init__(timeout=None)  # the expiry runs on the bot's clock, below
        self.origin = origin
        bot = origin.client
        left = started + TOKEN_LIFETIME - EXPIRY_MARGIN - bot.clock.now()
        bot.later(max(0.0, left), self.expire, f"expire buttons of {origin.id}")

    async def expire(self) -> None:
        if self.is_finished():
            return
        await self.disable()

    async def disable(self) -> None:
        """Grey the buttons out on the message and stop listening."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        self.stop()
        try:
            await self.origin.edit_original_response(view=self)
        except discord.HTTPException as exc:
            log.info("could not disable buttons of interaction %s: %s", self.origin.id, exc)


class PostPubliclyView(ExpiringView):
    """Under an ephemeral result: posts the same embeds in the channel for everyone."""

    def __init__(self, origin: discord.Interaction[ArchivistBot], started: float, messages: Messages) -> None:
        super().__init__(origin, started)
        self.messages = messages

    @discord.ui.button(label="Post publicly", style=discord.ButtonStyle.primary)
    async def post(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        shared = f"Shared by {escape(interaction.user.display_name)}"
        await interaction.response.send_message(shared, embeds=self.messages[0],
                                                allowed_mentions=discord.AllowedMentions.none())
        for embeds in self.messages[1:]:
            await interaction.followup.send(embeds=embeds, allowed_mentions=discord.AllowedMentions.none())
        await self.disable()  # posted once is enough


class ReadMoreView(ExpiringView):
    """Under an article page: shows the next page to whoever clicks, with its own button."""

    def __init__(self, origin: discord.Interaction[ArchivistBot], started: float, pages: list[discord.Embed],
                 next_page: int = 1) -> None:
        super().__init__(origin, started)
        self.pages = pages
        self.next_page = next_page

    @discord.ui.button(label="Read more", style=discord.ButtonStyle.secondary)
    async def read_more(self, interaction: discord.Interaction[ArchivistBot], button: discord.ui.Button) -> None:
        started = received(interaction)
        page = self.pages[self.next_page]
        following = self.next_page + 1
        if following < len(self.pages):
            view = ReadMoreView(interaction, started, self.pages, following)
            await interaction.response.send_message(embed=page, ephemeral=True, view=view)
        else:
            await interaction.response.send_message(embed=page, ephemeral=True)


def read_more(origin: discord.Interaction[ArchivistBot], started: float, pages: list[discord.Embed]) -> dict:
    """The view keyword for the first page: a Read more button when there is more to read."""
    return {"view": ReadMoreView(origin, started, pages)} if len(pages) > 1 else {}
