"""/ask and the feedback buttons, run as members run them, on the imitation Discord (answers scripted over the
real index: delivery is the point here, not answering)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re

import pytest

from bot.activity import start_of_day_utc
from bot.discord_app.client import intents_for
from bot.discord_app.errors import GENERIC_TEXT
from bot.discord_app.feedback import ALREADY, THANKS
from bot.service import ArchivistService
from bot.settings import Settings
from embeddings.errors import ModelMismatchError
from tests.discord_api.harness import Scene, running
from tests.discord_api.scripted import NOT_FOUND, ScriptedService
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio
HIRING = "What did Alibaba's CEO say about hiring?"
HEADLINE = "Alibaba to push global expansion, says new CEO"
NO_PINGS = {"parse": []}  # AllowedMentions.none(): nobody is pinged
WRITING = [f"Zhang said the company would prioritise international hiring. [1] ({n} of 6)" for n in range(1, 7)]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ArchivistService:
    """The sample archive indexed once with the hashing encoder."""
    from tests.conftest import SAMPLE_ARCHIVE

    made = ArchivistService(Settings(archive_dir=SAMPLE_ARCHIVE, data_dir=tmp_path_factory.mktemp("ask") / "data"),
                            encoder=HashingEncoder())
    made.reindex()
    return made


def scripted(index: ArchivistService, **options) -> ScriptedService:
    settings = {k: options.pop(k) for k in list(options) if k in {f.name for f in dataclasses.fields(Settings)}}
    return ScriptedService(dataclasses.replace(index.settings, **settings), encoder=index.encoder,
                           store=index.store, **options)


@pytest.fixture
def service(index) -> ScriptedService:
    return scripted(index)


async def headlines_known(scene: Scene) -> None:
    """Until autocomplete knows the headlines (the bot reads them in the background when it starts)."""
    for _ in range(50):  # each look costs the client a gateway frame (at most 120 a minute)
        typed = await scene.server.autocomplete(scene.alice, scene.general, "article", "title", "alibaba")
        await scene.settle()
        if typed.choices:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("autocomplete never offered the sample article")


def answer_embeds(scene: Scene, interaction) -> list[dict]:
    return [e for m in scene.replies(interaction) for e in m.embeds]


async def test_ask_defers_first_then_answers_with_sources_and_buttons(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question=HIRING)
        assert asked.response_type == 5  # "thinking…", public
        [reply] = scene.replies(asked)
        assert not reply.ephemeral and not reply.loading
        [embed] = reply.embeds
        assert embed["title"] == HIRING and embed["description"].endswith("\\[1\\]")
        assert embed["fields"][0]["name"] == "[1] 14 May 2015" and HEADLINE in embed["fields"][0]["value"]
        assert embed["footer"]["text"].startswith("Searched 1 article · answer ")
        answer_id = embed["footer"]["text"].rsplit(" ", 1)[1]
        assert [b["custom_id"] for b in reply.buttons()] == [
            f"archivist:fb:{v}:{answer_id}" for v in ("helpful", "unhelpful", "wrong_source")]
        assert [call.body.get("allowed_mentions") for call in scene.server.calls if call.route == "followup"] == [
            NO_PINGS]
        stats = scene.bot.activity_log.stats(start_of_day_utc())
        assert stats.answers == 1 and stats.abstained == 0 and stats.p50_ms > 0
        assert scene.server.errors() == []


async def test_message_content_intent_only_when_the_setting_enables_it():
    assert intents_for(Settings()).message_content is False
    assert intents_for(Settings(message_content_intent=True)).message_content is True


async def test_answers_open_a_thread_from_the_channel_and_follow_ups_there_use_context(service, tmp_path):
    """Finding 1: a followup's WebhookMessage knows no guild, so the thread is opened from the channel."""
    async with running(service, tmp_path) as scene:
        scene.bot.activity_log.guilds.set_answer_in_thread(scene.guild.id, True)
        asked = await scene.run(scene.alice, "ask", question=HIRING)
        [reply] = scene.replies(asked)
        thread = scene.server.thread_of(reply)
        assert thread is not None and thread.name == HIRING and thread.parent_id == scene.general.id
        assert scene.bot.activity_log.conversations.context_for_thread(thread.id).question == HIRING

        # A follow-up asked with /ask inside that thread is read in the earlier question's context.
        follow_up = await scene.run(scene.bob, "ask", channel=thread, question="and what did he say about Alimama?")
        [answered] = scene.replies(follow_up)
        assert answered.channel_id == thread.id and answered.embeds[0]["fields"]
        question, context = service.asked[-1]
        assert question == "and what did he say about Alimama?" and context is not None and context.question == HIRING
        query = scene.bot.activity_log.answers.recent()[0]["query"]
        assert query.startswith(HIRING) and query.endswith("and what did he say about Alimama?")
        assert answered.thread_id is None  # already in a thread: no new one
        assert scene.server.errors() == []


async def test_a_too_long_question_is_refused_privately_before_any_work(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question="why " * 300)
        assert asked.response_type == 4  # answered at once: no "thinking…"
        [refusal] = scene.replies(asked)
        assert refusal.ephemeral and "keep it to at most 500" in refusal.content
        assert service.asked == [] and scene.bot.activity_log.answers.recent() == []


async def test_bad_dates_are_refused_with_the_format_to_use(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question=HIRING, **{"from": "someday"})
        [refusal] = scene.replies(asked)
        assert refusal.ephemeral and "use YYYY-MM-DD" in refusal.content and service.asked == []


async def test_options_reach_the_command_by_the_names_discord_shows(service, tmp_path):
    async with running(service, tmp_path) as scene:
        later = await scene.run(scene.alice, "ask", question=HIRING, **{"from": "2016-01-01"})
        [embed] = answer_embeds(scene, later)
        assert embed["title"] == HIRING and embed["description"] == NOT_FOUND
        assert embed["footer"]["text"].startswith("Searched 0 articles")  # the filter left no article to search
        both = await scene.run(scene.alice, "ask", question=HIRING, **{"from": "2015-05-01", "to": "2015-05-31"})
        assert answer_embeds(scene, both)[0]["footer"]["text"].startswith("Searched 1 article ")
        wrong = await scene.run(scene.alice, "ask", question=HIRING, to="2015-05-01", **{"from": "2015-06-01"})
        [refusal] = scene.replies(wrong)
        assert "is after 'to'" in refusal.content and "swap them" in refusal.content and refusal.ephemeral


async def test_cooldown_refuses_a_second_question_with_the_wait(service, tmp_path):
    async with running(service, tmp_path, cooldown_seconds=30) as scene:
        await scene.run(scene.alice, "ask", question=HIRING)
        again = await scene.run(scene.alice, "ask", question="and Alimama?")
        other = await scene.run(scene.bob, "ask", question=HIRING)  # per person
        [refusal] = scene.replies(again)
        assert refusal.ephemeral and re.fullmatch(r"You're asking quickly: try again in (29|30) s\.", refusal.content)
        assert scene.replies(other)[0].embeds
        scene.clock.advance(31)
        after = await scene.run(scene.alice, "ask", question=HIRING)
        assert scene.replies(after)[0].embeds


@pytest.mark.parametrize("failure, shown", [
    (RuntimeError("database on fire"), GENERIC_TEXT),
    (ModelMismatchError("model-a", "model-b"), "model-a"),
])
async def test_errors_after_the_public_defer_are_shown_only_to_the_asker(service, tmp_path, caplog, failure, shown):
    """Finding 8: the first followup after a public defer would be public; the reason goes in a second one."""
    service.failure = failure
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question=HIRING)
        public, private = scene.replies(asked)
        assert not public.ephemeral and shown not in public.text() and "only the asker" in public.content
        assert private.ephemeral and shown in private.content
        assert scene.server.errors() == []
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert bool(errors) is isinstance(failure, RuntimeError)  # unexpected failures get a traceback
    assert all(r.exc_info is not None for r in errors)


async def test_feedback_buttons_survive_a_restart_are_acknowledged_first_and_count_once(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question=HIRING)
        [answer] = scene.replies(asked)
        await scene.restart()  # a new process: nothing in memory, the buttons carry all they need
        helpful = await scene.click(scene.bob, answer, "Helpful")
        wrong = await scene.click(scene.bob, answer, "Wrong source")
        for click, said in ((helpful, THANKS), (wrong, ALREADY)):
            assert click.response_type == 5  # acknowledged before the database ("thinking…", private)
            [reply] = scene.replies(click)
            assert reply.ephemeral and reply.content == said
        answer_id = answer.embeds[-1]["footer"]["text"].rsplit(" ", 1)[1]
        assert [f["verdict"] for f in scene.bot.activity_log.feedback.for_answer(answer_id)] == ["helpful"]
        assert scene.server.errors() == []


async def test_clicks_and_autocomplete_are_answered_at_once_while_answers_wait_for_the_model(service, tmp_path):
    """Finding 7: answers waiting for a model slot must not hold up a click or an autocomplete."""
    async with running(service, tmp_path) as scene:
        await headlines_known(scene)
        asked = await scene.run(scene.alice, "ask", question=HIRING)
        [answer] = scene.replies(asked)
        service.held.set()
        try:
            waiting = [await scene.server.invoke(scene.bob, scene.general, "ask", question=f"{HIRING} ({n})")
                       for n in range(8)]
            click = await scene.server.click(scene.admin, answer, "Helpful")
            typed = await scene.server.autocomplete(scene.admin, scene.general, "article", "title", "alibaba")
            tags = await scene.server.autocomplete(scene.admin, scene.general, "ask", "tag", "", question="q")
            await scene.server.wait_for(lambda: click.acknowledged and typed.acknowledged and tags.acknowledged,
                                        timeout=2.5, what="the click and the autocomplete to be answered")
            assert typed.choices == [{"name": f"{HEADLINE} (14 May 2015)", "value": "alibaba-global-expansion.txt"}]
            await scene.server.wait_for(lambda: all(w.response_type == 5 for w in waiting), timeout=2.5,
                                        what="every question to be acknowledged too")
            await scene.server.wait_for(lambda: scene.replies(click)[0].content == THANKS, timeout=5,
                                        what="the feedback to be recorded")
        finally:
            service.gate.set()
        await scene.settle()
        assert all(scene.replies(w)[0].embeds for w in waiting) and scene.server.errors() == []


async def test_a_composed_answer_is_shown_as_it_is_written_then_with_sources(index, tmp_path):
    service = scripted(index, writing=WRITING[:3], between=0.6)
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question=HIRING)
        [reply] = scene.replies(asked)
        partial = [edit["content"] for edit in reply.edits if edit.get("content")]
        assert partial and all(p.endswith(" …") and "prioritise international hiring" in p for p in partial)
        final = reply.edits[-1]
        assert not final.get("content") and final["embeds"] and final["components"]  # sources and buttons last
        assert HEADLINE in final["embeds"][0]["fields"][0]["value"]
        assert scene.server.followups(asked) == []  # one message, edited
        assert scene.server.throttled() == [] and scene.server.errors() == []


async def test_answers_written_at_once_in_one_channel_stay_inside_its_rate_limits(index, tmp_path):
    """Finding 12: eight answers written together in one channel; the server sees no 429."""
    service = scripted(index, writing=WRITING, between=0.6, answerer="composed", llm_url="http://127.0.0.1:9/v1",
                       llm_concurrency=8)
    async with running(service, tmp_path) as scene:
        asked = [await scene.server.invoke(scene.alice if n % 2 else scene.bob, scene.general, "ask",
                                           question=HIRING) for n in range(8)]
        await scene.settle(timeout=60)
        assert all(HEADLINE in answer_embeds(scene, a)[0]["fields"][0]["value"] for a in asked)
        assert scene.server.throttled() == [] and scene.server.errors() == []
        assert any(edit.get("content") for a in asked for edit in scene.server.original(a).edits)  # progress shown


async def test_a_waiting_answer_shows_thinking_until_it_comes(service, tmp_path):
    """Questions queue on the answer pool: each is acknowledged at once and answered in turn."""
    async with running(service, tmp_path) as scene:
        service.held.set()
        asked = await scene.server.invoke(scene.alice, scene.general, "ask", question=HIRING)
        await scene.server.wait_for(lambda: asked.response_type == 5, what="the question to be acknowledged")
        await scene.server.wait_for(lambda: service.asked, what="the question to reach the service")
        assert scene.server.original(asked).loading  # "thinking…" while the answer waits
        service.gate.set()
        await scene.settle()
        assert HEADLINE in answer_embeds(scene, asked)[0]["fields"][0]["value"]
