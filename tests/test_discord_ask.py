"""/ask and the feedback buttons, called as Discord would call them, on the real service and model."""

from __future__ import annotations

import re

import discord
import pytest
from discord import app_commands

from bot.activity import start_of_day_utc
from bot.discord_app.checks import OnCooldown
from bot.discord_app.errors import GENERIC_TEXT
from bot.discord_app.feedback import ALREADY, THANKS, FeedbackButton, feedback_view
from bot.errors import InvalidQuestionError
from tests.discord_fakes import GUILD_ID, interaction, invoke, member, running_bot, thread

pytestmark = pytest.mark.asyncio
HIRING = "What did Alibaba's CEO say about hiring?"


def sent_embeds(fake) -> list[discord.Embed]:
    return [e for call in fake.followup.send.await_args_list for e in call.kwargs.get("embeds", [])]


async def test_ask_defers_first_then_answers_with_sources_and_buttons(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        fake = interaction(bot)
        await bot.get_cog("Ask").ask.callback(bot.get_cog("Ask"), fake, question=HIRING)
        assert fake.events[0] == "defer" and fake.events[1:] == ["followup.send"]
        assert fake.response.defer.await_args.kwargs == {"thinking": True}
        [embed] = sent_embeds(fake)
        assert "prioritise international hiring" in embed.description and "\\[1\\]" in embed.description
        assert embed.fields[0].name == "[1] 14 May 2015"
        assert "Alibaba to push global expansion, says new CEO" in embed.fields[0].value
        assert embed.footer.text.startswith("Searched 1 article · answer ")
        kwargs = fake.followup.send.await_args.kwargs
        assert kwargs["allowed_mentions"].to_dict() == discord.AllowedMentions.none().to_dict()
        assert kwargs["wait"] is True
        answer_id = embed.footer.text.rsplit(" ", 1)[1]
        ids = [item.custom_id for item in kwargs["view"].children]
        assert ids == [f"archivist:fb:{v}:{answer_id}" for v in ("helpful", "unhelpful", "wrong_source")]
        stats = bot.activity_log.stats(start_of_day_utc())
        assert stats.answers == 1 and stats.abstained == 0 and stats.p50_ms > 0


async def test_message_content_intent_only_when_the_setting_enables_it():
    from bot.discord_app.client import intents_for
    from bot.settings import Settings

    assert intents_for(Settings()).message_content is False
    assert intents_for(Settings(message_content_intent=True)).message_content is True


async def test_client_allowed_mentions_are_none(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        assert bot.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()
        assert bot.tree.get_command("ask") is not None  # registered, but nothing synced: no HTTP in setup


async def test_answers_open_a_thread_when_the_server_wants_it_and_follow_ups_there_use_context(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        bot.activity_log.guilds.set_answer_in_thread(GUILD_ID, True)
        cog = bot.get_cog("Ask")
        fake = interaction(bot)
        await cog.ask.callback(cog, fake, question=HIRING)
        [answer_message] = fake.sent
        answer_message.create_thread.assert_awaited_once_with(name=HIRING)
        opened = answer_message.create_thread.return_value.id
        assert bot.activity_log.conversations.context_for_thread(opened).question == HIRING

        # A follow-up asked with /ask inside that thread is read in the earlier question's context.
        in_thread = interaction(bot, channel=thread(opened))
        await cog.ask.callback(cog, in_thread, question="and what did he say about Alimama?")
        [embed] = sent_embeds(in_thread)
        assert "Alimama" in embed.description
        query = bot.activity_log.answers.recent()[0]["query"]
        assert query.startswith(HIRING) and query.endswith("and what did he say about Alimama?")
        assert in_thread.sent[0].create_thread.await_count == 0  # already in a thread: no new one


async def test_a_too_long_question_is_refused_privately_before_any_work(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        cog = bot.get_cog("Ask")
        fake = interaction(bot)
        with pytest.raises(InvalidQuestionError) as caught:
            await cog.ask.callback(cog, fake, question="why " * 300)
        assert fake.events == []  # nothing sent yet: the tree's error handler answers
        await bot.tree.on_error(fake, app_commands.CommandInvokeError(cog.ask, caught.value))
        assert fake.events == ["send_message"]
        text = fake.response.send_message.await_args.args[0]
        assert "keep it to at most 500" in text and fake.response.send_message.await_args.kwargs["ephemeral"] is True


async def test_bad_dates_are_refused_with_the_format_to_use(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        cog = bot.get_cog("Ask")
        with pytest.raises(Exception, match="use YYYY-MM-DD"):
            await cog.ask.callback(cog, interaction(bot), question=HIRING, date_from="someday")


async def test_filters_reach_the_service(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        cog = bot.get_cog("Ask")
        fake = interaction(bot)
        await cog.ask.callback(cog, fake, question=HIRING, date_from="2016-01-01")
        [embed] = sent_embeds(fake)
        assert embed.description == "I couldn't find that in the archive." and embed.fields == []
        assert embed.footer.text.startswith("Searched 0 articles")


async def test_cooldown_refuses_a_second_question_with_the_wait(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path, cooldown_seconds=30) as bot:
        command = bot.get_cog("Ask").ask
        first, second, other = interaction(bot), interaction(bot), interaction(bot, user=member(777))
        assert await command._check_can_run(first) is True
        with pytest.raises(OnCooldown) as caught:
            await command._check_can_run(second)
        assert await command._check_can_run(other) is True  # per user
        await bot.tree.on_error(second, caught.value)
        text = second.response.send_message.await_args.args[0]
        assert re.fullmatch(r"You're asking quickly: try again in (29|30) s\.", text)
        assert second.response.send_message.await_args.kwargs["ephemeral"] is True


async def test_unexpected_errors_get_a_short_reply_and_a_logged_traceback(sample_service, tmp_path, caplog):
    async with running_bot(sample_service, tmp_path) as bot:
        fake = interaction(bot)
        await fake.response.defer()
        error = app_commands.CommandInvokeError(bot.get_cog("Ask").ask, RuntimeError("database on fire"))
        await bot.tree.on_error(fake, error)
        assert fake.followup.send.await_args.args[0] == GENERIC_TEXT
        [record] = [r for r in caplog.records if r.levelname == "ERROR"]
        assert record.exc_info is not None and "database on fire" in caplog.text


async def test_feedback_buttons_survive_a_rebuild_and_count_once_per_user(sample_service, tmp_path):
    answer_id = "0123456789abcdef"
    original = [item.custom_id for item in feedback_view(answer_id).children]
    async with running_bot(sample_service, tmp_path) as bot:  # a fresh process: nothing in memory
        # What the client registered in setup_hook is what turns a click's custom id back into a button.
        # (load_extension imports its own copy of the class, hence the match by name.)
        registered_items = bot._connection._view_store._dynamic_items.items()
        [(pattern, registered)] = [(p, item) for p, item in registered_items
                                   if item.__qualname__ == FeedbackButton.__qualname__]
        rebuilt = []
        for custom_id in original:
            match = pattern.fullmatch(custom_id)
            assert match is not None
            item = await registered.from_custom_id(interaction(bot), discord.ui.Button(custom_id=custom_id), match)
            assert item.custom_id == custom_id and item.answer_id == answer_id
            rebuilt.append(item)
        clicker = member(4242)
        first, again = interaction(bot, user=clicker), interaction(bot, user=clicker)
        await rebuilt[0].callback(first)   # helpful
        await rebuilt[2].callback(again)   # wrong source: the same user already voted
        assert first.response.send_message.await_args.args[0] == THANKS
        assert again.response.send_message.await_args.args[0] == ALREADY
        assert [f["verdict"] for f in bot.activity_log.feedback.for_answer(answer_id)] == ["helpful"]


async def test_options_reach_the_command_by_the_names_discord_shows(sample_service, tmp_path):
    async with running_bot(sample_service, tmp_path) as bot:
        later = interaction(bot)
        await invoke(bot, later, "ask", question=HIRING, **{"from": "2016-01-01"})
        [embed] = sent_embeds(later)
        assert embed.title == HIRING and embed.description.startswith("I couldn't find that in the archive.")
        assert embed.footer.text.startswith("Searched 0 articles")  # the filter left no article to search
        both = interaction(bot)
        await invoke(bot, both, "ask", question=HIRING, **{"from": "2015-05-01", "to": "2015-05-31"})
        assert "prioritise international hiring" in sent_embeds(both)[0].description
        wrong = interaction(bot)
        await invoke(bot, wrong, "ask", question=HIRING, to="2015-05-01", **{"from": "2015-06-01"})
        refusal = wrong.response.send_message.await_args
        assert "is after 'to'" in refusal.args[0] and "swap them" in refusal.args[0] and refusal.kwargs["ephemeral"]


async def test_a_composed_answer_is_shown_as_it_is_verified_then_with_sources(sample_service, tmp_path, monkeypatch):
    import dataclasses

    from bot.discord_app import delivery
    from bot.service import ArchivistService
    from tests.llm_server import Script, ScriptedLLM

    monkeypatch.setattr(delivery, "EDIT_EVERY", 0.05)
    llm = ScriptedLLM(Script(text="Zhang said the company would prioritise international hiring. [1] "
                                  "@everyone Zhang said the company would prioritise international hiring. [1]",
                             chunk=6, between=0.03))
    try:
        settings = dataclasses.replace(sample_service.settings, answerer="composed", llm_url=llm.url,
                                       llm_timeout_seconds=10)
        service = ArchivistService(settings, encoder=sample_service.encoder, store=sample_service.store)
        async with running_bot(service, tmp_path) as bot:
            fake = interaction(bot)
            await bot.get_cog("Ask").ask.callback(bot.get_cog("Ask"), fake, question=HIRING)
            edits = [c.kwargs for c in fake.edit_original_response.await_args_list]
            partial = [e["content"] for e in edits if e.get("content")]
            assert partial and all(p.endswith(" …") for p in partial)  # only verified text, marked as unfinished
            assert "@everyone" not in " ".join(partial)  # escaped: "@\u200beveryone"
            final = edits[-1]
            assert final["content"] is None and final["embeds"] and "view" in final  # sources and buttons last
            assert "prioritise international hiring" in final["embeds"][0].description
            assert fake.followup.send.await_count == 0  # one message, edited
    finally:
        llm.close()
