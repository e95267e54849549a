"""Benchmark 3b/4: hybrid search at 100,000 and 1,000,000 passages against numpy exact search + rank_bm25.

    python -m benchmarks.scale [--sizes 100000 1000000] [--queries 40]

For each size a synthetic archive (Zipf words, clustered unit vectors) is written through the
real SQLite store. A fresh process then opens it, searches (dense + BM25 + fusion + fetch, as
`ask` does after encoding the question) and reports its latency, its dense top 10 and its
resident memory. The reference, in this process: exact float32 search in numpy plus rank_bm25's
BM25Okapi over the same texts, fused the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.common import REPO, machine, print_table, timed
from benchmarks.synthetic import DIMENSION, make_archive, write_store
from bot.percentiles import percentile
from embeddings.retrieval import RetrievalConfig
from embeddings.text_query import query_terms


def reference_search(archive, bm25, vector: np.ndarray, text: str, k: int = 50) -> list[int]:
    """Exact dense top k + BM25 top k, scored as the Retriever scores them (cosine + full-text rank bonus)."""
    scores = archive.vectors @ vector
    dense = np.argpartition(-scores, k)[:k]
    dense = dense[np.argsort(-scores[dense])]
    text_scores = bm25.get_scores(query_terms(text))
    lexical = np.argpartition(-text_scores, k)[:k]
    lexical = lexical[np.argsort(-text_scores[lexical])]
    config = RetrievalConfig()
    fused = {int(i): float(scores[i]) for i in dense}
    for rank, i in enumerate(lexical, start=1):
        bonus = config.text_weight / (1 + (rank - 1) / config.text_rank_scale)
        fused[int(i)] = fused.get(int(i), float(scores[i])) + bonus
    return sorted(fused, key=lambda key: -fused[key])[:10]


def run_size(passages: int, queries: int, reference_queries: int) -> dict:
    from rank_bm25 import BM25Okapi

    archive, make_s = timed(lambda: make_archive(passages, queries))
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        _, write_s = timed(lambda: write_store(archive, data_dir))
        np.savez(data_dir / "queries.npz", texts=np.array(archive.queries), vectors=archive.query_vectors)
        probe = subprocess.run(
            [sys.executable, "-m", "benchmarks.scale_probe", str(data_dir), str(data_dir / "queries.npz")],
            capture_output=True, text=True, cwd=REPO, env={**os.environ})
        if probe.returncode != 0:
            raise SystemExit(probe.stderr)
        measured = json.loads(probe.stdout)
    bm25, bm25_s = timed(lambda: BM25Okapi([t.split() for t in archive.texts]))
    reference = []
    for vector, text in list(zip(archive.query_vectors, archive.queries))[:reference_queries]:
        reference.append(timed(lambda vector=vector, text=text: reference_search(archive, bm25, vector, text))[1])
    recalls = []
    for vector, found in zip(archive.query_vectors, measured["dense_top"]):
        exact = np.argpartition(-(archive.vectors @ vector), 10)[:10]
        recalls.append(len({archive.chunk_id(int(i)) for i in exact} & set(found)) / 10)
    print(f"{passages:,} passages: generated in {make_s:.0f} s, stored in {write_s:.0f} s, "
          f"BM25Okapi built in {bm25_s:.0f} s", flush=True)
    return {"passages": passages, "ours": measured["latencies"], "reference": reference, "recall": recalls,
            "resident_delta": measured["resident_delta"], "first_search_s": measured["first_search_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--reference-queries", type=int, default=15, help="rank_bm25 is slow at a million")
    args = parser.parse_args()
    print(machine())
    rows = []
    for size in args.sizes:
        result = run_size(size, args.queries, args.reference_queries)
        ours, reference = result["ours"], result["reference"]
        per_passage = result["resident_delta"] / result["passages"]
        target = 30 if size <= 100_000 else 60
        rows += [
            (f"search p50 / p95 at {size:,}",
             f"{percentile(ours, 50) * 1e3:.1f} / {percentile(ours, 95) * 1e3:.1f} ms",
             f"numpy exact + rank_bm25: {percentile(reference, 50) * 1e3:.0f} / "
             f"{percentile(reference, 95) * 1e3:.0f} ms (target p95 ≤ {target} ms)"),
            (f"dense recall@10 vs exact at {size:,}",
             f"{np.mean(recall := result['recall']):.3f} (min {min(recall):.1f})",
             "target ≥ 0.99"),
            (f"resident bytes per passage at {size:,}",
             f"{per_passage:.0f} B = {per_passage / (DIMENSION * 4):.2f} of float32",
             f"float32 vector: {DIMENSION * 4} B (target ≤ 0.3 at 1,000,000)"),
            (f"open + first search at {size:,}", f"{result['first_search_s']:.2f} s", "loads every vector once"),
        ]
    print_table("Search at scale (synthetic archive)", rows)


if __name__ == "__main__":
    main()
