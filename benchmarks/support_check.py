"""The support check's precision and recall on the labelled sentences, and its cost per sentence.

    python -m benchmarks.support_check [--set NAME ...] [--show] [--floor P]

Sets: `tuning` and `sealed` (evaluation/support-{set}.jsonl: one-word edits of evidence sentences),
`sealed-b` (evaluation/support-sealed-b.jsonl: rewordings, merges and the near misses a language
model makes, about evaluation articles), and the reader's own labelled claims
(training/data/claims.jsonl): `validation` (written claims the reader never trained on) and
`validation-model` (real output of local models, labelled by reading). Each item is a sentence,
the passages it cites and whether they support all of it. Precision: the share of kept sentences
that are supported (target >= 0.98); recall: the share of supported sentences kept (target >=
0.85). --show lists the mistakes of a tuning set (never a sealed one's).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bot.answering.support import Passage, SupportConfig, check
from bot.percentiles import percentile
from bot.reader import Reader, load_reader
from bot.tuning import Tuning

REPO = Path(__file__).resolve().parents[1]
EVALUATION = REPO / "evaluation"
CLAIMS = REPO / "training" / "data" / "claims.jsonl"
SEALED = ("sealed", "sealed-b")
SETS = ("tuning", "validation", "validation-model", *SEALED)


def load(name: str) -> list[dict]:
    """The items of a set, each with its passages' text and its cited numbers."""
    if name.startswith("validation"):
        return _claims(model=name.endswith("model"))
    with (EVALUATION / f"support-{name}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _claims(model: bool) -> list[dict]:
    """The validation part of the reader's labelled claims, written or real model output."""
    from training.corpus import articles

    known = articles()
    items = []
    for line in CLAIMS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["split"] != "validation" or str(record["kind"]).startswith("model:") != model:
            continue
        passages = []
        for n, reference in enumerate(record["passages"], start=1):
            article_id, span = reference.split(":")
            start, end = (int(x) for x in span.split("-"))
            article = known[article_id]
            passages.append({"n": n, "title": article.title, "date": article.date, "text": article.body[start:end]})
        items.append({**record, "passages": passages, "family": "|".join(record["passages"])})
    return items


def cited_passages(item: dict) -> list[Passage]:
    def date(text: str | None) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None
    return [Passage(p["text"], p["title"], date(p.get("date"))) for p in item["passages"] if p["n"] in item["cites"]]


def measure(items: Sequence[dict], config: SupportConfig, reader: Reader) -> dict:
    """Precision, recall, per-kind share kept, the check's time per sentence, and each item's verdict."""
    kept_by_kind: Counter = Counter()
    by_kind: Counter = Counter()
    tp = fp = fn = 0
    times, verdicts = [], []
    for item in items:
        passages = cited_passages(item)
        started = time.perf_counter()
        verdict = check(item["sentence"], passages, reader, config)
        times.append((time.perf_counter() - started) * 1000)
        verdicts.append(verdict)
        by_kind[item["kind"]] += 1
        kept_by_kind[item["kind"]] += verdict.supported
        tp += verdict.supported and item["supported"]
        fp += verdict.supported and not item["supported"]
        fn += not verdict.supported and item["supported"]
    return {
        "items": len(items), "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "kept_by_kind": {k: f"{kept_by_kind[k]}/{n}" for k, n in sorted(by_kind.items())},
        "ms_per_sentence_p50": percentile(times, 50), "ms_per_sentence_p95": percentile(times, 95),
        "verdicts": verdicts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", action="append", choices=SETS, help="(repeatable; default: all)")
    parser.add_argument("--show", action="store_true", help="list the mistakes of the tuning sets")
    parser.add_argument("--floor", type=float, help="the reader's support floor (default: the fitted one)")
    args = parser.parse_args(argv)
    config = Tuning().support
    if args.floor is not None:
        config = dataclasses.replace(config, support_floor=args.floor)
    reader = load_reader()
    print(f"support floor {config.support_floor:.3f}, reader {reader.version}")
    print("| set | sentences | precision | recall | check p50 / p95 per sentence | kept by kind |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in args.sets or SETS:
        items = load(name)
        if not items:
            continue
        figures = measure(items, config, reader)
        kinds = ", ".join(f"{k} {v}" for k, v in figures["kept_by_kind"].items())
        print(f"| {name} | {figures['items']} | {figures['precision']:.3f} | {figures['recall']:.3f} | "
              f"{figures['ms_per_sentence_p50']:.1f} / {figures['ms_per_sentence_p95']:.1f} ms | {kinds} |")
        if args.show and name not in SEALED:
            for item, verdict in zip(items, figures["verdicts"]):
                if verdict.supported != item["supported"]:
                    label = "KEPT unsupported" if verdict.supported else "DROPPED supported"
                    print(f"  {label} [{item['kind']}] {item['id']} p={verdict.score:.2f}: {item['sentence']}\n"
                          f"      {verdict.reason or item.get('note')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
