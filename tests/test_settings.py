"""Settings come from the environment, then .env, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings


def test_defaults():
    settings = Settings.from_env({}, dotenv_path=None)
    assert settings.archive_dir == Path("articles") and settings.data_dir == Path("data")
    assert settings.model == "sentence-transformers/all-MiniLM-L6-v2"


def test_environment_overrides_dotenv(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("ARCHIVIST_DATA_DIR=/from/dotenv\nARCHIVIST_MODEL=dotenv-model\n")
    settings = Settings.from_env({"ARCHIVIST_MODEL": "env-model"}, dotenv_path=dotenv)
    assert settings.data_dir == Path("/from/dotenv") and settings.model == "env-model"


def test_bad_number_names_the_variable():
    with pytest.raises(ConfigError, match="ARCHIVIST_MAX_QUESTION_CHARS must be a whole number"):
        Settings.from_env({"ARCHIVIST_MAX_QUESTION_CHARS": "lots"}, dotenv_path=None)


def test_encoder_backend_and_cache_dir():
    assert Settings.from_env({}, dotenv_path=None).encoder_backend == "onnx"
    settings = Settings.from_env({"ARCHIVIST_ENCODER_BACKEND": "torch", "ARCHIVIST_CACHE_DIR": "/tmp/models"},
                                 dotenv_path=None)
    assert (settings.encoder_backend, settings.cache_dir) == ("torch", Path("/tmp/models"))
    with pytest.raises(ConfigError, match="ARCHIVIST_ENCODER_BACKEND must be one of onnx, torch"):
        Settings.from_env({"ARCHIVIST_ENCODER_BACKEND": "gpu"}, dotenv_path=None)
