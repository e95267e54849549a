"""Creating and editing messages from request bodies, as Discord stores them (mentions, replies, flags)."""

from __future__ import annotations

import re
from typing import Any

from tests.discord_api import limits
from tests.discord_api.errors import EMPTY_MESSAGE, ApiError, FormErrors
from tests.discord_api.model import EPHEMERAL, Channel, Message, User
from tests.discord_api.world import World

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)\b")
_SETTABLE_FLAGS = EPHEMERAL | (1 << 2) | (1 << 12)  # EPHEMERAL (responses), SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS


def new_message(world: World, channel: Channel, author: User, body: dict[str, Any], *, flags: int = 0,
                webhook: bool = False, interaction_id: int | None = None, message_type: int = 0) -> Message:
    """A message from a request body; a reply's reference must exist (Create Message, "Limitations": "The
    referenced message must exist"), unless the request said fail_if_not_exists: false."""
    reference_id, message_type = _reference(world, channel, body.get("message_reference"), message_type)
    message = Message(world.snowflake(), channel.id, author, content=body.get("content") or "",
                      embeds=list(body.get("embeds") or []), components=list(body.get("components") or []),
                      flags=flags, type=message_type, reference_id=reference_id,
                      allowed_mentions=body.get("allowed_mentions"),
                      webhook_id=world.application_id if webhook else None,
                      interaction_id=interaction_id, attachments=list(body.get("attachments") or []),
                      created=world.clock.wall(), body=dict(body))
    message.mention_ids = mentions(world, message, ping_reply=_pings_reply(body))
    world.messages[message.id] = message
    return message


def response_flags(body: dict[str, Any]) -> int:
    return int(body.get("flags") or 0) & _SETTABLE_FLAGS


def edit_message(message: Message, body: dict[str, Any], world: World) -> None:
    """Apply an edit: every parameter is optional and nullable (Edit Message, resources/message.mdx)."""
    message.edits.append(dict(body))
    if "content" in body:
        message.content = body["content"] or ""
    if "embeds" in body:
        message.embeds = list(body["embeds"] or [])
    if "components" in body:
        message.components = list(body["components"] or [])
    if not (message.content or message.embeds or message.components or message.attachments):
        raise ApiError(400, EMPTY_MESSAGE)
    message.edited = world.clock.wall()


def check_body(body: dict[str, Any], *, creating: bool) -> None:
    limits.check_message(body, creating=creating)


def mentions(world: World, message: Message, *, ping_reply: bool) -> list[int]:
    """Users the message mentions: <@id> in its content, and the replied-to author when the reply pings."""
    found = [int(uid) for uid in _USER_MENTION.findall(message.content) if int(uid) in world.users]
    if ping_reply and message.reference_id is not None:
        replied = world.messages.get(message.reference_id)
        if replied is not None and replied.author.id not in found:
            found.append(replied.author.id)
    return found


def mentions_everyone(content: str) -> bool:
    return bool(_EVERYONE.search(content))


def _pings_reply(body: dict[str, Any]) -> bool:
    allowed = body.get("allowed_mentions")
    if allowed is None:
        return True  # a person's reply: the client's reply-ping toggle, passed by the test as this default
    return bool(allowed.get("replied_user"))


def _reference(world: World, channel: Channel, reference: dict[str, Any] | None,
               message_type: int) -> tuple[int | None, int]:
    if not reference or not reference.get("message_id"):
        return None, message_type
    referenced = world.messages.get(int(reference["message_id"]))
    if referenced is None or referenced.deleted or referenced.channel_id != channel.id:
        if reference.get("fail_if_not_exists", True):
            errors = FormErrors()
            errors.add(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
            errors.raise_if_any()
        return None, message_type
    return referenced.id, 19 if message_type == 0 else message_type
