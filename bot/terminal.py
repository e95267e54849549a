"""Plain-text rendering of answers, search results, articles and stats for the command line."""

from __future__ import annotations

import textwrap

from bot.answering import Answer
from bot.gaps import GapGroup
from bot.service import IndexStats
from bot.timeline import Timeline
from embeddings.dates import human_date
from embeddings.indexer import ReindexProgress, ReindexReport
from embeddings.models import Article, Hit
from embeddings.store import IndexInfo

_WIDTH = 100


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def source_line(article: Article) -> str:
    """Headline · date · link (when known)."""
    parts = [article.title, human_date(article.date)]
    if article.url:
        parts.append(article.url)
    return " · ".join(parts)


def render_answer(answer: Answer) -> str:
    lines = [textwrap.fill(answer.text, _WIDTH), ""]
    if answer.caveat:
        lines.extend([textwrap.fill(f"Note: {answer.caveat}", _WIDTH), ""])
    if answer.abstained:
        if answer.closest:
            lines.append("Closest articles:")
            lines.extend(f"  [{n}] {source_line(hit.article)}" for n, hit in enumerate(answer.closest, start=1))
        return "\n".join(lines).rstrip()
    lines.append("Sources:")
    for citation in answer.citations:
        lines.append(f"  [{citation.n}] {source_line(citation.article)}")
        lines.append(_block_quote(citation.quote))
    lines.append("")
    lines.append(f"(searched {plural(answer.articles_searched, 'article')})")
    return "\n".join(lines).rstrip()


def render_explanation(answer: Answer) -> str:
    """Why this answer: each sentence weighed, best first, with the reader's probability that it answers,
    its final score and the hand-weighted features beside it; chosen sentences marked *."""
    if not answer.considered:
        rule = f" ({answer.abstained_by})" if answer.abstained_by else ""
        return f"No sentence was weighed{rule}: the policy refused before reading any."
    lines = ["Sentences weighed (* quoted; reader = probability it answers):"]
    for c in answer.considered:
        reading = "  –  " if c.reading is None else f"{c.reading:.3f}"
        features = " ".join(f"{k}={v:.2f}" for k, v in c.features.items() if v)
        lines.append(f"{'*' if c.chosen else ' '} reader {reading}  score {c.score:+.2f}  [{c.article_id}] "
                     + textwrap.shorten(c.text, 110, placeholder=" …"))
        lines.append(f"      {features}")
    if answer.abstained:
        lines.append(f"Refused by {answer.abstained_by}: {answer.text}")
    return "\n".join(lines)


def render_hits(hits: list[Hit]) -> str:
    if not hits:
        return "No matching articles."
    lines = []
    for rank, hit in enumerate(hits, start=1):
        lines.append(f"{rank:>2}. {source_line(hit.article)}  [{hit.article.id}]")
        lines.append(textwrap.shorten(hit.chunk.text, 300, placeholder=" …").join(("      ", "")))
    return "\n".join(lines)


def render_article(article: Article) -> str:
    head = [article.title, human_date(article.date)]
    if article.url:
        head.append(article.url)
    if article.tags:
        head.append("Tags: " + ", ".join(article.tags))
    head.append(f"id: {article.id}   file: {article.source_path}")
    paragraphs = [textwrap.fill(p, _WIDTH) for p in article.body.split("\n\n")]
    return "\n".join(head) + "\n\n" + "\n\n".join(paragraphs)


def render_stats(stats: IndexStats) -> str:
    lines = [
        f"index:        {stats.location}",
        f"model:        {stats.model or '(no index yet: run `archivist index`)'}",
        f"articles:     {stats.articles:,}",
        f"chunks:       {stats.chunks:,}",
        f"last reindex: {stats.last_reindex or 'never'}",
    ]
    return "\n".join(lines)


def render_report(report: ReindexReport) -> str:
    lines = [f"Indexed {report.files} file(s) in {report.seconds:.1f} s: {report.summary()}; "
             f"{report.chunks_embedded} chunk(s) embedded, {report.chunks_reused} reused."]
    if report.failed:
        lines.append("Skipped:")
        lines.extend(f"  {failure}" for failure in report.failed)
        if report.failed.total > len(report.failed):
            lines.append(f"  … and {report.failed.total - len(report.failed):,} more")
    return "\n".join(lines)


def progress_line(event: ReindexProgress) -> str:
    """One line per progress event, for logs: `indexing: phase=encoding 1.2/3.4 MB, 120 articles, 300 embedded`."""
    return (f"indexing: phase={event.phase} {event.bytes_done / 1e6:.1f}/{event.bytes_total / 1e6:.1f} MB, "
            f"{plural(event.articles_seen, 'article')}, {event.chunks_embedded:,} embedded")


def rebuild_notice(current: IndexInfo | None, model: str) -> str:
    """What `index --rebuild` is about to do, said before the long wait."""
    if current is None:
        return f"Building the index from scratch with {model}."
    change = f"switching from {current.model} to {model}" if current.model != model else f"with {model}"
    lines = [f"Rebuilding the whole index ({plural(current.articles, 'article')}), {change}.",
             "The current index keeps answering questions until the rebuild completes, then the new one "
             "replaces it in one step; if the rebuild stops early, the current index stays."]
    if current.model != model:
        lines.append(f"Processes still running with {current.model} (a bot, say) will then refuse questions "
                     f"until restarted with ARCHIVIST_MODEL={model}.")
    return "\n".join(lines)


def render_evaluation(summary: dict) -> str:
    """The evaluation summary as a table: overall, per kind, and the retrieval baselines."""
    header = (f"{'':<14}{'n':>4}{'hit@1':>8}{'R@5':>7}{'R@10':>7}{'MRR':>7}{'cover':>7}"
              f"{'words':>7}{'abst-ok':>9}{'abst-bad':>9}")
    rows = [header, _eval_row("all", summary)]
    rows += [_eval_row(kind, figures) for kind, figures in summary["by_kind"].items()]
    for mode, metrics in summary.get("baselines", {}).items():
        rows.append(_eval_row(f"[{'bm25' if mode == 'text' else mode} only]", {"retrieval": metrics}))
    latency = summary["latency_ms"]
    rows.append(f"ask latency: p50 {latency['p50']:.0f} ms, p95 {latency['p95']:.0f} ms")
    composed = summary.get("composed")
    if composed:
        reasons = ", ".join(f"{k} {v}" for k, v in composed["fallback_reasons"].items()) or "none"
        first = composed["first_sentence_ms"]
        timing = f"p50 {first['p50']:.0f} ms, p95 {first['p95']:.0f} ms" if first else "none kept"
        rows.append(f"composed: {composed['shown_composed']} of {composed['asked']} answers asked of the model "
                    f"shown in its words; {composed['sentences_kept_share']:.0%} of its "
                    f"{composed['sentences_written']} sentences kept; fallback rate {composed['fallback_rate']:.0%} "
                    f"({reasons}); first verified sentence {timing}")
    refused = summary.get("abstentions") or {}
    if refused:
        rows.append("abstained by: " + ", ".join(f"{rule} {t['right']} right / {t['wrong']} wrong"
                                                 for rule, t in refused.items()))
    return "\n".join(rows)


def _eval_row(label: str, figures: dict) -> str:
    retrieval = figures.get("retrieval", {})

    def cell(value: float | None, width: int) -> str:
        return f"{value:>{width}.2f}" if value is not None else f"{'-':>{width}}"

    return (f"{label:<14}{figures.get('questions', ''):>4}{cell(retrieval.get('hit@1'), 8)}"
            f"{cell(retrieval.get('recall@5'), 7)}{cell(retrieval.get('recall@10'), 7)}{cell(retrieval.get('mrr'), 7)}"
            f"{cell(figures.get('evidence_coverage'), 7)}{figures.get('median_answer_words', '-'):>7}"
            f"{cell(figures.get('abstained_when_unanswerable'), 9)}{cell(figures.get('wrongly_abstained'), 9)}")


def render_llm_check(report) -> str:
    """`archivist llm check`'s report: models, timings, how much of the answer survived the check."""
    lines = [f"endpoint:     {report.endpoint}"]
    if report.models_error:
        lines.append(f"models:       could not list them: {report.models_error}")
    else:
        lines.append(f"models:       {', '.join(report.models) or '(none listed)'}")
    timings = report.timings_ms
    first = f"{timings['first_token']:.0f} ms" if "first_token" in timings else "no token"
    lines += [f"question:     {report.question}  (index: {report.index})",
              f"first token:  {first}; whole answer {timings.get('total', 0):.0f} ms",
              f"check:        {report.sentences_kept} of {report.sentences_written} sentences supported by their "
              "passages"]
    if report.answerer == "composed":
        lines.append("result:       shown in the model's words")
    else:
        lines.append(f"result:       the extractive answer instead ({report.fallback_reason})")
    lines += ["", textwrap.fill(report.answer, _WIDTH)]
    return "\n".join(lines)


def render_timeline(timeline: Timeline) -> str:
    """date · headline · link, and the article's sentence closest to the topic, oldest first."""
    if not timeline.entries:
        lines = [f"No article in the archive is about “{timeline.topic}”."]
        if timeline.closest:
            lines.append("Closest articles:")
            lines.extend(f"  - {source_line(hit.article)}" for hit in timeline.closest)
        return "\n".join(lines)
    lines = [f"{timeline.topic}: {plural(len(timeline.entries), 'article')}, oldest first", ""]
    for entry in timeline.entries:
        lines.append(source_line(entry.article))
        lines.append(_block_quote(entry.sentence))
    return "\n".join(lines)


def render_gaps(groups: list[GapGroup], days: int) -> str:
    """The topics the archive could not answer, largest first: label, count, examples, what it offered."""
    if not groups:
        return f"Nothing yet: no question of the last {plural(days, 'day')} was unanswered or marked not helpful."
    lines = [f"Unanswered or unhelpful questions of the last {plural(days, 'day')}, by topic:", ""]
    for group in groups:
        lines.append(f"{group.label} ({plural(group.count, 'question')})")
        lines.extend(f"  - {question}" for question in group.examples)
        if group.closest:
            lines.append(f"  closest article the archive had: {group.closest['title']}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _block_quote(text: str) -> str:
    """A quoted passage, indented and marked as a block quote: not in quotation marks, which the
    passage often opens or closes with itself."""
    return textwrap.fill(" ".join(text.split()), _WIDTH, initial_indent="      > ", subsequent_indent="      > ")
