"""What reindexing says: the rebuild notice, progress lines, lock and model messages, capped reports."""

from __future__ import annotations

import datetime as dt
import json

from bot.terminal import progress_line, rebuild_notice, render_report
from embeddings.errors import ModelMismatchError, ReindexBusyError
from embeddings.report import MAX_LISTED, CappedList, Failure, ReindexProgress, ReindexReport
from embeddings.store import IndexInfo

INFO = IndexInfo(model="old/model", dimension=384, articles=1234, chunks=5000,
                 last_reindex=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc), generation=7)


def test_rebuild_notice_says_the_old_index_serves_until_the_swap():
    text = rebuild_notice(INFO, "new/model")
    assert "Rebuilding the whole index (1,234 articles), switching from old/model to new/model." in text
    assert "keeps answering questions until the rebuild completes" in text
    assert "if the rebuild stops early, the current index stays" in text
    assert "restarted with ARCHIVIST_MODEL=new/model" in text
    same = rebuild_notice(INFO, "old/model")
    assert "with old/model" in same and "ARCHIVIST_MODEL" not in same
    assert rebuild_notice(None, "new/model") == "Building the index from scratch with new/model."


def test_model_mismatch_names_both_fixes():
    message = str(ModelMismatchError("new/model", "old/model"))
    assert "restart it with ARCHIVIST_MODEL=new/model" in message
    assert "`archivist index --rebuild`" in message


def test_busy_lock_message_says_what_to_do():
    message = str(ReindexBusyError.at("/data/index.sqlite3"))
    assert "another reindex (`archivist index`) is writing to /data/index.sqlite3; wait for it to finish" in message
    assert "even if it crashed, so there is nothing to clear by hand" in message


def test_progress_line_names_the_phase():
    line = progress_line(ReindexProgress(1_500_000, 3_000_000, 1, 20, "encoding"))
    assert line == "indexing: phase=encoding 1.5/3.0 MB, 1 article, 20 embedded"


def test_report_lists_are_capped_but_counts_are_exact():
    report = ReindexReport()
    for number in range(MAX_LISTED + 500):
        report.added.append(f"a{number}")
        report.failed.append(Failure(f"f{number}.txt", "broken"))
    report.added.retract("a0")
    assert len(report.added) == MAX_LISTED - 1 and report.added.total == MAX_LISTED + 499
    assert report.summary().startswith(f"{MAX_LISTED + 499} added") and f"{MAX_LISTED + 500} failed" in report.summary()
    payload = json.loads(report.to_json())
    assert payload["added_total"] == MAX_LISTED + 499 and len(payload["added"]) == MAX_LISTED - 1
    assert payload["failed"][0] == {"path": "f0.txt", "reason": "broken", "line": None}
    assert render_report(report).endswith("  … and 500 more")
    assert CappedList(["x", "y"]) == ["x", "y"]
