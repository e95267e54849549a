"""Indexers as separate processes, on both stores: two started at once, and one killed mid-reindex."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from embeddings.indexer import reindex
from embeddings.models import SearchFilters
from tests.conftest import REPO
from tests.fakes import HashingEncoder
from tests.indexer_process import BUSY_EXIT
from tests.stores import BACKENDS, backend_location, open_backend


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path) -> tuple[str, str]:
    return request.param, backend_location(request.param, request, tmp_path)


@pytest.fixture
def spawn():
    """Start indexer processes; any still running when the test ends is killed."""
    started: list[Indexer] = []

    def start(*args: str) -> Indexer:
        started.append(Indexer(*args))
        return started[-1]

    yield start
    for indexer in started:
        if indexer.process.poll() is None:
            indexer.process.kill()
            indexer.process.wait(10)


class Indexer:
    """`python -m tests.indexer_process` with its output lines collected as they come."""

    def __init__(self, kind: str, location: str, archive: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.indexer_process", kind, location, str(archive), *options],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # the process closed its output

    def wait_for(self, word: str, timeout: float = 60) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {word} within {timeout}s; output so far: {self.seen}") from None
            if line is None:
                raise AssertionError(f"the indexer ended before {word}; its output: {self.seen}")
            self.seen.append(line)
            if line.startswith(word):
                return line

    def finish(self, timeout: float = 120) -> int:
        code = self.process.wait(timeout)
        while (line := self.lines.get(timeout=10)) is not None:
            self.seen.append(line)
        return code


def write_archive(directory: Path, bodies: dict[str, str]) -> Path:
    directory.mkdir(exist_ok=True)
    records = [{"id": key, "title": f"Story {key}", "date": "2015-05-14", "body": body} for key, body in bodies.items()]
    (directory / "stories.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return directory


def stories(count: int, version: str = "first") -> dict[str, str]:
    return {f"p{i}": f"The {version} telling of story {i}, about harbours and trains." for i in range(count)}


def test_two_indexers_started_at_once_one_runs_and_the_other_is_refused(backend, spawn, tmp_path):
    kind, location = backend
    archive = write_archive(tmp_path / "archive", stories(20))
    go = tmp_path / "go"
    indexers = [spawn(kind, location, archive, "--start-file", str(go), "--hold", "3") for _ in range(2)]
    for indexer in indexers:
        indexer.wait_for("READY")  # both opened (and, on PostgreSQL, migrated) the same fresh index
    go.touch()
    codes = sorted(indexer.finish() for indexer in indexers)
    outputs = [line for indexer in indexers for line in indexer.seen]
    assert codes == [0, BUSY_EXIT], outputs
    assert any(line.startswith("DONE 20 added") for line in outputs), outputs
    assert any(line.startswith("BUSY another reindex") for line in outputs), outputs
    store = open_backend(kind, location)
    try:
        assert store.info().articles == 20 and store.info().generation == 1
    finally:
        store.close()


def test_a_killed_indexer_leaves_the_index_as_it_was(backend, spawn, tmp_path):
    kind, location = backend
    archive = write_archive(tmp_path / "archive", stories(10))
    store = open_backend(kind, location, writer_wait_seconds=10)
    try:
        reindex(archive, store, HashingEncoder())
        before = store.info(), store.list_articles(SearchFilters(), limit=100)
        changed = stories(11, "second")
        del changed["p1"]
        write_archive(archive, changed)
        indexer = spawn(kind, location, archive, "--hang")
        indexer.wait_for("WRITING")  # every article is rewritten inside the open transaction
        os.kill(indexer.process.pid, signal.SIGKILL)
        assert indexer.finish() == -signal.SIGKILL
        assert (store.info(), store.list_articles(SearchFilters(), limit=100)) == before
        assert store.get_article("p10") is None and "first telling" in store.get_article("p0").body
        report = reindex(archive, store, HashingEncoder())  # the lock died with the process
        assert (len(report.updated), report.removed, report.added) == (9, ["p1"], ["p10"])
        assert store.info().generation == before[0].generation + 1
    finally:
        store.close()
