"""The reader's labelled data: only training articles, every reference and evidence string verbatim, a stable split."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "training" / "data"
LABELS = {"answers", "partly", "no"}


@pytest.fixture(scope="module")
def corpus():
    from training.corpus import CORPORA, TRAIN_LIST, articles, train_ids

    missing = [p for p in [*CORPORA.values(), TRAIN_LIST] if not p.is_file()]
    if missing:
        pytest.skip(f"the shared corpus is not at {missing[0].parent} (it lives beside the repository in ../shared)")
    return articles(), train_ids()


def records(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def span(known, reference: str) -> str:
    article_id, offsets = reference.rsplit(":", 1)
    start, end = (int(x) for x in offsets.split("-"))
    body = known[article_id].body
    assert 0 <= start < end <= len(body), reference
    return body[start:end]


def test_questions_are_about_training_articles_with_verbatim_evidence_and_labelled_candidates(corpus):
    known, train = corpus
    questions = records("questions.jsonl")
    assert len(questions) >= 3000 and len({q["id"] for q in questions}) == len(questions)
    kinds = Counter(q["kind"] for q in questions)
    assert kinds["unanswerable"] >= 0.15 * len(questions) and set(kinds) == {
        "fact", "quote", "paraphrase", "date", "multi", "unanswerable"}
    assert 0.4 <= sum(q["style"] == "chat" for q in questions) / len(questions) <= 0.6
    for q in questions:
        assert set(q["article_ids"]) | set(q["about"]) <= train, q["id"]
        for text in q["evidence"]:
            assert any(text in f"{known[a].title}\n{known[a].body}" for a in q["article_ids"]), q["id"]
        assert q["candidates"] and {c["label"] for c in q["candidates"]} <= LABELS, q["id"]
        for c in q["candidates"]:
            span(known, c["ref"])
        assert q["made"]


def test_training_never_sees_an_evaluation_article_as_an_answer(corpus):
    """The writers labelled evaluation articles' sentences too (they were on the sheets); the loader keeps
    them only as negatives (../shared/corpus/splits/README.md)."""
    from training.datasets import answer_groups

    _, train = corpus
    positives = [c for g in answer_groups() for c in g.candidates if c.label != "no"]
    assert positives and all(c.article_id in train for c in positives)


def test_claims_cite_training_passages_and_a_fifth_are_real_model_output(corpus):
    known, train = corpus
    claims = records("claims.jsonl")
    assert len(claims) >= 3000 and len({c["id"] for c in claims}) == len(claims)
    model = [c for c in claims if str(c["kind"]).startswith("model:")]
    assert len(model) >= 0.2 * len(claims)
    assert {c["kind"].split(":")[1] for c in model} >= {"smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"}
    for c in claims:
        assert all(r.split(":")[0] in train for r in c["passages"]), c["id"]
        for reference in c["passages"]:
            span(known, reference)
        assert c["cites"] and all(1 <= n <= len(c["passages"]) for n in c["cites"]) and c["made"]


def test_the_validation_part_is_about_fifteen_percent_and_split_by_family():
    from training.merge import split_of

    for name, key in (("questions.jsonl", lambda r: r["id"]),):
        items = records(name)
        share = sum(r["split"] == "validation" for r in items) / len(items)
        assert 0.10 <= share <= 0.20
        assert all(r["split"] == split_of(key(r)) for r in items)  # the split is a pure function of the id
    claims = records("claims.jsonl")
    by_family: dict[str, set[str]] = {}
    for c in claims:
        if not str(c["kind"]).startswith("model:"):
            by_family.setdefault("|".join(sorted(c["passages"])), set()).add(c["split"])
    assert all(len(splits) == 1 for splits in by_family.values())  # no passage on both sides


def test_validate_counts_evaluation_sentences_labelled_as_answers(corpus):
    """Such a label is lost (training keeps an evaluation sentence only as a negative), so the writer is told."""
    from training.labelling.validate import eval_positives

    known, train = corpus
    training_article = next(a for a in known if a in train)
    evaluation_article = next(a for a in known if a not in train)
    sheet = {"candidates": [{"n": 1, "article_id": training_article}, {"n": 2, "article_id": evaluation_article},
                            {"n": 3, "article_id": evaluation_article}]}
    assert eval_positives({"answers": [1, 2], "partly": []}, sheet) == [2]
    assert eval_positives({"answers": [1], "partly": [3]}, sheet) == [3]
    assert eval_positives({"answers": [1], "partly": []}, sheet) == []
