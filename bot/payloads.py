"""Plain-dict (JSON) forms of answers, hits, articles and stats, for --json output and logs."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.answering import Answer
from bot.gaps import GapGroup
from bot.service import IndexStats
from bot.timeline import Timeline
from embeddings.models import Article, Hit


def iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def answer_payload(answer: Answer, explain: bool = False) -> dict:
    """{"question", "answer", "abstained", "abstained_by", "caveat", "answerer", "fallback_reason", "dropped",
    "sources": [{"n", "article_id", "title", "date", "url", "passage"}], "closest", "articles_searched", "timings_ms"},
    and with `explain` "considered": [{"article_id", "title", "sentence", "reading", "score", "features", "chosen"}]."""
    payload = {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "abstained_by": answer.abstained_by or None,
        "caveat": answer.caveat,
        "answerer": answer.answerer,
        "fallback_reason": answer.fallback_reason,
        "dropped": [{"sentence": d.sentence, "reason": d.reason} for d in answer.dropped],
        "sources": [
            {"n": c.n, "article_id": c.article.id, "title": c.article.title, "date": iso(c.article.date),
             "url": c.article.url, "passage": c.quote}
            for c in answer.citations
        ],
        "closest": [hit_payload(h) for h in answer.closest],
        "articles_searched": answer.articles_searched,
        "timings_ms": answer.timings,
    }
    if explain:
        payload["considered"] = [
            {"article_id": c.article_id, "title": c.title, "sentence": c.text,
             "reading": None if c.reading is None else round(c.reading, 4), "score": round(c.score, 4),
             "features": {k: round(v, 4) for k, v in c.features.items()}, "chosen": c.chosen}
            for c in answer.considered
        ]
    return payload


def hit_payload(hit: Hit) -> dict:
    return {
        "article_id": hit.article.id, "title": hit.article.title, "date": iso(hit.article.date),
        "url": hit.article.url, "tags": list(hit.article.tags), "passage": hit.chunk.text,
        "score": round(hit.score, 6), "cosine": round(hit.dense_score, 4) if hit.dense_score is not None else None,
        "why": hit.why,
    }


def article_payload(article: Article) -> dict:
    return {
        "id": article.id, "title": article.title, "date": iso(article.date), "url": article.url,
        "tags": list(article.tags), "author": article.author, "source_path": article.source_path,
        "body": article.body,
    }


def stats_payload(stats: IndexStats) -> dict:
    return dataclasses.asdict(stats)


def timeline_payload(timeline: Timeline) -> dict:
    """{"topic", "entries": [{"date", "article_id", "title", "url", "sentence"}], "closest", "articles_searched"}."""
    return {
        "topic": timeline.topic,
        "entries": [{"date": iso(e.article.date), "article_id": e.article.id, "title": e.article.title,
                     "url": e.article.url, "sentence": e.sentence} for e in timeline.entries],
        "closest": [hit_payload(h) for h in timeline.closest],
        "articles_searched": timeline.articles_searched,
    }


def gaps_payload(groups: list[GapGroup], days: int) -> dict:
    """{"days", "groups": [{"label", "count", "examples", "closest"}]} (questions as asked; no user ids)."""
    return {"days": days, "groups": [{"label": g.label, "count": g.count, "examples": g.examples,
                                      "closest": g.closest} for g in groups]}
