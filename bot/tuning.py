"""Every knob of retrieval and answering in one value, and `name=value` overrides of it (`eval --set`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.answering.extractive import ExtractiveConfig
from bot.answering.policy import AbstentionConfig
from bot.answering.reading import ReadingConfig
from bot.answering.support import SupportConfig
from bot.errors import ConfigError
from bot.learned import fitted
from embeddings.retrieval import RetrievalConfig


def fitted_retrieval() -> RetrievalConfig:
    """Retrieval's defaults with its fitted setting applied (the embeddings package cannot read bot's file)."""
    return RetrievalConfig(unseen_name_chars=fitted("retrieval", "unseen_name_chars"))


@dataclass(frozen=True)
class Tuning:
    """The configs of retrieval, the extractive answerer, the reader's ranking, the policy and the support check.

    Tuning() is the configuration Archivist runs with: hand-set knobs from the code, fitted values from
    bot/learned_weights.json (bot.learned.fitted).
    """

    retrieval: RetrievalConfig = field(default_factory=fitted_retrieval)
    extractive: ExtractiveConfig = ExtractiveConfig()
    policy: AbstentionConfig = AbstentionConfig()
    reading: ReadingConfig = ReadingConfig()
    support: SupportConfig = SupportConfig()

    def with_overrides(self, pairs: Sequence[str]) -> Tuning:
        """A copy with each `name=value` applied to the config that has a field of that name."""
        changed = {part.name: getattr(self, part.name) for part in dataclasses.fields(self)}
        for pair in pairs:
            name, sep, raw = pair.partition("=")
            name = name.strip()
            owners = [part for part, config in changed.items() if name in _field_types(config)]
            if not sep or not owners:
                raise ConfigError(f"unknown setting {pair!r}; use NAME=VALUE, NAME one of {', '.join(self.knobs())}")
            part = owners[0]
            value = _parse(name, _field_types(changed[part])[name], raw)
            changed[part] = dataclasses.replace(changed[part], **{name: value})
        return Tuning(**changed)

    def knobs(self) -> list[str]:
        """Every setting name `with_overrides` accepts."""
        return [name for part in dataclasses.fields(self) for name in _field_types(getattr(self, part.name))]


def _field_types(config: Any) -> dict[str, str]:  # any of the config dataclasses
    return {item.name: str(item.type) for item in dataclasses.fields(config)}


def _parse(name: str, kind: str, raw: str) -> object:
    parsers: dict[str, tuple[Callable[[str], object], str]] = {
        "int": (int, "a whole number"), "float": (float, "a number"), "bool": (_yes_no, "1 or 0")}
    if kind not in parsers:
        raise ConfigError(f"{name} is not a number or yes/no setting; only those can be set")
    parse, wanted = parsers[kind]
    try:
        return parse(raw)
    except ValueError:
        raise ConfigError(f"{name} takes {wanted}, not {raw!r}") from None


def _yes_no(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)
