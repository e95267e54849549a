"""The measured side of benchmarks.scale, in a fresh process: cold load, resident memory, search latency, dense top 10.

    python -m benchmarks.scale_probe DATA_DIR QUERIES.npz   (prints one JSON object)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.common import resident_bytes
from benchmarks.synthetic import DIMENSION, MODEL
from embeddings.models import SearchFilters
from embeddings.retrieval import Retriever
from embeddings.store import SQLiteStore


class QueryVectors:
    """An Encoder for synthetic queries: each query text maps to its prepared vector."""

    model_name, dimension, max_tokens = MODEL, DIMENSION, 254

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self._vectors = dict(zip(texts, vectors))

    def encode_query(self, text: str) -> np.ndarray:
        return self._vectors[text]


def main() -> None:
    data_dir, queries_path = Path(sys.argv[1]), Path(sys.argv[2])
    prepared = np.load(queries_path)
    texts, vectors = [str(t) for t in prepared["texts"]], prepared["vectors"]
    started = time.perf_counter()
    store = SQLiteStore(data_dir / "index.sqlite3")
    retriever = Retriever(store, QueryVectors(texts, vectors))
    before = resident_bytes()
    retriever.search(texts[0])  # loads the vectors
    loaded = resident_bytes()
    first_search = time.perf_counter() - started
    latencies, dense_top = [], []
    for _ in range(3):
        for text in texts:
            t = time.perf_counter()
            retriever.search(text)
            latencies.append(time.perf_counter() - t)
    for vector in vectors:
        with store.snapshot() as snap:
            dense_top.append([c.chunk_id for c in snap.dense_search(vector, 10, SearchFilters())])
    print(json.dumps({"latencies": latencies, "dense_top": dense_top, "first_search_s": first_search,
                      "resident_delta": loaded - before, "resident_total": loaded,
                      "passages": store.info().chunks}))


if __name__ == "__main__":
    main()
