"""Calibrate each abstention rule on the tuning questions to a chosen false-abstention rate; write it.

    python -m benchmarks.calibrate_abstention --data-dir DIR [--rate 0.01] [--write]

For each rule's setting, every candidate value is tried with the rest as configured; the value kept
is the one that refuses the most unanswerable tuning questions while the rule alone refuses at most
--rate of the answerable ones (ties: the value closest to the current one, so a threshold does
not creep up to the edge of a false abstention). --write stores the values in
bot/learned_weights.json ("abstention" and "retrieval"); the sealed questions are never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

from benchmarks.tune import CachedRetrievals, score
from bot import evaluation
from bot.learned import LEARNED, load_learned, save_learned
from bot.service import ArchivistService
from bot.settings import Settings
from bot.tuning import Tuning

TUNING = Path(__file__).resolve().parents[1] / "evaluation" / "tuning-questions.jsonl"
# (rule, config part, setting, candidate values)
SETTINGS = [
    ("low-similarity", "policy", "abstain_below", (0.30, 0.34, 0.38, 0.40, 0.42, 0.45, 0.48)),
    ("unknown-name", "policy", "rare_name_articles", (0, 1, 2, 3)),
    ("unknown-name", "retrieval", "unseen_name_chars", (0, 4, 5, 6, 8)),
    ("unmatched-name", "policy", "common_name_articles", (5, 10, 20, 40)),
]


def refusals(summary: dict, rule: str) -> tuple[int, int]:
    tally = summary.get("abstentions", {}).get(rule, {"right": 0, "wrong": 0})
    return tally["right"], tally["wrong"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rate", type=float, default=0.01, help="false abstentions allowed per rule (of answerable)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    service = ArchivistService(Settings(data_dir=args.data_dir))
    questions = evaluation.load_questions(TUNING)
    answerable = sum(q.answerable for q in questions)
    cache = CachedRetrievals(service)
    tuning = Tuning.learned()
    chosen: dict[str, dict] = {"policy": {}, "retrieval": {}}
    for rule, part, name, values in SETTINGS:
        current = getattr(getattr(tuning, part), name)
        rows = []
        for value in values:
            tried = dataclasses.replace(tuning, **{part: dataclasses.replace(getattr(tuning, part), **{name: value})})
            right, wrong = refusals(score(cache, tried, questions), rule)
            rows.append((value, right, wrong))
        allowed = [r for r in rows if r[2] <= args.rate * answerable] or [min(rows, key=lambda r: r[2])]
        best = max(allowed, key=lambda r: (r[1], -abs(r[0] - current)))
        print(f"{rule} {name}: " + ", ".join(f"{v}: {r} right / {w} wrong" for v, r, w in rows) + f" -> {best[0]}")
        chosen[part][name] = best[0]
        tuning = dataclasses.replace(tuning, **{part: dataclasses.replace(getattr(tuning, part), **{name: best[0]})})
    summary = score(cache, tuning, questions)
    print(f"tuning with these: unanswerable abstained {summary['abstained_when_unanswerable']:.2f}, "
          f"answerable wrongly abstained {summary['wrongly_abstained']:.2f}")
    if args.write:
        learned = load_learned()
        stamp = {"command": "python -m benchmarks.calibrate_abstention --data-dir DIR --write",
                 "fitted": dt.date.today().isoformat(), "fitted_on": "evaluation/tuning-questions.jsonl",
                 "false_abstention_rate_per_rule": args.rate}
        learned["abstention"] = {**stamp, "settings": chosen["policy"],
                                 "tuning": {"unanswerable_abstained": round(summary["abstained_when_unanswerable"], 4),
                                            "wrongly_abstained": round(summary["wrongly_abstained"], 4)}}
        learned["retrieval"] = {**stamp, "settings": chosen["retrieval"]}
        save_learned(learned)
        print(f"written to {LEARNED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
