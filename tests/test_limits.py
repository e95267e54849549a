"""Limits on file size, article length and passages per article: refused with a reason, nothing lost."""

from __future__ import annotations

import pytest

from embeddings.indexer import reindex
from embeddings.parsing import ParseLimits
from embeddings.store import SQLiteStore
from tests.fakes import HashingEncoder

LIMITS = ParseLimits(max_file_bytes=4096, max_body_chars=2000, max_chunks_per_article=3)


@pytest.fixture
def store(tmp_path):
    made = SQLiteStore(tmp_path / "data" / "index.sqlite3")
    yield made
    made.close()


def article_text(title: str, paragraphs: int, words: int = 8) -> str:
    body = "\n\n".join(" ".join(f"word{p}x{w}" for w in range(words)) + "." for p in range(paragraphs))
    return f"{title}\n\n{body}\n"


def test_each_limit_refuses_with_a_clear_reason_and_keeps_the_old_version(tmp_path, store):
    root = tmp_path / "archive"
    root.mkdir()
    for name in ("big-file.txt", "long-article.txt", "many-passages.txt", "fine.txt"):
        (root / name).write_text(article_text(name, 2), encoding="utf-8")
    encoder = HashingEncoder(max_tokens=12)  # one paragraph per passage
    first = reindex(root, store, encoder, limits=LIMITS)
    assert first.added.total == 4 and first.failed == []

    (root / "big-file.txt").write_text(article_text("big", 1, words=600), encoding="utf-8")     # > 4 KiB
    (root / "long-article.txt").write_text(article_text("long", 1, words=300), encoding="utf-8")  # > 2000 chars
    (root / "many-passages.txt").write_text(article_text("many", 5), encoding="utf-8")         # 5 > 3 passages
    (root / "fine.txt").write_text(article_text("fine", 3), encoding="utf-8")
    report = reindex(root, store, encoder, limits=LIMITS)

    reasons = {f.path: f.reason for f in report.failed}
    assert set(reasons) == {"big-file.txt", "long-article.txt", "many-passages.txt"}
    assert reasons["big-file.txt"].endswith("over the 4 KiB limit for .txt files; split it into smaller files")
    assert "over the 2,000 limit; split it into several articles" in reasons["long-article.txt"]
    assert "makes 5 passages, over the limit of 3; split it into several articles" in reasons["many-passages.txt"]
    # Only the clean file counts as updated; the refused ones keep what they held before.
    assert (report.updated.total, report.added.total, report.removed.total, report.failed.total) == (1, 0, 0, 3)
    assert report.updated == ["fine.txt"]
    for name in ("big-file.txt", "long-article.txt", "many-passages.txt"):
        assert store.get_article(name).title == name
    assert store.get_article("fine.txt").title == "fine"


def test_a_new_article_over_the_passage_limit_is_not_counted_as_added(tmp_path, store):
    root = tmp_path / "archive"
    root.mkdir()
    (root / "huge.txt").write_text(article_text("huge", 6), encoding="utf-8")
    report = reindex(root, store, HashingEncoder(max_tokens=12), limits=LIMITS)
    assert (report.added.total, report.added, report.failed.total) == (0, [], 1)
    assert store.get_article("huge.txt") is None
