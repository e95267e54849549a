"""The benchmarks' own machinery (not their timings): synthetic archives, the reference search, FLOP counts."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.common import model_flops
from benchmarks.scale import reference_search
from benchmarks.scale_probe import QueryVectors
from benchmarks.synthetic import make_archive, write_store
from benchmarks.tune import CachedRetrievals, row, score, settings_to_try
from bot import evaluation
from bot.service import ArchivistService
from embeddings.models import SearchFilters
from embeddings.retrieval import Retriever
from embeddings.store import SQLiteStore
from tests.small_archive import small_archive


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


def test_tune_lists_the_defaults_the_grid_and_each_try():
    assert settings_to_try(["a=1,2", "b=3"], ["c=4 d=5"]) == [[], ["a=1", "b=3"], ["a=2", "b=3"], ["c=4", "d=5"]]
    assert settings_to_try([], []) == [[]]


def test_tune_scores_a_setting_as_eval_does_from_cached_retrievals(tmp_path, monkeypatch):
    service = small_archive(tmp_path)
    tuning = service.tuning
    questions = [evaluation.Question("q1", "How much will the harbour repairs cost?", ("harbour",),
                                     ("Repairs will cost 40,000 pounds, the council said.",), "fact"),
                 evaluation.Question("q2", "quantum computers explained simply", (), (), "unanswerable")]
    expected = evaluation.summarise(evaluation.run_questions(service, questions, baselines=()))
    cache = CachedRetrievals(service)
    tuned = score(cache, tuning, questions)
    def timeless(summary: dict) -> dict:
        return {k: v for k, v in summary.items() if k != "latency_ms"}
    assert timeless(tuned) == timeless(expected)
    searches = []
    monkeypatch.setattr(ArchivistService, "retrieve", lambda self, *a, **k: searches.append(a) or None)
    score(cache, tuning.with_overrides(["max_words=10"]), questions)  # answering knob: the cache serves
    assert searches == []
    line = row("defaults", "small", tuned, by_kind=True)
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[:3] == ["defaults", "small", f"{tuned['retrieval']['hit@1']:.2f}"]
    assert cells[5] == "1.000" and cells[-1] == "fact 1.00"  # coverage, three decimals; then by kind
