"""Rendering for Discord: every limit holds for any answer, citations are never split, text is inert."""

from __future__ import annotations

import datetime as dt
import re

import discord
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.answering import Answer, Citation
from bot.discord_app import limits
from bot.discord_app.limits import split_text, truncate
from bot.discord_app.render import article_pages, render_answer, render_hits
from bot.discord_app.safety import escape, safe_url
from embeddings.models import Article, Chunk, Hit

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
    assert messages
    for embeds in messages:
        assert 1 <= len(embeds) <= limits.EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in embeds) <= limits.EMBED_TOTAL
        for embed in embeds:
            assert len(embed.title or "") <= limits.EMBED_TITLE
            assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
            assert len(embed.fields) <= limits.EMBED_FIELDS
            for item in embed.fields:
                assert 0 < len(item.name) <= limits.FIELD_NAME and 0 < len(item.value) <= limits.FIELD_VALUE
            assert len(embed.footer.text or "") <= limits.FOOTER_TEXT
            embed.to_dict()  # serialisable as discord.py would send it


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
    assert [f.name.startswith("Closest") for f in embed.fields] == [True, True, True]
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
