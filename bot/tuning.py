"""Every knob of retrieval and answering in one value, and `name=value` overrides of it (`eval --set`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.extractive import ExtractiveConfig
from bot.answering.policy import AbstentionConfig
from bot.errors import ConfigError
from bot.learned import learned_settings, load_learned
from embeddings.retrieval import RetrievalConfig


@dataclass(frozen=True)
class Tuning:
    """The configs of the retrieval, the extractive answerer and the abstention policy."""

    retrieval: RetrievalConfig = RetrievalConfig()
    extractive: ExtractiveConfig = ExtractiveConfig()
    policy: AbstentionConfig = AbstentionConfig()

    @classmethod
    def learned(cls) -> "Tuning":
        """The defaults with every setting learned from the tuning questions applied (bot/learned_weights.json)."""
        sections = load_learned()
        return cls(RetrievalConfig(**learned_settings("retrieval", sections)),
                   ExtractiveConfig(**learned_settings("extractive", sections)),
                   AbstentionConfig(**learned_settings("abstention", sections)))

    def with_overrides(self, pairs: Sequence[str]) -> "Tuning":
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


def _field_types(config: object) -> dict[str, str]:
    return {item.name: str(item.type) for item in dataclasses.fields(config)}


def _parse(name: str, kind: str, raw: str) -> object:
    parsers = {"int": (int, "a whole number"), "float": (float, "a number")}
    if kind not in parsers:
        raise ConfigError(f"{name} is not a number setting; only numbers can be set")
    parse, wanted = parsers[kind]
    try:
        return parse(raw)
    except ValueError:
        raise ConfigError(f"{name} takes {wanted}, not {raw!r}") from None
