"""The chat path on the imitation Discord: mentions, replies (with and without their ping), DMs, threads, failures."""

from __future__ import annotations

import logging

import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from tests.discord_api import permissions as perms
from tests.discord_api.errors import MISSING_PERMISSIONS, ApiError
from tests.discord_api.harness import Scene, running
from tests.discord_api.model import Message
from tests.discord_api.scripted import ScriptedService
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio
HIRING = "What did Alibaba's CEO say about hiring?"
HEADLINE = "Alibaba to push global expansion, says new CEO"
NO_PINGS = {"parse": [], "replied_user": False}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> ArchivistService:
    from tests.conftest import SAMPLE_ARCHIVE

    made = ArchivistService(Settings(archive_dir=SAMPLE_ARCHIVE, data_dir=tmp_path_factory.mktemp("chat") / "data"),
                            encoder=HashingEncoder())
    made.reindex()
    return made


@pytest.fixture
def service(index) -> ScriptedService:
    return ScriptedService(index.settings, encoder=index.encoder, store=index.store)


def answers(scene: Scene, channel=None) -> list[Message]:
    """The bot's messages that carry an answer (embeds), oldest first."""
    return [m for m in scene.server.bot_messages(channel) if m.embeds]


async def threads_on(scene: Scene) -> None:
    await scene.run(scene.admin, "admin threads", enabled=True)


async def test_a_mention_is_answered_as_a_reply_without_pinging(service, tmp_path):
    async with running(service, tmp_path) as scene:
        question = await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [answer] = answers(scene)
        assert answer.reference_id == question.id and answer.channel_id == scene.general.id
        assert answer.embeds[0]["title"] == HIRING  # the mention was taken out of the question
        assert HEADLINE in answer.embeds[0]["fields"][0]["value"]
        assert answer.allowed_mentions == NO_PINGS and answer.mention_ids == []
        assert [b["label"] for b in answer.buttons()] == ["Helpful", "Not helpful", "Wrong source"]
        assert scene.server.typing == [scene.general.id]
        assert scene.server.errors() == []


async def test_a_reply_to_an_answer_is_a_follow_up_in_its_context(service, tmp_path):
    async with running(service, tmp_path) as scene:
        await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [first] = answers(scene)
        follow_up = await scene.say(scene.bob, "and what did he say about Alimama?", reply_to=first)
        assert len(answers(scene)) == 2 and answers(scene)[1].reference_id == follow_up.id
        question, context = service.asked[-1]
        assert question == "and what did he say about Alimama?" and context is not None and context.question == HIRING
        latest = scene.bot.activity_log.answers.recent()[0]
        assert latest["query"] == f"{HIRING} and what did he say about Alimama?"


async def test_a_reply_without_its_ping_gets_a_hint_instead_of_silence(service, tmp_path):
    """Finding 6: without the Message Content intent a pingless reply arrives empty; say how to reach the bot."""
    from bot.discord_app.chat import PINGLESS_HINT

    async with running(service, tmp_path) as scene:
        await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [first] = answers(scene)
        pingless = await scene.say(scene.bob, "and what did he say about Alimama?", reply_to=first, ping=False)
        [hint] = [m for m in scene.server.bot_messages() if m.reference_id == pingless.id]
        assert hint.content == PINGLESS_HINT and hint.allowed_mentions == NO_PINGS
        again = await scene.say(scene.bob, "hello?", reply_to=first, ping=False)
        assert not [m for m in scene.server.bot_messages() if m.reference_id == again.id]  # one hint in ten minutes
        assert len(service.asked) == 1 and scene.server.errors() == []


async def test_with_the_content_intent_a_pingless_reply_is_a_follow_up(service, tmp_path):
    async with running(service, tmp_path, message_content_intent=True) as scene:
        await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [first] = answers(scene)
        await scene.say(scene.bob, "and what did he say about Alimama?", reply_to=first, ping=False)
        assert len(answers(scene)) == 2 and service.asked[-1][1].question == HIRING


async def test_a_direct_message_is_a_question(service, tmp_path):
    async with running(service, tmp_path) as scene:
        dm = scene.server.world.dm_with(scene.alice)
        await scene.say(scene.alice, HIRING, channel=dm)
        [answer] = answers(scene, dm)
        assert answer.embeds[0]["title"] == HIRING
        assert scene.bot.activity_log.answers.recent()[0]["guild_id"] is None


@pytest.mark.parametrize("content", [
    "@everyone",
    "@here what did Alibaba's CEO say about hiring?",
    "What did Alibaba's CEO say about hiring?",  # talk in a channel, not to the bot
])
async def test_messages_not_addressed_to_the_bot_are_ignored(service, tmp_path, content):
    async with running(service, tmp_path, message_content_intent=True) as scene:
        await scene.say(scene.alice, content)
        assert scene.server.bot_messages() == [] and service.asked == []


async def test_a_mention_with_only_everyone_asks_nothing(service, tmp_path):
    async with running(service, tmp_path) as scene:
        await scene.say(scene.alice, f"{scene.mention()} @everyone")
        assert scene.server.bot_messages() == [] and service.asked == []


async def test_other_bots_are_never_answered(service, tmp_path):
    def another_bot(server, people) -> None:
        people["robot"] = server.world.add_member(people["guild"], "robot", bot=True)

    async with running(service, tmp_path, prepare=another_bot) as scene:
        await scene.say(scene.extra["robot"], f"{scene.mention()} {HIRING}")
        assert scene.server.bot_messages() == [] and service.asked == []


async def test_chat_cooldown_tells_the_wait(service, tmp_path):
    async with running(service, tmp_path, cooldown_seconds=60) as scene:
        await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        second = await scene.say(scene.alice, f"{scene.mention()} and Alimama?")
        [notice] = [m for m in scene.server.bot_messages() if m.reference_id == second.id]
        assert notice.content.startswith("You're asking quickly: try again in") and not notice.embeds


async def test_a_too_long_question_in_chat_gets_the_reason(service, tmp_path):
    async with running(service, tmp_path) as scene:
        question = await scene.say(scene.alice, f"{scene.mention()} " + "why " * 300)
        [reply] = scene.server.bot_messages()
        assert reply.reference_id == question.id and "keep it to at most 500" in reply.content


async def test_with_threads_on_the_answer_goes_into_a_new_thread_with_typing_there(service, tmp_path):
    """Finding 9: "typing…" shows where the answer goes."""
    async with running(service, tmp_path) as scene:
        await threads_on(scene)
        question = await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        thread = scene.server.thread_of(question)
        assert thread is not None and thread.name == HIRING
        [answer] = answers(scene)
        assert answer.channel_id == thread.id and answer.reference_id is None
        assert scene.server.typing == [thread.id]  # not the channel the question was asked in
        assert scene.bot.activity_log.conversations.context_for_thread(thread.id).question == HIRING


async def test_with_the_content_intent_a_plain_message_in_an_answer_thread_is_a_follow_up(service, tmp_path):
    async with running(service, tmp_path, message_content_intent=True) as scene:
        await threads_on(scene)
        question = await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        thread = scene.server.thread_of(question)
        await scene.say(scene.bob, "and what did he say about Alimama?", channel=thread)
        assert len(answers(scene, thread)) == 2 and service.asked[-1][1].question == HIRING
        other = await scene.server.start_thread(scene.bob, scene.general, "another thread")
        await scene.say(scene.bob, "and what did he say about Alimama?", channel=other)
        assert answers(scene, other) == []  # a thread without answers: not for the bot


async def test_without_send_messages_in_threads_the_answer_is_posted_in_place(service, tmp_path, caplog):
    """Finding 9: a send that fails is handled: the answer goes where the bot may post, and it is logged."""
    def no_thread_talk(server, people) -> None:
        people["general"].overwrites[server.world.bot_role(people["guild"]).id] = (0, perms.SEND_MESSAGES_IN_THREADS)

    async with running(service, tmp_path, prepare=no_thread_talk) as scene:
        await threads_on(scene)
        question = await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [answer] = answers(scene)
        assert answer.channel_id == scene.general.id and answer.reference_id == question.id
        assert "could not post answer" in caplog.text
        assert [e.code for e in scene.server.errors()] == [MISSING_PERMISSIONS]  # the one refused send


async def test_without_any_way_to_post_in_the_channel_the_answer_comes_by_direct_message(service, tmp_path):
    def read_only(server, people) -> None:
        people["general"].overwrites[server.world.bot_role(people["guild"]).id] = (0, perms.SEND_MESSAGES)

    async with running(service, tmp_path, prepare=read_only) as scene:
        await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        dm = scene.server.world.dm_with(scene.alice)
        note, answer = scene.server.bot_messages(dm)
        assert "couldn't post my answer" in note.content and answer.embeds[0]["title"] == HIRING


async def test_an_answer_to_a_question_deleted_meanwhile_is_still_posted(service, tmp_path):
    """Finding 9: replying to a deleted message fails; the answer is posted as a plain message instead."""
    async with running(service, tmp_path) as scene:
        service.held.set()
        question = await scene.server.say(scene.alice, scene.general, f"{scene.mention()} {HIRING}")
        await scene.server.wait_for(lambda: service.asked, what="the question to reach the service")
        await scene.server.delete(question)
        service.gate.set()
        await scene.settle()
        [answer] = answers(scene)
        assert answer.reference_id is None and answer.embeds[0]["title"] == HIRING
        assert scene.server.errors() == []


async def test_a_failed_typing_call_never_stops_the_answer(service, tmp_path):
    """Finding 9: "typing…" is decoration; its failure must not abort the answer."""
    async with running(service, tmp_path) as scene:
        scene.server.fail("POST", "typing", ApiError(403, MISSING_PERMISSIONS))
        await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [answer] = answers(scene)
        assert answer.embeds[0]["title"] == HIRING


async def test_a_composed_answer_in_chat_is_one_reply_edited_as_it_is_written(index, tmp_path):
    writing = [f"Zhang said the company would prioritise international hiring. ({n} of 3)" for n in (1, 2, 3)]
    service = ScriptedService(index.settings, encoder=index.encoder, store=index.store, writing=writing, between=0.6)
    async with running(service, tmp_path) as scene:
        question = await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [reply] = scene.server.bot_messages()  # one reply; everything after is an edit of it
        assert reply.reference_id == question.id
        assert reply.body["content"].endswith(" …") and "prioritise international hiring" in reply.body["content"]
        final = reply.edits[-1]
        assert not final.get("content") and HEADLINE in final["embeds"][0]["fields"][0]["value"]
        assert len(final["components"][0]["components"]) == 3
        assert scene.server.throttled() == [] and scene.server.errors() == []


async def test_unexpected_failures_in_chat_get_a_short_reply_and_a_logged_traceback(service, tmp_path, caplog):
    service.failure = RuntimeError("database on fire")
    async with running(service, tmp_path) as scene:
        question = await scene.say(scene.alice, f"{scene.mention()} {HIRING}")
        [reply] = scene.server.bot_messages()
        assert reply.reference_id == question.id and "Something went wrong" in reply.content
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info is not None and "database on fire" in caplog.text
