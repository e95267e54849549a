"""The Store contract, run against every store backend (the `store` fixture is parametrised)."""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pytest

from embeddings.chunking import embedding_text
from embeddings.errors import IndexNotBuiltError, ModelMismatchError, ReindexBusyError, StoreError
from embeddings.models import Article, Chunk, SearchFilters
from embeddings.sentence_vectors import pack, sentences_in_chunk
from embeddings.store import Store
from tests.fakes import HashingEncoder
from tests.stores import BACKENDS, backend_location, open_backend

ENCODER = HashingEncoder(dimension=64)
MODEL = ENCODER.model_name


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    made = open_backend(request.param, backend_location(request.param, request, tmp_path))
    yield made
    made.close()


def article(article_id: str, body: str, *, title: str = "Headline", date: dt.date | None = None,
            tags: tuple[str, ...] = ()) -> Article:
    return Article(id=article_id, title=title, body=body, date=date, tags=tags,
                   source_path=f"{article_id}.txt").with_hash()


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


# -- where two backends could drift ------------------------------------------------------------


def put_vector(writer, art: Article, vector: np.ndarray) -> None:
    """Write art as one chunk with a given vector (for searches compared against exact numpy)."""
    chunk = Chunk(f"{art.id}#0", art.id, 0, art.body, 0, len(art.body))
    writer.put_article(art, [chunk], vector[None, :].astype(np.float32), [f"h-{art.id}"])


def test_listings_sort_undated_last_and_ids_by_code_point(store):
    dates = {"b": dt.date(2020, 1, 1), "B": dt.date(2020, 1, 1), "a_1": None, "a-2": dt.date(2019, 5, 1),
             "a10": dt.date(2020, 1, 1), "a9": None, "Ünï": dt.date(2020, 1, 1)}
    with store.writer(MODEL, ENCODER.dimension) as w:
        for article_id, date in dates.items():
            put(w, article(article_id, f"Body of {article_id}.", date=date))
    expected = sorted(dates, key=lambda i: (-(dates[i] or dt.date.min).toordinal(), i))
    assert [a.id for a in store.list_articles(SearchFilters(), limit=50)] == expected
    assert [t[0] for t in store.titles()] == expected
    assert [a.id for a in store.list_articles(SearchFilters(), limit=2)] == expected[:2]


def test_tags_match_whatever_their_case(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Stocks fell.", tags=("Markets",)))
        put(w, article("a2", "Stocks rose.", tags=("markets", "Tech")))
        put(w, article("a3", "Stocks held.", tags=("Sport",)))
    assert {name.lower(): n for name, n in store.tags()} == {"markets": 2, "tech": 1, "sport": 1}
    assert store.tags()[0][1] == 2
    shouting = SearchFilters(tags=("MARKETS",))
    for mode in ("dense", "text"):
        assert sorted(search_ids(store, "stocks", shouting, mode)) == ["a1#0", "a2#0"]
    assert sorted(a.id for a in store.list_articles(shouting)) == ["a1", "a2"]
    with store.snapshot() as snap:
        assert snap.article_count(shouting) == 2
        assert snap.article_count(SearchFilters(tags=("tech", "sport"))) == 2


def test_filtered_dense_search_returns_the_exact_k_best(store):
    """A selective filter still yields k results, the same ones exact search finds (HNSW must look further)."""
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(400, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rare = {i for i in range(400) if i % 25 == 0}  # 16 of 400
    with store.writer(MODEL, 64) as w:
        for i, vector in enumerate(vectors):
            put_vector(w, article(f"n{i:03d}", f"Note {i}.", date=dt.date(2000 + i % 20, 6, 1),
                                  tags=("rare",) if i in rare else ("common",)), vector)
    query = vectors[3] + 0.5 * rng.normal(size=64).astype(np.float32)
    query /= np.linalg.norm(query)
    cases = [(SearchFilters(), set(range(400))), (SearchFilters(tags=("rare",)), rare),
             (SearchFilters(date_from=dt.date(2018, 1, 1), date_to=dt.date(2018, 12, 31)),
              {i for i in range(400) if i % 20 == 18})]
    for filters, allowed in cases:
        exact = sorted(allowed, key=lambda i: -float(vectors[i] @ query))[:10]
        with store.snapshot() as snap:
            found = snap.dense_search(query, 10, filters)
        assert [c.chunk_id for c in found] == [f"n{i:03d}#0" for i in exact]
        assert np.allclose([c.score for c in found], [vectors[i] @ query for i in exact], atol=1e-5)


def test_text_ranking_is_bm25_like(store):
    """Rare words outweigh common ones (IDF), a headline word outweighs a body word, long chunks are damped."""
    with store.writer(MODEL, ENCODER.dimension) as w:
        for i in range(12):
            put(w, article(f"filler{i:02d}", f"The market opened on day {i}."))
        put(w, article("repeats", "Market market market market news."))
        put(w, article("rare", "A zebra crossed the market."))
        put(w, article("in-title", "Crowds gathered downtown.", title="Bicycle parade"))
        put(w, article("in-body", "Bicycle crowds gathered downtown.", title="City notes"))
        put(w, article("short", "Kayak."))
        put(w, article("long", "Kayak trips with many other words about rivers and lakes and weather."))
    ranked = search_ids(store, "zebra market", mode="text")
    assert ranked[0] == "rare#0" and ranked.index("rare#0") < ranked.index("repeats#0")
    assert search_ids(store, "bicycle", mode="text") == ["in-title#0", "in-body#0"]
    assert search_ids(store, "kayak", mode="text") == ["short#0", "long#0"]


def test_text_search_survives_punctuation_accents_and_emoji(store):
    body = "O'Brien visited the café in São Paulo 😀 and met \"Dr. Back\\slash\" at 5:30."
    with store.writer(MODEL, ENCODER.dimension) as w:
        chunks = put(w, article("a1", body, title="Travel"))
    # Quotes, operators and backslashes are query syntax to FTS5 and tsquery: here they are only text.
    for terms in (["o'brien"], ["café"], ["são", "paulo"], ["back\\slash", "it's", "'", "\"", "&", "|", "!", "*", "("]):
        with store.snapshot() as snap:
            assert [c.chunk_id for c in snap.text_search(terms, 5, SearchFilters())] == ["a1#0"], terms
    with store.snapshot() as snap:
        [(chunk, _)] = snap.fetch(["a1#0"])
    assert chunk == chunks[0] and chunk.text == body


def test_stored_vectors_come_back_bit_for_bit(store):
    art = article("a1", "One.\n\nTwo.")
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, art, ["One.", "Two."])
        expected = ENCODER.encode_documents([embedding_text(art.title, t) for t in ("One.", "Two.")])
    with store.writer(MODEL, ENCODER.dimension) as w:
        reused = w.existing_embeddings("a1")
    assert len(reused) == 2
    assert all(e.vector.dtype == np.float32 and e.sentences is None for e in reused.values())
    assert sorted(e.vector.tobytes() for e in reused.values()) == sorted(v.tobytes() for v in expected)
    with store.snapshot() as snap:
        assert snap.chunk_vectors(["a1#1", "a1#0"]).tobytes() == expected[::-1].tobytes()


def test_sentence_vectors_are_stored_with_their_chunk_and_found_by_body_offsets(store):
    body = "First point here. Second point here.\n\nThird point in chunk two."
    art = article("a1", body)
    chunks = [Chunk("a1#0", "a1", 0, body[:36], 0, 36), Chunk("a1#1", "a1", 1, body[38:], 38, len(body))]
    sentences = [(0, 17), (18, 36), (38, len(body))]
    vectors = ENCODER.encode_documents([body[s:e] for s, e in sentences])
    packed = [pack(sentences_in_chunk(chunks[0], sentences), vectors[:2]),
              pack(sentences_in_chunk(chunks[1], sentences), vectors[2:])]
    with store.writer(MODEL, ENCODER.dimension) as w:
        w.put_article(art, chunks, ENCODER.encode_documents([c.text for c in chunks]), ["h0", "h1"], packed)
        put(w, article("a2", "Indexed without sentence vectors."))
    found = store.sentence_vectors(["a1", "a2", "missing"])
    assert set(found) == {"a1"}
    assert found["a1"].content_hash == art.content_hash
    assert sorted(found["a1"].by_span) == sentences
    for (start, end), vector in zip(sentences, vectors):
        # float16 storage: the same direction to well within a cosine of 0.001
        assert float(found["a1"].by_span[(start, end)] @ vector) > 0.999
    with store.writer(MODEL, ENCODER.dimension) as w:
        reused = w.existing_embeddings("a1")
        assert sorted(e.sentences for e in reused.values()) == sorted(packed)
        w.delete_article("a1")
    assert store.sentence_vectors(["a1"]) == {}


def test_put_article_refuses_sentence_blobs_that_do_not_match_the_chunks(store):
    art = article("a1", "Only one chunk.")
    chunk = Chunk("a1#0", "a1", 0, art.body, 0, len(art.body))
    with store.writer(MODEL, ENCODER.dimension) as w, pytest.raises(StoreError, match="sentence blobs"):
        w.put_article(art, [chunk], ENCODER.encode_documents([art.body]), ["h"], [None, None])


def test_rebuild_with_a_model_of_another_dimension(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Sixty-four dimensions."))
    small = HashingEncoder(dimension=32, model_name="other/small")
    with store.writer(small.model_name, 32, rebuild=True) as w:
        w.put_article(article("b1", "Thirty-two dimensions."),
                      [Chunk("b1#0", "b1", 0, "Thirty-two dimensions.", 0, 22)],
                      small.encode_documents(["Thirty-two dimensions."]), ["h"])
    assert store.check_model("other/small").dimension == 32
    with store.snapshot() as snap:
        assert [c.chunk_id for c in snap.dense_search(small.encode_query("thirty-two"), 5, SearchFilters())] == ["b1#0"]


def test_meta_written_by_an_open_reindex_is_invisible_until_commit(store):
    with store.writer(MODEL, ENCODER.dimension) as w:
        put(w, article("a1", "Text."))
        w.set_meta("report", "first")
    with store.writer(MODEL, ENCODER.dimension) as w:
        w.set_meta("report", "second")
        put(w, article("a2", "More text."))
        assert store.get_meta("report") == "first"
        assert store.info().articles == 1 and store.get_article("a2") is None
    assert store.get_meta("report") == "second" and store.info().articles == 2
