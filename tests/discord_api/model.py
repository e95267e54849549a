"""What the imitation Discord holds: users, guilds with roles, members and channels, messages, interactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EPHEMERAL = 1 << 6   # message flags (resources/message.mdx, "Message Flags")
LOADING = 1 << 7


@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    dms_open: bool = True  # the user's privacy setting "Direct Messages from server members"

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int = 0
    bot_id: int | None = None  # the managed role Discord gives a bot when it joins


@dataclass
class Member:
    user: User
    role_ids: list[int] = field(default_factory=list)


@dataclass
class Channel:
    id: int
    name: str
    kind: str  # "text", "thread" or "dm"
    guild_id: int | None = None
    parent_id: int | None = None              # a thread's channel
    owner_id: int | None = None               # who started a thread
    recipient_id: int | None = None           # a DM's other user
    overwrites: dict[int, tuple[int, int]] = field(default_factory=dict)  # role or member id -> (allow, deny)
    member_overwrites: set[int] = field(default_factory=set)  # which overwrite ids are members

    @property
    def is_thread(self) -> bool:
        return self.kind == "thread"

    @property
    def is_dm(self) -> bool:
        return self.kind == "dm"

    @property
    def type(self) -> int:  # resources/channel.mdx, "Channel Types"
        return {"text": 0, "dm": 1, "thread": 11}[self.kind]


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    # Server Settings -> Integrations: command id (or the application id, for all commands) -> overrides
    command_overrides: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Message:
    """A message as Discord stores it (its content in full); `body` is the request that created it, `edits`
    every body it was edited with."""

    id: int
    channel_id: int
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    type: int = 0  # 0 default, 19 reply, 20 chat input command (resources/message.mdx, "Message Types")
    reference_id: int | None = None
    mention_ids: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    allowed_mentions: dict[str, Any] | None = None
    webhook_id: int | None = None
    interaction_id: int | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    created: float = 0.0
    edited: float | None = None
    deleted: bool = False
    thread_id: int | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    body: dict[str, Any] = field(default_factory=dict)  # the request that created it

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    def text(self) -> str:
        """Content and every embed's text, for assertions that something is shown somewhere."""
        parts = [self.content or ""]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f.get('name')}\n{f.get('value')}" for f in embed.get("fields") or []]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)

    def buttons(self) -> list[dict[str, Any]]:
        return [item for row in self.components for item in row.get("components", [])]


@dataclass
class Interaction:
    """One interaction and what the app has done with it."""

    id: int
    token: str
    type: int  # 2 application command, 3 message component, 4 autocomplete
    user: User
    guild_id: int | None
    channel_id: int
    data: dict[str, Any]
    created: float                       # on the server's clock (monotonic seconds)
    message_id: int | None = None        # a component's message
    response_type: int | None = None     # the callback type the app answered with
    responded_at: float | None = None
    original_id: int | None = None       # the message the response created (or the component's)
    resolved: bool = True                # False while a deferred "thinking" message waits for its answer
    followup_ids: list[int] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None  # an autocomplete's answer
    invalidated: bool = False            # not acknowledged within 3 seconds

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None


@dataclass
class Command:
    id: int
    guild_id: int | None
    payload: dict[str, Any]

    @property
    def name(self) -> str:
        return self.payload["name"]
