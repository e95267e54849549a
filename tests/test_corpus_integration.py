"""The whole pipeline on the real Wikinews corpus with the real model (skipped without ../shared)."""

from __future__ import annotations

import pytest

from tests.conftest import load_questions

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def test_gold_article_in_top5_sources_for_most_dev_questions(corpus_service, corpus_dir):
    answerable = [q for q in load_questions(corpus_dir) if q["article_ids"]]
    found = 0
    for question in answerable:
        hits = corpus_service.retrieve(question["question"], limit=10).hits
        top5 = list(dict.fromkeys(h.article.id for h in hits))[:5]
        found += bool(set(question["article_ids"]) & set(top5))
    share = found / len(answerable)
    print(f"gold article in top 5 for {found}/{len(answerable)} answerable dev questions ({share:.2f})")
    assert share >= 0.8


def test_answers_cite_only_retrieved_passages(corpus_service, corpus_dir):
    for question in load_questions(corpus_dir)[:12]:
        answer = corpus_service.ask(question["question"])
        if answer.abstained:
            assert answer.citations == [] and answer.closest
            continue
        numbers = [c.n for c in answer.citations]
        assert numbers == list(range(1, len(numbers) + 1))
        assert len({c.article.id for c in answer.citations}) == len(numbers)
        for citation in answer.citations:
            assert f"[{citation.n}]" in answer.text
            assert citation.quote and citation.quote in citation.article.body
            assert citation.hit.chunk.text in citation.article.body
