"""Learn how the extractive answer ranks sentences without the reader, on the tuning questions; write the weights.

    python -m benchmarks.fit_answer --data-dir DIR [--write]

For every answerable tuning question, the sentences the answer may quote (Candidate.features) are
labelled by the question's evidence: a sentence holding 60% of an evidence string's words (what
`archivist eval` counts as covering it), or lying within one, answers it. A pairwise logistic
model (each answering sentence against each other sentence of the same question) gives the
weights; they are scaled so that similarity weighs 1, as before, and the margin within which
further sentences join the best one is chosen on the cross-validated answers (5 folds by
question): the figure is evidence coverage, as `archivist eval` measures it. --write stores them in
bot/learned_weights.json ("extractive"). The sealed questions are never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import sys
from pathlib import Path

import numpy as np

from benchmarks.tune import CachedRetrievals, score
from bot import evaluation
from bot.answering.candidates import FEATURES, measure_similarity, measure_words
from bot.answering.extractive import ExtractiveConfig, prepare, question_vector
from bot.answering.quotes import speaker_query
from bot.learned import LEARNED, load_learned, save_learned
from bot.service import ArchivistService
from bot.settings import Settings
from bot.tuning import Tuning

REPO = Path(__file__).resolve().parents[1]
TUNING = REPO / "evaluation" / "tuning-questions.jsonl"
MARGINS = (0.15, 0.25, 0.35, 0.5, 0.75, 1.0, 2.0)
_WORD = re.compile(r"\w+")


def answers_evidence(sentence: str, evidence: tuple[str, ...]) -> bool:
    """It covers an evidence string as `archivist eval` counts it, or lies within one (80% of its words)."""
    words = {w.lower() for w in _WORD.findall(sentence)}
    for item in evidence:
        if evaluation.evidence_coverage(sentence, [item]) > 0:
            return True
        wanted = {w.lower() for w in _WORD.findall(item)}
        if words and sum(w in wanted for w in words) / len(words) >= 0.8:
            return True
    return False


def candidate_rows(service: ArchivistService, cache: CachedRetrievals, tuning: Tuning,
                   questions: list[evaluation.Question]) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Per answerable question: (its index, candidate features, labels)."""
    rows = []
    cfg = tuning.extractive
    for index, question in enumerate(questions):
        if not question.answerable:
            continue
        result = cache.get(tuning.retrieval, question.question)
        sources, candidates, _ = prepare(question.question, result, cfg)
        if not candidates:
            continue
        measure_words(candidates, question.question, speaker_query(question.question))
        stored = service.store.sentence_vectors([s.article.id for s in sources])
        vector = question_vector(question.question, result, service.encoder)
        candidates = measure_similarity(candidates, vector, service.encoder, stored)
        x = np.array([[c.features()[name] for name in FEATURES] for c in candidates])
        y = np.array([answers_evidence(c.text, question.evidence) for c in candidates])
        if y.any() and not y.all():
            rows.append((index, x, y))
    return rows


def fit_pairwise(rows: list[tuple[int, np.ndarray, np.ndarray]]) -> np.ndarray:
    """Weights from a logistic model of "this sentence answers, that one does not", within questions."""
    from sklearn.linear_model import LogisticRegression

    diffs, labels = [], []
    for _, x, y in rows:
        for pos in np.flatnonzero(y):
            for neg in np.flatnonzero(~y):
                diffs += [x[pos] - x[neg], x[neg] - x[pos]]
                labels += [1, 0]
    model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=5000).fit(np.array(diffs), np.array(labels))
    weights = model.coef_[0]
    similarity = weights[FEATURES.index("similarity")]
    return weights / similarity if similarity > 0 else weights


def config_with(base: ExtractiveConfig, weights: np.ndarray, margin: float) -> ExtractiveConfig:
    named = {f"w_{name}": round(float(w), 4) for name, w in zip(FEATURES, weights)}
    return dataclasses.replace(base, sentence_margin=margin, **named)


def coverage(cache: CachedRetrievals, tuning: Tuning, questions, config: ExtractiveConfig) -> float:
    return score(cache, dataclasses.replace(tuning, extractive=config), questions).get("evidence_coverage", 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an index of both Wikinews corpora")
    parser.add_argument("--questions", type=Path, default=TUNING,
                        help="the questions to fit on (default: the tuning part; never a sealed set)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    service = ArchivistService(Settings(data_dir=args.data_dir))
    # The hand weights rank sentences on their own when the reader is off, and choose its shortlist when it is
    # on: they are fitted and scored without it (the reference the reader is measured against).
    tuning = dataclasses.replace(Tuning(), reading=dataclasses.replace(Tuning().reading, shortlist=0))
    assert "sealed" not in args.questions.name, "never fit on a sealed set"
    questions = evaluation.load_questions(args.questions)
    cache = CachedRetrievals(service)
    rows = candidate_rows(service, cache, tuning, questions)
    answerable = [i for i, q in enumerate(questions) if q.answerable]
    folds = [set(answerable[i::5]) for i in range(5)]  # every answerable question is held out once
    by_margin = {m: [] for m in MARGINS}
    current = []
    for fold in folds:
        weights = fit_pairwise([r for r in rows if r[0] not in fold])
        held = [questions[i] for i in sorted(fold)]
        current.append(coverage(cache, tuning, held, tuning.extractive))
        for margin in MARGINS:
            by_margin[margin].append(coverage(cache, tuning, held, config_with(tuning.extractive, weights, margin)))
    cross = {m: float(np.mean(v)) for m, v in by_margin.items()}
    margin = max(cross, key=cross.get)
    before = float(np.mean(current))
    print(f"{args.questions.name}: {len(answerable)} answerable questions, {len(rows)} with an answering sentence "
          "among their candidates")
    print(f"  coverage with the current weights, the same folds: {before:.3f}")
    print("  cross-validated coverage by margin: " + ", ".join(f"{m}: {c:.3f}" for m, c in cross.items()))
    weights = fit_pairwise(rows)
    print("  weights: " + ", ".join(f"{n} {w:+.3f}" for n, w in zip(FEATURES, weights)) + f"; margin {margin}")
    if args.write:
        learned = load_learned()
        learned["extractive"] = {
            "command": "python -m benchmarks.fit_answer --data-dir DIR --write",
            "fitted": dt.date.today().isoformat(), "fitted_on": args.questions.name,
            "settings": {**{f"w_{n}": round(float(w), 4) for n, w in zip(FEATURES, weights)},
                         "sentence_margin": margin},
            "cross_validated_coverage": round(cross[margin], 4), "coverage_before": round(before, 4),
        }
        save_learned(learned)
        print(f"  written to {LEARNED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
