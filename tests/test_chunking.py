"""Sentence splitting and chunking: exact offsets, paragraph/sentence boundaries, the token limit."""

from __future__ import annotations

import json

import pytest

from embeddings.chunking import ChunkingPolicy, chunk_article, embedding_text
from embeddings.models import Article
from embeddings.parsing import iter_articles
from embeddings.sentences import sentence_spans
from tests.conftest import SAMPLE_ARCHIVE
from tests.fakes import HashingEncoder


def split_sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_respect_abbreviations_initials_and_quotes():
    text = ("Mr. Smith went to the U.S. on Monday. He said “hello.” Then J. K. Rowling spoke. "
            "It cost $3.5 bn. Apple Inc. rose! Did it?\nNew line starts here")
    assert split_sentences(text) == [
        "Mr. Smith went to the U.S. on Monday.", "He said “hello.”", "Then J. K. Rowling spoke.",
        "It cost $3.5 bn.", "Apple Inc. rose!", "Did it?", "New line starts here",
    ]


def test_sentence_lowercase_continuation_is_not_split():
    text = "Shares fell 3 p.c. yesterday. e.g. this one."
    assert split_sentences(text) == [text]


def _article(body: str, title: str = "A headline") -> Article:
    return Article(id="a", title=title, body=body).with_hash()


def test_short_paragraphs_merge_and_offsets_are_exact():
    body = "First para one.\n\nSecond para two.\n\nThird para three."
    chunks = chunk_article(_article(body), HashingEncoder().count_tokens,
                           ChunkingPolicy(max_tokens=50, target_tokens=40))
    assert len(chunks) == 1
    assert chunks[0].text == body and (chunks[0].start, chunks[0].end) == (0, len(body))


def test_paragraphs_split_when_over_target():
    paragraphs = [" ".join(f"p{i}w{j}" for j in range(30)) + "." for i in range(4)]
    body = "\n\n".join(paragraphs)
    chunks = chunk_article(_article(body), HashingEncoder().count_tokens,
                           ChunkingPolicy(max_tokens=70, target_tokens=70))
    assert [c.text for c in chunks] == ["\n\n".join(paragraphs[:2]), "\n\n".join(paragraphs[2:])]
    assert [c.ordinal for c in chunks] == [0, 1] and [c.id for c in chunks] == ["a#0", "a#1"]


def test_long_paragraph_splits_on_sentences_and_long_sentence_on_words():
    sentence = "Word " + " ".join(["word"] * 29) + "."
    monster = " ".join(["huge"] * 200) + "."
    body = " ".join([sentence] * 5) + "\n\n" + monster
    counter = HashingEncoder().count_tokens
    policy = ChunkingPolicy(max_tokens=64, target_tokens=64)
    chunks = chunk_article(_article(body, title="T"), counter, policy)
    for chunk in chunks:
        assert body[chunk.start:chunk.end] == chunk.text
        assert counter([embedding_text("T", chunk.text)])[0] <= policy.max_tokens
    assert chunks[0].text.endswith(".") and chunks[0].text.startswith("Word")
    covered = "".join(c.text for c in chunks).replace(" ", "").replace("\n", "")
    assert covered == body.replace(" ", "").replace("\n", "")


def test_sample_article_chunks_fit_the_real_model(real_encoder):
    [article] = [a for a in iter_articles(SAMPLE_ARCHIVE / "alibaba-global-expansion.txt", "x.txt")]
    chunks = chunk_article(article, real_encoder.count_tokens, ChunkingPolicy(max_tokens=real_encoder.max_tokens))
    assert len(chunks) >= 2
    for chunk in chunks:
        assert article.body[chunk.start:chunk.end] == chunk.text
        assert real_encoder.count_tokens([embedding_text(article.title, chunk.text)])[0] <= real_encoder.max_tokens


def test_longest_corpus_articles_fit_the_real_model(real_encoder, corpus_dir):
    records = [json.loads(line) for line in (corpus_dir / "articles.jsonl").open()]
    longest = sorted(records, key=lambda r: -len(r["body"]))[:3]
    policy = ChunkingPolicy(max_tokens=real_encoder.max_tokens)
    for record in longest:
        article = Article(id=record["id"], title=record["title"], body=record["body"]).with_hash()
        chunks = chunk_article(article, real_encoder.count_tokens, policy)
        counts = real_encoder.count_tokens([embedding_text(article.title, c.text) for c in chunks])
        assert max(counts) <= real_encoder.max_tokens
        assert all(article.body[c.start:c.end] == c.text for c in chunks)
        # Nothing is lost between chunks: only whitespace separates consecutive chunks.
        for before, after in zip(chunks, chunks[1:]):
            assert article.body[before.end:after.start].strip() == ""
        assert chunks[0].start == 0 and chunks[-1].end == len(article.body)


@pytest.mark.parametrize("max_tokens", [20, 64, 254])
def test_chunks_cover_body_without_gaps(max_tokens):
    body = "\n\n".join(" ".join(f"w{p}{i}." if i % 7 == 6 else f"w{p}{i}" for i in range(n))
                       for p, n in enumerate([5, 80, 3, 400, 12]))
    chunks = chunk_article(_article(body), HashingEncoder().count_tokens,
                           ChunkingPolicy(max_tokens=max_tokens, target_tokens=max_tokens))
    assert chunks[0].start == 0 and chunks[-1].end == len(body)
    for before, after in zip(chunks, chunks[1:]):
        assert body[before.end:after.start].strip() == ""
