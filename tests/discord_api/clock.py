"""A clock shared by the Discord API server and the bot, that a test can move forward (token lifetimes)."""

from __future__ import annotations

import asyncio
import time


class TestClock:
    """Real time plus an offset that `advance` grows: nothing waits for real minutes to pass.

    `now()` is monotonic seconds (the bot's Clock protocol), `wall()` the Unix time Discord's
    snowflakes and X-RateLimit-Reset carry; `sleep` wakes at the deadline on this clock, whether
    real time or an `advance` gets there first.
    """

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self.offset = 0.0
        self._moved = asyncio.Event()

    def now(self) -> float:
        return time.monotonic() + self.offset

    def wall(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Jump forward; sleepers whose deadline has passed wake up."""
        self.offset += seconds
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()

    async def sleep(self, seconds: float) -> None:
        deadline = self.now() + seconds
        while (left := deadline - self.now()) > 0:
            moved = self._moved
            try:
                await asyncio.wait_for(moved.wait(), timeout=left)
            except asyncio.TimeoutError:
                pass
