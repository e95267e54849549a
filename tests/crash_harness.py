"""Starting `archivist index` runs, killing them in a chosen phase, and reading what the index holds."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from embeddings.archive import discover
from embeddings.models import Article
from embeddings.parsing import iter_articles
from tests.conftest import REPO

_PHASE = re.compile(r"phase=(\w+)")


class Run:
    """One `archivist index` process; stdout and stderr go to files the test reads."""

    def __init__(self, pid: int, out: Path, err: Path, waiter) -> None:
        self.pid, self.out, self.err, self._waiter = pid, out, err, waiter
        self.status: int | None = None
        self.stop_at: str | None = None

    def stopped(self) -> bool:
        """True while the process is stopped (SIGSTOP), from /proc/PID/stat."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except FileNotFoundError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] == "T"

    def stderr(self) -> str:
        try:
            return self.err.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:  # the run has not opened it yet
            return ""

    def phases(self) -> list[str]:
        """Every phase the run announced (`--progress lines`), in order."""
        return _PHASE.findall(self.stderr())

    def wait(self) -> int:
        if self.status is None:
            self.status = self._waiter(self.pid)
        return self.status

    def report(self) -> dict:
        assert self.wait() == 0, self.stderr()[-3000:]
        return json.loads(self.out.read_text(encoding="utf-8"))


class Launcher:
    """Starts runs either through the zygote (fast, forked) or as fresh `python -m bot` interpreters."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir, self.env, self.count = workdir, env, 0
        self.runs: list[Run] = []
        self.zygote = subprocess.Popen([sys.executable, "-m", "tests.zygote"], cwd=REPO, text=True,
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       env={**os.environ, "PYTHONPATH": str(REPO)})
        assert json.loads(self.zygote.stdout.readline()) == {"ready": True}

    def start(self, args: list[str], *, fresh_interpreter: bool = False, stop_at: str | None = None) -> Run:
        """Start `archivist index ARGS`; through the zygote, `stop_at` makes it pause as that phase begins."""
        self.count += 1
        out, err = self.workdir / f"run{self.count}.out", self.workdir / f"run{self.count}.err"
        argv = ["index", *args, "--progress", "lines"]
        if fresh_interpreter:
            with out.open("w") as stdout, err.open("w") as stderr:
                process = subprocess.Popen([sys.executable, "-m", "bot", *argv], cwd=self.workdir, stdout=stdout,
                                           stderr=stderr, env={**os.environ, **self.env, "PYTHONPATH": str(REPO)})
            run = Run(process.pid, out, err, lambda pid: process.wait(300))
            self.runs.append(run)
            return run
        reply = self._ask({"op": "run", "argv": argv, "env": self.env, "cwd": str(self.workdir),
                           "stdout": str(out), "stderr": str(err), "stop_at": stop_at})
        run = Run(reply["pid"], out, err, lambda pid: self._ask({"op": "wait", "pid": pid})["status"])
        run.stop_at = stop_at
        self.runs.append(run)
        return run

    def _ask(self, request: dict) -> dict:
        self.zygote.stdin.write(json.dumps(request) + "\n")
        self.zygote.stdin.flush()
        return json.loads(self.zygote.stdout.readline())

    def close(self) -> None:
        """End the zygote, and any run a failed test left behind (stopped runs hold the write lock)."""
        for run in self.runs:
            if run.status is None:
                try:
                    os.kill(run.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.zygote.stdin.close()
        self.zygote.wait(30)


def kill_in_phase(run: Run, phase: str, delay: float, timeout: float = 180) -> str:
    """SIGKILL the run `delay` seconds into `phase`; return the phase it died in.

    A run started with stop_at=phase has paused itself as the phase begins: it is resumed and
    killed `delay` later. Otherwise the kill follows the phase's announcement on stderr. The phase
    it died in is the last one it announced: every change of phase is announced (and flushed)
    before the phase's work starts. "completed" if it finished before the signal.
    """
    deadline = time.monotonic() + timeout
    while not (run.stopped() if run.stop_at == phase else phase in run.phases()):
        if "done" in run.phases() or "error" in run.stderr():
            raise AssertionError(f"the run ended before announcing {phase}: {run.stderr()[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no phase={phase} within {timeout} s: {run.stderr()[-2000:]}")
        time.sleep(0.0005)
    if run.stop_at == phase:
        os.kill(run.pid, signal.SIGCONT)
    if delay:
        time.sleep(delay)
    try:
        os.kill(run.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    status = run.wait()
    if status == 0:
        return "completed"
    assert status == -signal.SIGKILL, (status, run.stderr()[-2000:])
    announced = run.phases()
    if run.stop_at == phase and phase not in announced:
        return phase  # killed after entering the phase, before its announcement reached stderr
    return announced[-1]


@dataclass(frozen=True)
class IndexState:
    """What an index holds: article id -> content hash, chunk count, generation."""

    articles: dict[str, str]
    chunks: int
    generation: int


def read_state(store_path: Path) -> IndexState:
    """The committed state of the index file, after checking the file and its full-text index are sound."""
    conn = sqlite3.connect(store_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
        fts_rows = conn.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
        chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        assert fts_rows == chunks
        articles = dict(conn.execute("SELECT id, content_hash FROM articles").fetchall())
        generation = int(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
        meta_articles = int(conn.execute("SELECT value FROM meta WHERE key = 'articles'").fetchone()[0])
        assert meta_articles == len(articles)
        return IndexState(articles, chunks, generation)
    finally:
        conn.close()


def archive_state(root: Path) -> dict[str, str]:
    """Article id -> content hash of everything the archive on disk holds."""
    found: dict[str, str] = {}
    for file in discover(root):
        for item in iter_articles(file.path, file.rel):
            assert isinstance(item, Article), item
            found[item.id] = item.content_hash
    return found


def expected_counts(stored: dict[str, str], on_disk: dict[str, str]) -> dict[str, int]:
    """The report a correct reindex from `stored` to `on_disk` gives."""
    return {
        "added": sum(1 for a in on_disk if a not in stored),
        "updated": sum(1 for a, h in on_disk.items() if a in stored and stored[a] != h),
        "removed": sum(1 for a in stored if a not in on_disk),
        "unchanged": sum(1 for a, h in on_disk.items() if stored.get(a) == h),
    }
