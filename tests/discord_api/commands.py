"""Who may use a published command, and the interaction data Discord builds from what a member typed.

Source: interactions/application-commands.mdx, "Permissions" and "Using Default Permissions":
"default_member_permissions … the permissions a user must have to use it … Setting it to "0" will
prohibit anyone in a guild from using the command unless a specific overwrite is configured or the user
has admin permissions"; "If you don't have permission to use a command, it will not show up in the
command picker. Members with the Administrator permission can use all commands." Overwrites are set in
Server Settings → Integrations (the "Syncing and Unsyncing Permissions" section): for a user, a role,
@everyone (the guild id) or a channel, per command or for all of an app's commands (the application
id). `contexts` without BOT_DM (1) keeps a global command out of DMs ("Contexts").
"""

from __future__ import annotations

from typing import Any

from tests.discord_api import permissions as perms
from tests.discord_api.model import Channel, Command, Guild, User
from tests.discord_api.world import World


class CommandUnavailable(Exception):
    """What a member cannot do in the client: the command is not in their picker, or the value not accepted."""


def find(world: World, channel: Channel, path: str) -> Command:
    """The published command a member would pick by its name ("admin reindex": group, then subcommand)."""
    name = path.split()[0]
    guild_id = channel.guild_id
    for command in list(world.commands.values()):
        if command.name == name and command.guild_id == guild_id and guild_id is not None:
            return command
    for command in world.commands.values():
        if command.name == name and command.guild_id is None:
            return command
    raise CommandUnavailable(f"/{name} is not published (run the sync first)")


def may_use(world: World, guild: Guild | None, user: User, channel: Channel, command: Command) -> bool:
    payload = command.payload
    if guild is None:
        contexts = payload.get("contexts")
        in_dms = contexts is None or 1 in contexts
        return command.guild_id is None and in_dms and payload.get("dm_permission") is not False
    member_permissions = world.permissions_of(user, channel)
    if member_permissions & perms.ADMINISTRATOR or user.id == guild.owner_id:
        return True
    overrides = guild.command_overrides.get(command.id, guild.command_overrides.get(world.application_id, []))
    member = guild.members[user.id]
    for entry in overrides:
        if entry["type"] == 3 and int(entry["id"]) in (channel.id, guild.id - 1) and not entry["permission"]:
            return False
    for entry in overrides:
        if entry["type"] == 2 and int(entry["id"]) == user.id:
            return bool(entry["permission"])
    roles = [entry["permission"] for entry in overrides if entry["type"] == 1 and int(entry["id"]) in member.role_ids]
    if roles:
        return any(roles)
    for entry in overrides:
        if entry["type"] == 1 and int(entry["id"]) == guild.id:
            return bool(entry["permission"])
    required = payload.get("default_member_permissions")
    return required is None or member_permissions & int(required) == int(required)


def options(command: Command, path: str, values: dict[str, Any], *, focused: str | None = None,
            attachments: dict[str, dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(options, resolved) as Discord sends them; what the client would refuse raises CommandUnavailable."""
    schema = command.payload.get("options") or []
    names = path.split()[1:]
    nested: list[list[dict[str, Any]]] = []
    for name in names:  # subcommand groups and subcommands
        found = next((o for o in schema if o["name"] == name and o["type"] in (1, 2)), None)
        if found is None:
            raise CommandUnavailable(f"no subcommand {name!r}")
        nested.append([{"name": name, "type": found["type"]}])
        schema = found.get("options") or []
    given = []
    resolved: dict[str, Any] = {}
    for option in schema:
        name = option["name"]
        if name not in values:
            if option.get("required") and focused is None:
                raise CommandUnavailable(f"option {name!r} is required")
            continue
        value = _typed(option, values[name], autocomplete=name == focused)
        item: dict[str, Any] = {"name": name, "type": option["type"], "value": value}
        if name == focused:
            item["focused"] = True
        if option["type"] == 11:
            resolved.setdefault("attachments", {})[str(value)] = (attachments or {})[str(value)]
        given.append(item)
    unknown = set(values) - {o["name"] for o in schema}
    if unknown:
        raise CommandUnavailable(f"unknown options {sorted(unknown)}")
    for level in reversed(nested):
        level[0]["options"] = given
        given = level
    return given, resolved


def _typed(option: dict[str, Any], value: Any, *, autocomplete: bool) -> Any:
    kind = option["type"]
    if autocomplete:
        return str(value)  # what has been typed so far
    if kind in (6, 7, 8, 9, 11):  # users, channels, roles, attachments: snowflakes, sent as strings
        return str(value)
    if kind == 4:
        value = int(value)
        if value < option.get("min_value", value) or value > option.get("max_value", value):
            raise CommandUnavailable(f"{option['name']} must be within its range")
    elif kind == 5:
        value = bool(value)
    elif kind == 3:
        value = str(value)
        if "max_length" in option and len(value) > option["max_length"]:
            raise CommandUnavailable(f"{option['name']} is too long")
    if option.get("choices") and value not in [c["value"] for c in option["choices"]]:
        raise CommandUnavailable(f"{option['name']} must be one of its choices")
    return value
