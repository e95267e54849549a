"""Replies to work that may outlive its interaction's 15-minute token, through the bot's own token after it.

Edits while the token lives, then a direct message to whoever asked, else a message in the channel.
"""

from __future__ import annotations

import logging

import discord

from bot.discord_app.client import ArchivistBot
from bot.discord_app.limits import MESSAGE_CHARS, truncate
from bot.discord_app.views import TOKEN_LIFETIME

log = logging.getLogger("archivist.discord")
SAFETY = 30.0          # the token is not used in its last half minute (its age is known to a few seconds)
HANDOVER_NOTICE = 90.0  # this long before, the reply says where the result will go
NOTICE = ("\nThis is taking a while: the result will come as a direct message when it's done (or in this "
          "channel, mentioning you, if your direct messages are closed).")


class LastingReply:
    """The deferred private reply of a long command, and the ways to reach its user after its token expires."""

    def __init__(self, interaction: discord.Interaction[ArchivistBot], started: float) -> None:
        self.interaction = interaction
        self.clock = interaction.client.clock
        self.usable_until = started + TOKEN_LIFETIME - SAFETY
        self.notice_at = started + TOKEN_LIFETIME - HANDOVER_NOTICE
        self.noticed = False

    @property
    def token_alive(self) -> bool:
        return self.clock.now() < self.usable_until

    @property
    def notice_due(self) -> bool:
        return self.token_alive and not self.noticed and self.clock.now() >= self.notice_at

    def seconds_left(self) -> float:
        """Until the token should no longer be used, or until the hand-over notice is due."""
        due = self.usable_until if self.noticed else self.notice_at
        return max(0.0, due - self.clock.now())

    async def progress(self, text: str) -> bool:
        """Show progress while the token lives (and, near its end, say where the result will go); False once
        the reply can no longer be edited."""
        if not self.token_alive:
            return False
        if self.notice_due:
            self.noticed = True
        if self.noticed:
            text += NOTICE
        try:
            await self.interaction.edit_original_response(content=text)
        except discord.HTTPException as exc:  # a failed edit must not stop the work
            log.warning("could not show progress: %s", exc)
        return self.token_alive

    async def final(self, text: str) -> None:
        """The result: in the reply if its token still works, else by DM, else in the channel (bot's token)."""
        if self.token_alive:
            try:
                await self.interaction.edit_original_response(content=text)
                return
            except discord.HTTPException as exc:
                log.warning("could not edit the reply with the result (%s); sending it by direct message", exc)
        user = self.interaction.user
        try:
            await user.send(text, allowed_mentions=discord.AllowedMentions.none())
            return
        except discord.HTTPException as exc:
            log.warning("could not send the result to %s by direct message: %s", user.id, exc)
        channel = self.interaction.channel
        if isinstance(channel, discord.abc.Messageable):
            try:
                await channel.send(truncate(f"{user.mention} {text}", MESSAGE_CHARS),
                                   allowed_mentions=discord.AllowedMentions(users=[user], everyone=False, roles=False))
                return
            except discord.HTTPException as exc:
                log.error("could not deliver a result to %s anywhere: %s", user.id, exc)
