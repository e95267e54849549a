"""/search and /article (with autocomplete and their buttons) on the imitation Discord, over a hashing-encoder index."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from tests.discord_api.harness import Scene, running
from tests.discord_api.scripted import ScriptedService
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio
LONG_URL = "https://example.org/" + "a" * 2000  # safe_url allows up to 2,048 characters
TAGS = [f"topic-{n:03d}-of-a-long-list" for n in range(200)]  # 4,600 characters in all


class CountingEncoder(HashingEncoder):
    """The hashing encoder, counting how often the model would have run."""

    calls = 0

    def encode_query(self, text):
        CountingEncoder.calls += 1
        return super().encode_query(text)

    def encode_documents(self, texts):
        CountingEncoder.calls += 1
        return super().encode_documents(texts)


@pytest.fixture(scope="module")
def many_articles(tmp_path_factory) -> ArchivistService:
    """Forty articles about harbours, a very long one, and one with a 2,020-character URL and 200 tags."""
    root = tmp_path_factory.mktemp("lookup")
    records = [{"id": f"harbour-{n:02d}", "title": f"Harbour news number {n}: ships, storms and tides",
                "date": f"2020-01-{n % 28 + 1:02d}", "url": f"https://example.org/{n}", "tags": ["harbour"],
                "body": f"The harbour saw {n} ships today. Storms closed the port @everyone for a while."}
               for n in range(40)]
    records.append({"id": "long", "title": "A long report on the harbour", "date": "2021-02-02",
                    "body": "\n\n".join(["The report goes on about the harbour at length. " * 20] * 40)})
    records.append({"id": "zebrafish", "title": "Zebrafish thrive in the aquarium", "date": "2022-03-03",
                    "url": LONG_URL, "tags": TAGS,
                    "body": "Zebrafish thrive in the new aquarium. The zebrafish tanks were cleaned on Monday."})
    (root / "articles").mkdir()
    (root / "articles" / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    service = ArchivistService(Settings(archive_dir=root / "articles", data_dir=root / "data"),
                               encoder=CountingEncoder())
    service.reindex()
    return service


@pytest.fixture
def service(many_articles) -> ScriptedService:
    return ScriptedService(many_articles.settings, encoder=many_articles.encoder, store=many_articles.store)


async def offered(scene: Scene, command: str, option: str, typed: str, **others) -> list[dict]:
    """What autocomplete offers for what was typed."""
    typing = await scene.server.autocomplete(scene.alice, scene.general, command, option, typed, **others)
    await scene.settle()
    return typing.choices or []


async def headlines_known(scene: Scene) -> None:
    """Until autocomplete knows the headlines (the bot reads them in the background when it starts)."""
    for _ in range(50):  # each look costs the client a gateway frame (at most 120 a minute)
        if await offered(scene, "article", "title", "harbour"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("autocomplete never offered the archive's headlines")


async def test_autocomplete_answers_from_memory_with_at_most_25_choices(service, tmp_path, monkeypatch):
    async with running(service, tmp_path) as scene:
        await headlines_known(scene)
        reads, model = [], CountingEncoder.calls
        monkeypatch.setattr(service.store, "titles", lambda: reads.append("titles") or [])
        monkeypatch.setattr(service.store, "tags", lambda: reads.append("tags") or [])
        choices = await offered(scene, "article", "title", "harbour")
        assert len(choices) == 25  # Discord's most; the archive has more headlines with "harbour"
        narrowed = await offered(scene, "article", "title", "number 17")
        assert [c["value"] for c in narrowed] == ["harbour-17"]
        assert await offered(scene, "article", "title", "zeppelin") == []
        assert [c["value"] for c in await offered(scene, "ask", "tag", "harb", question="q")] == ["harbour"]
        assert reads == [] and CountingEncoder.calls == model  # neither the index nor the model was touched
        assert scene.server.errors() == []  # every list within 25 choices of at most 100 characters


async def test_article_command_shows_the_opening_and_a_read_more_button(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "article", title="long")
        [page] = scene.replies(asked)
        [embed] = page.embeds
        assert not page.ephemeral and embed["title"] == "A long report on the harbour"
        assert embed["description"].startswith("2 February 2021") and len(embed["description"]) <= 4096
        read = await scene.click(scene.bob, page, "Read more")
        [next_page] = scene.replies(read)
        assert next_page.ephemeral and next_page.embeds[0]["footer"]["text"].startswith("Page 2 of")
        assert [b["label"] for b in next_page.buttons()] == ["Read more"]  # a button of its own, for page 3
        assert scene.server.errors() == []


async def test_article_text_pings_no_one(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "article", title="harbour-03")
        [page] = scene.replies(asked)
        description = page.embeds[0]["description"]
        assert "@everyone" not in description and "@\u200beveryone" in description
        assert page.buttons() == []  # a short article has nothing more to read


async def test_an_unknown_article_is_refused_privately_after_the_public_defer(service, tmp_path):
    """Finding 8, for /article: the reason goes to the asker only."""
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "article", title="no such headline at all")
        public, private = scene.replies(asked)
        assert "no article" not in public.text() and private.ephemeral and "no article with id" in private.content


async def test_search_is_private_first_and_can_be_posted_publicly(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "search", query="storms closed the port", tag="harbour")
        assert asked.response_type == 5
        [results] = scene.replies(asked)
        assert results.ephemeral
        [embed] = results.embeds
        assert 1 <= len(embed["fields"]) <= 8 and embed["fields"][0]["name"].startswith("1. ")
        assert "id: harbour" in embed["fields"][0]["value"]
        shared = await scene.click(scene.alice, results, "Post publicly")
        [public] = scene.replies(shared)
        assert not public.ephemeral and public.content == "Shared by alice" and public.embeds == results.embeds
        assert public.allowed_mentions == {"parse": []}
        assert [b.get("disabled") for b in results.buttons()] == [True]  # posted once
        assert scene.server.errors() == []


async def test_search_with_no_results_says_so(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "search", query="harbour", tag="no-such-tag")
        [results] = scene.replies(asked)
        assert results.embeds[0]["description"] == "No matching articles." and results.buttons() == []


async def test_search_filters_reach_the_command_by_the_names_discord_shows(service, tmp_path):
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "search", query="harbour", to="2020-01-03", tag="harbour")
        listed = [f["value"].rsplit("id: ", 1)[1] for e in scene.replies(asked)[0].embeds for f in e["fields"]]
        # Dated 1 to 3 January 2020 (day n % 28 + 1): "to" reached the filter.
        assert sorted(listed) == ["harbour-00", "harbour-01", "harbour-02", "harbour-28", "harbour-29", "harbour-30"]
        empty = await scene.run(scene.alice, "search", query="harbour", **{"from": "2030-01-01"})
        assert scene.replies(empty)[0].embeds[0]["description"] == "No matching articles."


@pytest.mark.parametrize("command, options, label", [
    ("search", {"query": "storms closed the port"}, "Post publicly"),
    ("article", {"title": "long"}, "Read more"),
])
async def test_buttons_are_disabled_before_their_token_expires(service, tmp_path, command, options, label):
    """Finding 11: at 15 minutes the token that could grey them out is gone; they go at 14."""
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, command, **options)
        [message] = scene.replies(asked)
        scene.clock.advance(13 * 60)
        await scene.settle()
        assert [b.get("disabled") for b in message.buttons()] == [False]
        scene.clock.advance(60 + 5)
        await scene.server.wait_for(lambda: message.buttons()[0].get("disabled"), timeout=5,
                                    what=f"the {label} button to be disabled")
        assert scene.server.errors() == []  # done with a token that still worked


async def test_long_urls_and_huge_tag_lists_still_render(service, tmp_path):
    """Finding 3: a 2,020-character URL in a citation, or 200 tags on an article, must not break the reply."""
    async with running(service, tmp_path) as scene:
        asked = await scene.run(scene.alice, "ask", question="Do zebrafish thrive in the aquarium?")
        [answer] = scene.replies(asked)
        value = answer.embeds[0]["fields"][0]["value"]
        assert "Zebrafish thrive in the aquarium" in value and LONG_URL not in value  # too long to link in a field
        article = await scene.run(scene.alice, "article", title="zebrafish")
        [page] = scene.replies(article)
        assert page.embeds[0]["url"] == LONG_URL and "topic-000" in page.embeds[0]["description"]
        assert "more" in page.embeds[0]["description"]  # the rest of the 200 tags are counted, not listed
        found = await scene.run(scene.alice, "search", query="zebrafish aquarium")
        assert "Zebrafish" in scene.replies(found)[0].embeds[0]["fields"][0]["value"]
        assert scene.server.errors() == []
