"""Reindexing an archive: parse every file, embed only what changed, write it all in one transaction."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from embeddings.archive import discover
from embeddings.chunking import CHUNKER_VERSION, ChunkingPolicy, chunk_article, embedding_text
from embeddings.encoders import Encoder
from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing import ParseLimits, iter_articles
from embeddings.store import Store, StoreWriter

_BATCH_CHUNKS = 256  # chunks encoded per batch: bounds memory whatever the archive's size
LAST_REPORT_KEY = "last_reindex_report"
_CHUNKER_KEY = "chunker"


@dataclass(frozen=True)
class Failure:
    """A file or record that was skipped, and why."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass
class ReindexReport:
    """What a reindex did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[Failure] = field(default_factory=list)
    files: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
                f"{self.unchanged} unchanged, {len(self.failed)} failed")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


@dataclass(frozen=True)
class ReindexProgress:
    """A progress report: bytes of article files read so far, and what has been done with them."""

    bytes_done: int
    bytes_total: int
    articles_seen: int
    chunks_embedded: int


ProgressCallback = Callable[[ReindexProgress], None]


def reindex(
    root: Path,
    store: Store,
    encoder: Encoder,
    *,
    rebuild: bool = False,
    policy: ChunkingPolicy | None = None,
    limits: ParseLimits = ParseLimits(),
    on_progress: ProgressCallback | None = None,
    exclude: Sequence[Path] = (),
) -> ReindexReport:
    """Bring the index in line with the archive at root; the index changes only if this returns.

    Directories in `exclude` are not walked (the index's own data directory, when it lies inside).
    """
    started = time.perf_counter()
    policy = policy or ChunkingPolicy(max_tokens=encoder.max_tokens)
    chunker_id = f"{CHUNKER_VERSION}:{policy.max_tokens}:{policy.target_tokens}"
    files = discover(root, exclude)
    report = ReindexReport(files=len(files))
    with store.writer(encoder.model_name, encoder.dimension, rebuild=rebuild) as writer:
        run = _Run(writer, encoder, policy, report, on_progress, sum(_size(f.path) for f in files))
        rechunk_all = store.get_meta(_CHUNKER_KEY) != chunker_id
        run.states = {} if rebuild else writer.article_states()
        failed_paths: set[str] = set()
        seen_sources: dict[str, str] = {}
        for file in files:
            base = run.bytes_done
            try:
                for item in iter_articles(file.path, file.rel, limits, on_bytes=lambda n: run.tick(base + n)):
                    if isinstance(item, ParseError):
                        report.failed.append(Failure(item.path, item.reason, item.line))
                        failed_paths.add(file.rel)
                    elif item.id in seen_sources:
                        report.failed.append(Failure(file.rel, f"duplicate article id {item.id!r} "
                                                               f"(first seen in {seen_sources[item.id]})"))
                    else:
                        seen_sources[item.id] = file.rel
                        run.consider(item, force=rechunk_all)
            except OSError as exc:
                report.failed.append(Failure(file.rel, f"cannot read the file ({exc.strerror or exc})"))
                failed_paths.add(file.rel)
            run.tick(base + _size(file.path))
        run.flush()
        # An article is removed only when its file is gone or was read cleanly without it:
        # a file that failed to parse keeps what it contributed before.
        for article_id, state in run.states.items():
            if article_id not in seen_sources and state.source_path not in failed_paths:
                writer.delete_article(article_id)
                report.removed.append(article_id)
        report.seconds = round(time.perf_counter() - started, 3)
        writer.set_meta(_CHUNKER_KEY, chunker_id)
        writer.set_meta(LAST_REPORT_KEY, report.to_json())
    return report


class _Run:
    """The mutable state of one reindex: the pending batch and the running counts."""

    def __init__(self, writer: StoreWriter, encoder: Encoder, policy: ChunkingPolicy, report: ReindexReport,
                 on_progress: ProgressCallback | None, bytes_total: int) -> None:
        self.writer, self.encoder, self.policy, self.report = writer, encoder, policy, report
        self.on_progress = on_progress
        self.bytes_total = bytes_total
        self.bytes_done = 0
        self.articles_seen = 0
        self.states: dict = {}
        self.pending: list[Article] = []
        self.pending_chunks = 0
        self._last_tick = 0.0

    def consider(self, article: Article, *, force: bool) -> None:
        self.articles_seen += 1
        state = self.states.get(article.id)
        if state is None:
            self.report.added.append(article.id)
        elif force or state.content_hash != article.content_hash or state.source_path != article.source_path:
            self.report.updated.append(article.id)
        else:
            self.report.unchanged += 1
            return
        self.pending.append(article)
        # Rough size so the batch flushes before it grows unbounded; exact chunking happens in flush.
        self.pending_chunks += 1 + len(article.body) // 1000
        if self.pending_chunks >= _BATCH_CHUNKS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        plans = []
        to_encode: dict[str, str] = {}
        for article in self.pending:
            chunks = chunk_article(article, self.encoder.count_tokens, self.policy)
            texts = [embedding_text(article.title, c.text) for c in chunks]
            hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
            existing = self.writer.existing_vectors(article.id)
            for text, digest in zip(texts, hashes):
                if digest not in existing:
                    to_encode.setdefault(digest, text)
            plans.append((article, chunks, hashes, existing))
        encoded = dict(zip(to_encode, self.encoder.encode_documents(list(to_encode.values()))))
        self.report.chunks_embedded += len(encoded)
        for article, chunks, hashes, existing in plans:
            vectors = np.stack([existing.get(h) if h in existing else encoded[h] for h in hashes]) \
                if chunks else np.zeros((0, self.encoder.dimension), np.float32)
            self.report.chunks_reused += sum(1 for h in hashes if h in existing)
            self.writer.put_article(article, chunks, vectors, hashes)
        self.pending, self.pending_chunks = [], 0
        self.tick(self.bytes_done, force=True)

    def tick(self, bytes_done: int, *, force: bool = False) -> None:
        self.bytes_done = max(self.bytes_done, bytes_done)
        now = time.monotonic()
        if self.on_progress and (force or now - self._last_tick > 0.1):
            self._last_tick = now
            self.on_progress(ReindexProgress(self.bytes_done, self.bytes_total, self.articles_seen,
                                             self.report.chunks_embedded))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
