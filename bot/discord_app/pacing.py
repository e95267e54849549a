"""Spacing the edits of answers being written, per channel, so that they stay inside Discord's rate limits."""

from __future__ import annotations

from collections import deque

from bot.discord_app.clock import Clock

# Discord counts a bot's message creations and edits per channel (about 5 every 5 s), and webhook
# messages, interaction responses included, per channel too (about 30 a minute, a limit no response
# header shows, so discord.py cannot wait for it). Edits of answers being written are the only
# optional requests: they get at most one every STREAM_SPACING seconds and STREAM_BUDGET a minute per
# channel, shared by every answer being written there, which leaves room for the answers themselves.
STREAM_SPACING = 2.0
STREAM_BUDGET = 20
_WINDOW = 60.0


class StreamPacer:
    """Says whether an answer being written in a channel may show its progress now (latest text wins)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._edits: dict[int, deque[float]] = {}

    def may_edit(self, channel_id: int | None) -> bool:
        """True (and the edit is counted) when the channel's spacing and budget allow one more edit."""
        now = self._clock.now()
        edits = self._edits.setdefault(channel_id or 0, deque())
        while edits and now - edits[0] >= _WINDOW:
            edits.popleft()
        if (edits and now - edits[-1] < STREAM_SPACING) or len(edits) >= STREAM_BUDGET:
            return False
        edits.append(now)
        if len(self._edits) > 1000:  # forget quiet channels
            self._edits = {k: v for k, v in self._edits.items() if v and now - v[-1] < _WINDOW}
        return True
