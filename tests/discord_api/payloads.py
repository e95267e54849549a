"""The JSON the imitation Discord sends: users, members, roles, channels, guilds, messages, interactions.

Field lists follow discord-api-docs (resources/user.mdx, guild.mdx, channel.mdx, message.mdx,
interactions/receiving-and-responding.mdx "Interaction Object"); discord.py builds its objects from them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.discord_api.model import Channel, Guild, Interaction, Member, Message, Role, User
from tests.discord_api.world import DISCORD_EPOCH_MS, World


def iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat()


def created_at(snowflake: int) -> float:
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000


def user(who: User) -> dict[str, Any]:
    payload: dict[str, Any] = {"id": str(who.id), "username": who.name, "discriminator": "0", "global_name": who.name,
                               "avatar": None, "public_flags": 0}
    if who.bot:
        payload["bot"] = True
    return payload


def member(who: Member, *, with_user: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {"roles": [str(r) for r in who.role_ids], "nick": None, "avatar": None,
                               "joined_at": iso(created_at(who.user.id)), "premium_since": None, "deaf": False,
                               "mute": False, "flags": 0, "pending": False, "communication_disabled_until": None}
    if with_user:
        payload["user"] = user(who.user)
    return payload


def role(item: Role) -> dict[str, Any]:
    payload: dict[str, Any] = {"id": str(item.id), "name": item.name, "color": 0, "colors": {"primary_color": 0},
                               "hoist": False, "icon": None, "unicode_emoji": None, "position": item.position,
                               "permissions": str(item.permissions), "managed": item.bot_id is not None,
                               "mentionable": False, "flags": 0}
    if item.bot_id is not None:
        payload["tags"] = {"bot_id": str(item.bot_id)}
    return payload


def channel(item: Channel, world: World) -> dict[str, Any]:
    if item.is_dm:
        return {"id": str(item.id), "type": 1, "last_message_id": None,
                "recipients": [user(world.users[item.recipient_id])] if item.recipient_id else []}
    payload: dict[str, Any] = {"id": str(item.id), "type": item.type, "guild_id": str(item.guild_id),
                               "name": item.name, "position": 0, "nsfw": False, "last_message_id": None,
                               "rate_limit_per_user": 0, "flags": 0}
    if item.is_thread:
        payload.update(parent_id=str(item.parent_id), owner_id=str(item.owner_id), message_count=0,
                       member_count=1, total_message_sent=0,
                       thread_metadata={"archived": False, "auto_archive_duration": 1440, "locked": False,
                                        "archive_timestamp": iso(world.clock.wall())})
    else:
        payload.update(topic=None, parent_id=None, permission_overwrites=[
            {"id": str(key), "type": 1 if key in item.member_overwrites else 0, "allow": str(allow), "deny": str(deny)}
            for key, (allow, deny) in item.overwrites.items()])
    return payload


def guild(item: Guild, world: World) -> dict[str, Any]:
    """A GUILD_CREATE payload. Without the GUILD_PRESENCES intent its members are only the bot (events/
    gateway-events.mdx, "Guild Create")."""
    texts = [c for c in item.channels.values() if not c.is_thread]
    threads = [c for c in item.channels.values() if c.is_thread]
    return {"id": str(item.id), "name": item.name, "icon": None, "splash": None, "discovery_splash": None,
            "owner_id": str(item.owner_id), "afk_channel_id": None, "afk_timeout": 300, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "features": [], "mfa_level": 0,
            "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None, "vanity_url_code": None,
            "description": None, "banner": None, "premium_tier": 0, "preferred_locale": "en-US", "nsfw_level": 0,
            "public_updates_channel_id": None, "premium_progress_bar_enabled": False, "stickers": [], "emojis": [],
            "roles": [role(r) for r in item.roles.values()], "joined_at": iso(world.clock.wall()), "large": False,
            "unavailable": False, "member_count": len(item.members), "voice_states": [], "presences": [],
            "members": [member(item.members[world.bot.id])],
            "channels": [channel(c, world) for c in texts], "threads": [channel(c, world) for c in threads],
            "stage_instances": [], "guild_scheduled_events": [], "soundboard_sounds": []}


def message(item: Message, world: World, *, depth: int = 0) -> dict[str, Any]:
    """The message as the bot receives it: content-bearing fields emptied when it may not read them."""
    where = world.channel(item.channel_id)
    visible = world.content_visible(item)
    payload: dict[str, Any] = {
        "id": str(item.id), "channel_id": str(item.channel_id), "type": item.type, "author": user(item.author),
        "content": item.content if visible else "", "embeds": item.embeds if visible else [],
        "components": item.components if visible else [], "attachments": item.attachments if visible else [],
        "timestamp": iso(item.created), "edited_timestamp": iso(item.edited) if item.edited else None,
        "tts": False, "mention_everyone": item.mention_everyone, "pinned": False, "flags": item.flags,
        "mentions": [_mentioned(world, where, uid) for uid in item.mention_ids if uid in world.users],
        "mention_roles": [], "reactions": [],
    }
    if where.guild_id:
        payload["guild_id"] = str(where.guild_id)
        guild_ = world.guilds[where.guild_id]
        if item.author.id in guild_.members and item.webhook_id is None:
            payload["member"] = member(guild_.members[item.author.id], with_user=False)
    if item.webhook_id is not None:
        payload["webhook_id"] = str(item.webhook_id)
        payload["application_id"] = str(world.application_id)
    if item.interaction_id is not None:
        interaction = world.interactions[item.interaction_id]
        payload["interaction_metadata"] = {"id": str(interaction.id), "type": interaction.type,
                                           "user": user(interaction.user),
                                           "authorizing_integration_owners": {"0": str(interaction.guild_id or 0)}}
    if item.reference_id is not None:
        payload["message_reference"] = {"type": 0, "message_id": str(item.reference_id),
                                        "channel_id": str(item.channel_id),
                                        **({"guild_id": str(where.guild_id)} if where.guild_id else {})}
        referenced = world.messages.get(item.reference_id)
        if depth == 0:
            payload["referenced_message"] = (message(referenced, world, depth=1)
                                             if referenced is not None and not referenced.deleted else None)
    if item.thread_id is not None:  # a thread started from this message
        payload["thread"] = channel(world.channel(item.thread_id), world)
    return payload


def _mentioned(world: World, where: Channel, user_id: int) -> dict[str, Any]:
    payload = user(world.users[user_id])
    guild_ = world.guild_of(where)
    if guild_ is not None and user_id in guild_.members:
        payload["member"] = member(guild_.members[user_id], with_user=False)
    return payload


def interaction(item: Interaction, world: World) -> dict[str, Any]:
    """An INTERACTION_CREATE payload (interactions/receiving-and-responding.mdx, "Interaction Object"):
    `member.permissions` are the member's permissions in the channel, `app_permissions` the bot's."""
    where = world.channel(item.channel_id)
    payload: dict[str, Any] = {
        "id": str(item.id), "application_id": str(world.application_id), "type": item.type, "data": item.data,
        "token": item.token, "version": 1, "locale": "en-GB", "entitlements": [], "attachment_size_limit": 10_485_760,
        "channel_id": str(where.id), "channel": channel(where, world),
        "app_permissions": str(world.permissions_of(world.bot, where)),
        "context": 1 if where.is_dm else 0,
    }
    if where.guild_id:
        guild_ = world.guilds[where.guild_id]
        payload.update(guild_id=str(guild_.id), guild_locale="en-US", guild={"id": str(guild_.id), "locale": "en-US",
                                                                            "features": []},
                       authorizing_integration_owners={"0": str(guild_.id)})
        payload["member"] = member(guild_.members[item.user.id]) | {
            "permissions": str(world.permissions_of(item.user, where))}
    else:
        payload.update(user=user(item.user), authorizing_integration_owners={"0": "0"})
    if item.message_id is not None:
        payload["message"] = message(world.messages[item.message_id], world)
    return payload
