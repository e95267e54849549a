"""The two Wikinews corpora and the training split: which articles training data may be written about."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpus"
CORPORA = {"business": SHARED / "wikinews" / "articles.jsonl",
           "politics": SHARED / "wikinews-politics" / "articles.jsonl"}
TRAIN_LIST = SHARED / "splits" / "train-articles.txt"


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    title: str
    date: str | None
    body: str
    corpus: str


def require_corpus() -> None:
    missing = [str(p) for p in [*CORPORA.values(), TRAIN_LIST] if not p.is_file()]
    if missing:
        raise SystemExit(f"the shared corpus is missing ({', '.join(missing)}); "
                         "it lives beside the repository in ../shared")


def _read(corpus: str, path: Path) -> Iterator[CorpusArticle]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                r = json.loads(line)
                yield CorpusArticle(r["id"], r["title"], r.get("date"), r["body"], corpus)


@lru_cache(maxsize=1)
def articles() -> dict[str, CorpusArticle]:
    """Every article of both corpora by id."""
    require_corpus()
    return {a.id: a for name, path in CORPORA.items() for a in _read(name, path)}


@lru_cache(maxsize=1)
def train_ids() -> frozenset[str]:
    """The ids training data may be written about (../shared/corpus/splits/README.md says why)."""
    require_corpus()
    return frozenset(line.strip() for line in TRAIN_LIST.read_text().splitlines() if line.strip())


def train_order() -> list[str]:
    """The training articles in the order of the split file (slices of it go to separate writers)."""
    require_corpus()
    return [line.strip() for line in TRAIN_LIST.read_text().splitlines() if line.strip()]
