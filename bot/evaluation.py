"""Answer-quality evaluation: runs questions through the service and scores retrieval, answers, abstention."""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering import Answer
from bot.errors import ArchivistError
from bot.percentiles import percentile
from bot.service import ArchivistService

_WORD = re.compile(r"\w+")
_MARKER = re.compile(r"\[\d+\]")
COVERAGE_SHARE = 0.6  # an evidence string is covered when the answer holds 60% of its words


@dataclass(frozen=True)
class Question:
    """One evaluation question in the schema of dev-questions.jsonl."""

    id: str
    question: str
    article_ids: tuple[str, ...]
    evidence: tuple[str, ...]
    kind: str

    @property
    def answerable(self) -> bool:
        return bool(self.article_ids)


@dataclass
class QuestionResult:
    question: Question
    sources: list[str]
    answer: str
    abstained: bool
    latency_ms: float
    ranked: dict[str, list[str]] = field(default_factory=dict)  # retrieval-only rankings by mode
    abstained_by: str = ""  # the abstention rule that refused, when abstained
    answer_detail: Answer | None = None  # the whole Answer (composed answers are scored on it too)


def load_questions(path: Path) -> list[Question]:
    """Read a questions file, with a clear error for a malformed line."""
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ArchivistError(f"cannot read {path} ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            questions.append(Question(
                id=str(record["id"]), question=str(record["question"]),
                article_ids=tuple(record.get("article_ids") or ()), evidence=tuple(record.get("evidence") or ()),
                kind=str(record.get("kind") or "other"),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ArchivistError(f"{path}:{number}: not a question record ({exc}); see dev-questions.jsonl") from exc
    return questions


def answer_sources(answer: Answer) -> list[str]:
    """Article ids in the order a reader meets them: cited (or closest) first, then the rest retrieved."""
    shown = [hit.article.id for hit in answer.sources]
    return list(dict.fromkeys(shown + [hit.article.id for hit in answer.retrieved]))


def run_questions(service: ArchivistService, questions: Sequence[Question],
                  on_progress: Callable[[int], None] | None = None,
                  baselines: Iterable[str] = ("text", "dense"), answerer: str | None = None) -> list[QuestionResult]:
    """Ask every question (and rank it by each baseline retrieval mode) against the current index."""
    results = []
    for done, question in enumerate(questions, start=1):
        started = time.perf_counter()
        answer = service.ask(question.question, answerer=answerer)
        result = question_result(question, answer, (time.perf_counter() - started) * 1000)
        for mode in baselines:
            hits = service.retrieve(question.question, limit=20, mode=mode).hits
            result.ranked[mode] = list(dict.fromkeys(h.article.id for h in hits))
        results.append(result)
        if on_progress:
            on_progress(done)
    return results


def question_result(question: Question, answer: Answer, latency_ms: float) -> QuestionResult:
    """What the figures are computed from: one question's answer, as the reader meets it."""
    return QuestionResult(question, answer_sources(answer), answer.text, answer.abstained, latency_ms,
                          abstained_by=answer.abstained_by, answer_detail=answer)


def retrieval_metrics(rankings: Sequence[tuple[Sequence[str], Sequence[str]]]) -> dict[str, float]:
    """hit@1, recall@5, recall@10 and MRR over (ranked article ids, gold ids) pairs."""
    if not rankings:
        return {}
    hit1 = r5 = r10 = mrr = 0.0
    for ranked, gold in rankings:
        gold_set = set(gold)
        hit1 += bool(ranked) and ranked[0] in gold_set
        r5 += len(gold_set & set(ranked[:5])) / len(gold_set)
        r10 += len(gold_set & set(ranked[:10])) / len(gold_set)
        mrr += next((1 / rank for rank, a in enumerate(ranked, start=1) if a in gold_set), 0.0)
    n = len(rankings)
    return {"hit@1": hit1 / n, "recall@5": r5 / n, "recall@10": r10 / n, "mrr": mrr / n}


def evidence_coverage(answer: str, evidence: Sequence[str]) -> float:
    """Share of evidence strings of which the answer holds at least COVERAGE_SHARE of the words."""
    if not evidence:
        return 0.0
    answer_words = set(_words(answer))
    covered = 0
    for item in evidence:
        words = _words(item)
        if words and sum(w in answer_words for w in words) / len(words) >= COVERAGE_SHARE:
            covered += 1
    return covered / len(evidence)


def answer_length(answer: str) -> int:
    """Words in an answer, not counting its [n] markers."""
    return len(_WORD.findall(_MARKER.sub(" ", answer)))


def summarise(results: Sequence[QuestionResult]) -> dict:
    """Overall and per-kind figures, plus the retrieval baselines and the latency of ask."""
    summary = _figures(results)
    summary["by_kind"] = {kind: _figures([r for r in results if r.question.kind == kind])
                          for kind in sorted({r.question.kind for r in results})}
    answerable = [r for r in results if r.question.answerable]
    summary["baselines"] = {
        mode: retrieval_metrics([(r.ranked[mode], r.question.article_ids) for r in answerable])
        for mode in (results[0].ranked if results else {})
    }
    summary["abstentions"] = abstentions_by_rule(results)
    composed = composition(results)
    if composed:
        summary["composed"] = composed
    latencies = [r.latency_ms for r in results]
    summary["latency_ms"] = {"p50": _rounded(percentile(latencies, 50)), "p95": _rounded(percentile(latencies, 95))}
    return summary


def composition(results: Sequence[QuestionResult]) -> dict:
    """For answers a language model was asked to write: how many were shown in its words, why the others
    fell back, the share of its sentences the check kept, and the time to the first verified sentence."""
    asked = [r.answer_detail for r in results if r.answer_detail is not None and _model_asked(r.answer_detail)]
    if not asked:
        return {}
    shown = [a for a in asked if a.answerer == "composed" and not a.abstained]
    reasons: dict[str, int] = {}
    for a in asked:
        if a.fallback_reason:
            key = a.fallback_reason.split(":")[0].split(" (")[0]
            reasons[key] = reasons.get(key, 0) + 1
    written = sum(a.model_sentences for a in asked)
    kept = written - sum(len(a.dropped) for a in asked)
    first = [a.timings["first_sentence"] for a in shown if "first_sentence" in a.timings]
    first_ms = {"p50": _rounded(percentile(first, 50)), "p95": _rounded(percentile(first, 95))} if first else None
    return {"asked": len(asked), "shown_composed": len(shown),
            "fallback_rate": sum(1 for a in asked if a.fallback_reason) / len(asked),
            "fallback_reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
            "sentences_written": written, "sentences_kept_share": kept / written if written else 0.0,
            "first_sentence_ms": first_ms}


def _model_asked(answer: Answer) -> bool:
    """Whether a language model was asked for this answer (the policy may have refused before)."""
    if answer.fallback_reason:
        return True
    return answer.answerer == "composed" and not answer.abstained


def abstentions_by_rule(results: Sequence[QuestionResult]) -> dict[str, dict[str, int]]:
    """Per abstention rule: how many questions it refused rightly (unanswerable) and wrongly (answerable)."""
    counted: dict[str, dict[str, int]] = {}
    for r in results:
        if r.abstained:
            tally = counted.setdefault(r.abstained_by or "?", {"right": 0, "wrong": 0})
            tally["wrong" if r.question.answerable else "right"] += 1
    return dict(sorted(counted.items()))


def _figures(results: Sequence[QuestionResult]) -> dict:
    answerable = [r for r in results if r.question.answerable]
    unanswerable = [r for r in results if not r.question.answerable]
    figures: dict = {"questions": len(results)}
    if answerable:
        figures["retrieval"] = retrieval_metrics([(r.sources, r.question.article_ids) for r in answerable])
        figures["evidence_coverage"] = statistics.fmean(evidence_coverage(r.answer, r.question.evidence)
                                                        for r in answerable)
        figures["wrongly_abstained"] = sum(r.abstained for r in answerable) / len(answerable)
        answered = [answer_length(r.answer) for r in answerable if not r.abstained]
        figures["median_answer_words"] = statistics.median(answered) if answered else 0
    if unanswerable:
        figures["abstained_when_unanswerable"] = sum(r.abstained for r in unanswerable) / len(unanswerable)
    return figures


def report_json(results: Sequence[QuestionResult]) -> dict:
    """The --json document: the summary and, per question, its sources, answer and abstention."""
    return {
        "summary": summarise(results),
        "questions": [{"id": r.question.id, "sources": r.sources, "answer": r.answer, "abstained": r.abstained,
                       "abstained_by": r.abstained_by or None, **_detail(r.answer_detail)} for r in results],
    }


def _detail(answer: Answer | None) -> dict:
    """Who wrote the answer and what it cites (passage spans), so a composed answer can be judged by reading."""
    if answer is None:
        return {}
    return {"answerer": answer.answerer, "fallback_reason": answer.fallback_reason,
            "citations": [{"n": c.n, "article_id": c.article.id, "passage": [c.hit.chunk.start, c.hit.chunk.end]}
                          for c in answer.citations],
            "dropped": [{"sentence": d.sentence, "reason": d.reason} for d in answer.dropped]}


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _rounded(value: float | None) -> float:
    return round(value, 1) if value is not None else 0.0
