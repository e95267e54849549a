"""The imitation Discord answers as Discord does: each rule the bot's tests rely on, pinned with the real client.

Requests go through discord.py's own HTTP client (the bot's channels, interactions), or raw HTTP
where discord.py itself would refuse to make the request (a second interaction response).
"""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from tests.discord_api import permissions as perms
from tests.discord_api.commands import CommandUnavailable
from tests.discord_api.errors import FormErrors
from tests.discord_api.harness import Scene, running
from tests.discord_api.model import Message
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> ArchivistService:
    """An index of the sample archive built with the hashing encoder (the model is not the point here)."""
    from tests.conftest import SAMPLE_ARCHIVE

    root = tmp_path_factory.mktemp("server-rules")
    made = ArchivistService(Settings(archive_dir=SAMPLE_ARCHIVE, data_dir=root / "data"), encoder=HashingEncoder())
    made.reindex()
    return made


def channel_of(scene: Scene, channel_id: int | None = None) -> discord.TextChannel:
    found = scene.bot.get_channel(channel_id or scene.general.id)
    assert isinstance(found, discord.TextChannel)
    return found


async def captured_click(scene: Scene) -> discord.Interaction:
    """A click on a button nothing in the bot handles: the Interaction discord.py built from the payload."""
    world = scene.server.world
    message = Message(world.snowflake(), scene.general.id, world.bot, content="buttons",
                      components=[{"type": 1, "components": [{"type": 2, "style": 1, "label": "Go",
                                                               "custom_id": "test:nobody"}]}])
    world.messages[message.id] = message
    waiting = asyncio.ensure_future(scene.bot.wait_for("interaction", timeout=10))
    await scene.server.click(scene.alice, message, "Go")
    return await waiting


async def raw(scene: Scene, method: str, path: str, body: dict | None = None) -> tuple[int, dict, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, scene.server.api_base + path, json=body,
                                   headers={"Authorization": f"Bot {scene.server.world.token}"}) as response:
            data = await response.json() if response.content_type == "application/json" else {}
            return response.status, data, dict(response.headers)


def big_embed(**sizes: int) -> discord.Embed:
    embed = discord.Embed(title="t" * sizes.get("title", 5), description="d" * sizes.get("description", 5))
    for _ in range(sizes.get("fields", 0)):
        embed.add_field(name="n" * sizes.get("name", 5), value="v" * sizes.get("value", 5))
    if "footer" in sizes:
        embed.set_footer(text="f" * sizes["footer"])
    if "author" in sizes:
        embed.set_author(name="a" * sizes["author"])
    return embed


def embeds(*made: discord.Embed) -> dict:
    return {"embeds": [e.to_dict() for e in made]}


@pytest.mark.parametrize("what, body, error", [
    ("content 2,001", {"content": "x" * 2001}, "content: BASE_TYPE_MAX_LENGTH"),
    ("11 embeds", embeds(*[big_embed() for _ in range(11)]), "embeds: BASE_TYPE_MAX_LENGTH"),
    ("title 257", embeds(big_embed(title=257)), "embeds.0.title: BASE_TYPE_MAX_LENGTH"),
    ("description 4,097", embeds(big_embed(description=4097)), "embeds.0.description: BASE_TYPE_MAX_LENGTH"),
    ("26 fields", embeds(big_embed(fields=26)), "embeds.0.fields: BASE_TYPE_MAX_LENGTH"),
    ("field name 257", embeds(big_embed(fields=1, name=257)), "embeds.0.fields.0.name: BASE_TYPE_MAX_LENGTH"),
    ("field value 1,025", embeds(big_embed(fields=1, value=1025)), "embeds.0.fields.0.value: BASE_TYPE_MAX_LENGTH"),
    ("footer 2,049", embeds(big_embed(footer=2049)), "embeds.0.footer.text: BASE_TYPE_MAX_LENGTH"),
    ("author 257", embeds(big_embed(author=257)), "embeds.0.author.name: BASE_TYPE_MAX_LENGTH"),
    ("6,001 over two embeds", embeds(big_embed(description=3000), big_embed(description=2991)),
     "embeds: MAX_EMBED_SIZE_EXCEEDED"),
])
async def test_every_documented_limit_is_a_400_with_code_50035(service, tmp_path, what, body, error):
    async with running(service, tmp_path) as scene:
        status, refusal, _ = await raw(scene, "POST", f"/channels/{scene.general.id}/messages", body)
        assert (status, refusal["code"], refusal["message"]) == (400, 50035, "Invalid Form Body")
        assert error in FormErrors.leaves(refusal["errors"])
        # 6,000 exactly is allowed (whitespace at the ends is not counted), sent through discord.py.
        await channel_of(scene).send(embeds=[big_embed(description=3000), big_embed(description=2990)])
        await channel_of(scene).send(embed=discord.Embed(description="  " + "d" * 4096 + "  "))


async def test_components_custom_ids_thread_names_and_autocomplete_choices_are_limited(service, tmp_path):
    async with running(service, tmp_path) as scene:
        channel = channel_of(scene)
        six_rows = discord.ui.View()
        for row in range(5):
            for n in range(5):
                six_rows.add_item(discord.ui.Button(label=f"{row}{n}", custom_id=f"r{row}b{n}", row=row))
        await channel.send("25 buttons in 5 rows fit", view=six_rows)
        status, body, _ = await raw(scene, "POST", f"/channels/{scene.general.id}/messages", {
            "content": "x", "components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": "a", "custom_id": "c" * 101}]}] * 1})
        assert (status, body["code"]) == (400, 50035)
        status, body, _ = await raw(scene, "POST", f"/channels/{scene.general.id}/messages", {
            "content": "x", "components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": str(n), "custom_id": str(n)}]} for n in range(6)]})
        assert (status, body["code"]) == (400, 50035) and "components" in body["errors"]
        question = await scene.say(scene.alice, "a thread?")
        with pytest.raises(discord.HTTPException) as long_name:
            await channel.create_thread(name="n" * 101, message=discord.Object(question.id))
        assert long_name.value.code == 50035


async def test_autocomplete_choices_over_the_limit_are_refused(service, tmp_path):
    async with running(service, tmp_path) as scene:
        interaction = await scene.server.autocomplete(scene.alice, scene.general, "article", "title", "")
        # Answer it ourselves before the bot does: 26 choices, then a name of 101 characters.
        for choices in ([{"name": "x", "value": "x"}] * 26, [{"name": "n" * 101, "value": "x"}]):
            fresh = scene.server.world.new_interaction(4, scene.alice, scene.general, interaction.data)
            status, body, _ = await raw(scene, "POST", f"/interactions/{fresh.id}/{fresh.token}/callback",
                                        {"type": 8, "data": {"choices": choices}})
            assert (status, body["code"]) == (400, 50035)
        await scene.settle()


async def test_an_interaction_acknowledged_after_3_seconds_is_unknown_and_its_token_dead(service, tmp_path):
    async with running(service, tmp_path) as scene:
        late = await captured_click(scene)
        scene.clock.advance(3.5)
        with pytest.raises(discord.NotFound) as unknown:
            await late.response.defer()
        assert unknown.value.code == 10062
        with pytest.raises(discord.HTTPException) as dead:
            await late.followup.send("anyone?")
        assert (dead.value.status, dead.value.code) == (401, 50027)


async def test_a_token_older_than_15_minutes_is_refused(service, tmp_path):
    async with running(service, tmp_path) as scene:
        clicked = await captured_click(scene)
        await clicked.response.defer(ephemeral=True, thinking=True)
        scene.clock.advance(14 * 60)
        await clicked.edit_original_response(content="still fine at 14 minutes")
        scene.clock.advance(61 + 1)
        with pytest.raises(discord.HTTPException) as expired:
            await clicked.edit_original_response(content="too late")
        assert (expired.value.status, expired.value.code) == (401, 50027)


async def test_a_second_initial_response_is_already_acknowledged(service, tmp_path):
    async with running(service, tmp_path) as scene:
        clicked = await captured_click(scene)
        await clicked.response.defer()
        status, body, _ = await raw(scene, "POST", f"/interactions/{clicked.id}/{clicked.token}/callback", {"type": 6})
        assert (status, body["code"]) == (400, 40060)


@pytest.mark.parametrize("deferred_ephemeral", [True, False])
async def test_the_first_followup_after_a_defer_edits_it_and_keeps_its_flags(service, tmp_path, deferred_ephemeral):
    async with running(service, tmp_path) as scene:
        clicked = await captured_click(scene)
        await clicked.response.defer(ephemeral=deferred_ephemeral, thinking=True)
        first = await clicked.followup.send("first", ephemeral=not deferred_ephemeral, wait=True)
        second = await clicked.followup.send("second", ephemeral=not deferred_ephemeral, wait=True)
        original = scene.server.world.messages[first.id]
        assert original.content == "first" and original.ephemeral is deferred_ephemeral and not original.loading
        assert first.id == (await clicked.original_response()).id
        assert scene.server.world.messages[second.id].ephemeral is (not deferred_ephemeral)  # a message of its own


@pytest.mark.parametrize("intent", [False, True])
async def test_message_content_arrives_only_in_dms_mentions_pinging_replies_or_with_the_intent(service, tmp_path,
                                                                                             intent):
    async with running(service, tmp_path, message_content_intent=intent) as scene:
        received: list[discord.Message] = []

        async def listen(message: discord.Message) -> None:
            if not message.author.bot:
                received.append(message)

        scene.bot.add_listener(listen, "on_message")
        answer = await channel_of(scene).send("I am the bot")
        await scene.say(scene.alice, "talking among ourselves")
        await scene.say(scene.alice, f"{scene.mention()} hello bot")
        pinging = scene.server.world.messages[answer.id]
        await scene.say(scene.alice, "a reply with the ping", reply_to=pinging)
        await scene.say(scene.alice, "a reply without it", reply_to=pinging, ping=False)
        dm = scene.server.world.dm_with(scene.alice)
        await scene.say(scene.alice, "a direct message", channel=dm)
        contents = [m.content for m in received]
        assert contents == ["talking among ourselves" if intent else "", f"{scene.mention()} hello bot",
                            "a reply with the ping", "a reply without it" if intent else "", "a direct message"]
        assert received[3].reference is not None and received[3].reference.resolved.author.id == scene.bot.user.id


async def test_identifying_with_a_privileged_intent_the_portal_has_not_enabled_closes_with_4014(service, tmp_path):
    def portal_without_content(server, people) -> None:
        server.world.portal_intents = 0

    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running(service, tmp_path, prepare=portal_without_content, message_content_intent=True):
            pass


async def test_channel_permissions_are_enforced_with_403(service, tmp_path):
    def lock_down(server, people) -> None:
        world, guild = server.world, people["guild"]
        bot_role = world.bot_role(guild).id
        for name, deny in [("no-send", perms.SEND_MESSAGES), ("no-view", perms.VIEW_CHANNEL),
                           ("no-history", perms.READ_MESSAGE_HISTORY), ("no-embeds", perms.EMBED_LINKS),
                           ("no-threads", perms.CREATE_PUBLIC_THREADS),
                           ("no-thread-talk", perms.SEND_MESSAGES_IN_THREADS)]:
            channel = world.add_channel(guild, name)
            channel.overwrites[bot_role] = (0, deny)
            people[name] = channel

    async with running(service, tmp_path, prepare=lock_down) as scene:
        by_name = scene.extra

        async def refused(name: str, action) -> tuple[int, int]:
            with pytest.raises(discord.Forbidden) as caught:
                await action(channel_of(scene, by_name[name].id))
            return caught.value.status, caught.value.code

        assert await refused("no-send", lambda c: c.send("hi")) == (403, 50013)
        assert await refused("no-view", lambda c: c.send("hi")) == (403, 50001)
        assert await refused("no-embeds", lambda c: c.send(embed=discord.Embed(title="x"))) == (403, 50013)
        await channel_of(scene, by_name["no-embeds"].id).send("plain text is fine")
        question = await scene.say(scene.alice, "q?", channel=by_name["no-history"])
        history = channel_of(scene, by_name["no-history"].id)
        assert await refused("no-history", lambda c: c.send("a", reference=history.get_partial_message(question.id))
                             ) == (403, 50013)
        starter = await scene.say(scene.alice, "start here", channel=by_name["no-threads"])
        assert await refused("no-threads", lambda c: c.create_thread(name="t", message=discord.Object(starter.id))
                             ) == (403, 50013)
        talk = await scene.say(scene.alice, "start here", channel=by_name["no-thread-talk"])
        thread = await channel_of(scene, by_name["no-thread-talk"].id).create_thread(
            name="t", message=discord.Object(talk.id))
        with pytest.raises(discord.Forbidden):
            await thread.send("in the thread")
        with pytest.raises(discord.HTTPException) as twice:
            await channel_of(scene, by_name["no-thread-talk"].id).create_thread(
                name="again", message=discord.Object(talk.id))
        assert twice.value.code == 160004


async def test_default_member_permissions_keep_a_command_from_members_unless_overridden(service, tmp_path):
    async with running(service, tmp_path) as scene:
        with pytest.raises(CommandUnavailable):
            await scene.server.invoke(scene.alice, scene.general, "admin stats")
        await scene.run(scene.admin, "admin stats")  # Manage Server through the Admins role
        role = scene.server.world.add_role(scene.guild, "Archivists")
        scene.guild.members[scene.bob.id].role_ids.append(role.id)
        [admin] = [c for c in scene.server.world.commands.values() if c.name == "admin"]
        scene.guild.command_overrides[admin.id] = [{"id": str(role.id), "type": 1, "permission": True}]
        await scene.server.invoke(scene.bob, scene.general, "admin stats")  # the Integrations override lets bob in
        await scene.settle()
        with pytest.raises(CommandUnavailable):
            await scene.server.invoke(scene.alice, scene.server.world.dm_with(scene.alice), "admin stats")


async def test_rate_limits_report_their_buckets_and_answer_429_with_retry_after(service, tmp_path):
    async with running(service, tmp_path) as scene:
        for n in range(4):  # discord.py reads the headers (a fifth would wait out the window before returning)
            await channel_of(scene).send(f"message {n}")
        await raw(scene, "POST", f"/channels/{scene.general.id}/messages", {"content": "x"})  # the fifth, raw
        status, body, headers = await raw(scene, "POST", f"/channels/{scene.general.id}/messages", {"content": "x"})
        assert status == 429 and body["retry_after"] > 0 and body["global"] is False and headers["Via"]
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After",
                "X-RateLimit-Bucket"} <= set(headers)
        assert (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == ("5", "0")
        assert len(scene.server.throttled()) == 1  # counted, so that a test can assert there were none
        edit = scene.server.bot_messages()[0]
        scene.clock.advance(5)  # a new window: and an edit counts in the same bucket as a send
        for n in range(5):
            status, _, headers = await raw(scene, "PATCH", f"/channels/{scene.general.id}/messages/{edit.id}",
                                           {"content": f"edit {n}"})
            assert (status, headers["X-RateLimit-Remaining"]) == (200, str(4 - n))
        status, _, _ = await raw(scene, "POST", f"/channels/{scene.general.id}/messages", {"content": "x"})
        assert status == 429


async def test_webhook_messages_in_a_channel_share_an_unreported_limit(service, tmp_path):
    async with running(service, tmp_path) as scene:
        statuses = []
        for _ in range(7):
            clicked = await captured_click(scene)
            await clicked.response.defer()
            for n in range(5):
                status, body, headers = await raw(scene, "POST", f"/webhooks/{clicked.application_id}/{clicked.token}",
                                                  {"content": f"followup {n}"})
                statuses.append((status, headers.get("X-RateLimit-Scope"), headers.get("X-RateLimit-Remaining")))
        throttled = [s for s in statuses if s[0] == 429]
        assert all(s[0] == 200 for s in statuses[:30])
        assert throttled and throttled[0][1] == "shared" and throttled[0][2] != "0"  # not visible in the headers
