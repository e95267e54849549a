"""The evaluation's metrics on hand-made cases."""

from __future__ import annotations

import json

import pytest

from bot.errors import ArchivistError
from bot.evaluation import answer_length, evidence_coverage, load_questions, retrieval_metrics


def test_retrieval_metrics():
    metrics = retrieval_metrics([
        (["a", "b", "c"], ["a"]),            # hit at 1
        (["x", "y", "g1", "z"], ["g1", "g2"]),  # one of two gold at rank 3
        (["p", "q"], ["r"]),                 # missed
    ])
    assert metrics["hit@1"] == pytest.approx(1 / 3)
    assert metrics["recall@5"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert metrics["mrr"] == pytest.approx((1 + 1 / 3 + 0) / 3)


def test_evidence_coverage_needs_sixty_percent_of_the_words():
    evidence = ["Zhang said the company would prioritise international hiring."]
    assert evidence_coverage("The company would prioritise international hiring, Zhang said. [1]", evidence) == 1.0
    assert evidence_coverage("The company would hire. [1]", evidence) == 0.0
    assert evidence_coverage("anything", []) == 0.0
    two = ["alpha beta gamma delta", "epsilon zeta eta theta"]
    assert evidence_coverage("alpha beta gamma", two) == 0.5


def test_answer_length_ignores_markers():
    assert answer_length("One two three. [1] Four five. [2]") == 5


def test_load_questions_reports_the_bad_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "q1", "question": "Why?", "article_ids": ["a"], "kind": "fact"}) + "\n{broken\n")
    with pytest.raises(ArchivistError, match="q.jsonl:2"):
        load_questions(path)
    path.write_text(json.dumps({"id": "q1", "question": "Why?"}) + "\n")
    [question] = load_questions(path)
    assert question.kind == "other" and not question.answerable


def test_composed_answers_are_counted_by_fate_and_refusals_by_rule():
    from bot.answering.types import Answer, Dropped
    from bot.evaluation import Question, question_result, summarise

    asked = Question("q1", "Q?", ("a",), (), "fact")
    unanswerable = Question("q2", "U?", (), (), "unanswerable")
    shown = Answer("Q?", "Kept. [1]", [], False, answerer="composed", model_sentences=2,
                   dropped=(Dropped("Moon.", "the name 'Moon' is not in the cited passages"),),
                   timings={"first_token": 100.0, "first_sentence": 250.0, "total": 400.0})
    fell_back = Answer("Q?", "Quoted. [1]", [], False, answerer="extractive", fallback_reason="HTTP 429 (rate limited)")
    refused = Answer("U?", "I couldn't find that in the archive.", [], True, abstained_by="unknown-name",
                     answerer="composed")  # the policy refused: no model was asked
    wrongly = Answer("Q?", "I couldn't find that in the archive.", [], True, abstained_by="low-similarity")
    summary = summarise([question_result(asked, shown, 1), question_result(asked, fell_back, 1),
                         question_result(unanswerable, refused, 1), question_result(asked, wrongly, 1)])
    composed = summary["composed"]
    assert (composed["asked"], composed["shown_composed"], composed["fallback_rate"]) == (2, 1, 0.5)
    assert composed["fallback_reasons"] == {"HTTP 429": 1} and composed["sentences_kept_share"] == 0.5
    assert composed["first_sentence_ms"] == {"p50": 250.0, "p95": 250.0}
    assert summary["abstentions"] == {"low-similarity": {"right": 0, "wrong": 1},
                                      "unknown-name": {"right": 1, "wrong": 0}}
