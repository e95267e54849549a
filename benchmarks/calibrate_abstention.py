"""Calibrate each abstention rule on the tuning questions to a chosen false-abstention rate; write it.

    python -m benchmarks.calibrate_abstention --data-dir DIR [--questions FILE ...] [--write]
        [--rate 0.01] [--total-rate 0.02]

For each name rule's setting, every candidate value is tried with the rest as configured; the value
kept is the one that refuses the most unanswerable tuning questions while the rule alone refuses at
most --rate of the answerable ones (ties: the value closest to the current one, so a threshold does
not creep up to the edge of a false abstention). Then the cosine floor (low-similarity) and the
reader's floor (no-answer) are chosen together on a grid, for the most unanswerable questions refused
while every rule together refuses at most --total-rate of the answerable ones. The questions: the
tuning part and, when given, more files (the validation part of the reader's labelled questions,
whose unanswerable ones name what the archive covers and ask what it never reports). --write stores the values in
bot/learned_weights.json ("abstention" and "retrieval"); the sealed questions are never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

from benchmarks.tune import CachedRetrievals, MemoReader, score
from bot import evaluation
from bot.learned import LEARNED, load_learned, save_learned
from bot.service import ArchivistService
from bot.settings import Settings
from bot.tuning import Tuning

REPO = Path(__file__).resolve().parents[1]
TUNING = REPO / "evaluation" / "tuning-questions.jsonl"
# (rule, config part, setting, candidate values): the name rules, one at a time.
SETTINGS = [
    ("unknown-name", "policy", "rare_name_articles", (0, 1, 2, 3)),
    ("unknown-name", "retrieval", "unseen_name_chars", (0, 4, 5, 6, 8)),
    ("unmatched-name", "policy", "common_name_articles", (5, 10, 20, 40)),
]
# Then the two that judge whether anything answers, together: the cosine floor refuses before any
# reading, the reader's floor after it. Chosen for the most unanswerable questions refused while all
# the rules together refuse at most --rate of the answerable ones; ties go to the lower cosine floor
# (the reader reads what the cosine cannot: a one-article archive's answer can sit at cosine 0.3).
ABSTAIN_BELOW = (0.0, 0.2, 0.25, 0.3, 0.34, 0.38, 0.42)
# 0: the reader never refuses (the rule is off); the low end is fine because the reader's probabilities are low.
ANSWER_FLOOR = (0.0, 0.01, 0.02, 0.03, 0.04) + tuple(round(0.05 * i, 2) for i in range(1, 19))


def refusals(summary: dict, rule: str) -> tuple[int, int]:
    tally = summary.get("abstentions", {}).get(rule, {"right": 0, "wrong": 0})
    return tally["right"], tally["wrong"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, nargs="*", default=[], help="more tuning question files")
    parser.add_argument("--rate", type=float, default=0.01,
                        help="false abstentions allowed per name rule (share of the answerable questions)")
    parser.add_argument("--total-rate", type=float, default=0.03,
                        help="false abstentions allowed for all the rules together (the sealed target is 0.03)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    service = ArchivistService(Settings(data_dir=args.data_dir))
    paths = [TUNING, *args.questions]
    assert not any("sealed" in p.name for p in paths), "never calibrate on a sealed set"
    questions = [q for path in paths for q in evaluation.load_questions(path)]
    answerable = sum(q.answerable for q in questions)
    cache = CachedRetrievals(service)
    reader = MemoReader(service.reader)
    tuning = Tuning()
    chosen: dict[str, dict] = {"policy": {}, "retrieval": {}}
    for rule, part, name, values in SETTINGS:
        current = getattr(getattr(tuning, part), name)
        rows = []
        for value in values:
            tried = dataclasses.replace(tuning, **{part: dataclasses.replace(getattr(tuning, part), **{name: value})})
            right, wrong = refusals(score(cache, tried, questions, reader), rule)
            rows.append((value, right, wrong))
        allowed = [r for r in rows if r[2] <= args.rate * answerable] or [min(rows, key=lambda r: r[2])]
        best = max(allowed, key=lambda r: (r[1], -abs(r[0] - current)))
        print(f"{rule} {name}: " + ", ".join(f"{v}: {r} right / {w} wrong" for v, r, w in rows) + f" -> {best[0]}")
        chosen[part][name] = best[0]
        tuning = dataclasses.replace(tuning, **{part: dataclasses.replace(getattr(tuning, part), **{name: best[0]})})
    rows = []
    for below in ABSTAIN_BELOW:
        for floor in ANSWER_FLOOR:
            tried = dataclasses.replace(tuning, policy=dataclasses.replace(tuning.policy, abstain_below=below,
                                                                             answer_floor=floor))
            found = score(cache, tried, questions, reader)
            rows.append((below, floor, found["abstained_when_unanswerable"], found["wrongly_abstained"]))
    allowed = [r for r in rows if r[3] <= args.total_rate] or [min(rows, key=lambda r: r[3])]
    below, floor, right, wrong = max(allowed, key=lambda r: (r[2], -r[3], -r[0]))
    for shown in sorted({r[0] for r in rows}):
        best = max((r for r in rows if r[0] == shown and r[3] <= args.total_rate), key=lambda r: r[2], default=None)
        print(f"abstain_below {shown}: " + (f"best answer_floor {best[1]}: {best[2]:.3f} of unanswerable refused, "
                                            f"{best[3]:.3f} of answerable" if best else "nothing within the rate"))
    print(f"-> abstain_below {below}, answer_floor {floor}")
    chosen["policy"].update(abstain_below=below, answer_floor=floor)
    tuning = dataclasses.replace(tuning, policy=dataclasses.replace(tuning.policy, abstain_below=below,
                                                                      answer_floor=floor))
    summary = score(cache, tuning, questions, reader)
    print(f"all the questions given, with these: unanswerable abstained {summary['abstained_when_unanswerable']:.2f}, "
          f"answerable wrongly abstained {summary['wrongly_abstained']:.2f}")
    if args.write:
        learned = load_learned()
        stamp = {"command": "python -m benchmarks.calibrate_abstention --data-dir DIR --write",
                 "fitted": dt.date.today().isoformat(),
                 "fitted_on": ", ".join(str(p.relative_to(REPO)) if p.is_relative_to(REPO) else p.name for p in paths),
                 "false_abstention_rate_per_rule": args.rate, "false_abstention_rate_in_all": args.total_rate}
        learned["abstention"] = {**stamp, "settings": chosen["policy"],
                                 "tuning": {"unanswerable_abstained": round(summary["abstained_when_unanswerable"], 4),
                                            "wrongly_abstained": round(summary["wrongly_abstained"], 4)}}
        learned["retrieval"] = {**stamp, "settings": chosen["retrieval"]}
        save_learned(learned)
        print(f"written to {LEARNED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
