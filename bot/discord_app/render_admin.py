"""Admin replies as Discord text and embeds: reindex progress and summary, ingest result, stats."""

from __future__ import annotations

import discord

from bot.activity import ActivityStats
from bot.discord_app.limits import EMBED_FIELDS, EMBED_TOTAL, FIELD_VALUE, MESSAGE_CHARS, truncate
from bot.discord_app.safety import escape
from bot.gaps import GapGroup
from bot.service import IndexStats, IngestOutcome
from bot.terminal import plural
from embeddings.indexer import ReindexProgress, ReindexReport

BUSY_TEXT = "A reindex is already running. Try again when it has finished."


def progress_text(event: ReindexProgress | None) -> str:
    if event is None:
        return "Reindexing… reading the archive."
    share = f"{100 * event.bytes_done / event.bytes_total:.0f}%" if event.bytes_total else "…"
    return (f"Reindexing… {share} ({event.bytes_done / 1e6:.1f} of {event.bytes_total / 1e6:.1f} MB read) · "
            f"{plural(event.articles_seen, 'article')} read · {plural(event.chunks_embedded, 'passage')} embedded")


def report_text(report: ReindexReport, heading: str = "Reindex finished") -> str:
    """Summary line, then each failure with its reason, cut to fit one message."""
    lines = [f"**{heading}** in {report.seconds:.1f} s: {report.summary()}."]
    if report.added or report.updated:
        changed = [*report.added, *report.updated]
        shown = ", ".join(escape(truncate(i, 80)) for i in changed[:10])
        lines.append(f"Changed: {shown}" + (f" and {len(changed) - 10} more" if len(changed) > 10 else ""))
    if report.failed:
        lines.append("Failed:")
    return _fit(lines, [f"• {escape(truncate(str(f), 300))}" for f in report.failed])


def ingest_text(outcome: IngestOutcome) -> str:
    count = len(outcome.articles)
    lines = [f"Saved **{escape(outcome.path.name)}** to the archive with {plural(count, 'article')}:"]
    lines += [f"• {escape(truncate(a.title, 150))} (id {escape(truncate(a.id, 100))})" for a in outcome.articles[:5]]
    if count > 5:
        lines.append(f"…and {count - 5} more")
    return _fit(lines, [report_text(outcome.report, "Indexed")])


def stats_embed(index: IndexStats, activity: ActivityStats, reindex_running: bool) -> discord.Embed:
    embed = discord.Embed(title="Archivist stats", colour=discord.Colour.dark_teal())
    embed.add_field(name="Articles", value=f"{index.articles:,}")
    embed.add_field(name="Passages", value=f"{index.chunks:,}")
    embed.add_field(name="Model", value=escape(index.model or "no index yet"), inline=False)
    last = index.last_reindex or "never"
    if index.last_report:
        report = index.last_report
        total = {key: report.get(f"{key}_total", len(report[key])) for key in ("added", "updated", "removed", "failed")}
        last += (f" ({total['added']:,} added, {total['updated']:,} updated, {total['removed']:,} removed, "
                 f"{report['unchanged']:,} unchanged, {total['failed']:,} failed)")
    if reindex_running:
        last += " · a reindex is running now"
    embed.add_field(name="Last reindex", value=escape(last), inline=False)
    embed.add_field(name="Answers today (UTC)", value=f"{activity.answers:,}")
    rate = activity.abstention_rate
    embed.add_field(name="Abstention rate", value="–" if rate is None else f"{rate:.0%}")
    embed.add_field(name="Answer time p50 / p95", value=f"{_ms(activity.p50_ms)} / {_ms(activity.p95_ms)}")
    embed.add_field(name="Feedback", inline=False, value=(
        f"helpful {activity.feedback['helpful']} · not helpful {activity.feedback['unhelpful']} · "
        f"wrong source {activity.feedback['wrong_source']}"))
    return embed


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _fit(head: list[str], tail: list[str]) -> str:
    """Head lines, then as many tail lines as fit one message, then how many were left out."""
    text = "\n".join(head)
    for shown, line in enumerate(tail):
        more = f"\n…and {len(tail) - shown} more (see the bot's log or `archivist index`)"
        if len(text) + 1 + len(line) + len(more) > MESSAGE_CHARS:
            return text + more
        text += "\n" + line
    return truncate(text, MESSAGE_CHARS)


_GAPS_FOOTER = 120  # room kept for "…and n more groups"
_MIN_GROUP = 80     # a group shown with less room than this says too little: it goes to the footer instead


def gaps_embed(groups: list[GapGroup], days: int) -> discord.Embed:
    """The gap groups as one embed: a field per group (label and count; examples escaped; closest article).

    The groups share the 6,000 characters of a message: each gets an equal part of what is left, at
    most a field's 1,024, so that 25 groups of long questions still fit; the rest are counted below.
    """
    embed = discord.Embed(title=f"What the archive could not answer (last {plural(days, 'day')})",
                          colour=discord.Colour.dark_teal())
    if not groups:
        embed.description = "Nothing yet: no question was unanswered or marked not helpful in that time."
        return embed
    candidates = groups[:EMBED_FIELDS]
    left = EMBED_TOTAL - len(embed) - _GAPS_FOOTER
    for index, group in enumerate(candidates):
        name = truncate(f"{group.label} · {plural(group.count, 'question')}", _GAP_NAME)
        share = min(FIELD_VALUE, left // (len(candidates) - index) - len(name))
        if share < _MIN_GROUP:
            break
        value = _gap_value(group, share)
        embed.add_field(name=name, value=value, inline=False)
        left -= len(name) + len(value)
    hidden = len(groups) - len(embed.fields)
    if hidden:
        embed.set_footer(text=f"…and {plural(hidden, 'smaller group')} (archivist gaps lists them all)")
    return embed


_GAP_NAME = 100


def _gap_value(group: GapGroup, budget: int) -> str:
    """The group's example questions (escaped, each cut to its share) and its closest article, in `budget`."""
    closest = f"closest article: {escape(truncate(group.closest['title'], 150))}" if group.closest else ""
    room = budget - (len(closest) + 1 if closest else 0)
    each = max(20, room // max(1, len(group.examples)) - 3)
    lines = [f"• {escape(truncate(q, min(200, each)))}" for q in group.examples]
    return truncate("\n".join(lines + ([closest] if closest else [])), budget) or "…"
