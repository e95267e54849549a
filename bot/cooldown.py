"""Per-user cooldown between questions (Discord-free, so the slash and chat paths share it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable


class Cooldowns:
    """At most one question per key every `seconds`; remembers only keys seen within the window."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = float(seconds)
        self._clock = clock
        self._last: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def take_turn(self, key: Hashable) -> float:
        """Take the key's turn: 0.0 when it may go ahead (and the use is recorded), else the seconds to wait."""
        if self.seconds <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.seconds:
                return self.seconds - (now - last)
            self._last[key] = now
            if len(self._last) > 10_000:  # forget keys whose window has passed
                self._last = {k: t for k, t in self._last.items() if now - t < self.seconds}
            return 0.0
