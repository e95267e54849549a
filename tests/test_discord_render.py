"""Rendering for Discord: every limit holds for any answer, citations are never split, text is inert."""

from __future__ import annotations

import datetime as dt
import re

import discord
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.answering import Answer, Citation
from bot.discord_app.limits import split_text, truncate
from bot.discord_app.render import article_pages, render_answer, render_hits, timeline_pages
from bot.discord_app.render_admin import gaps_embed
from bot.discord_app.safety import escape, safe_url
from bot.gaps import GapGroup
from bot.timeline import Timeline, TimelineEntry
from embeddings.models import Article, Chunk, Hit
from tests.discord_api import limits as discord_limits

PING_TEXT = "Call @everyone and @here, ping <@&123456789012345678> and <@!123456789012345678> now. **Bold** _it_"


def make_hit(n: int, body: str, *, title: str | None = None, url: str | None = "https://example.org/a") -> Hit:
    article = Article(id=f"article-{n}", title=title or f"Headline {n}", body=body, date=dt.date(2015, 5, n % 28 + 1),
                      url=url, tags=("news",))
    return Hit(chunk=Chunk(f"article-{n}#0", article.id, 0, body, 0, len(body)), article=article, score=1.0 / n,
               dense_score=0.8)


def long_answer(citations: int = 40, quote_chars: int = 3000) -> Answer:
    """A real Answer far past every Discord limit: long text, long headlines, long quotes, many sources."""
    cited, sentences = [], []
    for n in range(1, citations + 1):
        body = (f"Sentence {n} says something notable about the matter at hand, at length. " * 80)[:quote_chars]
        cited.append(Citation(n, make_hit(n, body, title=f"A very long headline number {n} " * 20), 0, len(body)))
        sentences.append(f"{body[:400]} [{n}]")
    paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    return Answer("What happened? " * 40, "\n\n".join(paragraphs), cited, abstained=False, articles_searched=1234)


def assert_within_limits(messages: list[list[discord.Embed]]) -> None:
    """Every message passes the imitation Discord's checks (the documented limits, the 6,000 total included)."""
    assert messages
    for embeds in messages:
        assert embeds
        discord_limits.check_message({"embeds": [e.to_dict() for e in embeds]}, creating=True)


def test_a_very_long_answer_fits_every_limit_and_keeps_every_citation_whole():
    answer = long_answer()
    messages = render_answer(answer, "0123456789abcdef")
    assert_within_limits(messages)
    assert len(messages) > 1  # it really was too long for one message
    embeds = [e for m in messages for e in m]
    descriptions = [e.description for e in embeds if e.description]
    # The text is all there, split only between pieces, and no piece starts with a marker.
    assert "".join(descriptions).replace(" ", "").replace("\n", "") == \
        escape(answer.text).replace(" ", "").replace("\n", "")
    assert not any(re.match(r"\s*\\\[\d+\\\]", d) for d in descriptions)
    markers = [int(m) for d in descriptions for m in re.findall(r"\\\[(\d+)\\\]", d)]
    assert markers == list(range(1, 41))
    # Every source is one field, in order, headline linked, with its quote.
    fields = [f for e in embeds for f in e.fields]
    assert [f.name.split("]")[0] for f in fields] == [f"[{n}" for n in range(1, 41)]
    assert all("](https://example.org/a)" in f.value and "\n> Sentence" in f.value for f in fields)
    assert embeds[-1].footer.text == "Searched 1,234 articles · answer 0123456789abcdef"
    assert embeds[0].title.startswith("What happened?")


def test_mentions_and_markdown_in_article_text_are_inert():
    hit = make_hit(1, PING_TEXT)
    answer = Answer("Who said <@123456789012345678> @everyone?", PING_TEXT + " [1]",
                    [Citation(1, hit, 0, len(PING_TEXT))], abstained=False, articles_searched=1)
    [[embed]] = render_answer(answer)
    shown = embed.title + embed.description + embed.fields[0].value
    assert "@everyone" not in shown and "@here" not in shown  # broken by a zero-width space
    assert "<@&1" not in shown and "<@!1" not in shown and "<@1" not in shown
    assert "\\*\\*Bold\\*\\*" in embed.description and "\\_it\\_" in embed.fields[0].value


def test_a_caveat_follows_the_answer_text_in_italics():
    hit = make_hit(1, "Oracle bought Innobase.")
    caveat = "The question names 2009; no cited article is from then (the nearest is dated 2 May 2015)."
    answer = Answer("Which company did Oracle buy in 2009?", "Oracle bought Innobase. [1]", [Citation(1, hit, 0, 23)],
                    abstained=False, articles_searched=1, caveat=caveat)
    [[embed]] = render_answer(answer)
    assert embed.description == f"{escape(answer.text)}\n\n*{escape(caveat)}*"
    assert "The question names 2009" in embed.description


def test_abstention_shows_the_closest_articles():
    closest = [make_hit(n, f"Passage {n} " * 100) for n in (1, 2, 3)]
    answer = Answer("Sourdough?", "I couldn't find that in the archive.", [], abstained=True, closest=closest,
                    articles_searched=3)
    [[embed]] = render_answer(answer)
    assert embed.description == "I couldn't find that in the archive."
    assert [f.name.split(" · ")[0][:12] for f in embed.fields] == ["[1] Closest:", "[2] Closest:", "[3] Closest:"]
    assert "Headline 2" in embed.fields[1].value


def test_unsafe_urls_are_not_linked():
    assert safe_url("javascript:alert(1)") is None and safe_url("https://x.org/a b") is None
    assert safe_url("https://x.org/a?b=1") == "https://x.org/a?b=1"
    [[embed]] = render_hits("q", [make_hit(1, "text", url="javascript:alert(1)")])
    assert "](" not in embed.fields[0].value


def test_search_results_and_article_pages_fit():
    hits = [make_hit(n, "word " * 2000, title="T" * 400) for n in range(1, 11)]
    assert_within_limits(render_hits("query " * 100, hits))
    long_article = make_hit(1, "\n\n".join(["A paragraph of the article. " * 30] * 60)).article
    pages = article_pages(long_article)
    assert len(pages) > 3
    assert_within_limits([[page] for page in pages])
    assert pages[0].url == "https://example.org/a" and "Tags: news" in pages[0].description
    assert pages[0].footer.text.startswith("Page 1 of")


MARKER_TEXT = st.lists(
    st.tuples(st.text(alphabet="abc de.\n*_@\\[]1", min_size=1, max_size=120), st.integers(1, 30)), max_size=40,
).map(lambda parts: " ".join(f"{text.strip() or 'x'}. [{n}]" for text, n in parts))


@hypothesis_settings(max_examples=300, deadline=None)
@given(MARKER_TEXT, st.integers(min_value=20, max_value=400))
def test_split_text_never_exceeds_the_limit_nor_separates_a_marker(text, limit):
    escaped = escape(text)
    pieces = split_text(escaped, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == escaped.replace(" ", "").replace("\n", "")
    joined_markers = re.findall(r"\\\[\d+\\\]", escaped)
    assert [m for p in pieces for m in re.findall(r"\\\[\d+\\\]", p)] == joined_markers  # none cut in half
    assert not any(re.match(r"\s*\\\[\d+\\\]", p) for p in pieces[1:])


def test_truncate_adds_an_ellipsis_and_respects_the_limit():
    assert truncate("short", 10) == "short"
    cut = truncate("one two three four five six", 12)
    assert cut.endswith("…") and len(cut) <= 12 and cut.startswith("one two")


# -- worst-case article text: every render within every limit --------------------------------------

_MARKS = "\u0301\u0308\u20dd"  # combining characters: each a code point of its own
_ALPHABET = list("abcdefghij klmnop.,!?\n*_~`|>#-[]()@<>\\") + list(_MARKS)
_SIZES = (0, 1, 40, 300, 1100, 2500)  # worst cases are drawn as often as small ones


def sized(alphabet: list[str], sizes: tuple[int, ...] = _SIZES) -> st.SearchStrategy[str]:
    """Text of one of `sizes` characters: a drawn piece repeated (long inputs, little for hypothesis to draw)."""
    piece = st.text(alphabet=st.sampled_from(alphabet), min_size=1, max_size=60)
    return st.tuples(st.sampled_from(sizes), piece).map(lambda t: (t[1] * (t[0] // len(t[1]) + 1))[:t[0]])


TEXT = sized(_ALPHABET)
LONG_WORDS = sized(list("aeiou" + _MARKS), (1, 700, 2500))  # one enormous word: nowhere to cut but characters
URL_SIZES = st.sampled_from([0, 200, 600, 750, 1200, 2028])  # safe_url allows up to 2,048 characters
URLS = st.one_of(st.none(), URL_SIZES.map(lambda n: "https://example.org/" + "p" * n), st.text(max_size=50))
TAGS = st.sampled_from([0, 3, 200]).flatmap(
    lambda n: st.lists(st.text(alphabet="abcdefg-", min_size=1, max_size=40), min_size=n, max_size=n))
HEADLINES = st.one_of(TEXT, LONG_WORDS)


@st.composite
def articles(draw, n: int = 1) -> Article:
    body = draw(st.one_of(TEXT, LONG_WORDS)) or "x"
    return Article(id=f"a{n}-" + draw(st.text(alphabet="abc", max_size=300)), title=draw(HEADLINES) or "t", body=body,
                   date=dt.date(2015, 5, n % 28 + 1), url=draw(URLS), tags=tuple(draw(TAGS)))


def hit_of(article: Article) -> Hit:
    return Hit(chunk=Chunk(f"{article.id}#0", article.id, 0, article.body, 0, len(article.body)), article=article,
               score=1.0, dense_score=0.8)


@hypothesis_settings(max_examples=30, deadline=None)
@given(st.lists(articles(), min_size=1, max_size=30), TEXT, st.booleans())
def test_any_answer_fits(cited, text, abstained):
    hits = [hit_of(a) for a in cited]
    citations = [Citation(n, hit, 0, len(hit.article.body)) for n, hit in enumerate(hits, start=1)]
    answer = Answer(text[:500] or "?", text or "…", [] if abstained else citations, abstained=abstained,
                    closest=hits[:3] if abstained else [], articles_searched=len(hits))
    assert_within_limits(render_answer(answer, "0123456789abcdef"))


@hypothesis_settings(max_examples=30, deadline=None)
@given(st.lists(articles(), max_size=10), TEXT)
def test_any_search_results_fit(found, query):
    assert_within_limits(render_hits(query[:500], [hit_of(a) for a in found]))


@hypothesis_settings(max_examples=30, deadline=None)
@given(articles())
def test_any_article_fits_page_by_page(article):
    pages = article_pages(article)
    assert_within_limits([[page] for page in pages])
    assert pages[0].url in (None, safe_url(article.url))


@hypothesis_settings(max_examples=30, deadline=None)
@given(st.lists(articles(), max_size=40), TEXT, st.booleans())
def test_any_timeline_fits_page_by_page(about, topic, none):
    entries = [TimelineEntry(a, 0, len(a.body), 0.5) for a in about]
    timeline = Timeline(topic or "t", [] if none else entries, [hit_of(a) for a in about[:3]], len(about))
    pages = timeline_pages(timeline)
    assert_within_limits([[page] for page in pages])
    if entries and not none:
        assert sum(len(p.fields) for p in pages) == len(entries)  # every entry on some page
        assert all(p.footer.text == f"Page {n} of {len(pages)}" for n, p in enumerate(pages, start=1))


GROUPS = st.lists(st.builds(GapGroup, label=HEADLINES, questions=st.lists(TEXT.filter(bool), min_size=1, max_size=5),
                            closest=st.one_of(st.none(), st.builds(lambda t: {"article_id": "a", "title": t or "t"},
                                                                    HEADLINES))), max_size=40)


@hypothesis_settings(max_examples=30, deadline=None)
@given(GROUPS, st.integers(1, 3650))
def test_any_gap_groups_fit_one_message(groups, days):
    embed = gaps_embed(groups, days)
    assert_within_limits([[embed]])
    if len(groups) > len(embed.fields):
        assert "smaller group" in embed.footer.text


def test_25_long_gap_groups_share_the_message():
    groups = [GapGroup(f"topic {n} " * 20, ["Why " + "so long? " * 250] * 3, {"article_id": "a", "title": "T" * 300})
              for n in range(25)]
    embed = gaps_embed(groups, 30)
    assert_within_limits([[embed]])
    assert len(embed.fields) >= 10  # shared out, not the first few taking everything


def test_a_citation_with_a_url_of_2048_characters_keeps_its_headline_and_quote():
    url = "https://example.org/" + "p" * 2028
    hit = make_hit(1, "The quoted sentence is here.", title="Headline with a very long link", url=url)
    answer = Answer("q", "The quoted sentence is here. [1]", [Citation(1, hit, 0, 28)], abstained=False)
    [[embed]] = render_answer(answer)
    value = embed.fields[0].value
    assert value.startswith("**Headline with a very long link**") and "> The quoted sentence is here." in value
    assert url not in value


def test_two_hundred_tags_are_counted_not_listed():
    article = Article(id="a", title="T", body="Body.", tags=tuple(f"tag-{n:03d}-of-a-long-list" for n in range(200)))
    [page] = article_pages(article)
    assert "tag-000" in page.description and "more" in page.description and len(page.description) < 1000


def test_truncate_never_fails_whatever_the_room():
    for limit in range(0, 6):
        assert len(truncate("a" * 50, limit)) <= limit
    assert truncate("\\*\\*", 1) == ""  # never ends on an escaping backslash


def test_a_timeline_about_nothing_fits_with_its_closest_articles_at_their_longest():
    worst = Article(id="a", title="*" * 400, body="_" * 3000, date=dt.date(2015, 5, 14),
                    url="https://example.org/" + "p" * 380)  # a linked headline just under the linking limit
    timeline = Timeline("#" * 4000, [], [hit_of(worst)] * 3, 3)
    [page] = timeline_pages(timeline)
    assert_within_limits([[page]])
    assert len(page.fields) == 3 and all(f.value.startswith("**\\*") for f in page.fields)  # too long to link
    assert all("\\_" * 100 in f.value for f in page.fields)  # one enormous word is cut, not dropped
