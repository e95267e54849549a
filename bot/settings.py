"""Every setting, read in one place from the environment and an optional .env file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from bot.errors import ConfigError
from embeddings.encoders import BACKENDS, DEFAULT_BACKEND, DEFAULT_MODEL

PREFIX = "ARCHIVIST_"
ANSWERERS = ("extractive", "composed")


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
    # -- the Discord bot (see docs/discord.md) --
    discord_token: str = field(default="", repr=False, metadata={"env": "DISCORD_TOKEN"})
    # Roles and users allowed to use /admin without Manage Server (in servers only). Either list makes
    # `archivist sync` publish /admin for every member, since Discord hides it from members without
    # Manage Server; the bot's own check then refuses everyone else.
    admin_role_ids: tuple[int, ...] = ()
    admin_user_ids: tuple[int, ...] = ()
    cooldown_seconds: int = 10             # per-user wait between questions (0: none)
    message_content_intent: bool = False   # privileged: lets follow-ups in answer threads skip the @mention
    answer_in_thread: bool = False         # default for servers that have not chosen with /admin threads
    max_ingest_bytes: int = 5 * 1024 * 1024  # largest file /admin ingest accepts
    database_url: str = ""  # PostgreSQL (with pgvector) instead of the SQLite file in data_dir
    # -- composed answers from the server's own language model (see the README's "Composed answers") --
    answerer: str = "extractive"           # "extractive" (quotes the archive) or "composed" (the model writes)
    llm_url: str = ""                      # base URL of an OpenAI-compatible API ({URL}/chat/completions)
    llm_model: str = ""                    # the model name sent with each request
    llm_api_key: str = field(default="", repr=False)  # sent as a Bearer token; never logged or printed
    llm_timeout_seconds: float = 60.0      # the longest an answer may take before the extractive one is given
    llm_concurrency: int = 2               # requests in flight to the model per process

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")) -> Settings:
        """Settings from the environment, falling back to .env, then to the defaults."""
        values: dict[str, str] = {}
        if dotenv_path is not None and dotenv_path.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        kwargs: dict[str, Any] = {}  # each value converted to its field's type by _convert
        for item in fields(cls):
            raw = values.get(env_name(item))
            if raw is None or raw == "":
                continue
            kwargs[item.name] = _convert(env_name(item), item.type, raw)
        backend = kwargs.get("encoder_backend", DEFAULT_BACKEND)
        if backend not in BACKENDS:
            raise ConfigError(f"{PREFIX}ENCODER_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        made = cls(**kwargs)
        made.check_answerer(made.answerer)
        if made.llm_timeout_seconds <= 0 or made.llm_concurrency < 1:
            raise ConfigError(f"{PREFIX}LLM_TIMEOUT_SECONDS must be above 0 and {PREFIX}LLM_CONCURRENCY at least 1")
        return made

    def check_answerer(self, answerer: str) -> str:
        """The answerer named, if it can be used with these settings; else ConfigError saying what to set."""
        if answerer not in ANSWERERS:
            raise ConfigError(f"{PREFIX}ANSWERER must be one of {', '.join(ANSWERERS)}, not {answerer!r}")
        if answerer == "composed" and not self.llm_url:
            raise ConfigError(f"composed answers need a language model: set {PREFIX}LLM_URL to an OpenAI-compatible "
                              f"API, e.g. http://127.0.0.1:11434/v1 (and {PREFIX}LLM_MODEL)")
        return answerer


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
    if kind == "float":
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{variable} must be a number, not {raw!r}") from None
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
