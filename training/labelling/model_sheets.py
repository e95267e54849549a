"""Sheets of real model output for labelling: each answer a local model wrote, its passages and its sentences.

    python -m training.labelling.model_sheets ANSWERS.jsonl --from 0 --to 20

ANSWERS.jsonl is written by training.labelling.model_answers. Each answer is printed with the five
passages the model was given (numbered as it saw them) and its sentences (numbered, with the
markers it put after them). A writer labels every sentence (GUIDE.md, "4. Model sentences") in
model-labels-NN.jsonl; training.merge turns the labels into claims.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from training.corpus import articles


def answer_id(record: dict) -> str:
    return f"{record['model']}:{record['qid']}"


def render(record: dict) -> str:
    known = articles()
    out = [f"### {answer_id(record)}  question: {record['question']}"]
    for n, reference in enumerate(record["passages"], start=1):
        article_id, span = reference.split(":")
        start, end = (int(x) for x in span.split("-"))
        article = known[article_id]
        out.append(f"  <passage {n}> {article.title} ({article.date or 'undated'})\n{article.body[start:end]}")
    if not record["sentences"]:
        out.append("  (the model wrote no sentence)")
    for n, sentence in enumerate(record["sentences"], start=1):
        marks = "".join(f"[{c}]" for c in sentence["cites"]) or "(no marker)"
        out.append(f"  S{n} {marks}: {sentence['text']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("answers", type=Path)
    parser.add_argument("--from", dest="start", type=int, default=0)
    parser.add_argument("--to", dest="end", type=int, default=20)
    args = parser.parse_args(argv)
    records = [json.loads(line) for line in args.answers.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records[args.start:args.end]:
        print(render(record) + "\n")
    print(f"-- answers {args.start}..{min(args.end, len(records))} of {len(records)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
