"""The activity log: answers, feedback once per user, per-server settings, follow-up context, stats."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.activity import ActivityLog, AnswerRecord, start_of_day_utc
from bot.cooldown import Cooldowns
from bot.percentiles import percentile

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
    log.answers.record(record("00000000000000aa", 120.0))
    assert log.feedback.record("00000000000000aa", 1, "helpful") is True
    assert log.feedback.record("00000000000000aa", 1, "wrong_source") is False  # the first click stands
    assert log.feedback.record("00000000000000aa", 2, "unhelpful") is True
    stored = log.feedback.for_answer("00000000000000aa")
    assert sorted((f["user_id"], f["verdict"]) for f in stored) == [(1, "helpful"), (2, "unhelpful")]
    assert stored[0]["question"] == "What did he say?" and stored[0]["sources"][0]["article_id"] == "a1"
    with pytest.raises(ValueError):
        log.feedback.record("00000000000000aa", 3, "meh")


def test_stats_count_today_and_take_nearest_rank_percentiles(log):
    for i, latency in enumerate([100, 200, 300, 400, 1000]):
        log.answers.record(record(f"{i:016x}", latency, abstained=i == 0))
    log.answers.record(record("ffffffffffffffff", 50_000, when=NOW - dt.timedelta(days=1)))  # yesterday
    log.feedback.record("0000000000000001", 7, "helpful")
    stats = log.stats(start_of_day_utc(NOW))
    assert (stats.answers, stats.abstained, stats.abstention_rate) == (5, 1, 0.2)
    assert (stats.p50_ms, stats.p95_ms) == (300, 1000)
    assert stats.feedback == {"helpful": 1, "unhelpful": 0, "wrong_source": 0}
    empty = log.stats(NOW + dt.timedelta(days=1))
    assert (empty.answers, empty.p50_ms, empty.abstention_rate) == (0, None, None)
    assert percentile([1, 2, 3, 4], 50) == 2 and percentile([5], 95) == 5


def test_replies_and_threads_find_the_answer_they_follow(log):
    log.answers.record(record("00000000000000aa", 10.0, when=NOW))
    log.conversations.attach_messages("00000000000000aa", [111, 112], thread_id=555)
    context = log.conversations.context_for_message(112)
    assert context.question == "Earlier question. What did he say?" and context.article_ids == ("a1",)
    assert log.conversations.context_for_message(999) is None
    later = AnswerRecord("00000000000000bb", "And then?", "Later query", [], 5.0, True,
                         asked_at=NOW + dt.timedelta(minutes=1))
    log.answers.record(later)
    log.conversations.attach_messages("00000000000000bb", [113], thread_id=555)
    assert log.conversations.context_for_thread(555).question == "Later query"  # the latest answer in the thread
    assert log.conversations.context_for_thread(556) is None


def test_answer_in_thread_is_a_per_server_choice(log):
    assert log.guilds.answer_in_thread(1, default=False) is False
    assert log.guilds.answer_in_thread(1, default=True) is True
    log.guilds.set_answer_in_thread(1, True)
    assert log.guilds.answer_in_thread(1, default=False) is True
    assert log.guilds.answer_in_thread(2, default=False) is False
    assert log.guilds.answer_in_thread(None, default=True) is False  # DMs have no threads


def test_admin_actions_are_kept_with_who_ran_them(log):
    log.audit.record(1, 42, "alice", "reindex", "rebuild=False")
    [action] = log.audit.recent()
    assert (action["user_id"], action["user_name"], action["command"]) == (42, "alice", "reindex")


def test_cooldown_allows_one_question_per_window():
    now = [100.0]
    cooldowns = Cooldowns(10, clock=lambda: now[0])
    assert cooldowns.take_turn(1) == 0.0
    now[0] += 4
    assert cooldowns.take_turn(1) == pytest.approx(6.0) and cooldowns.take_turn(2) == 0.0
    now[0] += 6
    assert cooldowns.take_turn(1) == 0.0
    assert Cooldowns(0).take_turn(1) == 0.0 and Cooldowns(0).take_turn(1) == 0.0
