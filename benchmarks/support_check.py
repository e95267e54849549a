"""The support check's precision and recall on the labelled sentences, and its cost per sentence.

    python -m benchmarks.support_check [--set tuning|sealed|both] [--show] [--set-config NAME=VALUE ...]

Each item of evaluation/support-{set}.jsonl is a sentence, the passages it cites and whether they
support it (written by reading the passages; see evaluation/README.md). Precision: the share of
kept sentences that are supported (target >= 0.98); recall: the share of supported sentences kept
(target >= 0.85). --show lists the tuning set's mistakes (never the sealed set's).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path

from bot.answering.support import Passage, SupportConfig, check
from bot.answering.word_vectors import word_vectors_for
from bot.percentiles import percentile
from embeddings.encoders import DEFAULT_MODEL

EVALUATION = Path(__file__).resolve().parents[1] / "evaluation"


def load(name: str) -> list[dict]:
    with (EVALUATION / f"support-{name}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def cited_passages(item: dict) -> list[Passage]:
    date = lambda text: dt.date.fromisoformat(text) if text else None  # noqa: E731
    return [Passage(p["text"], p["title"], date(p.get("date"))) for p in item["passages"] if p["n"] in item["cites"]]


def measure(items: list[dict], config: SupportConfig, words=None) -> dict:
    """Precision, recall, per-kind share kept, and the check's time per sentence."""
    kept_by_kind: Counter = Counter()
    by_kind: Counter = Counter()
    tp = fp = fn = 0
    times, mistakes = [], []
    for item in items:
        passages = cited_passages(item)
        started = time.perf_counter()
        verdict = check(item["sentence"], passages, config, words)
        times.append((time.perf_counter() - started) * 1000)
        by_kind[item["kind"]] += 1
        kept_by_kind[item["kind"]] += verdict.supported
        tp += verdict.supported and item["supported"]
        fp += verdict.supported and not item["supported"]
        fn += not verdict.supported and item["supported"]
        if verdict.supported != item["supported"]:
            mistakes.append((item, verdict))
    return {
        "items": len(items), "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
        "kept_by_kind": {k: f"{kept_by_kind[k]}/{n}" for k, n in sorted(by_kind.items())},
        "ms_per_sentence_p50": percentile(times, 50), "ms_per_sentence_p95": percentile(times, 95),
        "mistakes": mistakes,
    }


def answer_cost(items: list[dict], words, sentences: int = 4) -> tuple[float, float]:
    """Median ms, per answer of `sentences` sentences citing one family's passages, of (analysing the
    passages, which a composed answer does while the model writes; checking the sentences then)."""
    from bot.answering import claims, support
    from bot.answering import word_vectors as vectors

    caches = [support._view, support._units, claims.content_words, claims.quantities, claims.capitalised_words,
              vectors._matrix]
    by_family: dict[str, list[dict]] = {}
    for item in items:
        by_family.setdefault(item["family"], []).append(item)
    preparing, checking = [], []
    for family in by_family.values():
        for cache in caches:
            cache.cache_clear()
        started = time.perf_counter()
        support.prepare([p for item in family for p in cited_passages(item)], words)
        prepared = time.perf_counter()
        for item in family[:sentences]:
            check(item["sentence"], cited_passages(item), words=words)
        preparing.append((prepared - started) * 1000)
        checking.append((time.perf_counter() - prepared) * 1000)
    return percentile(preparing, 50), percentile(checking, 50)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="which", choices=("tuning", "sealed", "both"), default="both")
    parser.add_argument("--show", action="store_true", help="list the tuning set's mistakes")
    parser.add_argument("--set-config", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)
    config = SupportConfig()
    for pair in args.set_config:
        name, _, value = pair.partition("=")
        config = dataclasses.replace(config, **{name: type(getattr(config, name))(value)})
    names = ("tuning", "sealed") if args.which == "both" else (args.which,)
    words = word_vectors_for(DEFAULT_MODEL)
    print("| set | sentences | precision | recall | check p50 / p95 per sentence | answer of 4 sentences: passages "
          "analysed while the model writes + the check (p50) | kept by kind |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        figures = measure(load(name), config, words)
        kinds = ", ".join(f"{k} {v}" for k, v in figures["kept_by_kind"].items())
        preparing, checking = answer_cost(load(name), words)
        print(f"| {name} | {figures['items']} | {figures['precision']:.3f} | {figures['recall']:.3f} | "
              f"{figures['ms_per_sentence_p50']:.2f} / {figures['ms_per_sentence_p95']:.2f} ms | "
              f"{preparing:.1f} + {checking:.1f} ms | {kinds} |")
        if args.show and name == "tuning":
            for item, verdict in figures["mistakes"]:
                label = "KEPT unsupported" if verdict.supported else "DROPPED supported"
                print(f"  {label} [{item['kind']}] {item['id']}: {item['sentence']}\n      {verdict.reason or item.get('note')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
