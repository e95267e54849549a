"""Passages as retrieval gives them, for writing claims: a query's best passages, or an article's.

    python -m training.labelling.passages "Toyota recall brake" [--limit 8]
    python -m training.labelling.passages --article wn-12345

Each passage is printed with its reference, ARTICLE:START-END (character offsets into the body);
a claim cites passages by these references and the checker copies their text verbatim. Only
training articles are offered (../shared/corpus/splits/train-articles.txt), or with --eval only the
others (for the sealed evaluation sets).
"""

from __future__ import annotations

import argparse
import sys

from training.corpus import articles, train_ids
from training.labelling.sheets import open_service


def print_passage(article_id: str, start: int, end: int, score: float | None = None) -> None:
    article = articles()[article_id]
    how = f" score {score:.2f}" if score is not None else ""
    print(f"--- {article_id}:{start}-{end}{how} {article.date or 'undated'} «{article.title}»\n"
          f"{article.body[start:end]}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="?")
    parser.add_argument("--article")
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--eval", action="store_true", help="offer eval articles only (for sealed evaluation sets)")
    args = parser.parse_args(argv)
    service = open_service()
    train = train_ids()
    allowed = (lambda a: a not in train) if args.eval else (lambda a: a in train)
    if args.article:
        if not allowed(args.article):
            kind = "an eval" if args.eval else "a training"
            print(f"!! {args.article} is not {kind} article; it may not be used here")
            return 1
        with service.store.snapshot() as snap:  # chunk ids are ARTICLE#ORDINAL (embeddings/chunking.py)
            chunks = sorted((c.start, c.end) for c, _ in snap.fetch([f"{args.article}#{i}" for i in range(1000)]))
        for start, end in chunks:
            print_passage(args.article, start, end)
        return 0
    if not args.query:
        parser.error("give a query or --article ID")
    hits = [h for h in service.retriever().search(args.query, limit=40).hits if allowed(h.article.id)]
    for hit in hits[:args.limit]:
        print_passage(hit.article.id, hit.chunk.start, hit.chunk.end, hit.score)
    return 0


if __name__ == "__main__":
    sys.exit(main())
