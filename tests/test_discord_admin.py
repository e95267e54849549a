"""/admin: hidden and refused without Manage Server unless allow-listed; reindex, stats, ingest, threads."""

from __future__ import annotations

import asyncio
import threading

import discord
import pytest

from bot.discord_app.checks import NotAdmin
from bot.discord_app.render_admin import BUSY_TEXT
from bot.service import ArchivistService
from bot.settings import Settings
from embeddings.errors import IngestError
from tests.discord_fakes import GUILD_ID, attachment, interaction, member, running_bot
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio
ADMIN_ROLE, ADMIN_USER = 700_000_000_000_000_001, 700_000_000_000_000_002
GOOD_TXT = b"Harbour reopens after storm\n\n14 May 2015\n\nThe harbour reopened on Tuesday after the storm.\n"


@pytest.fixture
def service(sample_archive, tmp_path) -> ArchivistService:
    made = ArchivistService(Settings(archive_dir=sample_archive, data_dir=tmp_path / "data"), encoder=HashingEncoder())
    made.reindex()
    return made


def admin_bot(service, tmp_path):
    return running_bot(service, tmp_path, admin_role_ids=(ADMIN_ROLE,), admin_user_ids=(ADMIN_USER,))


def admin_interaction(bot):
    return interaction(bot, permissions=discord.Permissions(manage_guild=True))


async def test_admin_commands_are_hidden_by_default_permissions(service, tmp_path):
    async with admin_bot(service, tmp_path) as bot:
        group = bot.tree.get_command("admin")
        payload = group.to_dict(bot.tree)
        assert payload["default_member_permissions"] == discord.Permissions(manage_guild=True).value
        assert group.guild_only is True
        assert sorted(c.name for c in group.commands) == ["gaps", "ingest", "reindex", "stats", "threads"]


@pytest.mark.parametrize("who, allowed", [
    ("plain member", False),
    ("manage server", True),
    ("allow-listed role", True),
    ("allow-listed user", True),
    ("allow-listed role in a DM", False),
])
async def test_the_real_check_refuses_members_and_honours_the_allow_lists(service, tmp_path, who, allowed):
    async with admin_bot(service, tmp_path) as bot:
        fake = {
            "plain member": lambda: interaction(bot, user=member(roles=(123,))),
            "manage server": lambda: admin_interaction(bot),
            "allow-listed role": lambda: interaction(bot, user=member(roles=(123, ADMIN_ROLE))),
            "allow-listed user": lambda: interaction(bot, user=member(ADMIN_USER)),
            "allow-listed role in a DM": lambda: interaction(bot, user=member(roles=(ADMIN_ROLE,)), guild=False),
        }[who]()
        for command in bot.tree.get_command("admin").commands:
            if allowed:
                assert await command._check_can_run(fake) is True
            else:
                with pytest.raises(NotAdmin):
                    await command._check_can_run(fake)
        if not allowed:
            await bot.tree.on_error(fake, NotAdmin())
            assert "for server admins" in fake.response.send_message.await_args.args[0]
            assert fake.response.send_message.await_args.kwargs["ephemeral"] is True


async def test_reindex_edits_one_message_with_progress_then_the_summary(service, tmp_path):
    (service.settings.archive_dir / "harbour.txt").write_bytes(GOOD_TXT)
    (service.settings.archive_dir / "broken.json").write_text("{nope")
    async with admin_bot(service, tmp_path) as bot:
        cog = bot.get_cog("Admin")
        cog.progress_every = 0.001
        release = threading.Event()
        original = service.encoder.encode_documents

        def slow(texts):  # hold the reindex until progress has been shown
            release.wait(10)
            return original(texts)

        service.encoder.encode_documents = slow
        fake = admin_interaction(bot)
        task = bot.loop.create_task(cog.reindex.callback(cog, fake, rebuild=False))
        for _ in range(1000):  # until the first progress edit (at most ~10 s)
            if fake.edit_original_response.await_count or task.done():
                break
            await asyncio.sleep(0.01)
        release.set()
        await task
        del service.encoder.encode_documents
        assert fake.events[0] == "defer" and fake.response.defer.await_args.kwargs["ephemeral"] is True
        texts = [c.kwargs["content"] for c in fake.edit_original_response.await_args_list]
        assert texts[0].startswith("Reindexing…") and len(texts) >= 2
        summary = texts[-1]
        assert summary.startswith("**Reindex finished** in ")
        assert "1 added, 0 updated, 0 removed, 1 unchanged, 1 file failed" in summary
        assert "broken.json" in summary and "not valid JSON" in summary
        assert fake.followup.send.await_count == 0  # one message, edited
        assert bot.activity_log.audit.recent()[0]["command"] == "reindex"


async def test_a_second_reindex_while_one_runs_is_refused_politely(service, tmp_path):
    async with admin_bot(service, tmp_path) as bot:
        cog = bot.get_cog("Admin")
        started, release = threading.Event(), threading.Event()

        def hold(_event):
            started.set()
            release.wait(10)

        worker = threading.Thread(target=service.reindex, kwargs={"rebuild": True, "on_progress": hold})
        worker.start()
        try:
            assert started.wait(10)
            fake = admin_interaction(bot)
            await cog.reindex.callback(cog, fake)
            assert fake.edit_original_response.await_args.kwargs["content"] == BUSY_TEXT
            # Questions are still answered from the current index meanwhile.
            assert service.search("Alibaba")[0].article.id == "alibaba-global-expansion.txt"
        finally:
            release.set()
            worker.join(10)


async def test_stats_reports_index_and_activity(service, tmp_path):
    async with admin_bot(service, tmp_path) as bot:
        ask = bot.get_cog("Ask")
        asked = interaction(bot)
        await ask.ask.callback(ask, asked, question="What did Alibaba's CEO say about hiring?")
        answer_id = asked.followup.send.await_args.kwargs["embeds"][-1].footer.text.rsplit(" ", 1)[1]
        bot.activity_log.feedback.record(answer_id, 1, "helpful")
        cog = bot.get_cog("Admin")
        fake = admin_interaction(bot)
        await cog.stats.callback(cog, fake)
        assert fake.events == ["defer", "followup.send"]
        embed = fake.followup.send.await_args.kwargs["embed"]
        fields = {f.name: f.value for f in embed.fields}
        assert fields["Articles"] == "1" and fields["Model"] == "test/hashing"
        [logged] = bot.activity_log.answers.recent()
        # The bag-of-words test encoder's cosines stay under the abstention threshold: it abstains.
        assert fields["Answers today (UTC)"] == "1" and logged["abstained"] == 1
        assert fields["Abstention rate"] == "100%"
        assert fields["Answer time p50 / p95"].count("ms") + fields["Answer time p50 / p95"].count(" s") == 2
        assert fields["Feedback"].startswith("helpful 1 · not helpful 0")
        assert "1 added" in fields["Last reindex"]
        assert fake.followup.send.await_args.kwargs["ephemeral"] is True


async def test_ingest_saves_indexes_and_reports(service, tmp_path):
    async with admin_bot(service, tmp_path) as bot:
        cog = bot.get_cog("Admin")
        fake = admin_interaction(bot)
        await cog.ingest.callback(cog, fake, file=attachment("harbour news.txt", GOOD_TXT))
        text = fake.followup.send.await_args.args[0]
        assert text.startswith("Saved **harbour news.txt** to the archive with 1 article:")
        assert "Harbour reopens after storm" in text and "1 added" in text
        assert service.article("harbour news.txt").title == "Harbour reopens after storm"
        assert "harbour news.txt" in bot.activity_log.audit.recent()[0]["detail"]


async def test_ingest_refuses_unsafe_and_oversized_files(service, tmp_path):
    async with admin_bot(service, tmp_path) as bot:
        cog = bot.get_cog("Admin")
        big = attachment("big.txt", b"", size=service.settings.max_ingest_bytes + 1)
        fake = admin_interaction(bot)
        await cog.ingest.callback(cog, fake, file=big)
        assert "the limit is" in fake.followup.send.await_args.args[0]
        big.read.assert_not_awaited()  # refused before downloading
        evil = admin_interaction(bot)
        with pytest.raises(IngestError) as caught:
            await cog.ingest.callback(cog, evil, file=attachment("../../etc/evil.txt", GOOD_TXT))
        await bot.tree.on_error(evil, discord.app_commands.CommandInvokeError(cog.ingest, caught.value))
        assert "outside the archive" in evil.followup.send.await_args.args[0]
        assert not (service.settings.archive_dir.parent / "evil.txt").exists()


async def test_threads_setting_is_per_server(service, tmp_path):
    async with admin_bot(service, tmp_path) as bot:
        cog = bot.get_cog("Admin")
        fake = admin_interaction(bot)
        await cog.threads.callback(cog, fake, enabled=True)
        assert "in a new thread" in fake.followup.send.await_args.args[0]
        assert bot.activity_log.guilds.answer_in_thread(GUILD_ID, default=False) is True


async def test_gaps_are_private_to_admins_and_say_when_there_is_nothing(service, tmp_path):
    import datetime as dt

    from bot.activity import AnswerRecord

    async with admin_bot(service, tmp_path) as bot:
        cog = bot.get_cog("Admin")
        fake = admin_interaction(bot)
        await cog.gaps.callback(cog, fake, days=30)
        embed = fake.followup.send.await_args.kwargs["embed"]
        assert embed.description.startswith("Nothing yet") and fake.followup.send.await_args.kwargs["ephemeral"]
        bot.activity_log.answers.record(AnswerRecord(
            "00000000000000b1", "What did **Xiaomi** say @everyone?", "q",
            [{"article_id": "alibaba-global-expansion.txt", "title": "Alibaba to push global expansion, says new CEO"}],
            5.0, True, user_id=99, asked_at=dt.datetime.now(dt.timezone.utc)))
        listed = admin_interaction(bot)
        await cog.gaps.callback(cog, listed, days=30)
        [field] = listed.followup.send.await_args.kwargs["embed"].fields
        assert "1 question" in field.name and "\\*\\*Xiaomi\\*\\*" in field.value  # shown as asked, escaped
        assert "@everyone" not in field.value and "99" not in field.value
        assert "closest article: Alibaba to push global expansion" in field.value
        assert bot.activity_log.audit.recent()[0]["command"] == "gaps"
        refused = interaction(bot, user=member(roles=(123,)))
        with pytest.raises(NotAdmin):
            await cog.interaction_check(refused)
