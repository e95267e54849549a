"""The same archive in SQLite and in PostgreSQL answers the Wikinews dev questions alike (real model)."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from tests.conftest import load_questions

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


class KnownQuestions:
    """The real encoder, with the questions' vectors computed up front so that timings measure the stores."""

    def __init__(self, inner, questions: list[str]) -> None:
        self.inner = inner
        self.model_name, self.dimension, self.max_tokens = inner.model_name, inner.dimension, inner.max_tokens
        self._vectors = {question: inner.encode_query(question) for question in questions}

    def count_tokens(self, texts):
        return self.inner.count_tokens(texts)

    def encode_documents(self, texts):
        return self.inner.encode_documents(texts)

    def encode_with_spans(self, texts, spans, contexts):
        return self.inner.encode_with_spans(texts, spans, contexts)

    def encode_query(self, text: str):
        return self._vectors[text] if text in self._vectors else self.inner.encode_query(text)


def evaluate(services: dict[str, ArchivistService], questions: list[dict]) -> dict[str, dict[str, float]]:
    """hit@1, recall@5 and query latency (median, p95, in ms) of each service over the answerable questions.

    hit@1: the first source's article is a gold article. recall@5: the share of gold articles among
    the first five distinct articles. Latency is one `retrieve` (both searches, fusion, fetch; the
    services' encoder has the questions' vectors ready); the stores take turns on each question so that other load on
    the machine falls on both alike.
    """
    answerable = [q for q in questions if q["article_ids"]]
    for service in services.values():
        service.retrieve(answerable[0]["question"])  # warm up: connections, the SQLite vector matrix
    hits = {name: 0.0 for name in services}
    recalls = {name: 0.0 for name in services}
    latencies: dict[str, list[float]] = {name: [] for name in services}
    for question in answerable:
        gold = set(question["article_ids"])
        for name, service in services.items():
            started = time.perf_counter()
            result = service.retrieve(question["question"], limit=10)
            latencies[name].append((time.perf_counter() - started) * 1000)
            articles = list(dict.fromkeys(hit.article.id for hit in result.hits))
            hits[name] += bool(articles) and articles[0] in gold
            recalls[name] += len(gold & set(articles[:5])) / len(gold)
    return {
        name: {"hit@1": hits[name] / len(answerable), "recall@5": recalls[name] / len(answerable),
               "median_ms": statistics.median(latencies[name]),
               "p95_ms": statistics.quantiles(latencies[name], n=20)[-1], "questions": len(answerable)}
        for name in services
    }


def test_sqlite_and_postgres_score_the_dev_set_alike(corpus_service, corpus_dir, real_encoder, postgres_url, tmp_path):
    questions = load_questions(corpus_dir)
    encoder = KnownQuestions(real_encoder, [q["question"] for q in questions])
    sqlite = ArchivistService(corpus_service.settings, encoder=encoder)  # the session's SQLite index
    settings = Settings(archive_dir=corpus_dir / "articles.jsonl", data_dir=tmp_path, database_url=postgres_url)
    postgres = ArchivistService(settings, encoder=encoder)
    started = time.perf_counter()
    report = postgres.reindex()
    seconds = time.perf_counter() - started
    assert report.failed == [] and report.added.total == sqlite.stats().articles
    assert postgres.stats().chunks == sqlite.stats().chunks
    assert postgres.stats().location.startswith("postgresql://")
    try:
        figures = evaluate({"sqlite": sqlite, "postgres": postgres}, questions)
        gold = sorted({a for q in questions for a in q["article_ids"]})
        in_sqlite, in_postgres = sqlite.store.sentence_vectors(gold), postgres.store.sentence_vectors(gold)
    finally:
        postgres.store.close()
    print(f"\nPostgreSQL reindex of the corpus (vectors already computed): {seconds:.1f}s")
    for name, row in figures.items():
        print(f"{name:>8}: hit@1 {row['hit@1']:.3f}  recall@5 {row['recall@5']:.3f}  "
              f"latency median {row['median_ms']:.1f} ms  p95 {row['p95_ms']:.1f} ms  ({row['questions']} questions)")
    # The stores rank full text with different tokenisers (FTS5's unicode61 + Porter; PostgreSQL's
    # parser + Snowball, which reads "4.75%" as one token where FTS5 sees two) and pgvector's HNSW is
    # approximate, so a question on a knife edge may flip: one question's worth of difference, no more.
    # The answerer's sentence vectors are stored alike: the same sentences, the same float16 values.
    assert set(in_sqlite) == set(in_postgres) == set(gold)
    for article_id in gold:
        assert in_sqlite[article_id].content_hash == in_postgres[article_id].content_hash
        assert in_sqlite[article_id].by_span.keys() == in_postgres[article_id].by_span.keys()
        for span, vector in in_sqlite[article_id].by_span.items():
            assert np.array_equal(vector, in_postgres[article_id].by_span[span])
    one_question = 1 / figures["sqlite"]["questions"] + 1e-9
    assert abs(figures["sqlite"]["hit@1"] - figures["postgres"]["hit@1"]) <= one_question
    assert abs(figures["sqlite"]["recall@5"] - figures["postgres"]["recall@5"]) <= one_question
