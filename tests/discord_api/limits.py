"""Discord's documented size limits on what a bot sends, checked as Discord checks them: 400, code 50035.

Sources (discord-api-docs, developers/…):
- resources/message.mdx, "Create Message" JSON params: content up to 2000 characters; up to 10 embeds.
- resources/message.mdx, "Embed Limits": title 256, description 4096, 25 fields, field name 256,
  field value 1024, footer text 2048, author name 256, "the combined sum of characters in all title,
  description, field.name, field.value, footer.text, and author.name fields across all embeds attached
  to a message must not exceed 6000 characters"; "Leading and trailing whitespace characters are not
  included (they are trimmed automatically)". Field name and value are required (Embed Field Structure).
- components/reference.mdx: "Legacy messages allow up to 5 action rows as top-level components";
  an action row holds "Up to 5 interactive button components"; custom_id "1-100 characters";
  button label "max 80 characters".
- resources/channel.mdx, "Start Thread from Message": name "1-100 character channel name".
- interactions/receiving-and-responding.mdx, "Autocomplete": "autocomplete choices (max of 25 choices)";
  interactions/application-commands.mdx, "Application Command Option Choice Structure": name "1-100
  character choice name", value "up to 100 characters if string".
- interactions/application-commands.mdx: command and option names match the naming regex (1-32, lower
  case), descriptions 1-100 characters, at most 25 options and 25 choices.
- resources/message.mdx, "Create Message": "At least one of content, embeds, sticker_ids, components,
  files[n], poll … is required" (else 50006 Cannot send an empty message, topics/opcodes-and-status-codes).
Lengths are counted in characters (code points).
"""

from __future__ import annotations

import re
from typing import Any

from tests.discord_api.errors import EMPTY_MESSAGE, ApiError, FormErrors

CONTENT = 2000
EMBEDS = 10
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_ITEMS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
THREAD_NAME = 100
CHOICES = 25
CHOICE_CHARS = 100
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")


def _trimmed(text: Any) -> str:
    return str(text).strip() if text is not None else ""


def embed_length(embed: dict[str, Any]) -> int:
    """An embed's characters as Discord counts them toward the 6,000 total (trimmed)."""
    fields = embed.get("fields") or []
    return (len(_trimmed(embed.get("title"))) + len(_trimmed(embed.get("description")))
            + sum(len(_trimmed(f.get("name"))) + len(_trimmed(f.get("value"))) for f in fields)
            + len(_trimmed((embed.get("footer") or {}).get("text")))
            + len(_trimmed((embed.get("author") or {}).get("name"))))


def check_message(body: dict[str, Any], *, creating: bool) -> None:
    """Refuse a message body (create or edit) that breaks a limit; an empty new message is refused too."""
    errors = FormErrors()
    errors.too_long(("content",), body.get("content"), CONTENT)
    embeds = body.get("embeds")
    if embeds is not None:
        errors.too_many(("embeds",), embeds, EMBEDS)
        for n, embed in enumerate(embeds):
            _check_embed(errors, ("embeds", n), embed)
        total = sum(embed_length(e) for e in embeds)
        if total > EMBED_TOTAL:
            errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL}")
    _check_components(errors, body.get("components"))
    errors.raise_if_any()
    if creating and not (body.get("content") or embeds or body.get("components") or body.get("attachments")):
        raise ApiError(400, EMPTY_MESSAGE)


def _check_embed(errors: FormErrors, path: tuple, embed: dict[str, Any]) -> None:
    errors.too_long((*path, "title"), _trimmed(embed.get("title")), TITLE)
    errors.too_long((*path, "description"), _trimmed(embed.get("description")), DESCRIPTION)
    errors.too_long((*path, "footer", "text"), _trimmed((embed.get("footer") or {}).get("text")), FOOTER)
    errors.too_long((*path, "author", "name"), _trimmed((embed.get("author") or {}).get("name")), AUTHOR_NAME)
    fields = embed.get("fields") or []
    errors.too_many((*path, "fields"), fields, FIELDS)
    for n, item in enumerate(fields):
        errors.required((*path, "fields", n, "name"), _trimmed(item.get("name")), FIELD_NAME)
        errors.required((*path, "fields", n, "value"), _trimmed(item.get("value")), FIELD_VALUE)


def _check_components(errors: FormErrors, rows: list[dict[str, Any]] | None) -> None:
    if not rows:
        return
    errors.too_many(("components",), rows, ACTION_ROWS)
    seen: set[str] = set()
    for r, row in enumerate(rows):
        items = row.get("components") or []
        errors.too_many(("components", r, "components"), items, ROW_ITEMS)
        for i, item in enumerate(items):
            path = ("components", r, "components", i)
            errors.too_long((*path, "label"), item.get("label"), BUTTON_LABEL)
            custom_id = item.get("custom_id")
            if item.get("style") != 5:  # link buttons carry a url instead
                errors.required((*path, "custom_id"), custom_id, CUSTOM_ID)
            if custom_id in seen:
                errors.add((*path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED",
                           "Component custom id cannot be duplicated")
            seen.add(custom_id or "")


def check_thread_name(name: str | None) -> None:
    errors = FormErrors()
    errors.required(("name",), name, THREAD_NAME)
    errors.raise_if_any()


def check_choices(choices: list[dict[str, Any]]) -> None:
    errors = FormErrors()
    errors.too_many(("data", "choices"), choices, CHOICES)
    for n, choice in enumerate(choices):
        errors.required(("data", "choices", n, "name"), choice.get("name"), CHOICE_CHARS)
        value = choice.get("value")
        if isinstance(value, str):
            errors.too_long(("data", "choices", n, "value"), value, CHOICE_CHARS)
    errors.raise_if_any()


def check_commands(commands: list[dict[str, Any]]) -> None:
    """A bulk overwrite of application commands: names, descriptions, option and choice counts."""
    errors = FormErrors()
    for n, command in enumerate(commands):
        _check_command(errors, (n,), command)
    errors.raise_if_any()


def _check_command(errors: FormErrors, path: tuple, command: dict[str, Any]) -> None:
    name = command.get("name") or ""
    if not _COMMAND_NAME.match(name) or name != name.lower():
        errors.add((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    errors.required((*path, "description"), command.get("description"), COMMAND_DESCRIPTION)
    options = command.get("options") or []
    errors.too_many((*path, "options"), options, COMMAND_OPTIONS)
    for n, option in enumerate(options):
        _check_command(errors, (*path, "options", n), option)
        choices = option.get("choices") or []
        errors.too_many((*path, "options", n, "choices"), choices, CHOICES)
