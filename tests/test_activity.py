"""The activity log: answers, feedback once per user, per-server settings, follow-up context, stats."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.activity import ActivityLog, AnswerRecord, percentile, start_of_day_utc
from bot.cooldown import Cooldowns

NOW = dt.datetime(2024, 6, 1, 15, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def log(tmp_path) -> ActivityLog:
    made = ActivityLog.in_data_dir(tmp_path)
    yield made
    made.close()


def record(answer_id: str, latency: float, abstained: bool = False, when: dt.datetime = NOW, **where) -> AnswerRecord:
    return AnswerRecord(answer_id, "What did he say?", "Earlier question. What did he say?",
                        [{"article_id": "a1", "title": "Headline"}], latency, abstained, asked_at=when, **where)


def test_feedback_is_stored_once_per_user_with_question_and_sources(log):
    log.record_answer(record("00000000000000aa", 120.0))
    assert log.record_feedback("00000000000000aa", 1, "helpful") is True
    assert log.record_feedback("00000000000000aa", 1, "wrong_source") is False  # the first click stands
    assert log.record_feedback("00000000000000aa", 2, "unhelpful") is True
    stored = log.feedback_for("00000000000000aa")
    assert sorted((f["user_id"], f["verdict"]) for f in stored) == [(1, "helpful"), (2, "unhelpful")]
    assert stored[0]["question"] == "What did he say?" and stored[0]["sources"][0]["article_id"] == "a1"
    with pytest.raises(ValueError):
        log.record_feedback("00000000000000aa", 3, "meh")


def test_stats_count_today_and_take_nearest_rank_percentiles(log):
    for i, latency in enumerate([100, 200, 300, 400, 1000]):
        log.record_answer(record(f"{i:016x}", latency, abstained=i == 0))
    log.record_answer(record("ffffffffffffffff", 50_000, when=NOW - dt.timedelta(days=1)))  # yesterday
    log.record_feedback("0000000000000001", 7, "helpful")
    stats = log.stats(start_of_day_utc(NOW))
    assert (stats.answers, stats.abstained, stats.abstention_rate) == (5, 1, 0.2)
    assert (stats.p50_ms, stats.p95_ms) == (300, 1000)
    assert stats.feedback == {"helpful": 1, "unhelpful": 0, "wrong_source": 0}
    empty = log.stats(NOW + dt.timedelta(days=1))
    assert (empty.answers, empty.p50_ms, empty.abstention_rate) == (0, None, None)
    assert percentile([1, 2, 3, 4], 50) == 2 and percentile([5], 95) == 5


def test_replies_and_threads_find_the_answer_they_follow(log):
    log.record_answer(record("00000000000000aa", 10.0, when=NOW))
    log.attach_messages("00000000000000aa", [111, 112], thread_id=555)
    context = log.context_for_message(112)
    assert context.question == "Earlier question. What did he say?" and context.article_ids == ("a1",)
    assert log.context_for_message(999) is None
    later = AnswerRecord("00000000000000bb", "And then?", "Later query", [], 5.0, True,
                         asked_at=NOW + dt.timedelta(minutes=1))
    log.record_answer(later)
    log.attach_messages("00000000000000bb", [113], thread_id=555)
    assert log.context_for_thread(555).question == "Later query"  # the latest answer in the thread
    assert log.context_for_thread(556) is None


def test_answer_in_thread_is_a_per_server_choice(log):
    assert log.answer_in_thread(1, default=False) is False and log.answer_in_thread(1, default=True) is True
    log.set_answer_in_thread(1, True)
    assert log.answer_in_thread(1, default=False) is True and log.answer_in_thread(2, default=False) is False
    assert log.answer_in_thread(None, default=True) is False  # DMs have no threads


def test_admin_actions_are_kept_with_who_ran_them(log):
    log.record_admin_action(1, 42, "alice", "reindex", "rebuild=False")
    [action] = log.admin_actions()
    assert (action["user_id"], action["user_name"], action["command"]) == (42, "alice", "reindex")


def test_cooldown_allows_one_question_per_window():
    now = [100.0]
    cooldowns = Cooldowns(10, clock=lambda: now[0])
    assert cooldowns.retry_after(1) == 0.0
    now[0] += 4
    assert cooldowns.retry_after(1) == pytest.approx(6.0) and cooldowns.retry_after(2) == 0.0
    now[0] += 6
    assert cooldowns.retry_after(1) == 0.0
    assert Cooldowns(0).retry_after(1) == 0.0 and Cooldowns(0).retry_after(1) == 0.0
