"""The Store contract, run against every store backend (the `store` fixture is parametrised)."""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pytest

from embeddings.chunking import embedding_text
from embeddings.errors import IndexNotBuiltError, ModelMismatchError, ReindexBusyError
from embeddings.models import Article, Chunk, SearchFilters
from embeddings.store import SQLiteStore, Store
from tests.fakes import HashingEncoder

ENCODER = HashingEncoder(dimension=64)
MODEL = ENCODER.model_name


def make_store(kind: str, tmp_path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "index.sqlite3", writer_wait_seconds=0.2)
    if kind == "sqlite-compressed":  # vectors held as sign bits + 4-bit codes in memory, as for large archives
        return SQLiteStore(tmp_path / "index.sqlite3", writer_wait_seconds=0.2, compress_above=0)
    raise AssertionError(kind)


@pytest.fixture(params=["sqlite", "sqlite-compressed"])
def store(request, tmp_path):
    made = make_store(request.param, tmp_path)
    yield made
    made.close()


def article(article_id: str, body: str, *, title: str = "Headline", date: dt.date | None = None,
            tags: tuple[str, ...] = ()) -> Article:
    return Article(id=article_id, title=title, body=body, date=date, tags=tags, source_path=f"{article_id}.txt").with_hash()


def put(writer, art: Article, pieces: list[str] | None = None) -> list[Chunk]:
    """Write art with one chunk per piece of its body (whole body by default)."""
    pieces = pieces or [art.body]
    chunks, cursor = [], 0
    for ordinal, piece in enumerate(pieces):
        start = art.body.index(piece, cursor)
        chunks.append(Chunk(f"{art.id}#{ordinal}", art.id, ordinal, piece, start, start + len(piece)))
        cursor = start + len(piece)
    texts = [embedding_text(art.title, c.text) for c in chunks]
    writer.put_article(art, chunks, ENCODER.encode_documents(texts), [str(hash(t)) for t in texts])
    return chunks


def search_ids(store: Store, query: str, filters: SearchFilters = SearchFilters(), mode: str = "dense") -> list[str]:
    with store.snapshot() as snap:
        if mode == "dense":
            found = snap.dense_search(ENCODER.encode_query(query), 10, filters)
        else:
            found = snap.text_search(query.lower().split(), 10, filters)
    return [c.chunk_id for c in found]


def test_empty_store_has_no_info_and_refuses_questions(store):
    assert store.info() is None
    with pytest.raises(IndexNotBuiltError, match="archivist index"):
        store.check_model(MODEL)


def test_round_trip(store):
    art = article("a1", "Alibaba hires abroad.\n\nZhang spoke about cloud computing.", date=dt.date(2015, 5, 14),
                  tags=("China", "employment"))
    with store.writer(MODEL, ENCODER.dimension) as w:
        chunks = put(w, art, ["Alibaba hires abroad.", "Zhang spoke about cloud computing."])
    info = store.check_model(MODEL)
    assert (info.articles, info.chunks, info.model, info.dimension) == (1, 2, MODEL, 64)
    assert store.get_article("a1") == art
    with store.snapshot() as snap:
        fetched = snap.fetch(["a1#1", "missing", "a1#0"])
        assert [c for c, _ in fetched] == [chunks[1], chunks[0]]
        assert fetched[0][1] == art
        vectors = snap.chunk_vectors(["a1#0"])
        assert vectors.shape == (1, 64) and np.isclose(np.linalg.norm(vectors[0]), 1.0)
        assert snap.article_count(SearchFilters()) == 1
    assert search_ids(store, "cloud computing Zhang")[0] == "a1#1"
    assert search_ids(store, "cloud", mode="text") == ["a1#1"]
    assert store.titles() == [("a1", "Headline", dt.date(2015, 5, 14))]
    assert dict(store.tags()) == {"China": 1, "employment": 1}


def test_replace_leaves_no_duplicate_or_stale_chunk(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Old text one.\n\nOld text two.\n\nOld text three."),
            ["Old text one.", "Old text two.", "Old text three."])
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Fresh words only."))
    info = store.info()
    assert (info.articles, info.chunks) == (1, 1)
    assert search_ids(store, "old", mode="text") == []
    assert search_ids(store, "fresh", mode="text") == ["a1#0"]
    assert search_ids(store, "fresh words") == ["a1#0"]


def test_delete_removes_everything(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Apples are red.", tags=("fruit",)))
        put(w, article("a2", "Bananas are yellow."))
    with store.writer(MODEL, ENCODER.dimension) as w:
        w.delete_article("a1")
    assert store.get_article("a1") is None
    assert store.info().articles == 1 and store.info().chunks == 1
    assert search_ids(store, "apples", mode="text") == []
    assert all(not c.startswith("a1") for c in search_ids(store, "apples red"))
    assert store.tags() == []


def test_filters_by_date_and_tag(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("old", "Market news today.", date=dt.date(2005, 1, 1), tags=("Markets",)))
        put(w, article("new", "Market news today.", date=dt.date(2015, 1, 1), tags=("Tech",)))
        put(w, article("undated", "Market news today."))
    recent = SearchFilters(date_from=dt.date(2010, 1, 1))
    early = SearchFilters(date_to=dt.date(2010, 1, 1))
    tagged = SearchFilters(tags=("markets",))
    for mode in ("dense", "text"):
        assert search_ids(store, "market news", recent, mode) == ["new#0"]
        assert search_ids(store, "market news", early, mode) == ["old#0"]
        assert search_ids(store, "market news", tagged, mode) == ["old#0"]
        assert sorted(search_ids(store, "market news", SearchFilters(), mode)) == ["new#0", "old#0", "undated#0"]
    assert [a.id for a in store.list_articles(recent)] == ["new"]
    assert [a.id for a in store.list_articles(SearchFilters(), title_contains="HEAD")] == ["new", "old", "undated"]
    with store.snapshot() as snap:
        assert snap.article_count(tagged) == 1


def test_model_mismatch_is_refused_until_rebuild(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Some text."))
    with pytest.raises(ModelMismatchError, match="ARCHIVIST_MODEL=test/hashing"):
        store.check_model("other/model")
    with pytest.raises(ModelMismatchError, match="--rebuild"):
        with store.writer("other/model", 64):
            pass
    with store.writer("other/model", 64, rebuild=True) as w:
        put(w, article("a2", "Other text."))
    assert store.check_model("other/model").articles == 1
    assert store.get_article("a1") is None


def test_failed_write_changes_nothing(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("keep", "Kept text."))
    generation = store.info().generation
    with pytest.raises(RuntimeError):
        with store.writer(MODEL, ENCODER.dimension) as w:
            w.delete_article("keep")
            put(w, article("new", "New text."))
            raise RuntimeError("crash in the middle")
    assert store.get_article("keep") is not None and store.get_article("new") is None
    assert store.info().generation == generation


def test_second_writer_is_refused_while_one_is_open(store):
    with store.writer(MODEL, ENCODER.dimension):
        with pytest.raises(ReindexBusyError, match="another reindex"):
            with store.writer(MODEL, ENCODER.dimension):
                pass


def test_readers_see_the_old_index_until_commit(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Original words here."))
    entered, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def write() -> None:
        with store.writer(MODEL, ENCODER.dimension) as w:
            w.delete_article("a1")
            put(w, article("a2", "Replacement words here."))
            entered.set()
            release.wait(10)

    thread = threading.Thread(target=write)
    thread.start()
    assert entered.wait(10)
    results["during"] = (search_ids(store, "words here"), search_ids(store, "original", mode="text"))
    with store.snapshot() as snap:  # a snapshot opened before the commit keeps its view after it
        release.set()
        thread.join(10)
        results["held"] = [c.chunk_id for c in snap.dense_search(ENCODER.encode_query("words"), 5, SearchFilters())]
    results["after"] = search_ids(store, "words here")
    assert results["during"] == (["a1#0"], ["a1#0"])
    assert results["held"] == ["a1#0"]
    assert results["after"] == ["a2#0"]


def test_writer_meta_commits_with_the_transaction(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Text."))
        w.set_meta("report", "done")
    assert store.get_meta("report") == "done"
    assert store.get_meta("absent") is None
