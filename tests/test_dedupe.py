"""Near-duplicate stories collapse to one source."""

from __future__ import annotations

import itertools

from embeddings.dedupe import unique_stories
from embeddings.models import Article, Chunk, Hit

BODY = ("Google has bought the video sharing site YouTube for 1.65 billion dollars in stock, the companies "
        "said on Monday. The deal makes YouTube a subsidiary of Google and keeps its brand and staff.")


def hit(article_id: str, title: str, body: str) -> Hit:
    article = Article(id=article_id, title=title, body=body).with_hash()
    return Hit(Chunk(f"{article_id}#0", article_id, 0, body, 0, len(body)), article, 1.0, 0.9)


def test_syndicated_copy_is_dropped_and_distinct_story_kept():
    original = hit("a", "Google buys YouTube", BODY)
    copy = hit("b", "Google buys YouTube!", BODY + " Reporting by a wire service.")
    other = hit("c", "Google buys YouTube", "A different story entirely about search advertising revenue rising fast.")
    kept = list(unique_stories([original, copy, other]))
    assert [h.article.id for h in kept] == ["a", "c"]


def test_every_hit_of_a_duplicate_article_goes():
    first, second = hit("a", "T", BODY), hit("b", "T", BODY)
    again = Hit(Chunk("b#1", "b", 1, BODY, 0, len(BODY)), second.article, 0.5, 0.5)
    assert [h.article.id for h in unique_stories([first, second, again])] == ["a"]


def test_stories_are_compared_only_as_far_as_the_caller_reads():
    pulled = []

    def ranked():
        for i in range(100):
            pulled.append(i)
            yield hit(f"a{i}", f"Story {i}", f"Story number {i} is about topic {i} and nothing else at all.")

    first_two = list(itertools.islice(unique_stories(ranked()), 2))
    assert [h.article.id for h in first_two] == ["a0", "a1"] and pulled == [0, 1]
