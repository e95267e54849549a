"""/search and /article (with autocomplete) called with spec'd Interactions."""

from __future__ import annotations

import json

import discord
import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from tests.discord_fakes import interaction, invoke, running_bot
from tests.fakes import HashingEncoder

pytestmark = pytest.mark.asyncio


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
    """Forty articles about harbours (and one very long one), indexed with the hashing encoder."""
    root = tmp_path_factory.mktemp("lookup")
    records = [{"id": f"harbour-{n:02d}", "title": f"Harbour news number {n}: ships, storms and tides",
                "date": f"2020-01-{n % 28 + 1:02d}", "url": f"https://example.org/{n}", "tags": ["harbour"],
                "body": f"The harbour saw {n} ships today. Storms closed the port @everyone for a while."}
               for n in range(40)]
    records.append({"id": "long", "title": "A long report on the harbour", "date": "2021-02-02",
                    "body": "\n\n".join(["The report goes on about the harbour at length. " * 20] * 40)})
    (root / "articles").mkdir()
    (root / "articles" / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    service = ArchivistService(Settings(archive_dir=root / "articles", data_dir=root / "data"),
                               encoder=CountingEncoder())
    service.reindex()
    return service


async def test_autocomplete_answers_from_memory_with_at_most_25_choices(many_articles, tmp_path):
    async with running_bot(many_articles, tmp_path) as bot:
        cog = bot.get_cog("Lookup")
        assert cog.article.get_parameter("title").autocomplete  # registered with the command
        before = CountingEncoder.calls
        choices = await cog.article_titles(interaction(bot), "harbour")  # the autocomplete function
        assert len(choices) == 25  # Discord's most; the archive has more headlines with "harbour"
        assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
        narrowed = await cog.article_titles(interaction(bot), "number 17")
        assert [c.value for c in narrowed] == ["harbour-17"]
        assert await cog.article_titles(interaction(bot), "zeppelin") == []
        assert CountingEncoder.calls == before  # the model was never touched


async def test_article_command_shows_the_opening_and_a_read_more_button(many_articles, tmp_path):
    async with running_bot(many_articles, tmp_path) as bot:
        cog = bot.get_cog("Lookup")
        fake = interaction(bot)
        await cog.article.callback(cog, fake, title="long")
        assert fake.events == ["defer", "followup.send"]
        kwargs = fake.followup.send.await_args.kwargs
        page = kwargs["embed"]
        assert page.title == "A long report on the harbour" and page.description.startswith("2 February 2021")
        assert len(page.description) <= 4096
        reader = interaction(bot)
        await kwargs["view"].read_more.callback(reader)
        next_page = reader.response.send_message.await_args.kwargs
        assert next_page["ephemeral"] is True and next_page["embed"].footer.text.startswith("Page 2 of")


async def test_article_text_pings_no_one(many_articles, tmp_path):
    async with running_bot(many_articles, tmp_path) as bot:
        cog = bot.get_cog("Lookup")
        fake = interaction(bot)
        await cog.article.callback(cog, fake, title="harbour-03")
        embed = fake.followup.send.await_args.kwargs["embed"]
        assert "@everyone" not in embed.description and "@\u200beveryone" in embed.description
        assert "view" not in fake.followup.send.await_args.kwargs  # a short article has nothing more to read


async def test_search_is_private_first_and_can_be_posted_publicly(many_articles, tmp_path):
    async with running_bot(many_articles, tmp_path) as bot:
        cog = bot.get_cog("Lookup")
        fake = interaction(bot)
        await cog.search.callback(cog, fake, query="storms closed the port", tag="harbour")
        assert fake.events[0] == "defer"
        assert fake.response.defer.await_args.kwargs == {"ephemeral": True, "thinking": True}
        kwargs = fake.followup.send.await_args.kwargs
        assert kwargs["ephemeral"] is True
        [embed] = kwargs["embeds"]
        assert 1 <= len(embed.fields) <= 8 and embed.fields[0].name.startswith("1. ")
        assert "id: harbour" in embed.fields[0].value
        clicker = interaction(bot)
        await kwargs["view"].post.callback(clicker)
        public = clicker.response.send_message.await_args
        assert public.kwargs.get("ephemeral") is None and public.kwargs["embeds"] == [embed]
        assert public.args[0] == "Shared by reader"
        assert public.kwargs["allowed_mentions"].to_dict() == discord.AllowedMentions.none().to_dict()


async def test_search_with_no_results_says_so(many_articles, tmp_path):
    async with running_bot(many_articles, tmp_path) as bot:
        cog = bot.get_cog("Lookup")
        fake = interaction(bot)
        await cog.search.callback(cog, fake, query="harbour", tag="no-such-tag")
        kwargs = fake.followup.send.await_args.kwargs
        assert kwargs["embeds"][0].description == "No matching articles." and "view" not in kwargs


async def test_tag_autocomplete(many_articles, tmp_path):
    async with running_bot(many_articles, tmp_path) as bot:
        cog = bot.get_cog("Ask")
        choices = await cog.tag_choices(interaction(bot), "harb")
        assert [c.value for c in choices] == ["harbour"]


async def test_search_filters_reach_the_command_by_the_names_discord_shows(many_articles, tmp_path):
    async with running_bot(many_articles, tmp_path) as bot:
        fake = interaction(bot)
        await invoke(bot, fake, "search", query="harbour", to="2020-01-03", tag="harbour")
        listed = [f.value.rsplit("id: ", 1)[1] for e in fake.followup.send.await_args.kwargs["embeds"] for f in e.fields]
        # Dated 1 to 3 January 2020 (day n % 28 + 1): "to" reached the filter.
        assert sorted(listed) == ["harbour-00", "harbour-01", "harbour-02", "harbour-28", "harbour-29", "harbour-30"]
        empty = interaction(bot)
        await invoke(bot, empty, "search", query="harbour", **{"from": "2030-01-01"})
        assert empty.followup.send.await_args.kwargs["embeds"][0].description == "No matching articles."
