"""Permission bits and how Discord computes a member's permissions in a channel.

Source: discord-api-docs developers/topics/permissions.mdx: the bit table ("Bitwise Permission Flags"),
"Permission Overwrites" (the compute_base_permissions / compute_overwrites pseudocode, followed here),
"Implicit Permissions" (no VIEW_CHANNEL denies everything else in the channel; denying SEND_MESSAGES
denies EMBED_LINKS too) and "Inherited Permissions (Threads)" (threads use their parent's overwrites;
SEND_MESSAGES has no effect there, SEND_MESSAGES_IN_THREADS does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.discord_api.model import Channel, Guild, Member

CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL = (1 << 51) - 1

# What a new server gives @everyone (the client's defaults for the permissions used here).
EVERYONE_DEFAULT = (CREATE_INSTANT_INVITE | ADD_REACTIONS | VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES
                    | READ_MESSAGE_HISTORY | USE_EXTERNAL_EMOJIS | USE_APPLICATION_COMMANDS | CREATE_PUBLIC_THREADS
                    | SEND_MESSAGES_IN_THREADS)
# What Archivist's invite link asks for (docs/discord.md lists the same).
BOT_INVITE = (VIEW_CHANNEL | SEND_MESSAGES | SEND_MESSAGES_IN_THREADS | CREATE_PUBLIC_THREADS | EMBED_LINKS
              | READ_MESSAGE_HISTORY)
_SEND_IMPLIES = MENTION_EVERYONE | ATTACH_FILES | EMBED_LINKS


def base_permissions(guild: Guild, member: Member) -> int:
    if member.user.id == guild.owner_id:
        return ALL
    permissions = guild.roles[guild.id].permissions
    for role_id in member.role_ids:
        permissions |= guild.roles[role_id].permissions
    return ALL if permissions & ADMINISTRATOR else permissions


def in_channel(guild: Guild, member: Member, channel: Channel) -> int:
    """The member's permissions in a guild channel or thread, overwrites and implicit denials applied."""
    base = base_permissions(guild, member)
    if base & ADMINISTRATOR or base == ALL:
        return ALL
    source = guild.channels[channel.parent_id] if channel.is_thread and channel.parent_id else channel
    overwrites = source.overwrites
    permissions = base
    if guild.id in overwrites:
        allow, deny = overwrites[guild.id]
        permissions = (permissions & ~deny) | allow
    allow = deny = 0
    for role_id in member.role_ids:
        if role_id in overwrites:
            allow |= overwrites[role_id][0]
            deny |= overwrites[role_id][1]
    permissions = (permissions & ~deny) | allow
    if member.user.id in overwrites:
        allow, deny = overwrites[member.user.id]
        permissions = (permissions & ~deny) | allow
    if not permissions & VIEW_CHANNEL:
        return 0
    sending = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
    if not permissions & sending:
        permissions &= ~_SEND_IMPLIES
    return permissions


def send_permission(channel: Channel) -> int:
    """The bit that lets a member post in this channel (threads: SEND_MESSAGES_IN_THREADS)."""
    return SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
