"""Feedback buttons under each answer (helpful / not helpful / wrong source) that survive restarts."""

from __future__ import annotations

import logging
import re

import discord
from discord.ext import commands

from bot.discord_app.client import ArchivistBot

log = logging.getLogger("archivist.discord")

_LOOK = {  # verdict -> (label, emoji, style)
    "helpful": ("Helpful", "👍", discord.ButtonStyle.success),
    "unhelpful": ("Not helpful", "👎", discord.ButtonStyle.secondary),
    "wrong_source": ("Wrong source", "⚠️", discord.ButtonStyle.danger),
}
THANKS = "Thanks, your feedback is noted."
ALREADY = "You have already given feedback on this answer."


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"archivist:fb:(?P<verdict>helpful|unhelpful|wrong_source):(?P<answer_id>[0-9a-f]{16})",
):
    """One feedback button; its custom id carries the verdict and the answer id, so no state is lost."""

    def __init__(self, verdict: str, answer_id: str) -> None:
        label, emoji, style = _LOOK[verdict]
        super().__init__(discord.ui.Button(label=label, emoji=emoji, style=style,
                                           custom_id=f"archivist:fb:{verdict}:{answer_id}"))
        self.verdict = verdict
        self.answer_id = answer_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item,
                             match: re.Match[str], /) -> FeedbackButton:
        return cls(match["verdict"], match["answer_id"])

    async def callback(self, interaction: discord.Interaction[ArchivistBot]) -> None:  # type: ignore[override]
        # Acknowledged before the database: the activity log may be slow, Discord's deadline is 3 seconds.
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = interaction.client
        recorded = await bot.workers.quick(bot.activity_log.feedback.record, self.answer_id, interaction.user.id,
                                           self.verdict)
        log.info("feedback %s on answer %s by %s (new=%s)", self.verdict, self.answer_id, interaction.user.id, recorded)
        await interaction.followup.send(THANKS if recorded else ALREADY, ephemeral=True)


def feedback_view(answer_id: str) -> discord.ui.View:
    """The three buttons for an answer; they keep working after a restart (DynamicItem)."""
    view = discord.ui.View(timeout=None)
    for verdict in _LOOK:
        view.add_item(FeedbackButton(verdict, answer_id))
    return view


class Feedback(commands.Cog):
    """Registers the feedback buttons with the client, so clicks on old answers are still handled."""

    def __init__(self, bot: ArchivistBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FeedbackButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(FeedbackButton)


async def setup(bot: ArchivistBot) -> None:
    await bot.add_cog(Feedback(bot))
