"""Every setting, read in one place from the environment and an optional .env file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from dotenv import dotenv_values

from bot.errors import ConfigError
from embeddings.encoders import BACKENDS, DEFAULT_BACKEND, DEFAULT_MODEL

PREFIX = "ARCHIVIST_"


@dataclass(frozen=True)
class Settings:
    """Archivist's configuration. Each field is read from ARCHIVIST_<FIELD> (upper case)."""

    archive_dir: Path = Path("articles")
    data_dir: Path = Path("data")
    model: str = DEFAULT_MODEL
    max_question_chars: int = 500
    torch_threads: int = 0  # cores for the model (torch threads, onnx workers); 0: every available core
    encoder_backend: str = DEFAULT_BACKEND  # "onnx" (int8, fast) or "torch" (fp32 sentence-transformers)
    cache_dir: Path | None = None  # None: $XDG_CACHE_HOME/archivist or ~/.cache/archivist
    # -- the Discord bot (see the README's "Discord bot" section) --
    discord_token: str = field(default="", repr=False, metadata={"env": "DISCORD_TOKEN"})
    admin_role_ids: tuple[int, ...] = ()   # roles allowed to use /admin without Manage Server
    admin_user_ids: tuple[int, ...] = ()   # users allowed to use /admin without Manage Server
    cooldown_seconds: int = 10             # per-user wait between questions (0: none)
    message_content_intent: bool = False   # privileged: lets follow-ups in answer threads skip the @mention
    answer_in_thread: bool = False         # default for servers that have not chosen with /admin threads
    max_ingest_bytes: int = 5 * 1024 * 1024  # largest file /admin ingest accepts
    database_url: str = ""  # PostgreSQL (with pgvector) instead of the SQLite file in data_dir

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")) -> "Settings":
        """Settings from the environment, falling back to .env, then to the defaults."""
        values: dict[str, str] = {}
        if dotenv_path is not None and dotenv_path.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        kwargs = {}
        for item in fields(cls):
            raw = values.get(env_name(item))
            if raw is None or raw == "":
                continue
            kwargs[item.name] = _convert(env_name(item), item.type, raw)
        backend = kwargs.get("encoder_backend", DEFAULT_BACKEND)
        if backend not in BACKENDS:
            raise ConfigError(f"{PREFIX}ENCODER_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        return cls(**kwargs)


def env_name(item) -> str:
    """The variable a field is read from: ARCHIVIST_<FIELD>, unless the field names another."""
    return item.metadata.get("env", PREFIX + item.name.upper())


def _convert(variable: str, kind: object, raw: str) -> object:
    kind = str(kind)
    if "Path" in kind:
        return Path(raw).expanduser()
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{variable} must be a whole number, not {raw!r}") from None
    if kind == "bool":
        return _boolean(variable, raw)
    if kind.startswith("tuple[int"):
        try:
            return tuple(int(part) for part in raw.replace(",", " ").split())
        except ValueError:
            raise ConfigError(f"{variable} must be a comma-separated list of Discord ids, not {raw!r}") from None
    return raw


def _boolean(variable: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{variable} must be true or false, not {raw!r}")
