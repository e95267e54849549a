"""Answers, search results and articles as Discord embeds that keep within every Discord limit."""

from __future__ import annotations

import discord

from bot.answering import Answer, Citation
from bot.discord_app.limits import (
    EMBED_DESCRIPTION,
    EMBED_FIELDS,
    EMBED_TITLE,
    EMBED_TOTAL,
    EMBEDS_PER_MESSAGE,
    FIELD_NAME,
    FIELD_VALUE,
    FOOTER_TEXT,
    split_text,
    truncate,
)
from bot.discord_app.safety import escape, link, plain, safe_url
from bot.terminal import plural
from bot.timeline import Timeline
from embeddings.dates import human_date
from embeddings.models import Article, Hit

ANSWER_COLOUR = discord.Colour.teal()
ABSTAIN_COLOUR = discord.Colour.light_grey()
LOOKUP_COLOUR = discord.Colour.blurple()
_HEADLINE_CHARS = 200
_LINKED_HEADLINE_CHARS = 600  # a headline with its link; a longer one is shown unlinked
_PASSAGE_CHARS = 300
_TAGS_CHARS = 600             # the tags line of an article's first page
ARTICLE_PAGE_CHARS = 3500

Messages = list[list[discord.Embed]]  # each inner list is one message's embeds


class EmbedPacker:
    """Fills embeds and messages in order, starting a new one before any limit would be passed."""

    def __init__(self, colour: discord.Colour, reserve: int = 0) -> None:
        self.colour = colour
        self.reserve = reserve  # characters kept free in every message (for the footer)
        self.messages: Messages = []

    def _room(self) -> int:
        used = sum(len(embed) for embed in self.messages[-1]) if self.messages else 0
        return EMBED_TOTAL - self.reserve - used

    def embed(self, title: str | None = None, description: str | None = None, url: str | None = None,
              *, then: int = 0) -> discord.Embed:
        """Start an embed; it opens a new message unless it, and `then` more characters, fit this one."""
        made = discord.Embed(title=truncate(title, EMBED_TITLE) if title else None,
                             description=truncate(description, EMBED_DESCRIPTION) if description else None,
                             url=url, colour=self.colour)
        if not self.messages or len(self.messages[-1]) >= EMBEDS_PER_MESSAGE or len(made) + then > self._room():
            self.messages.append([])
        self.messages[-1].append(made)
        return made

    def field(self, name: str, value: str, continued: str | None = None) -> None:
        """Add a field whole (never split); a new embed titled `continued` takes it if it does not fit."""
        name, value = truncate(name, FIELD_NAME), truncate(value, FIELD_VALUE)
        current = self.messages[-1][-1] if self.messages else None
        if current is None or len(current.fields) >= EMBED_FIELDS or len(name) + len(value) > self._room():
            current = self.embed(title=continued, then=len(name) + len(value))
        current.add_field(name=name, value=value, inline=False)

    def finish(self, footer: str | None = None) -> Messages:
        if footer and self.messages:
            self.messages[-1][-1].set_footer(text=truncate(footer, min(FOOTER_TEXT, self.reserve or FOOTER_TEXT)))
        return self.messages


def render_answer(answer: Answer, answer_id: str | None = None) -> Messages:
    """The answer text (split on paragraphs if long), then its numbered sources, then a footer."""
    footer = f"Searched {plural(answer.articles_searched, 'article')}"
    if answer_id:
        footer += f" · answer {answer_id}"
    packer = EmbedPacker(ABSTAIN_COLOUR if answer.abstained else ANSWER_COLOUR, reserve=len(footer))
    text = escape(answer.text) + (f"\n\n*{escape(answer.caveat)}*" if answer.caveat else "")
    pieces = split_text(text, EMBED_DESCRIPTION) or ["…"]
    packer.embed(title=plain(answer.question) or "Answer", description=pieces[0])
    for piece in pieces[1:]:
        packer.embed(description=piece)
    if answer.abstained:
        # Numbered, as the reason of a "no-answer" abstention names the first one: "... (date) [1]".
        for n, hit in enumerate(answer.closest, start=1):
            packer.field(f"[{n}] Closest: {human_date(hit.article.date)}", _hit_value(hit.article, hit.chunk.text),
                         continued="Closest articles")
    else:
        for citation in answer.citations:
            packer.field(f"[{citation.n}] {human_date(citation.article.date)}", _citation_value(citation),
                         continued="Sources")
    return packer.finish(footer)


def render_hits(query: str, hits: list[Hit]) -> Messages:
    """A ranked list of articles: headline (linked), date, best passage, id."""
    packer = EmbedPacker(LOOKUP_COLOUR, reserve=40)
    title = f"Results for “{plain(query)}”"
    packer.embed(title=title, description=None if hits else "No matching articles.")
    for rank, hit in enumerate(hits, start=1):
        value = _hit_value(hit.article, hit.chunk.text) + f"\nid: {escape(truncate(hit.article.id, 200))}"
        packer.field(f"{rank}. {human_date(hit.article.date)}", value, continued=title)
    return packer.finish(f"{plural(len(hits), 'article')} · use /article to read one")


def article_pages(article: Article) -> list[discord.Embed]:
    """The article as pages: the first with headline, date, tags and link; the rest continue the body."""
    title = plain(article.title)
    heading = [human_date(article.date)]
    if article.tags:
        heading.append(_tags_line(article.tags))
    head = truncate(escape(" · ".join(heading)), _TAGS_CHARS + 100) + "\n\n"
    body = split_text(escape(article.body), ARTICLE_PAGE_CHARS - len(head)) or [""]
    pages = []
    for number, text in enumerate(body, start=1):
        embed = discord.Embed(title=truncate(title if number == 1 else f"{title} (continued)", EMBED_TITLE),
                              url=safe_url(article.url), colour=LOOKUP_COLOUR,
                              description=(head + text) if number == 1 else text)
        embed.set_footer(text=truncate(f"Page {number} of {len(body)} · id: {article.id}", 300))
        pages.append(embed)
    return pages


def _tags_line(tags: tuple[str, ...] | list[str]) -> str:
    """"Tags: a, b, c", as many as fit the line, then how many more there are."""
    shown: list[str] = []
    for tag in tags:
        if len(", ".join([*shown, tag])) > _TAGS_CHARS:
            break
        shown.append(tag)
    more = f" and {len(tags) - len(shown)} more" if len(shown) < len(tags) else ""
    return "Tags: " + ", ".join(shown) + more


def _headline(article: Article) -> str:
    """The headline in bold, linked when the link fits a field beside its quote; plain otherwise.

    `safe_url` allows URLs up to 2,048 characters, twice a field's 1,024: a long one is left out
    (the article's own page, /article, still links it from its title).
    """
    title = truncate(article.title, _HEADLINE_CHARS)
    linked = link(title, article.url)
    return "**" + (linked if len(linked) <= _LINKED_HEADLINE_CHARS else escape(title)) + "**"


def _citation_value(citation: Citation) -> str:
    headline = _headline(citation.article)
    return headline + "\n" + _quote_block(citation.quote, FIELD_VALUE - len(headline) - 1)


def _hit_value(article: Article, passage: str) -> str:
    headline = _headline(article)
    return headline + "\n" + _quote_block(truncate(" ".join(passage.split()), _PASSAGE_CHARS), 600)


def _quote_block(text: str, budget: int) -> str:
    """The passage as a Discord block quote, escaped, cut at a word to fit the budget."""
    lines = [line.strip() for line in text.splitlines() if line.strip()] or ["…"]
    quoted = "\n".join("> " + escape(line) for line in lines)
    return truncate(quoted, budget)


TIMELINE_PAGE = 8  # entries per page at most; fewer when long entries would pass 6,000 characters
_PAGE_FOOTER = 40  # room kept for "Page n of m"
_CLOSEST = 3       # articles shown when none is about the topic: 3 fields of at most 1,050 characters …
_ECHO_CHARS = 2000  # … beside the topic echoed back, within 6,000


def timeline_pages(timeline: Timeline) -> list[discord.Embed]:
    """A timeline as pages of embeds: each entry a field (date · headline linked, then its sentence)."""
    title = truncate(f"Timeline: {plain(timeline.topic)}", EMBED_TITLE)
    if not timeline.entries:
        # The topic is echoed, so it is cut to leave the closest articles their room in 6,000 characters.
        embed = discord.Embed(title=title, colour=ABSTAIN_COLOUR,
                              description=truncate(f"No article in the archive is about “{escape(timeline.topic)}”.",
                                                   _ECHO_CHARS))
        for hit in timeline.closest[:_CLOSEST]:
            embed.add_field(name=f"Closest: {human_date(hit.article.date)}",
                            value=truncate(_hit_value(hit.article, hit.chunk.text), FIELD_VALUE), inline=False)
        return [embed]
    description = f"{plural(len(timeline.entries), 'article')}, oldest first"
    room = EMBED_TOTAL - len(title) - len(description) - _PAGE_FOOTER
    pages: list[list[tuple[str, str]]] = [[]]
    used = 0
    for entry in timeline.entries:
        headline = _headline(entry.article)
        sentence = truncate(" ".join(entry.sentence.split()), _PASSAGE_CHARS)
        value = headline + "\n" + _quote_block(sentence, FIELD_VALUE - len(headline) - 1)
        field = (human_date(entry.article.date), value)
        size = len(field[0]) + len(field[1])
        if pages[-1] and (len(pages[-1]) >= TIMELINE_PAGE or used + size > room):
            pages.append([])
            used = 0
        pages[-1].append(field)
        used += size
    embeds = []
    for number, fields in enumerate(pages, start=1):
        embed = discord.Embed(title=title, colour=LOOKUP_COLOUR, description=description)
        for name, value in fields:
            embed.add_field(name=name, value=value, inline=False)
        embed.set_footer(text=f"Page {number} of {len(pages)}")
        embeds.append(embed)
    return embeds
