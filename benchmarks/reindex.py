"""Benchmark 2: a no-op reindex and a small edit against a full index of the Wikinews corpus.

    python -m benchmarks.reindex [--runs 5] [--share 0.01]

Indexes a copy of the corpus (in a temporary directory) with `archivist index`, then times
`archivist index` again on the unchanged copy (median of runs) against the full index. Then one
paragraph is edited in `--share` of the articles and the chunks the reindex embedded are set
against the chunks whose encoder input actually changed (counted by chunking old and new bodies).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
from pathlib import Path

from benchmarks.common import ARTICLES, machine, print_table, require_corpus
from benchmarks.indexing import index_with_cli
from embeddings.chunking import ChunkingPolicy, chunk_article, embedding_text
from embeddings.encoders import load_encoder
from embeddings.models import Article


def edit_articles(path: Path, share: float, seed: int = 7) -> list[tuple[dict, dict]]:
    """Append a sentence to one paragraph of `share` of the records; (old, new) of each edited record."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    edited = []
    for index in rng.sample(range(len(records)), max(1, round(len(records) * share))):
        old = records[index]
        paragraphs = old["body"].split("\n\n")
        which = rng.randrange(len(paragraphs))
        paragraphs[which] += " An editor later added this sentence to the paragraph."
        records[index] = {**old, "body": "\n\n".join(paragraphs)}
        edited.append((old, records[index]))
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return edited


def changed_chunks(edited: list[tuple[dict, dict]]) -> int:
    """How many chunks of the edited articles have an encoder input the old version did not have."""
    encoder = load_encoder()
    policy = ChunkingPolicy(max_tokens=encoder.max_tokens)

    def inputs(record: dict) -> set[str]:
        article = Article(id=record["id"], title=record["title"], body=record["body"])
        return {embedding_text(article.title, c.text) for c in chunk_article(article, encoder.count_tokens, policy)}

    return sum(len(inputs(new) - inputs(old)) for old, new in edited)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--share", type=float, default=0.01)
    args = parser.parse_args()
    require_corpus()
    print(machine())
    load_encoder().encode_query("warm-up")  # the one-time ONNX export is not part of any run
    with tempfile.TemporaryDirectory() as tmp:
        archive, data = Path(tmp) / "articles.jsonl", Path(tmp) / "data"
        archive.write_bytes(ARTICLES.read_bytes())
        full, full_s = index_with_cli(archive, data)
        noops = [index_with_cli(archive, data) for _ in range(args.runs)]
        assert all(r["chunks_embedded"] == 0 and not r["updated"] for r, _ in noops)
        noop_s = statistics.median(s for _, s in noops)
        edited = edit_articles(archive, args.share)
        expected = changed_chunks(edited)
        small, small_s = index_with_cli(archive, data)
    print_table("Reindexing", [
        ("full index", f"{full['chunks_embedded']} chunks in {full_s:.1f} s", ""),
        (f"no-op reindex (median of {args.runs})", f"{noop_s:.2f} s = {noop_s / full_s:.2%} of the full index",
         "target ≤ 1%"),
        (f"edit one paragraph in {len(edited)} articles ({args.share:.0%})",
         f"{small['chunks_embedded']} chunks re-embedded in {small_s:.1f} s ({len(small['updated'])} updated)",
         f"{expected} chunks changed: {small['chunks_embedded'] / max(expected, 1):.2f}× (target ≤ 1.1×)"),
    ])


if __name__ == "__main__":
    main()
