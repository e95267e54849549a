"""Composed answers with a real local model: how many are shown, why the others fell back, what was kept.

    python -m benchmarks.composed_models --model FILE.gguf --data-dir DIR [--questions FILE] [--limit 20]
        [--out answers.jsonl]

Starts llama.cpp's server (the `xllamacpp` test dependency) with the GGUF file, answers each question
with the composed answerer exactly as the bot does (the model writes, every sentence is checked, the
extractive answer is the fallback), and prints the count shown and each fallback's reason. --out keeps
every answer (its text, kept and dropped sentences with their reasons) for judging the kept sentences
by reading, which is the figure that counts (docs/composed-answers.md). The dev questions by default.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import sys
from pathlib import Path

from benchmarks.common import require_corpus
from benchmarks.dev_eval import dev_questions
from bot import evaluation
from bot.service import ArchivistService
from bot.settings import Settings
from training.labelling.model_answers import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="a GGUF file")
    parser.add_argument("--data-dir", type=Path, required=True, help="an index holding the questions' articles")
    parser.add_argument("--questions", type=Path, help="a question file (default: the dev set)")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.questions:
        questions = [q.question for q in evaluation.load_questions(args.questions)]
    else:
        require_corpus()
        questions = [q["question"] for q in dev_questions()]
    questions = questions[:args.limit]
    server = serve(args.model, args.threads)
    url = server.listening_address.rstrip("/") + "/v1"
    settings = dataclasses.replace(Settings.from_env(), data_dir=args.data_dir, answerer="composed", llm_url=url,
                                   llm_timeout_seconds=300)
    service = ArchivistService(settings)
    reasons: collections.Counter[str] = collections.Counter()
    records = []
    for question in questions:
        answer = service.ask(question)
        reasons[answer.fallback_reason.split(":")[0] if answer.fallback_reason else
                ("abstained" if answer.abstained else "shown")] += 1
        records.append({"question": question, "answerer": answer.answerer, "fallback": answer.fallback_reason,
                        "abstained": answer.abstained, "text": answer.text,
                        "dropped": [[d.sentence, d.reason] for d in answer.dropped]})
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    print(f"{args.model.name}: {reasons['shown']} of {len(questions)} composed answers shown")
    for reason, count in reasons.most_common():
        if reason != "shown":
            print(f"  {count}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
