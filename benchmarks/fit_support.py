"""Fit the support check's model on the tuning part of the labelled sentences; write its weights.

    python -m benchmarks.fit_support [--precision 0.98] [--write]

Sentences a hard rule drops (a number, date or name the passages lack) are not the model's to
judge. On the others, a logistic regression over the check's features (support.FEATURES) is
cross-validated by family (rewordings of one passage stay in one fold); the threshold is the one
that maximises the out-of-fold F-beta (beta 0.5: precision counts twice as much as recall; hard
drops included), unless --precision asks for the most supported sentences kept at that precision.
--write stores the model fitted on every tuning sentence in bot/learned_weights.json ("support")
with these figures. The sealed part is never read here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import numpy as np

from benchmarks.support_check import cited_passages, load
from bot.answering.support import FEATURES, SupportConfig, examine
from bot.answering.word_vectors import word_vectors_for
from bot.learned import LEARNED, load_learned, save_learned
from embeddings.encoders import DEFAULT_MODEL

COMMAND = "python -m benchmarks.fit_support --write"


def features_of(items: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, families, hard-dropped mask) of every item."""
    words = word_vectors_for(DEFAULT_MODEL)
    rows, labels, families, hard = [], [], [], []
    for item in items:
        evidence = examine(item["sentence"], cited_passages(item), SupportConfig(), words)
        rows.append([evidence.features.get(name, 0.0) for name in FEATURES])
        labels.append(bool(item["supported"]))
        families.append(item["family"])
        hard.append(bool(evidence.hard_reason))
    return np.array(rows), np.array(labels), np.array(families), np.array(hard)


def out_of_fold(x: np.ndarray, y: np.ndarray, families: np.ndarray, folds: int = 5) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    probabilities = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, families):
        model = LogisticRegression(C=1.0, max_iter=2000).fit(x[train], y[train])
        probabilities[test] = model.predict_proba(x[test])[:, 1]
    return probabilities


def choose_threshold(probabilities: np.ndarray, y: np.ndarray, hard: np.ndarray, target: float | None) -> dict:
    """The threshold and its precision and recall over every item (hard drops count as dropped)."""
    rows = []
    for threshold in np.unique(np.round(probabilities[~hard], 4)):
        kept = ~hard & (probabilities >= threshold)
        tp, fp = int((kept & y).sum()), int((kept & ~y).sum())
        precision, recall = (tp / (tp + fp) if tp + fp else 1.0), tp / int(y.sum())
        f_half = 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0
        rows.append((float(threshold), precision, recall, f_half))
    if target is not None:
        meeting = [r for r in rows if r[1] >= target]
        best = max(meeting, key=lambda r: (r[2], r[1])) if meeting else max(rows, key=lambda r: r[1])
    else:
        best = max(rows, key=lambda r: r[3])
    return {"threshold": best[0], "precision": best[1], "recall": best[2], "f_half": best[3]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", type=float, default=None,
                        help="keep the most sentences at this out-of-fold precision instead of maximising F0.5")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    from sklearn.linear_model import LogisticRegression

    x, y, families, hard = features_of(load("tuning"))
    judged = ~hard
    probabilities = np.zeros(len(y))
    probabilities[judged] = out_of_fold(x[judged], y[judged], families[judged])
    chosen = choose_threshold(probabilities, y, hard, args.precision)
    print(f"tuning: {len(y)} sentences, {int(hard.sum())} dropped by a hard rule "
          f"({int((hard & y).sum())} of them supported); cross-validated by family:")
    print(f"  threshold {chosen['threshold']:.3f}: precision {chosen['precision']:.3f}, recall {chosen['recall']:.3f}, "
          f"F0.5 {chosen['f_half']:.3f}")
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x[judged], y[judged])
    weights = dict(zip(FEATURES, (round(float(w), 4) for w in model.coef_[0])))
    print("  weights:", ", ".join(f"{k} {v:+.2f}" for k, v in weights.items()))
    if args.write:
        learned = load_learned()
        learned["support"] = {
            "command": COMMAND, "fitted": dt.date.today().isoformat(),
            "fitted_on": "evaluation/support-tuning.jsonl (sentences no hard rule drops)",
            "weights": weights, "intercept": round(float(model.intercept_[0]), 4),
            "threshold": round(chosen["threshold"], 4),
            "cross_validated": {k: round(v, 4) if isinstance(v, float) else v for k, v in chosen.items()},
        }
        save_learned(learned)
        print(f"  written to {LEARNED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
