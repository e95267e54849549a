"""Search both corpora by regular expression (case-insensitive): which articles mention something.

    python -m training.labelling.find "Circuit City" [--limit 30] [--train-only]
    python -m training.labelling.find --show wn-12345 [wn-678 ...]     # print whole articles
    python -m training.labelling.find --slice 0 320                    # a writer's share of the training articles
    python -m training.labelling.find --slice 0 400 --eval             # ... of the eval articles (sealed sets)

Each match names the article, whether training data may use it ([train]) or not ([eval]), its
date, headline and the sentence that matched. Writers check an unanswerable question with it:
the entity must be found, the asked fact must not.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from embeddings.sentences import sentence_spans
from training.corpus import articles, train_ids, train_order


def show(ids: list[str]) -> None:
    known, train = articles(), train_ids()
    for article_id in ids:
        article = known.get(article_id)
        if article is None:
            print(f"!! no article {article_id}")
            continue
        label = "train" if article_id in train else "EVAL - not for training data"
        print(f"=== {article.id} [{label}] {article.date or 'undated'} | {article.title}\n{article.body}\n")


def used_articles() -> set[str]:
    """Training articles some writer's question is already about (training/data/work/*/questions-*.jsonl)."""
    import json
    from pathlib import Path

    used: set[str] = set()
    for path in (Path(__file__).resolve().parent.parent / "data" / "work").glob("*/questions-*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                used.update(record.get("article_ids") or [])
                used.update(record.get("about") or [])
    return used


def list_slice(start: int, end: int, evaluation: bool = False, unused: bool = False) -> None:
    known, train = articles(), train_ids()
    ids = sorted(a for a in known if a not in train) if evaluation else train_order()
    taken = used_articles() if unused else set()
    for article_id in ids[start:end]:
        if article_id in taken:
            continue
        article = known[article_id]
        print(f"{article_id} {article.corpus} {article.date or 'undated'} | {article.title}")


def find(pattern: str, limit: int, train_only: bool) -> None:
    regex = re.compile(pattern, re.IGNORECASE)
    train = train_ids()
    shown = total = 0
    for article in articles().values():
        if train_only and article.id not in train:
            continue
        text = f"{article.title}\n{article.body}"
        if not regex.search(text):
            continue
        total += 1
        if shown >= limit:
            continue
        shown += 1
        tag = "train" if article.id in train else "eval"
        hits = [article.body[s:e] for s, e in sentence_spans(article.body) if regex.search(article.body[s:e])]
        snippet = hits[0] if hits else article.title
        print(f"{article.id} [{tag}] {article.date or 'undated'} | {article.title}\n    {snippet[:300]}")
    print(f"-- {total} articles match{' (train only)' if train_only else ''}; {shown} shown")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pattern", nargs="?")
    parser.add_argument("--show", nargs="+", metavar="ID")
    parser.add_argument("--slice", nargs=2, type=int, metavar=("START", "END"))
    parser.add_argument("--eval", action="store_true", help="with --slice: a slice of the eval articles (sealed sets)")
    parser.add_argument("--unused", action="store_true",
                        help="with --slice: only articles no writer's question is about yet")
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--train-only", action="store_true")
    args = parser.parse_args(argv)
    if args.show:
        show(args.show)
    elif args.slice:
        list_slice(*args.slice, evaluation=args.eval, unused=args.unused)
    elif args.pattern:
        find(args.pattern, args.limit, args.train_only)
    else:
        parser.error("give a pattern or --show ID")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into `head`, which stopped reading: nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush does not fail again
        sys.exit(0)
