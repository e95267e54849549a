"""Choose the support check's floor on the reader's probability, from the labelled tuning sentences.

    python -m benchmarks.fit_support [--write]

The hard rules (numbers, dates, names) run first; of the sentences they let through, the reader
gives each the probability that its passages support it. The floor is the lowest that keeps the
tuning sentences' precision at the target (0.98) or, when none does, the one of best F0.5: a dropped
sentence costs little (the extractive answer stands in), a kept unsupported one misleads. Tuning
sentences: evaluation/support-tuning.jsonl and the validation part of the reader's own claims
(written and real model output); the sealed sets are never read here. --write records it in
bot/learned_weights.json ("support").
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import numpy as np

from benchmarks.support_check import cited_passages, load
from bot.answering.support import hard_rules, quoted_whole, reading_of
from bot.learned import LEARNED, load_learned, save_learned
from bot.reader import load_reader

COMMAND = "python -m benchmarks.fit_support --write"
TUNING_SETS = ("tuning", "validation", "validation-model")
TARGET_PRECISION = 0.98


def curve(probabilities: np.ndarray, truth: np.ndarray, passed: np.ndarray, floor: float,
          quoted: np.ndarray | None = None) -> tuple[float, float]:
    """(precision, recall) of the whole check at a floor, as bot.answering.support.check decides: kept =
    passed the hard rules and (held word for word by a passage, or p >= floor)."""
    held = quoted if quoted is not None else np.zeros_like(passed)
    kept = passed & (held | (probabilities >= floor))
    precision = float(truth[kept].mean()) if kept.any() else 1.0
    return precision, float(kept[truth].mean()) if truth.any() else 1.0


def f_half(precision: float, recall: float) -> float:
    """F0.5: precision weighs twice recall (a dropped sentence costs little, a kept wrong one misleads)."""
    return 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    reader = load_reader()
    items = [item for name in TUNING_SETS for item in load(name)]
    cited = [(i["sentence"], cited_passages(i)) for i in items]
    passed = np.array([not hard_rules(sentence, passages)[0] for sentence, passages in cited])
    quoted = np.array([quoted_whole(sentence, passages) for sentence, passages in cited])
    probabilities = reader.supports([reading_of(sentence, passages) for sentence, passages in cited])
    truth = np.array([bool(i["supported"]) for i in items])
    floors = np.round(np.arange(0.05, 1.0, 0.01), 2)
    rows = [(float(f), *curve(probabilities, truth, passed, f, quoted)) for f in floors]
    meeting = [r for r in rows if r[1] >= TARGET_PRECISION]
    chosen = min(meeting, key=lambda r: r[0]) if meeting else max(rows, key=lambda r: f_half(r[1], r[2]))
    print(f"{len(items)} tuning sentences ({int(truth.sum())} supported); {int((~passed).sum())} dropped by a hard "
          f"rule ({int((~passed & truth).sum())} of them supported)")
    for floor, precision, recall in rows[::5]:
        print(f"  floor {floor:.2f}: precision {precision:.3f}, recall {recall:.3f}")
    print(f"chosen floor {chosen[0]:.2f}: precision {chosen[1]:.3f}, recall {chosen[2]:.3f}"
          + ("" if meeting else f" (no floor reaches precision {TARGET_PRECISION}: the best F0.5)"))
    if args.write:
        learned = load_learned()
        learned["support"] = {
            "command": COMMAND, "fitted": dt.date.today().isoformat(), "reader": reader.version,
            "fitted_on": "evaluation/support-tuning.jsonl and the validation part of training/data/claims.jsonl",
            "target_precision": TARGET_PRECISION,
            "tuning": {"precision": round(chosen[1], 4), "recall": round(chosen[2], 4), "sentences": len(items)},
            "settings": {"support_floor": chosen[0]},
        }
        save_learned(learned)
        print(f"written to {LEARNED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
