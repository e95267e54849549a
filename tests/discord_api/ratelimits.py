"""Rate limits: per-route buckets reported in X-RateLimit-* headers, 429 with retry_after, and a hidden channel limit.

Sources:
- topics/rate-limits.mdx: the headers (X-RateLimit-Limit, -Remaining, -Reset, -Reset-After, -Bucket;
  X-RateLimit-Scope on 429s), the 429 body {"message", "retry_after", "global"}, per-route limits keyed
  by the top-level resource (channel_id; webhook_id + webhook_token), "rate limits should not be hard
  coded into your app". A 429 also carries `Via`, as Discord's (discord.py treats a 429 without it as
  a Cloudflare ban).
- The numbers, which Discord does not document: bot messages, "5/5 … The rate limit applies to message
  creation and editing" (jhgg, Discord, discord/discord-api-docs#20); webhooks "should be reporting 5/2,
  the 30/60 was added as a limit to the channel itself" (night, Discord, discord/discord-api-docs#367),
  and "Interactions webhooks share the same rate limit properties as normal webhooks" (interactions/
  receiving-and-responding.mdx, "Followup Messages"). The channel's 30/60 is not in any route's headers:
  "If you receive a 429 where remaining > 0 -> you encountered a sub-request limit" (night,
  discord/discord-api-docs#2190), so a client cannot see it coming.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.discord_api.clock import TestClock


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    per: float


CHANNEL_MESSAGES = Limit("channel-messages", 5, 5.0)   # create and edit, per channel (discord-api-docs#20)
WEBHOOK = Limit("webhook", 5, 2.0)                     # per webhook id + token (discord-api-docs#367)
WEBHOOK_CHANNEL = Limit("webhook-channel", 30, 60.0)   # webhook messages in one channel, unreported (#367, #2190)


class RateLimited(Exception):
    """A 429: the headers and body to send."""

    def __init__(self, retry_after: float, headers: dict[str, str], scope: str) -> None:
        super().__init__(f"429 ({scope}), retry after {retry_after:.3f} s")
        self.retry_after, self.headers, self.scope = retry_after, headers, scope

    def body(self) -> dict:
        return {"message": "You are being rate limited.", "retry_after": round(self.retry_after, 3), "global": False}


class RateLimits:
    """Fixed windows that open with their first request, as Discord's buckets behave to a client."""

    def __init__(self, clock: TestClock) -> None:
        self.clock = clock
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}  # (limit, key) -> (opened, used)

    def _window(self, limit: Limit, key: str) -> tuple[float, int]:
        opened, used = self._windows.get((limit.name, key), (0.0, 0))
        if self.clock.now() >= opened + limit.per:
            opened, used = self.clock.now(), 0
        return opened, used

    def take(self, limit: Limit, key: str, *, hidden: tuple[Limit, str] | None = None) -> dict[str, str]:
        """Count one request against the route's bucket (and a hidden one); its headers, or RateLimited."""
        opened, used = self._window(limit, key)
        reset_after = opened + limit.per - self.clock.now()
        headers = {"X-RateLimit-Limit": str(limit.limit), "X-RateLimit-Bucket": limit.name,
                   "X-RateLimit-Reset": f"{self.clock.wall() + reset_after:.3f}",
                   "X-RateLimit-Reset-After": f"{reset_after:.3f}"}
        if used >= limit.limit:
            raise RateLimited(reset_after, {**headers, "X-RateLimit-Remaining": "0", "X-RateLimit-Scope": "user",
                                            "Retry-After": str(int(reset_after) + 1), "Via": "1.1 google"}, "user")
        if hidden is not None:
            hidden_limit, hidden_key = hidden
            hidden_opened, hidden_used = self._window(hidden_limit, hidden_key)
            if hidden_used >= hidden_limit.limit:
                wait = hidden_opened + hidden_limit.per - self.clock.now()
                raise RateLimited(wait, {**headers, "X-RateLimit-Remaining": str(limit.limit - used),
                                         "X-RateLimit-Scope": "shared", "Retry-After": str(int(wait) + 1),
                                         "Via": "1.1 google"}, "shared")
            self._windows[(hidden_limit.name, hidden_key)] = (hidden_opened, hidden_used + 1)
        self._windows[(limit.name, key)] = (opened, used + 1)
        return {**headers, "X-RateLimit-Remaining": str(limit.limit - used - 1)}
