"""Benchmarks 3a/4: `ask` latency on the Wikinews corpus, and cold start from process start to the first answer.

    python -m benchmarks.query [--rounds 3] [--cold-runs 5] [--data-dir DIR] [--questions FILE ...]

Indexes the corpus with `archivist index` (unless --data-dir holds an index already), then times
`ask` (encode + dense and BM25 search + fusion + extractive answer, the reader included) for every
question (the dev set by default), and `archivist ask` as a fresh process. References measured in
the same run, question by question in turn: `ask` without the reader (the hand-weighted ranking
alone, `shortlist=0`), the same questions' encoding by the fp32 sentence-transformers model, and
that model's own start-up to a first vector.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ARTICLES, REPO, machine, print_table, require_corpus, timed
from benchmarks.dev_eval import dev_questions
from benchmarks.indexing import index_with_cli
from bot.percentiles import percentile

_TORCH_START = (
    "from sentence_transformers import SentenceTransformer\n"
    "from embeddings.encoders.model_files import describe_model\n"
    "SentenceTransformer(describe_model('all-MiniLM-L6-v2').load_from, device='cpu').encode(['first question'])\n"
)


def cold_start(data_dir: Path, question: str) -> float:
    """Seconds from launching `archivist ask` to its exit with the answer printed."""
    env = {**os.environ, "ARCHIVIST_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    result, seconds = timed(lambda: subprocess.run([sys.executable, "-m", "bot", "ask", question, "--json"],
                                                   capture_output=True, text=True, env=env, cwd=REPO))
    if result.returncode != 0 or not json.loads(result.stdout)["answer"]:
        raise SystemExit(f"archivist ask failed:\n{result.stderr}")
    return seconds


def process_seconds(code: str) -> float:
    result, seconds = timed(lambda: subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO))
    if result.returncode != 0:
        raise SystemExit(result.stderr.decode())
    return seconds


def warm_latencies(data_dir: Path, questions: list[str], rounds: int) -> dict[str, list[float]]:
    """Per-question seconds of ask, of its retrieval alone, of its query encoding, and of the fp32 model's encoding."""
    from bot.service import ArchivistService
    from bot.settings import Settings
    from bot.tuning import Tuning
    from embeddings.encoders import load_encoder

    settings = Settings(archive_dir=ARTICLES, data_dir=data_dir)
    service = ArchivistService(settings)
    service.ask(questions[0])  # loads the models and the vectors: that is the cold start, measured apart
    readerless = ArchivistService(settings, encoder=service.encoder, store=service.store,
                                  tuning=Tuning().with_overrides(["shortlist=0"]))
    reference = load_encoder(backend="torch")
    reference.encode_query(questions[0])
    times: dict[str, list[float]] = {"ask": [], "ask_readerless": [], "retrieve": [], "encode": [], "torch_encode": []}
    for _ in range(rounds):
        for question in questions:
            # Every timing starts with no question remembered: a person asks a question once.
            timings = {"ask": lambda q=question: service.ask(q),
                       "ask_readerless": lambda q=question: readerless.ask(q),
                       "retrieve": lambda q=question: service.retrieve(q),
                       "encode": lambda q=question: service.encoder.encode_query(q)}
            for name, work in timings.items():
                service.encoder.forget_queries()
                times[name].append(timed(work)[1])
            reference.forget_queries()
            times["torch_encode"].append(timed(lambda q=question: reference.encode_query(q))[1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--questions", type=Path, nargs="*", help="question files (default: the dev set)")
    args = parser.parse_args()
    require_corpus()
    print(machine())
    questions = [q["question"] for q in dev_questions()] if not args.questions else [
        json.loads(line)["question"] for path in args.questions for line in path.read_text().splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp)
        if not (data_dir / "index.sqlite3").is_file():
            index_with_cli(ARTICLES, data_dir)
        colds, torch_starts, bare = [], [], []
        for run in range(args.cold_runs):
            colds.append(cold_start(data_dir, questions[run % len(questions)]))
            torch_starts.append(process_seconds(_TORCH_START))
            bare.append(process_seconds("pass"))
        times = warm_latencies(data_dir, questions, args.rounds)
    ask, retrieve, encode, torch_encode = times["ask"], times["retrieve"], times["encode"], times["torch_encode"]
    plain = times["ask_readerless"]
    print_table(f"Questions ({len(questions)} questions × {args.rounds}; cold start: median of {args.cold_runs})", [
        ("`ask` p50 / p95 (encode + search + fusion + answer, reader included)", f"{percentile(ask, 50) * 1e3:.0f} / "
         f"{percentile(ask, 95) * 1e3:.0f} ms", f"target p95 ≤ 200 ms; without the reader (same run): "
         f"{percentile(plain, 50) * 1e3:.0f} / {percentile(plain, 95) * 1e3:.0f} ms, ratio of medians "
         f"{statistics.median(ask) / statistics.median(plain):.2f}"),
        ("of which retrieval p50 / p95 (encode + both searches + fusion + fetch)",
         f"{percentile(retrieve, 50) * 1e3:.0f} / {percentile(retrieve, 95) * 1e3:.0f} ms",
         "the rest is the extractive answer, which reads the sentence vectors stored at index time"),
        ("query encoding p50, onnx int8", f"{percentile(encode, 50) * 1e3:.1f} ms",
         f"fp32 sentence-transformers: {percentile(torch_encode, 50) * 1e3:.1f} ms"),
        ("`archivist ask` in a fresh process, to the answer", f"{statistics.median(colds):.2f} s",
         f"target ≤ 1.5 s; sentence-transformers start to a first vector: {statistics.median(torch_starts):.2f} s; "
         f"bare `python -c pass`: {statistics.median(bare):.2f} s"),
    ])


if __name__ == "__main__":
    main()
