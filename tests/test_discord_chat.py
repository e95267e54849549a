"""The chat path (on_message) with spec'd messages: mention, reply, DM, @everyone, other bots, cooldown."""

from __future__ import annotations

import discord
import pytest

from tests.discord_fakes import BOT_ID, GUILD_ID, bot_answer_message, member, message, running_bot, thread

pytestmark = pytest.mark.asyncio
HIRING = "What did Alibaba's CEO say about hiring?"


def chat(bot):
    return bot.get_cog("Chat")


def embeds_of(send_mock) -> list[discord.Embed]:
    return [e for call in send_mock.await_args_list for e in call.kwargs.get("embeds", [])]


async def test_a_mention_is_answered_as_a_reply_without_pinging(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        incoming = message(bot, f"<@{BOT_ID}> {HIRING}", mentions=[bot.user])
        await chat(bot).on_message(incoming)
        [embed] = embeds_of(incoming.reply)
        assert "prioritise international hiring" in embed.description
        assert embed.title == HIRING  # the mention was taken out of the question
        kwargs = incoming.reply.await_args.kwargs
        assert kwargs["mention_author"] is False
        assert kwargs["allowed_mentions"].to_dict() == discord.AllowedMentions.none().to_dict()
        assert len(kwargs["view"].children) == 3
        incoming.channel.typing.assert_called_once()


async def test_a_reply_to_an_answer_is_a_follow_up_in_its_context(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        first = message(bot, f"<@{BOT_ID}> {HIRING}", mentions=[bot.user])
        await chat(bot).on_message(first)
        [earlier] = bot.activity_log.answers.recent()
        [message_id] = earlier["message_ids"]
        follow_up = message(bot, "and what did he say about Alimama?", reference_to=bot_answer_message(bot, message_id))
        await chat(bot).on_message(follow_up)
        [embed] = embeds_of(follow_up.reply)
        assert "Alimama" in embed.description
        latest = bot.activity_log.answers.recent()[0]
        assert latest["id"] != earlier["id"] and latest["query"] == f"{HIRING} and what did he say about Alimama?"


async def test_a_direct_message_is_a_question(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        incoming = message(bot, HIRING, guild=False)
        await chat(bot).on_message(incoming)
        [embed] = embeds_of(incoming.reply)
        assert "hiring" in embed.description
        assert bot.activity_log.answers.recent()[0]["guild_id"] is None


@pytest.mark.parametrize("content, mention_everyone", [
    ("@everyone", True),
    ("@here what did Alibaba's CEO say about hiring?", True),
    ("What did Alibaba's CEO say about hiring?", False),  # talk in a channel, not to the bot
])
async def test_messages_not_addressed_to_the_bot_are_ignored(sample_service, tmp_path, content, mention_everyone):
    async with running_bot(sample_service, tmp_path) as bot:
        incoming = message(bot, content, mention_everyone=mention_everyone)
        await chat(bot).on_message(incoming)
        incoming.reply.assert_not_awaited()
        incoming.channel.send.assert_not_awaited()
        assert bot.activity_log.answers.recent() == []


async def test_a_mention_with_only_everyone_asks_nothing(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        incoming = message(bot, f"<@{BOT_ID}> @everyone", mentions=[bot.user], mention_everyone=True)
        await chat(bot).on_message(incoming)
        incoming.reply.assert_not_awaited()


async def test_other_bots_are_never_answered(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        robot = member(555)
        robot.bot = True
        incoming = message(bot, f"<@{BOT_ID}> {HIRING}", author=robot, mentions=[bot.user])
        await chat(bot).on_message(incoming)
        incoming.reply.assert_not_awaited()


async def test_chat_cooldown_tells_the_wait(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path, cooldown_seconds=60) as bot:
        asker = member(31337)
        first = message(bot, f"<@{BOT_ID}> {HIRING}", author=asker, mentions=[bot.user])
        second = message(bot, f"<@{BOT_ID}> and Alimama?", author=asker, mentions=[bot.user])
        await chat(bot).on_message(first)
        await chat(bot).on_message(second)
        text = second.reply.await_args.args[0]
        assert text.startswith("You're asking quickly: try again in") and "embeds" not in second.reply.await_args.kwargs
        assert second.reply.await_args.kwargs["delete_after"] > 0


async def test_a_too_long_question_in_chat_gets_the_reason(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        incoming = message(bot, f"<@{BOT_ID}> " + "why " * 300, mentions=[bot.user])
        await chat(bot).on_message(incoming)
        assert "keep it to at most 500" in incoming.reply.await_args.args[0]


async def test_with_threads_on_the_answer_goes_into_a_new_thread(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        bot.activity_log.guilds.set_answer_in_thread(GUILD_ID, True)
        incoming = message(bot, f"<@{BOT_ID}> {HIRING}", mentions=[bot.user])
        await chat(bot).on_message(incoming)
        incoming.create_thread.assert_awaited_once_with(name=HIRING)
        opened = incoming.create_thread.return_value
        assert "hiring" in embeds_of(opened.send)[0].description and incoming.reply.await_count == 0
        assert bot.activity_log.conversations.context_for_thread(opened.id).question == HIRING


async def test_with_the_content_intent_a_plain_message_in_an_answer_thread_is_a_follow_up(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path, message_content_intent=True) as bot:
        first = message(bot, f"<@{BOT_ID}> {HIRING}", mentions=[bot.user])
        await chat(bot).on_message(first)
        answer_id = bot.activity_log.answers.recent()[0]["id"]
        bot.activity_log.conversations.attach_messages(answer_id, [], thread_id=4444)
        follow_up = message(bot, "and what did he say about Alimama?", channel=thread(4444))
        await chat(bot).on_message(follow_up)
        assert "Alimama" in embeds_of(follow_up.reply)[0].description
        elsewhere = message(bot, "and what did he say about Alimama?", channel=thread(5555))
        await chat(bot).on_message(elsewhere)  # a thread without answers: not for the bot
        elsewhere.reply.assert_not_awaited()


async def test_a_composed_answer_in_chat_is_one_reply_edited_as_it_is_verified(sample_service, tmp_path, monkeypatch):
    import dataclasses
    from unittest.mock import AsyncMock

    from bot.discord_app import delivery
    from bot.service import ArchivistService
    from tests.discord_fakes import sent_message
    from tests.llm_server import Script, ScriptedLLM

    monkeypatch.setattr(delivery, "EDIT_EVERY", 0.05)
    text = "Zhang said the company would prioritise international hiring. [1] "
    llm = ScriptedLLM(Script(text=text * 2, chunk=5, between=0.03))
    try:
        settings = dataclasses.replace(sample_service.settings, answerer="composed", llm_url=llm.url,
                                       llm_timeout_seconds=10)
        service = ArchivistService(settings, encoder=sample_service.encoder, store=sample_service.store)
        async with running_bot(service, tmp_path) as bot:
            incoming = message(bot, f"<@{BOT_ID}> {HIRING}", mentions=[bot.user])
            reply = sent_message()
            reply.edit.return_value = reply  # discord.py returns the edited message
            incoming.reply = AsyncMock(return_value=reply)
            await chat(bot).on_message(incoming)
            [first] = incoming.reply.await_args_list  # one reply; everything after is an edit of it
            assert first.kwargs["content"].endswith(" …") and "prioritise international hiring" in first.kwargs["content"]
            final = reply.edit.await_args_list[-1].kwargs
            assert final["content"] is None and "prioritise international hiring" in final["embeds"][0].description
            assert len(final["view"].children) == 3
    finally:
        llm.close()
