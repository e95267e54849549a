"""The imitation Discord's state: the application and its bot, guilds, channels, messages, interactions, commands."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from tests.discord_api import permissions as perms
from tests.discord_api.clock import TestClock
from tests.discord_api.errors import MISSING_ACCESS, MISSING_PERMISSIONS, UNKNOWN_CHANNEL, UNKNOWN_MESSAGE, ApiError
from tests.discord_api.model import Channel, Command, Guild, Interaction, Member, Message, Role, User

DISCORD_EPOCH_MS = 1_420_070_400_000  # reference.mdx, "Snowflakes"
MESSAGE_CONTENT = 1 << 15              # events/gateway.mdx, "List of Intents"
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
PRIVILEGED = (1 << 1) | (1 << 8) | MESSAGE_CONTENT  # GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT


class World:
    """Everything the server knows; tests build it (people, channels, permissions) before the bot connects."""

    def __init__(self, clock: TestClock) -> None:
        self.clock = clock
        self._increment = itertools.count()
        self.token = "test-bot-token." + secrets.token_hex(8)
        self.application_id = self.snowflake()
        self.bot = User(self.application_id, "Archivist", bot=True)
        self.owner = User(self.snowflake(), "owner")
        # Developer Portal -> Bot -> Privileged Gateway Intents; the application may identify with these.
        self.portal_intents = MESSAGE_CONTENT
        self.identified_intents: int | None = None
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.dms: dict[int, Channel] = {}  # by channel id
        self.messages: dict[int, Message] = {}
        self.interactions: dict[int, Interaction] = {}
        self.by_token: dict[str, Interaction] = {}
        self.commands: dict[int, Command] = {}
        self.attachments: dict[int, bytes] = {}

    # -- ids ------------------------------------------------------------------------------------

    def snowflake(self) -> int:
        ms = int(self.clock.wall() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._increment) % 4096)

    # -- building the world (tests) ---------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False) -> User:
        user = User(self.snowflake(), name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, bot_permissions: int = perms.BOT_INVITE) -> Guild:
        guild = Guild(self.snowflake(), name, self.owner.id)
        guild.roles[guild.id] = Role(guild.id, "@everyone", perms.EVERYONE_DEFAULT)
        bot_role = Role(self.snowflake(), self.bot.name, bot_permissions, position=1, bot_id=self.bot.id)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.owner.id] = Member(self.owner)
        guild.members[self.bot.id] = Member(self.bot, [bot_role.id])
        self.guilds[guild.id] = guild
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(self.snowflake(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_member(self, guild: Guild, name: str, roles: tuple[Role, ...] = (), *, bot: bool = False) -> User:
        user = self.add_user(name, bot=bot)
        guild.members[user.id] = Member(user, [r.id for r in roles])
        return user

    def add_channel(self, guild: Guild, name: str) -> Channel:
        channel = Channel(self.snowflake(), name, "text", guild_id=guild.id)
        guild.channels[channel.id] = channel
        return channel

    def bot_role(self, guild: Guild) -> Role:
        return next(role for role in guild.roles.values() if role.bot_id == self.bot.id)

    # -- lookups --------------------------------------------------------------------------------

    def channel(self, channel_id: int) -> Channel:
        if channel_id in self.dms:
            return self.dms[channel_id]
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        raise ApiError(404, UNKNOWN_CHANNEL)

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def message(self, channel_id: int, message_id: int) -> Message:
        found = self.messages.get(message_id)
        if found is None or found.deleted or found.channel_id != channel_id:
            raise ApiError(404, UNKNOWN_MESSAGE)
        return found

    def permissions_of(self, user: User, channel: Channel) -> int:
        """The user's permissions in the channel (every permission in a DM with them)."""
        guild = self.guild_of(channel)
        if guild is None:
            return perms.ALL
        member = guild.members.get(user.id)
        return perms.in_channel(guild, member, channel) if member else 0

    def require(self, channel: Channel, needed: int) -> None:
        """403 unless the bot has every permission in `needed` here (50001 without View Channel, as Discord)."""
        have = self.permissions_of(self.bot, channel)
        if not have & perms.VIEW_CHANNEL:
            raise ApiError(403, MISSING_ACCESS)
        if have & needed != needed:
            raise ApiError(403, MISSING_PERMISSIONS)

    def dm_with(self, user: User) -> Channel:
        for channel in self.dms.values():
            if channel.recipient_id == user.id:
                return channel
        channel = Channel(self.snowflake(), "", "dm", recipient_id=user.id)
        self.dms[channel.id] = channel
        return channel

    def content_visible(self, message: Message) -> bool:
        """Whether the bot receives this message's content (events/gateway.mdx, "Message Content Intent":
        without the intent, content arrives only in messages the app sends, in DMs with the app, and in
        messages in which the app is mentioned; a reply that keeps its ping lists the replied-to author
        among the mentions, resources/message.mdx "Allowed Mentions": replied_user)."""
        if message.author.id == self.bot.id or self.channel(message.channel_id).is_dm:
            return True
        if self.bot.id in message.mention_ids:
            return True
        return bool((self.identified_intents or 0) & MESSAGE_CONTENT)

    def new_interaction(self, kind: int, user: User, channel: Channel, data: dict[str, Any],
                        message: Message | None = None) -> Interaction:
        interaction = Interaction(self.snowflake(), "itoken." + secrets.token_urlsafe(24), kind, user,
                                  channel.guild_id, channel.id, data, self.clock.now(),
                                  message_id=message.id if message else None)
        if message is not None:
            interaction.original_id = message.id
        self.interactions[interaction.id] = interaction
        self.by_token[interaction.token] = interaction
        return interaction

