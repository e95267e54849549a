"""Reindexing: incremental re-embedding, replacement, removal, bad files that lose nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embeddings.errors import ModelMismatchError
from embeddings.indexer import reindex
from embeddings.models import SearchFilters
from embeddings.sentences import sentence_spans
from embeddings.store import SQLiteStore
from tests.fakes import HashingEncoder, PoolingHashingEncoder


@pytest.fixture
def store(tmp_path):
    made = SQLiteStore(tmp_path / "data" / "index.sqlite3")
    yield made
    made.close()


def write_article(root: Path, name: str, title: str, *paragraphs: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def all_chunk_ids(store) -> list[str]:
    with store.snapshot() as snap:
        return sorted(c.chunk_id for c in snap.text_search(["the"], 10_000, SearchFilters()))


@pytest.fixture
def archive(tmp_path):
    root = tmp_path / "articles"
    write_article(root, "a.txt", "Apple news", "The apple fell far from the tree.", "The farmer collected the apple.")
    write_article(root, "b.txt", "Banana news", "The banana was yellow and ripe.")
    write_article(root, "sub/c.md", "Cherry news", "The cherry season started early.")
    return root


def test_first_index_then_noop(archive, store):
    encoder = HashingEncoder()
    first = reindex(archive, store, encoder)
    assert sorted(first.added) == ["a.txt", "b.txt", "sub/c.md"]
    assert first.failed == [] and first.chunks_embedded == 3
    encoder.encoded.clear()
    second = reindex(archive, store, encoder)
    assert (second.added, second.updated, second.removed, second.unchanged) == ([], [], [], 3)
    assert encoder.encoded == []  # an unchanged archive re-embeds nothing


def test_every_sentence_gets_a_stored_vector_pooled_with_its_headline(archive, store):
    encoder = PoolingHashingEncoder()
    reindex(archive, store, encoder)
    found = store.sentence_vectors(["a.txt", "b.txt", "sub/c.md"])
    assert set(found) == {"a.txt", "b.txt", "sub/c.md"}
    article = store.get_article("a.txt")
    assert found["a.txt"].content_hash == article.content_hash
    assert sorted(found["a.txt"].by_span) == sentence_spans(article.body)
    for (start, end), vector in found["a.txt"].by_span.items():
        expected = encoder.encode_query(f"{article.title} {article.body[start:end]}")
        assert float(vector @ expected) > 0.999


def test_an_index_without_sentence_vectors_gains_them_on_the_next_reindex(archive, store):
    reindex(archive, store, HashingEncoder())  # an encoder that cannot pool: the state of an older index
    assert store.sentence_vectors(["a.txt", "b.txt"]) == {}
    encoder = PoolingHashingEncoder()
    unchanged = reindex(archive, store, encoder)
    assert unchanged.chunks_embedded == 0  # the recorded chunker id is unchanged: nothing is re-planned
    with store.writer(encoder.model_name, encoder.dimension) as writer:
        writer.set_meta("chunker", "2:254:200")  # what an index written before sentence vectors records
    upgraded = reindex(archive, store, encoder)
    assert upgraded.chunks_embedded == 3 and upgraded.failed == []
    assert set(store.sentence_vectors(["a.txt", "b.txt", "sub/c.md"])) == {"a.txt", "b.txt", "sub/c.md"}
    encoder.encoded.clear()
    assert reindex(archive, store, encoder).chunks_embedded == 0 and encoder.encoded == []


def test_changed_article_is_replaced_without_stale_chunks(archive, store):
    encoder = HashingEncoder(max_tokens=10)  # small limit: every paragraph is its own chunk
    reindex(archive, store, encoder)
    before = store.info().chunks
    write_article(archive, "a.txt", "Apple news", "The apple fell far from the tree.", "The farmer sold the pear.")
    encoder.encoded.clear()
    report = reindex(archive, store, encoder)
    assert report.updated == ["a.txt"] and report.unchanged == 2
    # Only the edited paragraph is embedded again; the untouched one keeps its vector.
    assert encoder.encoded == ["Apple news\n\nThe farmer sold the pear."]
    assert report.chunks_reused == 1
    assert store.info().chunks == before
    with store.snapshot() as snap:
        assert [c.chunk_id for c in snap.text_search(["collected"], 10, SearchFilters())] == []
        assert [c.chunk_id for c in snap.text_search(["pear"], 10, SearchFilters())] == ["a.txt#1"]
    assert len(all_chunk_ids(store)) == len(set(all_chunk_ids(store)))


def test_removed_file_removes_its_article(archive, store):
    reindex(archive, store, HashingEncoder())
    (archive / "b.txt").unlink()
    report = reindex(archive, store, HashingEncoder())
    assert report.removed == ["b.txt"]
    assert store.get_article("b.txt") is None and store.info().articles == 2


def test_bad_files_are_reported_and_lose_nothing(archive, store):
    jsonl = archive / "feed.jsonl"
    good = {"id": "j1", "title": "Jay", "body": "Jay text."}
    jsonl.write_text(json.dumps(good) + "\n" + json.dumps({"id": "j2", "title": "Kay", "body": "Kay text."}) + "\n")
    reindex(archive, store, HashingEncoder())
    assert store.get_article("j2") is not None
    # Break things: a.txt becomes binary, j2's line becomes invalid JSON, junk files appear.
    (archive / "a.txt").write_bytes(b"\x00\x01\x02binary")
    jsonl.write_text(json.dumps(good) + "\n{broken\n")
    (archive / "empty.txt").write_text("")
    (archive / "notes.pdf").write_bytes(b"%PDF")
    (archive / "nobody.jsonl").write_text(json.dumps({"id": "n", "title": "No body"}) + "\n")
    report = reindex(archive, store, HashingEncoder())
    failures = {(f.path, f.line): f.reason for f in report.failed}
    assert set(failures) == {("a.txt", None), ("feed.jsonl", 2), ("empty.txt", None), ("notes.pdf", None),
                             ("nobody.jsonl", 1)}
    assert "binary" in failures[("a.txt", None)] and "no body" in failures[("nobody.jsonl", 1)]
    # What those files held before is still served; the rest is indexed as usual.
    assert store.get_article("a.txt") is not None and store.get_article("j2") is not None
    assert report.removed == [] and report.unchanged == 3  # b.txt, sub/c.md, j1
    # Four files gave nothing; feed.jsonl gave j1 but lost a line: files and records counted apart.
    assert (report.files_failed, report.records_failed, report.files_with_failed_records) == (4, 1, 1)
    assert report.summary() == "0 added, 0 updated, 0 removed, 3 unchanged, 4 files failed, 1 record failed in 1 file"


def test_duplicate_ids_keep_the_first(tmp_path, store):
    root = tmp_path / "dups"
    root.mkdir()
    (root / "1.jsonl").write_text(json.dumps({"id": "same", "title": "First", "body": "One."}) + "\n")
    (root / "2.jsonl").write_text(json.dumps({"id": "same", "title": "Second", "body": "Two."}) + "\n")
    report = reindex(root, store, HashingEncoder())
    assert report.added == ["same"] and "duplicate article id 'same'" in report.failed[0].reason
    assert store.get_article("same").title == "First"


def test_hidden_and_editor_files_are_ignored(archive, store):
    write_article(archive, ".hidden.txt", "Hidden", "Secret.")
    write_article(archive, "a.txt~", "Backup", "Old.")
    write_article(archive, ".git/objects.txt", "Git", "Internal.")
    (archive / "README.md").write_text("# About this folder\n\nNot an article.\n")
    report = reindex(archive, store, HashingEncoder())
    assert sorted(report.added) == ["a.txt", "b.txt", "sub/c.md"] and report.failed == []


def test_model_change_requires_rebuild(archive, store):
    reindex(archive, store, HashingEncoder())
    other = HashingEncoder(model_name="test/other")
    with pytest.raises(ModelMismatchError):
        reindex(archive, store, other)
    report = reindex(archive, store, other, rebuild=True)
    assert len(report.added) == 3 and store.check_model("test/other").articles == 3


def test_progress_reaches_the_total(archive, store):
    events = []
    reindex(archive, store, HashingEncoder(), on_progress=events.append)
    assert events and events[-1].bytes_done == events[-1].bytes_total > 0
    assert events[-1].articles_seen == 3


def test_reindex_report_is_kept(archive, store):
    reindex(archive, store, HashingEncoder())
    assert json.loads(store.get_meta("last_reindex_report"))["added"] == ["a.txt", "b.txt", "sub/c.md"]
