"""Every setting, read in one place from the environment and an optional .env file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
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
    torch_threads: int = 0  # 0: let the runtime decide (applies to either encoder backend)
    encoder_backend: str = DEFAULT_BACKEND  # "onnx" (int8, fast) or "torch" (fp32 sentence-transformers)
    cache_dir: Path | None = None  # None: $XDG_CACHE_HOME/archivist or ~/.cache/archivist

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")) -> "Settings":
        """Settings from the environment, falling back to .env, then to the defaults."""
        values: dict[str, str] = {}
        if dotenv_path is not None and dotenv_path.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        values.update(os.environ if environ is None else environ)
        kwargs = {}
        for field in fields(cls):
            raw = values.get(PREFIX + field.name.upper())
            if raw is None or raw == "":
                continue
            kwargs[field.name] = _convert(field.name, field.type, raw)
        backend = kwargs.get("encoder_backend", DEFAULT_BACKEND)
        if backend not in BACKENDS:
            raise ConfigError(f"{PREFIX}ENCODER_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
        return cls(**kwargs)


def _convert(name: str, kind: object, raw: str) -> object:
    kind = str(kind)
    if "Path" in kind:
        return Path(raw).expanduser()
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{PREFIX}{name.upper()} must be a whole number, not {raw!r}") from None
    return raw
