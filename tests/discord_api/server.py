"""The imitation Discord API on 127.0.0.1: REST under /api/v10, the Gateway at /gateway, and what tests do in it.

A real discord.py client logs in to it (discord.http.Route.BASE) and connects to its Gateway
(DiscordWebSocket.DEFAULT_GATEWAY). Tests act as people do in the client (say, reply, delete, run a
command, click, type into an autocompleted option) and read back what the bot did: every request and
response is recorded, with the messages as Discord stores them.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from aiohttp import web

from tests.discord_api import commands, payloads, rest, webhooks
from tests.discord_api import permissions as perms
from tests.discord_api.clock import TestClock
from tests.discord_api.errors import ApiError, FormErrors
from tests.discord_api.gateway import GatewaySession
from tests.discord_api.messages import mentions, mentions_everyone
from tests.discord_api.model import Channel, Interaction, Message, User
from tests.discord_api.ratelimits import RateLimited, RateLimits
from tests.discord_api.world import World

Handler = Callable[..., Awaitable[rest.Reply]]
_ID = r"(?P<{}>\d+)"
_TOKEN = r"(?P<token>[^/]+)"
ROUTES: list[tuple[str, str, str, Handler, bool]] = [  # (method, name, pattern, handler, needs the bot token)
    ("GET", "me", r"/users/@me", rest.me, True),
    ("GET", "application", r"/oauth2/applications/@me", rest.application, True),
    ("PUT", "global commands", rf"/applications/{_ID.format('app')}/commands", rest.put_commands, True),
    ("GET", "global commands", rf"/applications/{_ID.format('app')}/commands", rest.get_commands, True),
    ("PUT", "guild commands", rf"/applications/{_ID.format('app')}/guilds/{_ID.format('guild')}/commands",
     rest.put_commands, True),
    ("GET", "guild commands", rf"/applications/{_ID.format('app')}/guilds/{_ID.format('guild')}/commands",
     rest.get_commands, True),
    ("GET", "channel", rf"/channels/{_ID.format('channel')}", rest.get_channel, True),
    ("POST", "send", rf"/channels/{_ID.format('channel')}/messages", rest.create_message, True),
    ("GET", "get message", rf"/channels/{_ID.format('channel')}/messages/{_ID.format('message')}", rest.get_message,
     True),
    ("PATCH", "edit", rf"/channels/{_ID.format('channel')}/messages/{_ID.format('message')}",
     rest.edit_channel_message, True),
    ("DELETE", "delete", rf"/channels/{_ID.format('channel')}/messages/{_ID.format('message')}",
     rest.delete_channel_message, True),
    ("POST", "typing", rf"/channels/{_ID.format('channel')}/typing", rest.typing, True),
    ("POST", "thread from message", rf"/channels/{_ID.format('channel')}/messages/{_ID.format('message')}/threads",
     rest.thread_from_message, True),
    ("POST", "thread", rf"/channels/{_ID.format('channel')}/threads", rest.thread_without_message, True),
    ("POST", "open dm", r"/users/@me/channels", rest.open_dm, True),
    ("POST", "callback", rf"/interactions/{_ID.format('interaction')}/{_TOKEN}/callback", webhooks.callback, False),
    ("POST", "followup", rf"/webhooks/{_ID.format('application')}/{_TOKEN}", webhooks.followup, False),
    ("GET", "webhook message", rf"/webhooks/{_ID.format('application')}/{_TOKEN}/messages/(?P<message>@original|\d+)",
     webhooks.get_message, False),
    ("PATCH", "webhook edit", rf"/webhooks/{_ID.format('application')}/{_TOKEN}/messages/(?P<message>@original|\d+)",
     webhooks.edit, False),
    ("DELETE", "webhook delete", rf"/webhooks/{_ID.format('application')}/{_TOKEN}/messages/(?P<message>@original|\d+)",
     webhooks.delete, False),
]


@dataclass
class Call:
    """One request the bot made and what the server answered."""

    method: str
    route: str
    path: str
    body: Any
    status: int
    response: Any
    at: float
    code: int | None = None  # the JSON error code of an error response

    def __repr__(self) -> str:
        return f"<{self.method} {self.route} -> {self.status}{f' ({self.code})' if self.code else ''}>"


class DiscordServer:
    """The server; `world` holds its state, `calls` every request, `typing` every channel typing was shown in."""

    def __init__(self, clock: TestClock | None = None) -> None:
        self.clock = clock or TestClock()
        self.world = World(self.clock)
        self.limits = RateLimits(self.clock)
        self.calls: list[Call] = []
        self.typing: list[int] = []
        self.faults: list[tuple[str, str, ApiError]] = []  # (method, route name, error) to answer once
        self.session: GatewaySession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get(r"/attachments/{attachment:\d+}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listening.bind(("127.0.0.1", 0))
        self.port = listening.getsockname()[1]
        await web.SockSite(self._runner, listening).start()

    async def stop(self) -> None:
        if self.session is not None and not self.session.ws.closed:
            await self.session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- HTTP -------------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.session = GatewaySession(self.world, ws)
        await self.session.run()
        return ws

    async def _attachment(self, request: web.Request) -> web.Response:
        """Discord's CDN: an uploaded file, fetched by its URL (recorded like the API's requests)."""
        reply = await rest.attachment(self, dict(request.match_info), None)
        response = web.Response(status=reply.status, body=reply.body if isinstance(reply.body, bytes) else None)
        return self._record("GET", "attachment", request.path, None, response, None)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await _body(request)
        for method, name, pattern, handler, needs_token in ROUTES:
            match = re.fullmatch(pattern, path)
            if method != request.method or match is None:
                continue
            return await self._answer(request, name, path, body, handler, match.groupdict(), needs_token)
        return self._record(request.method, "?", path, body, _json(
            {"message": "404: Not Found", "code": 0}, status=404), {"message": "404: Not Found", "code": 0})

    async def _answer(self, request: web.Request, name: str, path: str, body: Any, handler: Handler,
                      match: dict[str, str], needs_token: bool) -> web.Response:
        try:
            if needs_token and request.headers.get("Authorization") != f"Bot {self.world.token}":
                raise ApiError(401, 0, message="401: Unauthorized")
            for fault in list(self.faults):
                if fault[0] == request.method and fault[1] == name:
                    self.faults.remove(fault)
                    raise fault[2]
            extra = {"with_response": request.query.get("with_response") in ("1", "true")} if name == "callback" else {}
            reply = await handler(self, match, body, **extra)
        except ApiError as error:
            response = _json(error.body(), status=error.status)
            return self._record(request.method, name, path, body, response, error.body(), error.code)
        except RateLimited as limited:
            response = _json(limited.body(), status=429, headers=limited.headers)
            return self._record(request.method, name, path, body, response, limited.body())
        if reply.status == 204:
            response = web.Response(status=204, headers=reply.headers)
        else:
            response = _json(reply.body, status=reply.status, headers=reply.headers)
        return self._record(request.method, name, path, body, response, reply.body)

    def _record(self, method: str, name: str, path: str, body: Any, response: web.Response, payload: Any,
                code: int | None = None) -> web.Response:
        self.calls.append(Call(method, name, path, body, response.status, payload, time.monotonic(), code))
        return response

    def fail(self, method: str, route: str, error: ApiError) -> None:
        """Answer the next such request with this error (a fault Discord can show but not on cue)."""
        self.faults.append((method, route, error))

    # -- records ----------------------------------------------------------------------------------

    def errors(self) -> list[Call]:
        """Every request the server refused (4xx) — a well-behaved bot makes none."""
        return [call for call in self.calls if call.status >= 400]

    def throttled(self) -> list[Call]:
        return [call for call in self.calls if call.status == 429]

    def channel_messages(self, channel: Channel, *, include_ephemeral: bool = True) -> list[Message]:
        found = [m for m in self.world.messages.values() if m.channel_id == channel.id and not m.deleted]
        return [m for m in found if include_ephemeral or not m.ephemeral]

    def bot_messages(self, channel: Channel | None = None) -> list[Message]:
        return [m for m in self.world.messages.values() if m.author.id == self.world.bot.id and not m.deleted
                and (channel is None or m.channel_id == channel.id)]

    def original(self, interaction: Interaction) -> Message | None:
        return self.world.messages.get(interaction.original_id or 0)

    def followups(self, interaction: Interaction) -> list[Message]:
        return [self.world.messages[i] for i in interaction.followup_ids]

    def thread_of(self, message: Message) -> Channel | None:
        return self.world.channel(message.thread_id) if message.thread_id else None

    async def wait_for(self, check: Callable[[], Any], timeout: float = 10.0, what: str = "the bot") -> Any:
        """Poll until check() is truthy (the bot works concurrently); its value, or AssertionError."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; requests: {self.calls[-8:]}")
            await asyncio.sleep(0.01)

    # -- the gateway side -------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any], guild_id: int | None = None) -> None:
        session = self.session
        if session is not None and session.ready.is_set() and session.wants(event, guild_id):
            await session.dispatch(event, data)

    async def dispatch_message(self, message: Message) -> None:
        """MESSAGE_CREATE for a message everyone can see (ephemeral responses are not dispatched)."""
        if not message.ephemeral:
            channel = self.world.channel(message.channel_id)
            await self.dispatch("MESSAGE_CREATE", payloads.message(message, self.world), channel.guild_id)

    async def delete_message(self, message: Message) -> None:
        message.deleted = True
        channel = self.world.channel(message.channel_id)
        data = {"id": str(message.id), "channel_id": str(channel.id),
                **({"guild_id": str(channel.guild_id)} if channel.guild_id else {})}
        await self.dispatch("MESSAGE_DELETE", data, channel.guild_id)

    async def barrier(self) -> None:
        if self.session is not None and self.session.ready.is_set():
            await self.session.barrier()

    def open_thread(self, parent: Channel, name: str, thread_id: int | None = None,
                    owner: User | None = None) -> Channel:
        guild = self.world.guilds[parent.guild_id or 0]
        thread = Channel(thread_id or self.world.snowflake(), name, "thread", guild_id=guild.id, parent_id=parent.id,
                         owner_id=(owner or self.world.bot).id)
        guild.channels[thread.id] = thread
        return thread

    # -- what people do in the client -------------------------------------------------------------

    async def say(self, author: User, channel: Channel, content: str, *, reply_to: Message | None = None,
                  ping: bool = True) -> Message:
        """A member posts a message (a reply keeps the reply ping unless ping=False)."""
        world = self.world
        message = Message(world.snowflake(), channel.id, author, content=content, created=self.clock.wall(),
                          type=19 if reply_to else 0, reference_id=reply_to.id if reply_to else None)
        message.mention_ids = mentions(world, message, ping_reply=ping)
        may_ping_everyone = world.permissions_of(author, channel) & perms.MENTION_EVERYONE
        message.mention_everyone = bool(may_ping_everyone) and mentions_everyone(content)
        world.messages[message.id] = message
        await self.dispatch_message(message)
        await self.barrier()
        return message

    async def start_thread(self, user: User, parent: Channel, name: str) -> Channel:
        """A member starts a thread of their own in a text channel."""
        thread = self.open_thread(parent, name, owner=user)
        await self.dispatch("THREAD_CREATE", payloads.channel(thread, self.world) | {"newly_created": True},
                            parent.guild_id)
        await self.barrier()
        return thread

    async def delete(self, message: Message) -> None:
        """Its author deletes a message."""
        await self.delete_message(message)
        await self.barrier()

    async def invoke(self, user: User, channel: Channel, command: str, *,
                     files: dict[str, tuple[str, bytes]] | None = None, **values: Any) -> Interaction:
        """A member runs a slash command ("admin reindex" for a subcommand) with option values by their names."""
        world = self.world
        found = commands.find(world, channel, command)
        guild = world.guild_of(channel)
        if not commands.may_use(world, guild, user, channel, found):
            raise commands.CommandUnavailable(f"/{command} is not available to {user.name} here")
        attachments = {}
        for option, (filename, data) in (files or {}).items():
            attachment_id = world.snowflake()
            world.attachments[attachment_id] = data
            url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{quote(filename, safe='')}"
            attachments[str(attachment_id)] = {"id": str(attachment_id), "filename": filename, "size": len(data),
                                               "content_type": "text/plain", "url": url, "proxy_url": url}
            values[option] = attachment_id
        options, resolved = commands.options(found, command, values, attachments=attachments)
        data = {"id": str(found.id), "name": found.name, "type": 1, "options": options,
                **({"resolved": resolved} if resolved else {}), **({"guild_id": str(guild.id)} if guild else {})}
        return await self._interact(2, user, channel, data)

    async def autocomplete(self, user: User, channel: Channel, command: str, focused: str, typed: str,
                           **values: Any) -> Interaction:
        found = commands.find(self.world, channel, command)
        options, _ = commands.options(found, command, {**values, focused: typed}, focused=focused)
        data = {"id": str(found.id), "name": found.name, "type": 1, "options": options}
        return await self._interact(4, user, channel, data)

    async def click(self, user: User, message: Message, label: str) -> Interaction:
        """A member clicks a button by its label; a disabled button cannot be clicked."""
        button = next((b for b in message.buttons() if b.get("label") == label), None)
        if button is None:
            raise commands.CommandUnavailable(f"no button {label!r} on the message")
        if button.get("disabled"):
            raise commands.CommandUnavailable(f"the button {label!r} is disabled")
        channel = self.world.channel(message.channel_id)
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._interact(3, user, channel, data, message)

    async def _interact(self, kind: int, user: User, channel: Channel, data: dict[str, Any],
                        message: Message | None = None) -> Interaction:
        interaction = self.world.new_interaction(kind, user, channel, data, message)
        await self.dispatch("INTERACTION_CREATE", payloads.interaction(interaction, self.world))
        await self.barrier()
        return interaction


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Discord's JSON responses say exactly `application/json` (discord.py compares the header as it is)."""
    return web.Response(body=json.dumps(payload).encode(), status=status,
                        headers={**(headers or {}), "Content-Type": "application/json"})


async def _body(request: web.Request) -> Any:
    if request.content_type == "multipart/form-data":
        form = await request.post()
        raw = form.get("payload_json")
        return json.loads(str(raw)) if raw else {}
    text = await request.text()
    return json.loads(text) if text else None


__all__ = ["DiscordServer", "Call", "FormErrors"]
