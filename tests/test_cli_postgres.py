"""The command line with ARCHIVIST_DATABASE_URL set: the same commands, the index in PostgreSQL (real model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO, SAMPLE_ARCHIVE


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **env}, timeout=300)


def test_every_command_uses_postgres_when_the_url_is_set(postgres_url, tmp_path):
    env = {"ARCHIVIST_ARCHIVE_DIR": str(SAMPLE_ARCHIVE), "ARCHIVIST_DATA_DIR": str(tmp_path / "data"),
           "ARCHIVIST_DATABASE_URL": postgres_url}
    indexed = run(["index", "--quiet"], env)
    assert indexed.returncode == 0, indexed.stderr
    assert "1 added" in indexed.stdout
    answer = json.loads(run(["ask", "What did Alibaba's CEO say about hiring?", "--json"], env).stdout)
    assert "prioritise international hiring" in answer["answer"] and answer["sources"][0]["n"] == 1
    search = json.loads(run(["search", "Alimama advertising", "--tag", "china", "--json"], env).stdout)
    assert search[0]["article_id"] == "alibaba-global-expansion.txt"
    article = run(["article", "alibaba-global-expansion.txt"], env)
    assert article.returncode == 0 and "Tags: Alibaba, Asia, China, employment, news" in article.stdout
    timeline = json.loads(run(["timeline", "Alibaba's global expansion", "--json"], env).stdout)
    assert [e["article_id"] for e in timeline["entries"]] == ["alibaba-global-expansion.txt"]
    source = " ".join((SAMPLE_ARCHIVE / "alibaba-global-expansion.txt").read_text(encoding="utf-8").split())
    assert " ".join(timeline["entries"][0]["sentence"].split()) in source
    gaps = run(["gaps", "--days", "7", "--json"], env)  # the activity log stays in SQLite beside the data
    assert gaps.returncode == 0 and json.loads(gaps.stdout) == {"days": 7, "groups": []}, gaps.stderr
    stats = json.loads(run(["stats", "--json"], env).stdout)
    assert stats["articles"] == 1 and stats["location"].startswith("postgresql://")
    assert not (tmp_path / "data" / "index.sqlite3").exists()  # nothing went to the SQLite file


def test_an_unreachable_database_is_one_clear_line(tmp_path):
    env = {"ARCHIVIST_DATA_DIR": str(tmp_path / "data"),
           "ARCHIVIST_DATABASE_URL": f"postgresql://archivist:secret@/archivist?host={tmp_path}&connect_timeout=2"}
    result = run(["stats"], env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("archivist: error: cannot open the index in PostgreSQL at postgresql://archivist@")
    assert "ARCHIVIST_DATABASE_URL" in result.stderr and "secret" not in result.stderr
