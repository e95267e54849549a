"""Questions asked while a reindex runs, from other threads and other processes: old or new, never a mix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from embeddings.errors import ModelMismatchError
from embeddings.indexer import reindex
from embeddings.retrieval import Retriever
from embeddings.store import SQLiteStore
from tests.conftest import REPO
from tests.fakes import HashingEncoder
from tests.readers import QUESTIONS, ask_once, write_generation


class GatedEncoder(HashingEncoder):
    """Encodes like HashingEncoder, but each batch after the first waits for `gate()` (at most 30 s).

    It keeps the reindex open until the readers have proved their point while it runs.
    """

    def __init__(self, gate: Callable[[], bool], **kwargs) -> None:
        super().__init__(record=False, **kwargs)
        self.gate, self.batches = gate, 0
        self.deadline = time.monotonic() + 30  # in all: a gate that never opens fails the test, not the clock

    def encode_documents(self, texts):
        self.batches += 1
        while self.batches > 1 and not self.gate() and time.monotonic() < self.deadline:
            time.sleep(0.01)
        return super().encode_documents(texts)


@pytest.fixture
def old_index(tmp_path) -> tuple[Path, Path]:
    """An index of the old generation; the archive on disk already holds the new one."""
    archive, store_path = tmp_path / "archive", tmp_path / "data" / "index.sqlite3"
    write_generation(archive, "old")
    store = SQLiteStore(store_path)
    assert reindex(archive, store, HashingEncoder(record=False)).added.total == 3000
    store.close()
    write_generation(archive, "new")
    return archive, store_path


def read_outcomes(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.endswith("}")]


@pytest.fixture
def readers():
    """Starts reader processes, and ends any still running when the test ends, passed or failed."""
    started: list[subprocess.Popen] = []

    def start(store_path: Path, tmp_path: Path, name: str, model: str = "test/hashing", dimension: int = 256):
        out, stop = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.stop"
        process = subprocess.Popen([sys.executable, "-m", "tests.readers", str(store_path), model, str(dimension),
                                    str(stop), str(out)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
        started.append(process)
        return process, out, stop

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(30)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def kinds(outcomes: list[dict]) -> list[str]:
    return [o["kind"] for o in outcomes if o["kind"] != "opened"]


def assert_old_then_new(sequence: list[str], after: str = "new") -> None:
    """Only whole answers, and once a reader has seen the new index it never sees the old one again."""
    assert set(sequence) <= {"old", after}, [k for k in sequence if k not in ("old", after)][:5]
    assert "old" in sequence and after in sequence
    first_new = sequence.index(after)
    assert "old" not in sequence[first_new:]


def test_threads_asking_during_a_reindex_see_old_or_new(old_index):
    archive, store_path = old_index
    store = SQLiteStore(store_path)  # one store object, shared by the readers and the writer
    retriever = Retriever(store, HashingEncoder(record=False))
    seen: dict[int, list[str]] = {n: [] for n in range(3)}
    stop = threading.Event()

    def ask(number: int) -> None:
        while not stop.is_set():
            seen[number].append(ask_once(retriever, QUESTIONS[len(seen[number]) % len(QUESTIONS)])["kind"])

    readers = [threading.Thread(target=ask, args=(n,)) for n in seen]
    for thread in readers:
        thread.start()
    # Each batch waits until every reader has answered a few more questions: they run during the reindex.
    marks = {"counts": [0, 0, 0]}

    def readers_moved_on() -> bool:
        counts = [len(s) for s in seen.values()]
        moved = all(c >= m + 3 for c, m in zip(counts, marks["counts"]))
        if moved:
            marks["counts"] = counts
        return moved

    report = reindex(archive, store, GatedEncoder(readers_moved_on))
    wait_for(lambda: all(s[-3:] == ["new"] * 3 for s in seen.values()), 30)
    stop.set()
    for thread in readers:
        thread.join(30)
    assert (report.updated.total, report.added.total) == (3000, 100)
    for sequence in seen.values():
        assert_old_then_new(sequence)
    assert sum(len(s) for s in seen.values()) > 100


def test_processes_asking_during_a_reindex_see_old_or_new(old_index, tmp_path, readers):
    archive, store_path = old_index
    early, early_out, early_stop = readers(store_path, tmp_path, "early")
    assert wait_for(lambda: "old" in kinds(read_outcomes(early_out))), "the reader never answered"
    late: dict[str, object] = {}

    def on_progress(event) -> None:
        # A reader process that starts while the reindex holds the write lock.
        if event.phase == "writing" and not late:
            late["process"], late["out"], late["stop"] = readers(store_path, tmp_path, "late")

    def late_reader_answered() -> bool:
        return bool(late) and "old" in kinds(read_outcomes(late["out"]))

    store = SQLiteStore(store_path)
    reindex(archive, store, GatedEncoder(late_reader_answered), on_progress=on_progress)
    for out in (early_out, late["out"]):
        assert wait_for(lambda out=out: kinds(read_outcomes(out))[-3:] == ["new"] * 3), out.read_text()[-2000:]
    for stop, process in ((early_stop, early), (late["stop"], late["process"])):
        stop.touch()
        assert process.wait(30) == 0
    for out in (early_out, late["out"]):
        assert_old_then_new(kinds(read_outcomes(out)))
    opened = read_outcomes(late["out"])[0]
    assert opened["kind"] == "opened" and opened["seconds"] < 20  # did not wait for the reindex to finish


def test_model_change_rebuilds_beside_the_old_index_which_serves_until_the_swap(old_index, tmp_path, readers):
    archive, store_path = old_index
    reader, out, stop = readers(store_path, tmp_path, "old-model")
    assert wait_for(lambda: "old" in kinds(read_outcomes(out)))
    rebuild_started = time.time()

    def old_model_answered_during_rebuild() -> bool:
        return sum(1 for o in read_outcomes(out) if o["kind"] == "old" and o["t"] > rebuild_started) >= 5

    store = SQLiteStore(store_path)
    new_model = GatedEncoder(old_model_answered_during_rebuild, dimension=128, model_name="test/new-model")
    report = reindex(archive, store, new_model, rebuild=True)
    assert report.added.total == 3100 and store.check_model("test/new-model").articles == 3100
    assert wait_for(lambda: kinds(read_outcomes(out))[-3:] == ["mismatch"] * 3)
    stop.touch()
    assert reader.wait(30) == 0
    outcomes = read_outcomes(out)
    assert_old_then_new(kinds(outcomes), after="mismatch")
    assert sum(1 for o in outcomes if o["kind"] == "old" and o["t"] > rebuild_started) >= 5
    message = next(o["message"] for o in outcomes if o["kind"] == "mismatch")
    assert "ARCHIVIST_MODEL=test/new-model" in message and "restart" in message


def test_a_swap_between_the_model_check_and_the_search_is_a_model_mismatch(old_index):
    """The model is checked inside the snapshot the search reads, not only before it."""
    archive, store_path = old_index
    store = SQLiteStore(store_path)

    class SwapsWhileEncoding(HashingEncoder):
        def encode_query(self, text):
            # The rebuild commits after the retriever checked the model and before its snapshot opens.
            writer = SQLiteStore(store_path)
            reindex(archive, writer, HashingEncoder(dimension=128, model_name="test/new-model", record=False),
                    rebuild=True)
            writer.close()
            return super().encode_query(text)

    with pytest.raises(ModelMismatchError, match="ARCHIVIST_MODEL=test/new-model"):
        Retriever(store, SwapsWhileEncoding(record=False)).search("harbour report")
