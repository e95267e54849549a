"""Interaction responses and the interaction webhook: the 3-second deadline, the 15-minute token, deferrals.

Source: interactions/receiving-and-responding.mdx:
- "Interaction tokens are valid for 15 minutes … but you must send an initial response within 3 seconds
  of receiving the event. If the 3 second deadline is exceeded, the token will be invalidated." A late
  first response gets 404 Unknown interaction (10062); any use of a token older than 15 minutes, or of an
  invalidated one, 401 Invalid Webhook Token (50027); a second initial response 400 "Interaction has
  already been acknowledged" (40060) (codes: topics/opcodes-and-status-codes.mdx, "JSON Error Codes").
- "Create Followup Message": "When using this endpoint directly after responding to an interaction with
  DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, this endpoint will function as Edit Original Interaction Response
  … The ephemeral flag will be ignored, and the value you provided in the initial defer response will be
  preserved". Later followups are new messages with their own flags.
- "Interaction Callback Type": 4 message, 5 deferred message (a "thinking" message), 6 deferred update
  and 7 update (components only), 8 autocomplete result; with_response returns the callback object.
- For a component interaction, @original is the message the component is on.
- Interaction responses need no channel permission (the app's own webhook), so none is checked here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.discord_api import limits, payloads
from tests.discord_api.errors import (
    ALREADY_ACKNOWLEDGED,
    INVALID_FORM_BODY,
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    ApiError,
)
from tests.discord_api.messages import check_body, edit_message, new_message, response_flags
from tests.discord_api.model import LOADING, Interaction, Message
from tests.discord_api.ratelimits import WEBHOOK, WEBHOOK_CHANNEL
from tests.discord_api.rest import Reply

if TYPE_CHECKING:
    from tests.discord_api.server import DiscordServer

DEADLINE = 3.0
TOKEN_LIFETIME = 15 * 60.0
_ALLOWED = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}}  # interaction type -> callback types it may answer with


async def callback(server: DiscordServer, match: dict[str, str], body: dict[str, Any], *,
                   with_response: bool = False) -> Reply:
    world = server.world
    interaction = world.interactions.get(int(match["interaction"]))
    if interaction is None or interaction.token != match["token"]:
        raise ApiError(404, UNKNOWN_INTERACTION)
    if interaction.acknowledged:
        raise ApiError(400, ALREADY_ACKNOWLEDGED)
    if world.clock.now() - interaction.created > DEADLINE:
        interaction.invalidated = True
        raise ApiError(404, UNKNOWN_INTERACTION)
    kind, data = int(body.get("type", 0)), body.get("data") or {}
    if kind not in _ALLOWED.get(interaction.type, set()):
        raise ApiError(400, INVALID_FORM_BODY, {"type": {"_errors": [
            {"code": "INTERACTION_RESPONSE_TYPE_INVALID", "message": "Invalid interaction response type"}]}})
    channel = world.channel(interaction.channel_id)
    created: Message | None = None
    if kind == 4:
        check_body(data, creating=True)
        created = new_message(world, channel, world.bot, data, flags=response_flags(data), webhook=True,
                              interaction_id=interaction.id, message_type=20 if interaction.type == 2 else 0)
    elif kind == 5:
        created = new_message(world, channel, world.bot, {}, flags=LOADING | response_flags(data), webhook=True,
                              interaction_id=interaction.id, message_type=20 if interaction.type == 2 else 0)
        interaction.resolved = False
    elif kind == 7:
        check_body(data, creating=False)
        edit_message(world.messages[interaction.message_id or 0], data, world)
    elif kind == 8:
        limits.check_choices(data.get("choices") or [])
        interaction.choices = list(data.get("choices") or [])
    interaction.response_type, interaction.responded_at = kind, world.clock.now()
    if created is not None:
        interaction.original_id = created.id
        await server.dispatch_message(created)
    if not with_response:
        return Reply(204)
    result: dict[str, Any] = {"interaction": {"id": str(interaction.id), "type": interaction.type}}
    if created is not None:
        result["interaction"].update(response_message_id=str(created.id), response_message_loading=kind == 5,
                                     response_message_ephemeral=created.ephemeral)
        if kind == 4:
            result["resource"] = {"type": kind, "message": payloads.message(created, world)}
    return Reply(200, result)


def _interaction(server: DiscordServer, match: dict[str, str]) -> Interaction:
    world = server.world
    if int(match["application"]) != world.application_id:
        raise ApiError(404, UNKNOWN_WEBHOOK)
    interaction = world.by_token.get(match["token"])
    if interaction is None:
        raise ApiError(404, UNKNOWN_WEBHOOK)
    if interaction.invalidated or world.clock.now() - interaction.created > TOKEN_LIFETIME:
        raise ApiError(401, INVALID_WEBHOOK_TOKEN)
    if not interaction.acknowledged:
        raise ApiError(404, UNKNOWN_WEBHOOK)
    return interaction


def _target(server: DiscordServer, interaction: Interaction, message_id: str) -> Message:
    if message_id == "@original":
        wanted = interaction.original_id
    else:
        wanted = int(message_id)
        if wanted != interaction.original_id and wanted not in interaction.followup_ids:
            raise ApiError(404, UNKNOWN_MESSAGE)
    message = server.world.messages.get(wanted or 0)
    if message is None or message.deleted:
        raise ApiError(404, UNKNOWN_MESSAGE)
    return message


def _limit(server: DiscordServer, interaction: Interaction, ephemeral: bool) -> dict[str, str]:
    """The token's bucket, and for a message everyone sees, the channel's unreported webhook limit."""
    hidden = None if ephemeral else (WEBHOOK_CHANNEL, str(interaction.channel_id))
    return server.limits.take(WEBHOOK, interaction.token, hidden=hidden)


async def get_message(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    interaction = _interaction(server, match)
    return Reply(200, payloads.message(_target(server, interaction, match["message"]), server.world))


async def edit(server: DiscordServer, match: dict[str, str], body: dict[str, Any]) -> Reply:
    interaction = _interaction(server, match)
    message = _target(server, interaction, match["message"])
    headers = _limit(server, interaction, message.ephemeral)
    check_body(body, creating=False)
    edit_message(message, body, server.world)
    if message.id == interaction.original_id and message.loading:
        message.flags &= ~LOADING
        interaction.resolved = True
    return Reply(200, payloads.message(message, server.world), headers)


async def delete(server: DiscordServer, match: dict[str, str], body: Any) -> Reply:
    interaction = _interaction(server, match)
    message = _target(server, interaction, match["message"])
    await server.delete_message(message)
    return Reply(204)


async def followup(server: DiscordServer, match: dict[str, str], body: dict[str, Any]) -> Reply:
    world = server.world
    interaction = _interaction(server, match)
    check_body(body, creating=True)
    if interaction.response_type == 5 and not interaction.resolved:
        original = world.messages[interaction.original_id or 0]
        headers = _limit(server, interaction, original.ephemeral)
        edit_message(original, {k: body[k] for k in ("content", "embeds", "components") if k in body}, world)
        original.flags &= ~LOADING  # the deferred message's own flags stay: ephemeral or not
        interaction.resolved = True
        return Reply(200, payloads.message(original, world), headers)
    flags = response_flags(body)
    headers = _limit(server, interaction, bool(flags & 64))
    channel = world.channel(interaction.channel_id)
    message = new_message(world, channel, world.bot, body, flags=flags, webhook=True, interaction_id=interaction.id)
    interaction.followup_ids.append(message.id)
    await server.dispatch_message(message)
    return Reply(200, payloads.message(message, world), headers)
