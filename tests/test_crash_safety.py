"""Crash safety: `archivist index` SIGKILLed at random moments of every phase, and the reindex lock.

After every kill the index opens, is sound, holds exactly the last complete index (or the new one,
when the kill came after the commit), answers questions from it, and the next `archivist index`
completes with the counts a clean reindex gives.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from tests.crash_harness import Launcher, archive_state, expected_counts, kill_in_phase, read_state

FIXTURES = Path(__file__).parent / "fixtures" / "html"
# How long after a phase is announced the kill may come: each phase's typical length here.
# Removing and committing take about a millisecond here: a longer window would mostly land in the next phase.
PHASE_WINDOWS = {"parsing": 0.03, "encoding": 0.3, "writing": 0.002, "removing": 0.0002, "committing": 0.0005}
KILLS_WANTED = 22
FRESH_INTERPRETER_ROUNDS = 2  # the first rounds run `python -m bot index` itself; the rest fork from the zygote
WORDS = ("quay ferry tide council harbour boats fishermen storm lighthouse pier nets market weather crew "
         "lifeboat season visitors moorings dredging channel").split()


def story(number: int, round_number: int | None = None) -> str:
    rng = random.Random(number)
    paragraphs = [" ".join(rng.choices(WORDS, k=45)).capitalize() + "." for _ in range(3)]
    if round_number is not None:
        paragraphs[1] = (f"In round {round_number} the harbour master counted {round_number * 7 + number} boats "
                         f"at the quay, roundmarker{round_number} in the log.")
    return f"Harbour story {number}\n\n2021-03-{number % 28 + 1:02d}\n\n" + "\n\n".join(paragraphs) + "\n"


def wire(round_number: int) -> str:
    records = []
    for number in range(40):
        body = (f"Wire item {number} reports on the {WORDS[number % len(WORDS)]} "
                f"and the {WORDS[(number * 7) % len(WORDS)]}.")
        if number < 2:
            body += f" Revised in round {round_number}."
        records.append(f'{{"id": "wire-{number}", "title": "Wire {number}", "date": "2021-04-01", "body": "{body}"}}')
    return "\n".join(records) + "\n"


def build_archive(root: Path) -> None:
    root.mkdir(parents=True)
    for number in range(30):
        (root / f"story-{number:02d}.txt").write_text(story(number), encoding="utf-8")
    (root / "wire.jsonl").write_text(wire(-1), encoding="utf-8")
    for page in FIXTURES.glob("*.html"):
        shutil.copy(page, root / page.name)


def mutate(root: Path, round_number: int) -> None:
    """Edit six stories and the wire feed, add three articles, delete the previous round's additions."""
    for k in range(6):
        number = (round_number * 3 + k) % 30
        (root / f"story-{number:02d}.txt").write_text(story(number, round_number), encoding="utf-8")
    (root / "wire.jsonl").write_text(wire(round_number), encoding="utf-8")
    for k in range(3):
        (root / f"new-{round_number}-{k}.md").write_text(
            f"---\ntitle: Notice {round_number}-{k}\ndate: 2021-05-01\n---\n\nNotice {k} of round {round_number}: "
            f"the pier closes for repairs, roundmarker{round_number}.\n", encoding="utf-8")
    for old in root.glob(f"new-{round_number - 1}-*.md"):
        old.unlink()


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    work = tmp_path_factory.mktemp("crash")
    archive, data = work / "archive", work / "data"
    build_archive(archive)
    # One torch thread: the runs are small, and a machine shared with other work stays responsive.
    env = {"ARCHIVIST_ARCHIVE_DIR": str(archive), "ARCHIVIST_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1",
           "ARCHIVIST_TORCH_THREADS": "1"}
    launcher = Launcher(work, env)
    first = launcher.start(["--json"], fresh_interpreter=True)  # the first complete index
    assert first.report()["added_total"] == len(archive_state(archive))
    yield launcher, archive, data / "index.sqlite3"
    launcher.close()


def check_serves(store_path: Path, archive: Path, encoder, state, round_number: int, new: bool) -> None:
    """The index answers, from the articles it holds, and shows this round's text only if it committed."""
    service = ArchivistService(Settings(archive_dir=archive, data_dir=store_path.parent), encoder=encoder)
    answer = service.ask(f"How many boats did the harbour master count in round {round_number}?")
    for citation in answer.citations:
        assert citation.article.id in state.articles
        assert citation.quote in service.article(citation.article.id).body
    marked = service.retrieve(f"roundmarker{round_number}", mode="text").hits
    assert bool(marked) == new
    service.store.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_never_loses_the_index(setting, real_encoder):
    launcher, archive, store_path = setting
    rng = random.Random(20151405)
    landed: Counter[str] = Counter()
    round_number = 0
    started = time.monotonic()
    while sum(landed.values()) - landed["completed"] < KILLS_WANTED and round_number < 40:
        before = read_state(store_path)
        mutate(archive, round_number)
        after = archive_state(archive)
        target = list(PHASE_WINDOWS)[round_number % len(PHASE_WINDOWS)]
        fresh = round_number < FRESH_INTERPRETER_ROUNDS
        run = launcher.start([], fresh_interpreter=fresh, stop_at=None if fresh else target)
        phase = kill_in_phase(run, target, rng.uniform(0, PHASE_WINDOWS[target]))
        landed[phase] += 1

        # The index opens, is sound, and is exactly the last complete one (or the new one, if committed).
        state = read_state(store_path)
        committed = state.generation == before.generation + 1
        assert state.generation in (before.generation, before.generation + 1)
        assert state.articles == (after if committed else before.articles)
        if not committed:
            assert state.chunks == before.chunks
        check_serves(store_path, archive, real_encoder, state, round_number, new=committed)

        # The next reindex takes the dead run's lock and reports exactly what changed since that index.
        report = launcher.start(["--json"]).report()
        counts = expected_counts(state.articles, after)
        assert {k: report[f"{k}_total"] if k != "unchanged" else report[k] for k in counts} == counts
        assert report["failed"] == []
        assert read_state(store_path).articles == after
        print(f"round {round_number}: target {target}, landed {phase}, "
              f"{'committed' if committed else 'rolled back'}, {time.monotonic() - started:.0f} s")
        round_number += 1
    print(f"\n{sum(landed.values()) - landed['completed']} kills in {round_number} rounds, by phase: {dict(landed)}")
    for phase in PHASE_WINDOWS:
        assert landed[phase] >= 2, landed  # every phase was really hit, more than once
    assert sum(landed.values()) - landed["completed"] >= 20


@pytest.mark.slow
def test_reindex_lock_refuses_a_second_run_and_dies_with_its_holder(setting):
    launcher, archive, store_path = setting
    before = read_state(store_path)
    # The holder pauses as it starts writing its rebuild: it holds the write lock for as long as we like.
    holder = launcher.start(["--rebuild"], stop_at="writing")
    assert wait_until(holder.stopped)
    second = launcher.start([], fresh_interpreter=True)
    assert second.wait() == 1
    message = second.stderr()
    assert "another reindex (`archivist index`) is writing to" in message and "nothing to clear by hand" in message
    assert "Traceback" not in message
    os.kill(holder.pid, signal.SIGKILL)
    assert holder.wait() == -signal.SIGKILL
    # The dead holder's lock went with it: the next run proceeds, and the rebuild left no trace.
    assert read_state(store_path) == before
    report = launcher.start(["--json"]).report()
    assert (report["added_total"], report["updated_total"], report["removed_total"]) == (0, 0, 0)
    assert report["unchanged"] == len(before.articles)


def wait_until(condition, seconds: float = 180) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
