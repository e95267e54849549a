"""Real model output for the support labels: composed answers written by local models, split into sentences.

    python -m training.labelling.model_answers QUESTIONS.jsonl [...] --model FILE.gguf --name NAME \
        --out answers.jsonl [--limit N] [--threads 1]

Starts llama.cpp's server (xllamacpp) with the GGUF file, asks each question exactly as the
composed answerer does (bot/answering/prompt.py: the rules, the best five passages numbered
[1]..[5]), but with passages from training articles only, and appends one record per answer:
the passages as references (ARTICLE:START-END), the raw text, and its sentences with the
markers each cites. A writer then labels every sentence (GUIDE.md, "Model sentences"). Questions
already answered by NAME in the output file are skipped, so a stopped run resumes.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

from bot.answering.drafts import SentenceStream
from bot.answering.prompt import messages, number_passages
from bot.llm import ChatClient, LLMConfig
from training.corpus import train_ids
from training.labelling.sheets import open_service

PASSAGES = 5  # as ComposedConfig.max_passages


def serve(model: Path, threads: int):
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = 4096
    params.n_predict = 256
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
    params.sampling.temp = 0
    params.sampling.seed = 1
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    return xllamacpp.Server(params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="answers by this model in the file, at most")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    service, train = open_service(), train_ids()
    done = set()
    if args.out.is_file():
        done = {(r["model"], r["qid"]) for r in map(json.loads, args.out.read_text().splitlines()) if r}
    records = [json.loads(line) for path in args.questions for line in path.read_text().splitlines() if line.strip()]
    todo = [r for r in records if (args.name, r["id"]) not in done]
    if args.limit:  # answers by this model in all, those of earlier runs included
        todo = todo[:max(0, args.limit - sum(1 for model, _ in done if model == args.name))]
    server = serve(args.model, args.threads)
    try:
        client = ChatClient(LLMConfig(server.listening_address.rstrip("/") + "/v1", timeout_seconds=600,
                                      concurrency=1))
        with args.out.open("a", encoding="utf-8") as out:
            for number, record in enumerate(todo, start=1):
                hits = [h for h in service.retriever().search(record["question"], limit=20).hits
                        if h.article.id in train]
                passages = number_passages(hits, PASSAGES)
                started = time.monotonic()
                text = "".join(client.stream(messages(record["question"], passages), max_tokens=256,
                                             deadline=time.monotonic() + 900))
                seconds = time.monotonic() - started
                split = SentenceStream()
                drafts = [*split.feed(text), *split.close()]
                sentences = [{"text": d.text, "cites": list(d.cites)} for d in drafts]
                out.write(json.dumps({
                    "model": args.name, "qid": record["id"], "question": record["question"],
                    "passages": [f"{p.hit.article.id}:{p.hit.chunk.start}-{p.hit.chunk.end}" for p in passages],
                    "text": text, "sentences": sentences, "seconds": round(seconds, 1)}, ensure_ascii=False) + "\n")
                out.flush()
                print(f"{number}/{len(todo)} {record['id']} {seconds:.0f}s {len(sentences)} sentences", file=sys.stderr)
    finally:
        del server
        gc.collect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
