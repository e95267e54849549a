"""/timeline on the imitation Discord: pages, buttons that outlive the bot, their cooldown and cache, and limits."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from tests.discord_api.harness import Scene, running
from tests.discord_api.model import Message
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio


class CountingService(ArchivistService):
    """The real service, counting the timelines it builds (each a search and a ranking of sentences)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.built = 0

    def timeline(self, *args, **kwargs):
        self.built += 1
        return super().timeline(*args, **kwargs)


def archive(root, url_chars: int = 0, sentence_words: int = 0) -> ArchivistService:
    """Thirty weekly articles about a ferry strike (four pages), indexed with the hashing encoder."""
    (root / "articles").mkdir()
    records = []
    for n in range(30):
        padding = " ".join(("ferry", "strike", "crews", "terminal")[i % 4] for i in range(sentence_words))
        records.append({"id": f"ferry-{n:02d}", "title": f"Ferry strike enters week {n}",
                        "date": (dt.date(2019, 1, 1) + dt.timedelta(days=7 * n)).isoformat(),
                        "url": f"https://example.org/ferry/{n}/" + "p" * url_chars,
                        "body": f"The ferry strike entered its week {n} on Monday as ferry crews walked out {padding}. "
                                "Ferry strike talks resumed. Commuters waited at the ferry terminal for news."})
    (root / "articles" / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    service = CountingService(Settings(archive_dir=root / "articles", data_dir=root / "data"), encoder=HashingEncoder())
    service.reindex()
    return service


@pytest.fixture(scope="module")
def ferries(tmp_path_factory) -> CountingService:
    return archive(tmp_path_factory.mktemp("timeline"))


def page_of(message: Message) -> tuple[int, int]:
    found = re.fullmatch(r"Page (\d+) of (\d+)", message.embeds[0]["footer"]["text"])
    assert found is not None
    return int(found[1]), int(found[2])


async def shown(scene: Scene, topic: str = "ferry strike") -> Message:
    asked = await scene.run(scene.alice, "timeline", topic=topic)
    [message] = scene.replies(asked)
    return message


async def test_a_long_timeline_pages_with_buttons_that_outlive_the_bot(ferries, tmp_path):
    async with running(ferries, tmp_path) as scene:
        message = await shown(scene)
        assert page_of(message) == (1, 4) and len(message.embeds[0]["fields"]) == 8
        earlier, later = message.buttons()
        assert earlier["disabled"] and not later["disabled"] and later["custom_id"].endswith(":1")
        first_entries = {f["value"] for f in message.embeds[0]["fields"]}

        await scene.restart()  # a new process: the button's custom id alone must be enough to show page 2
        clicked = await scene.click(scene.bob, message, "Later ▶")
        assert clicked.response_type == 6  # acknowledged first (deferred update), then the page edited in place
        assert page_of(message) == (2, 4) and not first_entries & {f["value"] for f in message.embeds[0]["fields"]}
        back, onward = message.buttons()
        assert back["custom_id"].endswith(":0") and not back["disabled"] and not onward["disabled"]

        world = scene.server.world
        stale = Message(world.snowflake(), scene.general.id, world.bot, content="an old timeline", components=[
            {"type": 1, "components": [{"type": 2, "style": 2, "label": "Later ▶",
                                        "custom_id": "archivist:tl:000000000000:1"}]}])
        world.messages[stale.id] = stale
        unknown = await scene.click(scene.bob, stale, "Later ▶")
        [notice] = scene.server.followups(unknown)
        assert notice.ephemeral and "no longer known" in notice.content
        assert scene.server.errors() == []


async def test_page_buttons_have_a_cooldown_and_reuse_the_pages(ferries, tmp_path):
    """Finding 10: pages are built once per process, not per click, and a second click too soon is ignored."""
    async with running(ferries, tmp_path) as scene:
        ferries.built = 0
        message = await shown(scene)
        await scene.click(scene.bob, message, "Later ▶")
        hurried = await scene.click(scene.bob, message, "Later ▶")  # at once: acknowledged, nothing changes
        assert hurried.response_type == 6 and page_of(message) == (2, 4)
        await scene.click(scene.alice, message, "Later ▶")  # someone else is not held back
        assert page_of(message) == (3, 4)
        scene.clock.advance(2)
        await scene.click(scene.bob, message, "◀ Earlier")
        assert page_of(message) == (2, 4)
        assert ferries.built == 1  # the pages were built for the command and reused by every click

        await scene.restart()
        await scene.click(scene.bob, message, "Later ▶")
        scene.clock.advance(2)
        await scene.click(scene.bob, message, "◀ Earlier")
        assert page_of(message) == (2, 4) and ferries.built == 2  # rebuilt once in the new process
        assert scene.server.errors() == []


async def test_every_page_stays_within_discords_limits_with_long_links_and_sentences(tmp_path_factory, tmp_path):
    """Finding 2, for timelines: eight entries with 500-character links pass the 6,000 characters of a message."""
    service = archive(tmp_path_factory.mktemp("long-timeline"), url_chars=500, sentence_words=60)
    async with running(service, tmp_path) as scene:
        message = await shown(scene)
        pages = page_of(message)[1]
        assert pages > 4 and "](https://example.org/ferry/" in message.embeds[0]["fields"][0]["value"]  # linked
        for _ in range(pages - 1):
            scene.clock.advance(2)
            await scene.click(scene.alice, message, "Later ▶")
        assert page_of(message) == (pages, pages)
        assert scene.server.errors() == []  # every page was accepted (the server checks every limit)


async def test_a_topic_the_archive_does_not_cover_shows_the_closest_articles(ferries, tmp_path):
    async with running(ferries, tmp_path) as scene:
        message = await shown(scene, "volcanic eruption in Iceland")
        embed = message.embeds[0]
        assert embed["description"].startswith("No article in the archive is about") and message.buttons() == []
        assert scene.server.errors() == []
