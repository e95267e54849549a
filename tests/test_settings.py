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


def test_discord_settings_from_environment_and_dotenv(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("DISCORD_TOKEN=from-dotenv\nARCHIVIST_ADMIN_ROLE_IDS=111, 222\n")
    settings = Settings.from_env({"ARCHIVIST_ADMIN_USER_IDS": "333", "ARCHIVIST_MESSAGE_CONTENT_INTENT": "yes",
                                  "ARCHIVIST_COOLDOWN_SECONDS": "3"}, dotenv_path=dotenv)
    assert settings.discord_token == "from-dotenv"
    assert settings.admin_role_ids == (111, 222) and settings.admin_user_ids == (333,)
    assert settings.message_content_intent is True and settings.cooldown_seconds == 3
    assert "from-dotenv" not in repr(settings)  # the token never reaches a log line


def test_discord_defaults():
    settings = Settings.from_env({}, dotenv_path=None)
    assert settings.discord_token == "" and settings.admin_role_ids == () and settings.message_content_intent is False
    assert settings.answer_in_thread is False and settings.max_ingest_bytes == 5 * 1024 * 1024


@pytest.mark.parametrize("variable, value, message", [
    ("ARCHIVIST_ADMIN_ROLE_IDS", "admins", "must be a comma-separated list of Discord ids"),
    ("ARCHIVIST_MESSAGE_CONTENT_INTENT", "maybe", "must be true or false"),
])
def test_bad_discord_settings_name_the_variable(variable, value, message):
    with pytest.raises(ConfigError, match=f"{variable} {message}"):
        Settings.from_env({variable: value}, dotenv_path=None)


def test_database_url_is_read_and_empty_means_sqlite():
    url = "postgresql://archivist@db.example.org/archivist"
    assert Settings.from_env({"ARCHIVIST_DATABASE_URL": url}, dotenv_path=None).database_url == url
    assert Settings.from_env({"ARCHIVIST_DATABASE_URL": ""}, dotenv_path=None).database_url == ""


def test_encoder_backend_and_cache_dir():
    assert Settings.from_env({}, dotenv_path=None).encoder_backend == "onnx"
    settings = Settings.from_env({"ARCHIVIST_ENCODER_BACKEND": "torch", "ARCHIVIST_CACHE_DIR": "/tmp/models"},
                                 dotenv_path=None)
    assert (settings.encoder_backend, settings.cache_dir) == ("torch", Path("/tmp/models"))
    with pytest.raises(ConfigError, match="ARCHIVIST_ENCODER_BACKEND must be one of onnx, torch"):
        Settings.from_env({"ARCHIVIST_ENCODER_BACKEND": "gpu"}, dotenv_path=None)
