"""Making archive text and echoed questions inert in Discord: no pings, no markdown, no link previews."""

from __future__ import annotations

import re

import discord

# Characters Discord's markdown gives meaning to anywhere, and those that matter at a line's start
# (headings, lists, quotes); a backslash before any of them shows it as it is.
_MARKDOWN = re.compile(r"([\\*_~|`\[\]()<>])")
_LINE_START = re.compile(r"^(\s*)([#>-])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
_URL_OK = re.compile(r"^https?://[^\s<>()\[\]\"']+$", re.IGNORECASE)


def no_mentions(text: str) -> str:
    """Break @everyone, @here and user/role mentions with a zero-width space (for plain-text places)."""
    return discord.utils.escape_mentions(text or "")


def escape(text: str) -> str:
    """Text that Discord shows exactly as written: markdown escaped, mentions broken."""
    text = _MARKDOWN.sub(r"\\\1", no_mentions(text))
    return _NUMBERED.sub(r"\1\\.", _LINE_START.sub(r"\1\\\2", text))


def plain(text: str) -> str:
    """For places that render no markdown (embed titles, footers, thread names): mentions broken only."""
    return no_mentions(" ".join((text or "").split()))


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link Discord can show, else None (so nothing is linked)."""
    if url and len(url) <= 2048 and _URL_OK.match(url.strip()):
        return url.strip()
    return None


def link(label: str, url: str | None) -> str:
    """`[label](url)` with the label escaped; just the escaped label when the URL is unusable."""
    target = safe_url(url)
    return f"[{escape(label)}]({target})" if target else escape(label)
