"""Answer quality on the Wikinews dev set must not regress below these floors (skipped without ../shared)."""

from __future__ import annotations

import pytest

from bot import evaluation
from tests.conftest import CORPUS

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

# A little under what the pipeline reaches (see the README's quality section), so noise passes
# and a real regression does not.
FLOORS = {"hit@1": 0.90, "recall@5": 0.93, "mrr": 0.92}


@pytest.fixture(scope="module")
def summary(corpus_service):
    questions = evaluation.load_questions(CORPUS / "dev-questions.jsonl")
    results = evaluation.run_questions(corpus_service, questions)
    summary = evaluation.summarise(results)
    print({k: v for k, v in summary.items() if k != "by_kind"})
    return summary


def test_retrieval_floors(summary):
    retrieval = summary["retrieval"]
    for metric, floor in FLOORS.items():
        assert retrieval[metric] >= floor, (metric, retrieval[metric])


def test_hybrid_earns_its_place_over_each_signal_alone(summary):
    ours = summary["retrieval"]
    for mode in ("text", "dense"):
        assert ours["hit@1"] >= summary["baselines"][mode]["hit@1"], mode
        assert ours["mrr"] >= summary["baselines"][mode]["mrr"] - 0.01, mode


def test_answers_quote_the_evidence_briefly(summary):
    assert summary["evidence_coverage"] >= 0.68
    assert summary["median_answer_words"] <= 80


def test_abstention(summary):
    assert summary["wrongly_abstained"] <= 0.03
    assert summary["abstained_when_unanswerable"] >= 0.4
