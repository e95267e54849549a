"""Timelines: a topic's articles in date order, about it rather than mentioning it, with their best sentence."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from bot.timeline import TimelineConfig, TimelineEntry, _entry, _one_a_day
from embeddings.models import Article, Chunk, Hit, SearchFilters

NORTHERN_ROCK = ["wn-79797", "wn-79773", "wn-99918"]  # every article of the business corpus about it


@pytest.mark.corpus
def test_a_story_is_listed_in_date_order_with_each_articles_best_sentence(corpus_service):
    timeline = corpus_service.timeline("Northern Rock")
    ids = [e.article.id for e in timeline.entries]
    assert ids == NORTHERN_ROCK
    dates = [e.article.date for e in timeline.entries]
    assert dates == sorted(dates)
    assert all("Northern Rock" in e.article.title + e.article.body for e in timeline.entries)
    assert all(e.sentence and e.sentence in e.article.body for e in timeline.entries)
    late = corpus_service.timeline("Northern Rock", SearchFilters(date_from=dt.date(2008, 1, 1)))
    assert [e.article.id for e in late.entries] == ["wn-99918"]


def test_the_sample_archive_and_an_unknown_topic(sample_service):
    timeline = sample_service.timeline("Alibaba's global expansion")
    [entry] = timeline.entries
    assert entry.article.id == "alibaba-global-expansion.txt" and entry.sentence in entry.article.body
    unknown = sample_service.timeline("sourdough baking at home")
    assert unknown.entries == [] and [h.article.id for h in unknown.closest] == ["alibaba-global-expansion.txt"]


def test_a_day_keeps_one_entry_unless_its_stories_differ():
    def entry(article_id: str, title: str, body: str, day: int, score: float) -> TimelineEntry:
        article = Article(article_id, title, body, dt.date(2020, 1, day))
        return TimelineEntry(article, 0, len(body), score)

    copy = entry("b", "Harbour reopens after storm", "The harbour reopened on Monday after the storm.", 1, 0.5)
    kept = _one_a_day(
        [entry("a", "Harbour reopens after the storm", "The harbour reopened on Monday after a storm.", 1, 0.6),
         copy,
         entry("c", "Council raises harbour fees", "Fees rise by five percent to pay for repairs.", 1, 0.4),
         entry("d", "Harbour reopens after storm", "The harbour reopened on Monday after the storm.", 2, 0.5)],
        TimelineConfig())
    assert [e.article.id for e in kept] == ["a", "c", "d"]  # b retold a's story the same day


def test_an_entry_never_shows_a_caption_or_a_fragment():
    body = "Pictures.\nThe harbour master in his office\nThe harbour reopened on Monday after the storm closed it."
    article = Article("a", "Harbour reopens", body, dt.date(2020, 1, 1))
    hit = Hit(Chunk("a#0", "a", 0, body, 0, len(body)), article, 0.6)
    entry = _entry([hit], np.zeros(3, dtype=np.float32), {}, TimelineConfig())
    assert entry.sentence == "The harbour reopened on Monday after the storm closed it."


def test_the_timeline_command(sample_service, onnx_export):
    env = {**os.environ, "ARCHIVIST_ARCHIVE_DIR": str(sample_service.settings.archive_dir),
           "ARCHIVIST_DATA_DIR": str(sample_service.settings.data_dir), "HF_HUB_OFFLINE": "1"}
    run = lambda *args: subprocess.run([sys.executable, "-m", "bot", "timeline", *args],  # noqa: E731
                                       capture_output=True, text=True, env=env, timeout=300)
    listed = json.loads(run("Alibaba's global expansion", "--json").stdout)
    assert [e["article_id"] for e in listed["entries"]] == ["alibaba-global-expansion.txt"]
    assert listed["entries"][0]["date"] == "2015-05-14"
    text = run("sourdough baking at home").stdout
    assert text.startswith("No article in the archive is about “sourdough baking at home”.") and "Closest" in text
    assert run("Alibaba", "--to", "2014-12-31").stdout.startswith("No article in the archive is about")
