"""The benchmarks' own machinery (not their timings): synthetic archives, the reference search, FLOP counts."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.common import model_flops
from benchmarks.scale import reference_search
from benchmarks.scale_probe import QueryVectors
from benchmarks.synthetic import make_archive, write_store
from embeddings.models import SearchFilters
from embeddings.retrieval import Retriever
from embeddings.store import SQLiteStore


def test_model_flops_counts_dense_layers_and_attention():
    per_layer = 2 * 10 * (4 * 384 * 384 + 2 * 384 * 1536) + 4 * 10 * 10 * 384
    assert model_flops([10]) == 6 * per_layer
    assert model_flops([10, 10]) == 2 * model_flops([10])


@pytest.mark.parametrize("compress_above", [10**9, 0])
def test_synthetic_archive_is_searchable_like_the_reference(tmp_path, compress_above):
    from rank_bm25 import BM25Okapi

    archive = make_archive(2_000, 5, seed=3)
    write_store(archive, tmp_path)
    store = SQLiteStore(tmp_path / "index.sqlite3", compress_above=compress_above)
    retriever = Retriever(store, QueryVectors(archive.queries, archive.query_vectors))
    bm25 = BM25Okapi([t.split() for t in archive.texts])
    for text, vector in zip(archive.queries, archive.query_vectors):
        source = int(np.argmax(archive.vectors @ vector))
        with store.snapshot() as snap:
            assert snap.dense_search(vector, 10, SearchFilters())[0].chunk_id == archive.chunk_id(source)
        ours = [h.chunk.id for h in retriever.search(text, limit=10).hits]
        assert archive.chunk_id(source) in ours
        assert source in reference_search(archive, bm25, vector, text)
    store.close()
