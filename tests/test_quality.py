"""Answer quality on the Wikinews dev and held-out questions must not regress below these floors (skipped without ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import evaluation
from tests.conftest import CORPUS

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

HELD_OUT = Path(__file__).resolve().parents[1] / "evaluation" / "heldout-questions.jsonl"

# A little under what the pipeline reaches (see the README's quality section: dev hit@1 0.97,
# recall@5 0.96, MRR 0.97, coverage 0.81, abstention 1.00; held-out 0.92, 1.00, 0.96, 0.63, 0.90),
# so one question's worth of noise passes and a real regression does not. Coverage gets more room:
# int8 vectors differ slightly between CPUs (and with a batch's padding), and several answers sit
# on a knife edge between two sentences — a change of that size moved held-out coverage by 0.04.
FLOORS = {
    "dev": {"hit@1": 0.91, "recall@5": 0.93, "mrr": 0.94, "coverage": 0.73, "abstained": 0.8},
    "held-out": {"hit@1": 0.89, "recall@5": 0.97, "mrr": 0.93, "coverage": 0.55, "abstained": 0.8},
}
# The dev questions over a bigger archive (business + half the politics corpus) keep the dev floors:
# on the whole politics corpus added (5,400 articles) every figure measured the same as without it.
FLOORS["dev, bigger archive"] = FLOORS["dev"]


@pytest.fixture(scope="module", params=["dev", "held-out", "dev, bigger archive"])
def measured(request):
    service = request.getfixturevalue("haystack_service" if "bigger" in request.param else "corpus_service")
    path = HELD_OUT if request.param == "held-out" else CORPUS / "dev-questions.jsonl"
    results = evaluation.run_questions(service, evaluation.load_questions(path))
    summary = evaluation.summarise(results)
    print(request.param, {k: v for k, v in summary.items() if k != "by_kind"})
    return FLOORS[request.param], summary


def test_retrieval_floors(measured):
    floors, summary = measured
    for metric in ("hit@1", "recall@5", "mrr"):
        assert summary["retrieval"][metric] >= floors[metric], (metric, summary["retrieval"][metric])


def test_hybrid_earns_its_place_over_each_signal_alone(measured):
    _, summary = measured
    ours = summary["retrieval"]
    for mode in ("text", "dense"):
        assert ours["hit@1"] >= summary["baselines"][mode]["hit@1"], mode
        assert ours["mrr"] >= summary["baselines"][mode]["mrr"] - 0.01, mode


def test_answers_quote_the_evidence_briefly(measured):
    floors, summary = measured
    assert summary["evidence_coverage"] >= floors["coverage"]
    assert summary["median_answer_words"] <= 80


def test_abstention(measured):
    floors, summary = measured
    assert summary["wrongly_abstained"] <= 0.03
    assert summary["abstained_when_unanswerable"] >= floors["abstained"]
