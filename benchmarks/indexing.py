"""Benchmark 1: throughput of a full `archivist index` of the Wikinews corpus against plain sentence-transformers.

    python -m benchmarks.indexing [--runs 3] [--articles PATH]

Each run indexes the corpus from scratch with the real command line (a fresh process: imports,
model load, parsing, chunking, encoding, writing) and then encodes the same chunk texts with
`SentenceTransformer(model).encode(texts, batch_size=32)` — the reference — in this process.
Figures are medians over runs; the ratio is taken within each run. Model FLOP/s are set against
numpy's float32 matrix-multiply rate measured at the start. Last, the dev-set retrieval of the
default (onnx) index is compared with an fp32 index built from the reference vectors.
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

import numpy as np

from benchmarks.common import ARTICLES, REPO, machine, matmul_rate, model_flops, print_table, require_corpus, timed
from benchmarks.dev_eval import dev_metrics, fp32_service
from embeddings.chunking import embedding_text
from embeddings.encoders import load_encoder
from embeddings.encoders.model_files import describe_model


def index_with_cli(archive: Path, data_dir: Path) -> tuple[dict, float]:
    """Run `archivist index` in a fresh process; (its JSON report, wall seconds)."""
    env = {**os.environ, "ARCHIVIST_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "bot", "index", str(archive), "--quiet", "--json"]
    result, seconds = timed(lambda: subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO))
    if result.returncode != 0:
        raise SystemExit(f"archivist index failed:\n{result.stderr}")
    return json.loads(result.stdout), seconds


def chunk_texts(data_dir: Path) -> list[str]:
    """The encoder inputs of every chunk in an index, in storage order."""
    import sqlite3

    with sqlite3.connect(data_dir / "index.sqlite3") as conn:
        rows = conn.execute('SELECT a.title, substr(a.body, c.start + 1, c."end" - c.start) FROM chunks c '
                            "JOIN articles a ON a.id = c.article_id ORDER BY c.rowid").fetchall()
    return [embedding_text(title, text) for title, text in rows]


def token_counts(texts: list[str]) -> list[int]:
    """Tokens the model computes per text: word pieces plus [CLS] and [SEP], truncated at 256."""
    counter = load_encoder()
    return [min(n + 2, counter.max_tokens + 2) for n in counter.count_tokens(texts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=Path, default=ARTICLES)
    args = parser.parse_args()
    require_corpus()
    print(machine())
    peak = matmul_rate()
    print(f"numpy float32 matmul: {peak / 1e9:.1f} GFLOP/s")
    load_encoder().encode_query("warm-up")  # the one-time ONNX export is not part of any run

    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(describe_model("all-MiniLM-L6-v2").load_from, device="cpu")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            data_dir = Path(tmp) / f"run{run}"
            report, index_seconds = index_with_cli(args.articles, data_dir)
            texts = chunk_texts(data_dir)
            vectors, plain_seconds = timed(lambda texts=texts: reference.encode(texts, batch_size=32))
            runs.append({"chunks": len(texts), "index_s": index_seconds, "plain_s": plain_seconds})
            print(f"run {run + 1}: index {len(texts) / index_seconds:.1f} chunks/s in {index_seconds:.1f} s; "
                  f"plain encode {len(texts) / plain_seconds:.1f} chunks/s; ratio {plain_seconds / index_seconds:.2f}",
                  flush=True)
        flops = model_flops(token_counts(texts))
        quality = compare_quality(data_dir, texts, np.asarray(vectors), reference, Path(tmp) / "fp32")
    report_table(runs, flops, peak, quality)


def compare_quality(onnx_dir: Path, texts: list[str], vectors: np.ndarray, reference, fp32_dir: Path) -> dict:
    """Dev-set hit@1 and recall@5 of the onnx index and of an fp32 index of the reference vectors."""
    from bot.service import ArchivistService
    from bot.settings import Settings

    fast = ArchivistService(Settings(archive_dir=ARTICLES, data_dir=onnx_dir))
    exact = fp32_service(reference, dict(zip(texts, vectors)), fp32_dir)
    return {"onnx": dev_metrics(fast), "fp32": dev_metrics(exact)}


def report_table(runs: list[dict], flops: float, peak: float, quality: dict) -> None:
    chunks = runs[-1]["chunks"]
    index_rate = statistics.median(r["chunks"] / r["index_s"] for r in runs)
    plain_rate = statistics.median(r["chunks"] / r["plain_s"] for r in runs)
    ratio = statistics.median(r["plain_s"] / r["index_s"] for r in runs)
    index_s = statistics.median(r["index_s"] for r in runs)
    (hit_fast, recall_fast), (hit_exact, recall_exact) = quality["onnx"], quality["fp32"]
    print_table(f"Indexing {chunks} chunks ({len(runs)} runs, medians)", [
        ("`archivist index` (full, fresh process)", f"{index_rate:.1f} chunks/s ({index_s:.0f} s)",
         f"plain `encode(batch_size=32)`: {plain_rate:.1f} chunks/s"),
        ("index ÷ plain encode (same run)", f"{ratio:.2f}×", "target ≥ 3×"),
        ("model FLOP/s during the whole index", f"{flops / index_s / 1e9:.1f} GFLOP/s",
         f"numpy matmul {peak / 1e9:.1f} GFLOP/s ({flops / index_s / peak:.0%})"),
        ("dev hit@1 / recall@5, onnx int8", f"{hit_fast:.3f} / {recall_fast:.3f}",
         f"fp32: {hit_exact:.3f} / {recall_exact:.3f} (target: recall within 0.01)"),
    ])


if __name__ == "__main__":
    main()
