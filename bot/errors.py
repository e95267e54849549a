"""Exceptions raised by the bot package; every one derives from ArchivistError."""

from __future__ import annotations


class ArchivistError(Exception):
    """Root of every error the application raises on purpose; its message names the fix."""


class ConfigError(ArchivistError):
    """A setting is missing or malformed."""


class NotFoundError(ArchivistError):
    """An article (or other named thing) does not exist."""


class InvalidQuestionError(ArchivistError):
    """A question is empty or too long."""
