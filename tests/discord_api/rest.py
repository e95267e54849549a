"""REST routes a bot calls with its own token: login, commands, channel messages, typing, threads, DMs.

Permission rules (403, code 50013; 50001 without View Channel), from resources/message.mdx "Create
Message" → "Limitations" ("the current user must have the SEND_MESSAGES permission"; "When creating a
message as a reply to another message, the current user must have the READ_MESSAGE_HISTORY permission"),
topics/threads.mdx ("The SEND_MESSAGES permission has no effect in threads; users must have
SEND_MESSAGES_IN_THREADS to talk in a thread"), topics/permissions.mdx (CREATE_PUBLIC_THREADS "Allows for
creating public and announcement threads"), and a message carrying embeds without Embed Links, which
Discord refuses with 403 Missing Permissions (reported in discord/discord-api-docs#2601).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.discord_api import limits, payloads
from tests.discord_api import permissions as perms
from tests.discord_api.errors import (
    CANNOT_DM,
    CANNOT_EDIT_OTHERS,
    THREAD_ALREADY_CREATED,
    UNKNOWN_CHANNEL,
    ApiError,
)
from tests.discord_api.messages import check_body, edit_message, new_message
from tests.discord_api.model import Channel, Command
from tests.discord_api.ratelimits import CHANNEL_MESSAGES

if TYPE_CHECKING:
    from tests.discord_api.server import DiscordServer


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


async def me(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    return Reply(200, payloads.user(server.world.bot) | {"verified": True, "mfa_enabled": False, "flags": 0})


async def application(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    world = server.world
    return Reply(200, {"id": str(world.application_id), "name": world.bot.name, "icon": None, "description": "",
                       "rpc_origins": [], "bot_public": False, "bot_require_code_grant": False,
                       "owner": payloads.user(world.owner), "team": None, "verify_key": "0" * 64, "flags": 0,
                       "summary": "", "bot": payloads.user(world.bot)})


async def put_commands(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    """Bulk overwrite of global (or one guild's) commands (interactions/application-commands.mdx)."""
    world = server.world
    guild_id = int(match["guild"]) if match.get("guild") else None
    limits.check_commands(body)
    for command_id in [c.id for c in world.commands.values() if c.guild_id == guild_id]:
        del world.commands[command_id]
    made = []
    for item in body:
        command = Command(world.snowflake(), guild_id, dict(item))
        command.payload.update(id=str(command.id), application_id=str(world.application_id), version=str(command.id),
                               **({"guild_id": str(guild_id)} if guild_id else {}))
        command.payload.setdefault("type", 1)
        if command.payload.get("default_member_permissions") is not None:  # returned as a string, as documented
            command.payload["default_member_permissions"] = str(int(command.payload["default_member_permissions"]))
        world.commands[command.id] = command
        made.append(command.payload)
    return Reply(200, made)


async def get_commands(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    guild_id = int(match["guild"]) if match.get("guild") else None
    return Reply(200, [c.payload for c in server.world.commands.values() if c.guild_id == guild_id])


async def get_channel(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    channel = server.world.channel(int(match["channel"]))
    if not channel.is_dm:
        server.world.require(channel, 0)
    return Reply(200, payloads.channel(channel, server.world))


async def create_message(server: DiscordServer, match: dict[str, str], body: dict[str, Any]) -> Reply:
    world = server.world
    channel = world.channel(int(match["channel"]))
    headers = server.limits.take(CHANNEL_MESSAGES, str(channel.id))
    _may_post(server, channel, body)
    check_body(body, creating=True)
    message = new_message(world, channel, world.bot, body)
    await server.dispatch_message(message)
    return Reply(200, payloads.message(message, world), headers)


def _may_post(server: DiscordServer, channel: Channel, body: dict[str, Any]) -> None:
    world = server.world
    if channel.is_dm:
        recipient = world.users[channel.recipient_id or 0]
        if not recipient.dms_open:
            raise ApiError(403, CANNOT_DM)
        return
    needed = perms.send_permission(channel)
    if body.get("embeds"):
        needed |= perms.EMBED_LINKS
    if body.get("message_reference"):
        needed |= perms.READ_MESSAGE_HISTORY
    world.require(channel, needed)


async def get_message(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    world = server.world
    channel = world.channel(int(match["channel"]))
    if not channel.is_dm:
        world.require(channel, perms.READ_MESSAGE_HISTORY)
    return Reply(200, payloads.message(world.message(channel.id, int(match["message"])), world))


async def edit_channel_message(server: DiscordServer, match: dict[str, str], body: dict[str, Any]) -> Reply:
    world = server.world
    channel = world.channel(int(match["channel"]))
    message = world.message(channel.id, int(match["message"]))
    headers = server.limits.take(CHANNEL_MESSAGES, str(channel.id))
    if message.author.id != world.bot.id:
        raise ApiError(403, CANNOT_EDIT_OTHERS)
    if not channel.is_dm:
        world.require(channel, 0)
    check_body(body, creating=False)
    edit_message(message, body, world)
    return Reply(200, payloads.message(message, world), headers)


async def delete_channel_message(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    world = server.world
    channel = world.channel(int(match["channel"]))
    message = world.message(channel.id, int(match["message"]))
    if message.author.id != world.bot.id and not channel.is_dm:
        world.require(channel, perms.MANAGE_MESSAGES)
    await server.delete_message(message)
    return Reply(204)


async def typing(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    """Trigger Typing Indicator (resources/channel.mdx): 204; the server records where it was shown."""
    channel = server.world.channel(int(match["channel"]))
    if not channel.is_dm:
        server.world.require(channel, 0)
    server.typing.append(channel.id)
    return Reply(204)


async def thread_from_message(server: DiscordServer, match: dict[str, str], body: dict[str, Any]) -> Reply:
    """Start Thread from Message (resources/channel.mdx): the thread's id is the message's, "as such a message
    can only have a single thread created from it" (160004); name 1-100 characters."""
    world = server.world
    channel = world.channel(int(match["channel"]))
    if channel.kind != "text":
        raise ApiError(400, 50024, message="Cannot execute action on this channel type")
    message = world.message(channel.id, int(match["message"]))
    world.require(channel, perms.CREATE_PUBLIC_THREADS)
    limits.check_thread_name(body.get("name"))
    if message.thread_id is not None:
        raise ApiError(400, THREAD_ALREADY_CREATED)
    thread = server.open_thread(channel, body["name"], thread_id=message.id)
    message.thread_id = thread.id
    await server.dispatch("THREAD_CREATE", payloads.channel(thread, world) | {"newly_created": True}, channel.guild_id)
    return Reply(201, payloads.channel(thread, world))


async def thread_without_message(server: DiscordServer, match: dict[str, str], body: dict[str, Any]) -> Reply:
    world = server.world
    channel = world.channel(int(match["channel"]))
    if channel.kind != "text":
        raise ApiError(400, 50024, message="Cannot execute action on this channel type")
    private = int(body.get("type") or 12) == 12  # Start Thread without Message: private unless told otherwise
    world.require(channel, perms.CREATE_PRIVATE_THREADS if private else perms.CREATE_PUBLIC_THREADS)
    limits.check_thread_name(body.get("name"))
    thread = server.open_thread(channel, body["name"])
    await server.dispatch("THREAD_CREATE", payloads.channel(thread, world) | {"newly_created": True}, channel.guild_id)
    return Reply(201, payloads.channel(thread, world))


async def open_dm(server: DiscordServer, match: dict[str, str], body: dict[str, Any]) -> Reply:
    world = server.world
    recipient = world.users.get(int(body.get("recipient_id") or 0))
    if recipient is None:
        raise ApiError(404, UNKNOWN_CHANNEL)
    return Reply(200, payloads.channel(world.dm_with(recipient), world))


async def attachment(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    data = server.world.attachments.get(int(match["attachment"]))
    return Reply(200, data) if data is not None else Reply(404, {"message": "404: Not Found", "code": 0})
