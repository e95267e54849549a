"""/admin on the imitation Discord: who may use it, reindex (past its token's 15 minutes too), stats, ingest, gaps."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest

from bot.activity import AnswerRecord
from bot.discord_app.render_admin import BUSY_TEXT
from bot.settings import Settings
from tests.discord_api import permissions as perms
from tests.discord_api.commands import CommandUnavailable
from tests.discord_api.harness import Scene, running
from tests.discord_api.scripted import ScriptedService
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio
GOOD_TXT = b"Harbour reopens after storm\n\n14 May 2015\n\nThe harbour reopened on Tuesday after the storm.\n"
HIRING = "What did Alibaba's CEO say about hiring?"


class GatedEncoder(HashingEncoder):
    """Holds document encoding (a reindex) at a gate while `closed` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = threading.Event()
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def encode_documents(self, texts):
        if self.closed.is_set():
            self.waiting.set()
            self.gate.wait(30)
        return super().encode_documents(texts)


@pytest.fixture
def service(sample_archive, tmp_path) -> ScriptedService:
    made = ScriptedService(Settings(archive_dir=sample_archive, data_dir=tmp_path / "data"), encoder=GatedEncoder())
    made.reindex()
    return made


def admin_command(scene: Scene) -> dict:
    [admin] = [c.payload for c in scene.server.world.commands.values() if c.name == "admin"]
    return admin


def allow_lists(server, people) -> dict:
    """A role "Archivists" for bob and a member carol, allow-listed in the settings by role and by user id."""
    people["archivists"] = server.world.add_role(people["guild"], "Archivists")
    people["guild"].members[people["bob"].id].role_ids.append(people["archivists"].id)
    people["carol"] = server.world.add_member(people["guild"], "carol")
    return {"admin_role_ids": (people["archivists"].id,), "admin_user_ids": (people["carol"].id,)}


async def test_without_allow_lists_admin_is_published_for_manage_server_and_only_in_servers(service, tmp_path):
    async with running(service, tmp_path) as scene:
        admin = admin_command(scene)
        assert admin["default_member_permissions"] == str(perms.MANAGE_GUILD) and admin["contexts"] == [0]
        assert sorted(o["name"] for o in admin["options"]) == ["gaps", "ingest", "reindex", "stats", "threads"]
        with pytest.raises(CommandUnavailable):  # Discord keeps it from members without Manage Server
            await scene.server.invoke(scene.alice, scene.general, "admin stats")
        stats = await scene.run(scene.admin, "admin stats")
        assert scene.replies(stats)[0].embeds[0]["title"] == "Archivist stats"


async def test_allow_lists_publish_admin_for_everyone_and_the_bot_checks_who_may_use_it(service, tmp_path):
    """Finding 5: Discord enforces default_member_permissions, so the allow-lists need /admin published without
    them; the bot's own check then refuses everyone else."""
    async with running(service, tmp_path, prepare=allow_lists) as scene:
        assert admin_command(scene)["default_member_permissions"] is None
        bob, carol = scene.guild.members[scene.bob.id].user, scene.extra["carol"]
        for who, allowed in ((scene.alice, False), (bob, True), (carol, True), (scene.admin, True)):
            ran = await scene.run(who, "admin stats")
            [reply] = scene.replies(ran)
            assert reply.ephemeral
            if allowed:
                assert reply.embeds[0]["title"] == "Archivist stats", who.name
            else:
                assert "for server admins" in reply.content and not reply.embeds
        assert [row["command"] for row in scene.bot.activity_log.audit.recent()] == ["stats"] * 3
        with pytest.raises(CommandUnavailable):  # guild-only: not in DMs, whoever asks
            await scene.server.invoke(carol, scene.server.world.dm_with(carol), "admin stats")


async def test_an_integrations_override_shows_admin_but_the_bot_still_refuses_the_unlisted(service, tmp_path):
    async with running(service, tmp_path) as scene:
        role = scene.server.world.add_role(scene.guild, "Helpers")
        scene.guild.members[scene.bob.id].role_ids.append(role.id)
        admin_id = int(admin_command(scene)["id"])
        scene.guild.command_overrides[admin_id] = [{"id": str(role.id), "type": 1, "permission": True}]
        ran = await scene.run(scene.bob, "admin stats")
        [reply] = scene.replies(ran)
        assert reply.ephemeral and "for server admins" in reply.content


async def test_reindex_edits_one_message_with_progress_then_the_summary(service, tmp_path):
    (service.settings.archive_dir / "harbour.txt").write_bytes(GOOD_TXT)
    (service.settings.archive_dir / "broken.json").write_text("{nope")
    async with running(service, tmp_path) as scene:
        scene.bot.get_cog("Admin").progress_every = 0.05
        service.encoder.closed.set()
        try:
            asked = await scene.server.invoke(scene.admin, scene.general, "admin reindex")
            await scene.server.wait_for(lambda: service.encoder.waiting.is_set(), what="the reindex to start")
            await scene.server.wait_for(lambda: scene.server.original(asked).edits, what="progress to be shown")
        finally:
            service.encoder.gate.set()
        await scene.settle()
        [reply] = scene.replies(asked)
        texts = [edit["content"] for edit in reply.edits]
        assert reply.ephemeral and texts[0].startswith("Reindexing…") and len(texts) >= 2
        assert texts[-1].startswith("**Reindex finished** in ")
        assert "1 added, 0 updated, 0 removed, 1 unchanged, 1 file failed" in texts[-1]
        assert "broken.json" in texts[-1] and "not valid JSON" in texts[-1]
        assert scene.bot.activity_log.audit.recent()[0]["command"] == "reindex"
        assert scene.server.errors() == []


@pytest.mark.parametrize("dms_open", [True, False])
async def test_a_reindex_outliving_its_token_reports_through_the_bots_own_token(service, tmp_path, caplog, dms_open):
    """Finding 4: after 15 minutes the interaction's token is dead; the summary comes by DM (or in the channel)."""
    caplog.set_level(logging.INFO, logger="archivist")
    (service.settings.archive_dir / "harbour.txt").write_bytes(GOOD_TXT)
    async with running(service, tmp_path) as scene:
        scene.bot.get_cog("Admin").progress_every = 0.05
        scene.admin.dms_open = dms_open
        service.encoder.closed.set()
        try:
            asked = await scene.server.invoke(scene.admin, scene.general, "admin reindex")
            await scene.server.wait_for(lambda: service.encoder.waiting.is_set(), what="the reindex to start")
            scene.clock.advance(14 * 60)  # the reply says where the summary will go, while it still can
            await scene.server.wait_for(lambda: "direct message" in scene.server.original(asked).content,
                                        what="the hand-over notice")
            scene.clock.advance(2 * 60)
        finally:
            service.encoder.gate.set()
        await scene.settle()
        if dms_open:
            [summary] = scene.server.bot_messages(scene.server.world.dm_with(scene.admin))
        else:
            [summary] = [m for m in scene.server.bot_messages(scene.general) if m.interaction_id is None]
            assert summary.content.startswith(f"<@{scene.admin.id}> ")
            assert [int(u) for u in summary.allowed_mentions["users"]] == [scene.admin.id]  # pinged
        assert "**Reindex finished**" in summary.content and "1 added" in summary.content
        assert not [c for c in scene.server.errors() if c.status == 401]  # the dead token was never used
        assert scene.replies(asked)[0].content != summary.content
    assert "/admin reindex finished: **Reindex finished**" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # a success is never logged as failed


async def test_a_second_reindex_while_one_runs_is_refused_politely(service, tmp_path):
    async with running(service, tmp_path) as scene:
        service.encoder.closed.set()
        worker = threading.Thread(target=service.reindex, kwargs={"rebuild": True})
        worker.start()
        try:
            assert service.encoder.waiting.wait(10)
            asked = await scene.run(scene.admin, "admin reindex")
            assert scene.replies(asked)[0].content == BUSY_TEXT
            # Questions are still answered from the current index meanwhile.
            assert service.search("Alibaba")[0].article.id == "alibaba-global-expansion.txt"
        finally:
            service.encoder.gate.set()
            worker.join(10)


async def test_stats_reports_index_and_activity(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question=HIRING)
        answer_id = scene.replies(asked)[0].embeds[-1]["footer"]["text"].rsplit(" ", 1)[1]
        scene.bot.activity_log.feedback.record(answer_id, 1, "helpful")
        stats = await scene.run(scene.admin, "admin stats")
        assert stats.response_type == 5
        [reply] = scene.replies(stats)
        fields = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
        assert reply.ephemeral and fields["Articles"] == "1" and fields["Model"] == "test/hashing"
        assert fields["Answers today (UTC)"] == "1" and fields["Abstention rate"] == "0%"
        assert fields["Answer time p50 / p95"].count("ms") + fields["Answer time p50 / p95"].count(" s") == 2
        assert fields["Feedback"].startswith("helpful 1 · not helpful 0") and "1 added" in fields["Last reindex"]


async def test_ingest_saves_indexes_and_reports(service, tmp_path):
    async with running(service, tmp_path) as scene:
        ran = await scene.run(scene.admin, "admin ingest", files={"file": ("harbour news.txt", GOOD_TXT)})
        [reply] = scene.replies(ran)
        assert reply.ephemeral and reply.content.startswith("Saved **harbour news.txt** to the archive with 1 article:")
        assert "Harbour reopens after storm" in reply.content and "1 added" in reply.content
        assert service.article("harbour news.txt").title == "Harbour reopens after storm"
        assert "harbour news.txt" in scene.bot.activity_log.audit.recent()[0]["detail"]


async def test_ingest_refuses_unsafe_and_oversized_files(service, tmp_path):
    async with running(service, tmp_path, max_ingest_bytes=10) as scene:
        big = await scene.run(scene.admin, "admin ingest", files={"file": ("big.txt", GOOD_TXT)})
        assert "the limit is 10" in scene.replies(big)[0].content
        assert not [c for c in scene.server.calls if c.route == "attachment"]  # refused before downloading
    async with running(service, tmp_path) as scene:
        evil = await scene.run(scene.admin, "admin ingest", files={"file": ("../../etc/evil.txt", GOOD_TXT)})
        assert "outside the archive" in scene.replies(evil)[-1].content and scene.replies(evil)[-1].ephemeral
        assert not (service.settings.archive_dir.parent / "evil.txt").exists()


async def test_threads_setting_is_per_server(service, tmp_path):
    async with running(service, tmp_path) as scene:
        ran = await scene.run(scene.admin, "admin threads", enabled=True)
        assert "in a new thread" in scene.replies(ran)[0].content
        assert scene.bot.activity_log.guilds.answer_in_thread(scene.guild.id, default=False) is True


async def test_gaps_are_private_to_admins_and_say_when_there_is_nothing(service, tmp_path):
    async with running(service, tmp_path) as scene:
        empty = await scene.run(scene.admin, "admin gaps", days=30)
        [reply] = scene.replies(empty)
        assert reply.ephemeral and reply.embeds[0]["description"].startswith("Nothing yet")
        scene.bot.activity_log.answers.record(AnswerRecord(
            "00000000000000b1", "What did **Xiaomi** say @everyone?", "q",
            [{"article_id": "alibaba-global-expansion.txt", "title": "Alibaba to push global expansion, says new CEO"}],
            5.0, True, user_id=99, asked_at=dt.datetime.now(dt.timezone.utc)))
        listed = await scene.run(scene.admin, "admin gaps", days=30)
        [field] = scene.replies(listed)[0].embeds[0]["fields"]
        assert "1 question" in field["name"] and "\\*\\*Xiaomi\\*\\*" in field["value"]  # shown as asked, escaped
        assert "@everyone" not in field["value"] and "99" not in field["value"]
        assert "closest article: Alibaba to push global expansion" in field["value"]
        assert scene.bot.activity_log.audit.recent()[0]["command"] == "gaps"


async def test_many_long_gap_groups_fit_one_message(service, tmp_path):
    """Finding 2: 25 groups of long questions would pass the 6,000 characters of a message's embeds."""
    async with running(service, tmp_path) as scene:
        now = dt.datetime.now(dt.timezone.utc)
        for n in range(30):
            topic = f"subject{n}alpha subject{n}beta subject{n}gamma"
            for k in range(3):
                question = f"What happened with {topic} in case {k}? " + f"{topic} details " * 12
                scene.bot.activity_log.answers.record(AnswerRecord(
                    f"{n:08x}{k:08x}", question, question,
                    [{"article_id": "alibaba-global-expansion.txt", "title": "Alibaba to push global expansion " * 6}],
                    5.0, True, user_id=7, asked_at=now))
        listed = await scene.run(scene.admin, "admin gaps", days=30)
        [embed] = scene.replies(listed)[0].embeds
        assert 10 <= len(embed["fields"]) <= 25 and "smaller group" in embed["footer"]["text"]
        assert scene.server.errors() == []  # within every limit, the 6,000 total included


async def test_sync_to_a_server_then_clear_leaves_only_the_global_commands(service, tmp_path):
    """Finding 13: `archivist sync --guild ID --clear` removes the duplicates a test sync left."""
    from bot.discord_app.client import ArchivistBot
    from bot.discord_app.runner import publish, sync_commands
    from bot.errors import ConfigError

    with pytest.raises(ConfigError, match="--guild ID"):  # clearing is for one server's copy only
        sync_commands(service, service.settings, None, clear=True)

    async with running(service, tmp_path, publish=False) as scene:
        token, guild = scene.server.world.token, scene.guild.id

        def fresh() -> ArchivistBot:
            return ArchivistBot(service, service.settings, warm_up=False)

        def published(guild_id: int | None) -> list[str]:
            return sorted(c.name for c in scene.server.world.commands.values() if c.guild_id == guild_id)

        everything = ["admin", "article", "ask", "search", "timeline"]
        assert await publish(fresh(), token, guild) == everything and published(guild) == everything
        assert await publish(fresh(), token, None) == everything and published(None) == everything
        assert await publish(fresh(), token, guild, clear=True) == [] and published(guild) == []
        assert published(None) == everything
