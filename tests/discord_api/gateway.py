"""The Gateway: identifying (with the intents the content rule reads), READY, GUILD_CREATE, events, barriers.

Dispatches events, and offers a barrier that returns once the client has handled everything sent before it.

Source: events/gateway.mdx ("Connection Lifecycle": Hello with heartbeat_interval, Identify, Ready; the
client answers a Heartbeat (opcode 1) sent by the gateway at once; "Privileged Intents": identifying
with a privileged intent the app has not enabled closes the connection with 4014) and
topics/opcodes-and-status-codes.mdx (opcodes 0, 1, 2, 9, 10, 11; close codes 4004, 4014). Frames are
uncompressed JSON text, which discord.py accepts whatever compression it asked for.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord_api import payloads
from tests.discord_api.world import DIRECT_MESSAGES, GUILD_MESSAGES, PRIVILEGED, World

HEARTBEAT_MS = 45_000  # long enough that no regular heartbeat falls inside a test's barrier


class GatewaySession:
    """One client connection."""

    def __init__(self, world: World, ws: web.WebSocketResponse) -> None:
        self.world, self.ws = world, ws
        self.sequence = 0
        self.ready = asyncio.Event()
        self._lock = asyncio.Lock()
        self._acked: list[tuple[int, asyncio.Future[None]]] = []  # (sequence, future) awaiting a heartbeat
        self._settled = -1  # the last sequence a barrier confirmed

    async def send(self, payload: dict[str, Any]) -> None:
        async with self._lock:
            await self.ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        self.sequence += 1
        await self.send({"op": 0, "t": event, "s": self.sequence, "d": data})
        return self.sequence

    async def barrier(self, timeout: float = 10.0) -> None:
        """Ask for a heartbeat (opcode 1) and wait for it: the client answers only after handling every
        frame sent before, and its heartbeat carries the last sequence it saw. Skipped when nothing was
        dispatched since the last one: the client may send only 120 frames a minute (discord.py keeps to 110)."""
        if self._settled == self.sequence:
            return
        wanted = self.sequence
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._acked.append((wanted, future))
        await self.send({"op": 1, "d": None})
        await asyncio.wait_for(future, timeout)
        self._settled = max(self._settled, wanted)

    async def run(self) -> None:
        await self.send({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}})
        async for frame in self.ws:
            if frame.type != WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            if message["op"] == 1:
                await self._heartbeat(message.get("d"))
            elif message["op"] == 2:
                await self._identify(message["d"])
            elif message["op"] == 6:  # RESUME: this imitation keeps no sessions, so start over
                await self.send({"op": 9, "d": False})

    async def _heartbeat(self, sequence: int | None) -> None:
        await self.send({"op": 11})
        seen = sequence or 0
        waiting, self._acked = self._acked, []
        for wanted, future in waiting:
            if seen >= wanted and not future.done():
                future.set_result(None)
            elif not future.done():
                self._acked.append((wanted, future))

    async def _identify(self, data: dict[str, Any]) -> None:
        world = self.world
        if data.get("token") != world.token:
            await self.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED & ~world.portal_intents:
            await self.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        world.identified_intents = intents
        await self.dispatch("READY", {
            "v": 10, "user": payloads.user(world.bot) | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g), "unavailable": True} for g in world.guilds],
            "session_id": secrets.token_hex(16), "resume_gateway_url": "ws://127.0.0.1:1/gateway",
            "private_channels": [], "relationships": [], "user_settings": {},
            "application": {"id": str(world.application_id), "flags": 0},
        })
        for guild in world.guilds.values():
            await self.dispatch("GUILD_CREATE", payloads.guild(guild, world))
        self.ready.set()

    def wants(self, event: str, guild_id: int | None) -> bool:
        """Whether the identified intents subscribe to the event (events/gateway.mdx, "List of Intents")."""
        intents = self.world.identified_intents or 0
        if event.startswith("MESSAGE_"):
            return bool(intents & (GUILD_MESSAGES if guild_id else DIRECT_MESSAGES))
        return True
