"""Walking an archive tree: every supported format, a stable order, no hidden files or editor leftovers."""

from __future__ import annotations

import os
import random
from pathlib import Path

from embeddings.archive import discover
from embeddings.indexer import reindex
from embeddings.store import SQLiteStore
from tests.fakes import HashingEncoder

ARTICLES = ["2015/05/alibaba.txt", "2015/05/alibaba.HTML", "2015/jd.md", "2016/feed.jsonl", "2016/records.json",
            "archive page.htm", "b.markdown", "Zeta.txt", "zeta/alpha.txt"]
LEFTOVERS = [".DS_Store", "2015/.alibaba.txt.swp", "2015/alibaba.txt~", "2015/#alibaba.txt#", "2015/.#jd.md",
             "~$report.txt", "notes.tmp", "draft.txt.bak", "download.html.part", "page.html.crdownload",
             ".git/HEAD.txt", ".hidden/inside.txt", "__pycache__/x.txt", "Thumbs.db", "README.md", "LICENSE"]


def build(root: Path, names: list[str], seed: int) -> None:
    order = list(names)
    random.Random(seed).shuffle(order)  # creation order differs from run to run
    for name in order:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content_for(name), encoding="utf-8")


def content_for(name: str) -> str:
    stem = Path(name).stem
    if name.endswith(".jsonl"):
        return ('{"id": "f1", "title": "Feed one", "body": "First."}\n'
                '{"id": "f2", "title": "Feed two", "body": "Second."}\n')
    if name.endswith(".json"):
        return '{"articles": [{"id": "r1", "title": "Record", "body": "Recorded text."}]}'
    if name.lower().endswith((".html", ".htm")):
        return (f"<html><head><title>{stem}</title></head><body><article><h1>Page {stem}</h1>"
                f"<p>The body of the saved page called {stem}, long enough to be an article.</p>"
                "</article></body></html>")
    return f"Headline {stem}\n\nBody of {stem}.\n"


def test_mixed_tree_is_walked_in_a_stable_order_without_leftovers(tmp_path):
    walks = []
    for seed in (1, 2):
        root = tmp_path / f"archive{seed}"
        build(root, ARTICLES + LEFTOVERS, seed)
        os.symlink(root, root / "loop")  # a link back to the top must not make the walk loop
        walks.append([f.rel for f in discover(root)])
    assert walks[0] == walks[1] == sorted(ARTICLES)


def test_mixed_tree_indexes_every_format(tmp_path):
    root = tmp_path / "archive"
    build(root, ARTICLES + LEFTOVERS, 3)
    store = SQLiteStore(tmp_path / "data" / "index.sqlite3")
    report = reindex(root, store, HashingEncoder())
    assert report.failed == [] and report.files == len(ARTICLES)
    assert sorted(report.added) == sorted(
        ["2015/05/alibaba.txt", "2015/05/alibaba.HTML", "2015/jd.md", "f1", "f2", "r1", "archive page.htm",
         "b.markdown", "Zeta.txt", "zeta/alpha.txt"])
    assert store.get_article("2015/05/alibaba.HTML").title == "Page alibaba"
    store.close()
