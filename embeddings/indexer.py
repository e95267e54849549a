"""Reindexing an archive: parse every file, embed only what changed, write it all in one transaction.

The archive is streamed: articles are parsed, chunked, encoded and written in batches of about
_BATCH_CHUNKS passages, so memory follows the batch, not the archive. What grows with the archive
is one small record per article (its stored hash and source path, to find changes and removals).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.archive import discover
from embeddings.chunking import CHUNKER_VERSION, ChunkingPolicy, chunk_article, embedding_text
from embeddings.encoders import Encoder
from embeddings.encoders.span_pooling import Span, encode_with_spans
from embeddings.errors import ParseError
from embeddings.models import Article, Chunk
from embeddings.parsing import ParseLimits, iter_articles
from embeddings.report import Failure, ProgressCallback, ReindexProgress, ReindexReport
from embeddings.sentence_vectors import pack, sentences_in_chunk
from embeddings.sentences import sentence_spans
from embeddings.store import Store, StoreWriter
from embeddings.store.base import StoredEmbedding

__all__ = ["Failure", "LAST_REPORT_KEY", "ProgressCallback", "ReindexProgress", "ReindexReport", "reindex"]

_BATCH_CHUNKS = 256  # chunks encoded per batch: bounds memory whatever the archive's size
LAST_REPORT_KEY = "last_reindex_report"
_CHUNKER_KEY = "chunker"
# Bump when what is stored per chunk changes, so every article is planned again on the next reindex.
# 1: each chunk stores its sentences' vectors; an index from before gains them (see _Run._plan).
_STORED_FORM = "1"


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
    With `rebuild`, everything is re-embedded (the way to change models) inside the same single
    transaction: readers keep the old index until it commits.
    """
    started = time.perf_counter()
    policy = policy or ChunkingPolicy(max_tokens=encoder.max_tokens)
    chunker_id = f"{CHUNKER_VERSION}:{policy.max_tokens}:{policy.target_tokens}:{_STORED_FORM}"
    files = discover(root, exclude)
    report = ReindexReport(files=len(files))
    with store.writer(encoder.model_name, encoder.dimension, rebuild=rebuild) as writer:
        run = _Run(writer, encoder, policy, limits, report, on_progress, sum(_size(f.path) for f in files))
        rechunk_all = store.get_meta(_CHUNKER_KEY) != chunker_id
        run.states = {} if rebuild else writer.article_states()
        for file in files:
            run.read_file(file.path, file.rel, force=rechunk_all)
        run.flush()
        run.phase("removing")
        # An article is removed only when its file is gone or was read cleanly without it:
        # a file that failed to parse keeps what it contributed before.
        for article_id, state in run.states.items():
            if article_id not in run.seen_sources and state.source_path not in run.failed_paths:
                writer.delete_article(article_id)
                report.removed.append(article_id)
        report.count_failures(run.failures_by_path, set(run.seen_sources.values()))
        report.seconds = round(time.perf_counter() - started, 3)
        writer.set_meta(_CHUNKER_KEY, chunker_id)
        writer.set_meta(LAST_REPORT_KEY, report.to_json())
        run.phase("committing")
    run.phase("done")
    return report


class _Run:
    """The mutable state of one reindex: the pending batch and the running counts."""

    def __init__(self, writer: StoreWriter, encoder: Encoder, policy: ChunkingPolicy, limits: ParseLimits,
                 report: ReindexReport, on_progress: ProgressCallback | None, bytes_total: int) -> None:
        self.writer, self.encoder, self.policy, self.limits, self.report = writer, encoder, policy, limits, report
        self.on_progress = on_progress
        self.bytes_total = bytes_total
        self.bytes_done = 0
        self.articles_seen = 0
        self.states: dict = {}
        self.seen_sources: dict[str, str] = {}  # article id -> the file it came from (duplicates, removals)
        self.failed_paths: set[str] = set()  # files that failed to parse, whole or in part
        self.failures_by_path: Counter[str] = Counter()
        self.pending: list[Article] = []
        self.pending_chunks = 0
        self._phase = "parsing"
        self._last_tick = 0.0

    def read_file(self, path: Path, rel: str, *, force: bool) -> None:
        base = self.bytes_done
        self.phase("parsing")
        try:
            for item in iter_articles(path, rel, self.limits, on_bytes=lambda n: self.tick(base + n)):
                if isinstance(item, ParseError):
                    self.fail(Failure(item.path, item.reason, item.line), rel)
                elif item.id in self.seen_sources:
                    self.note_failure(Failure(rel, f"duplicate article id {item.id!r} "
                                                   f"(first seen in {self.seen_sources[item.id]})"))
                else:
                    self.seen_sources[item.id] = rel
                    self.consider(item, force=force)
        except OSError as exc:
            self.fail(Failure(rel, f"cannot read the file ({exc.strerror or exc})"), rel)
        self.tick(base + _size(path))

    def fail(self, failure: Failure, rel: str) -> None:
        """A parse failure: the file keeps what it contributed to the index before."""
        self.note_failure(failure)
        self.failed_paths.add(rel)

    def note_failure(self, failure: Failure) -> None:
        self.report.failed.append(failure)
        self.failures_by_path[failure.path] += 1

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
            self.phase("parsing")

    def flush(self) -> None:
        if not self.pending:
            return
        plans = [plan for plan in map(self._plan, self.pending) if plan is not None]
        to_encode: dict[str, tuple[_Plan, int]] = {}  # hash -> the plan and index of a chunk with that input
        for plan in plans:
            for index, digest in enumerate(plan.hashes):
                if digest not in plan.reusable:
                    to_encode.setdefault(digest, (plan, index))
        self.phase("encoding")
        encoded = dict(zip(to_encode, self._encode(list(to_encode.values()))))
        self.report.chunks_embedded += len(encoded)
        self.phase("writing")
        for plan in plans:
            stored = [plan.reusable.get(h) or encoded[h] for h in plan.hashes]
            vectors = (np.stack([s.vector for s in stored]) if stored
                       else np.zeros((0, self.encoder.dimension), np.float32))
            self.report.chunks_reused += sum(1 for h in plan.hashes if h in plan.reusable)
            self.writer.put_article(plan.article, plan.chunks, vectors, plan.hashes, [s.sentences for s in stored])
        self.pending, self.pending_chunks = [], 0

    def _encode(self, inputs: list[tuple[_Plan, int]]) -> list[StoredEmbedding]:
        """Vectors of the chunks, and of their sentences when the encoder can pool them from the same run."""
        texts, spans, contexts = [], [], []
        for plan, index in inputs:
            texts.append(plan.texts[index])
            # In the encoder's input the chunk's text follows the headline prefix.
            spans.append([(s + plan.prefix, e + plan.prefix) for s, e in plan.sentence_spans[index]])
            contexts.append((0, len(plan.article.title)))
        vectors, sentence_vectors = encode_with_spans(self.encoder, texts, spans, contexts)
        if sentence_vectors is None:
            return [StoredEmbedding(vector, None) for vector in vectors]
        return [StoredEmbedding(vector, pack(plan.sentence_spans[index], pooled))
                for vector, pooled, (plan, index) in zip(vectors, sentence_vectors, inputs)]

    def _plan(self, article: Article) -> _Plan | None:
        """Chunks, encoder inputs, their hashes and reusable encodings of one article (None: refused)."""
        chunks = chunk_article(article, self.encoder.count_tokens, self.policy)
        if len(chunks) > self.limits.max_chunks_per_article:
            self._refuse(article, f"article {article.id!r} makes {len(chunks):,} passages, over the limit of "
                                  f"{self.limits.max_chunks_per_article:,}; split it into several articles")
            return None
        texts = [embedding_text(article.title, c.text) for c in chunks]
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        sentences = sentence_spans(article.body)
        spans = [sentences_in_chunk(c, sentences) for c in chunks]
        existing = self.writer.existing_embeddings(article.id)
        # An encoding stored without sentence vectors (an index from before they existed) is redone
        # when this encoder can make them: reindexing is how an old index gains them.
        can_pool = hasattr(self.encoder, "encode_with_spans")
        reusable = {h: e for h, e in existing.items() if e.sentences is not None or not can_pool}
        return _Plan(article, chunks, texts, hashes, spans, len(embedding_text(article.title, "")), reusable)

    def _refuse(self, article: Article, reason: str) -> None:
        """An article counted as added or updated turns out too big: report it and keep what was stored."""
        target = self.report.updated if article.id in self.states else self.report.added
        target.retract(article.id)
        self.fail(Failure(article.source_path, reason), article.source_path)

    def phase(self, name: str) -> None:
        if name != self._phase:
            self._phase = name
            self.tick(self.bytes_done, force=True)

    def tick(self, bytes_done: int, *, force: bool = False) -> None:
        self.bytes_done = max(self.bytes_done, bytes_done)
        now = time.monotonic()
        if self.on_progress and (force or now - self._last_tick > 0.1):
            self._last_tick = now
            self.on_progress(ReindexProgress(self.bytes_done, self.bytes_total, self.articles_seen,
                                             self.report.chunks_embedded, self._phase))


@dataclass(frozen=True)
class _Plan:
    """One changed article ready to encode: its chunks, their encoder inputs and what can be reused."""

    article: Article
    chunks: list[Chunk]
    texts: list[str]
    hashes: list[str]
    sentence_spans: list[list[Span]]  # per chunk, its whole sentences, offsets relative to its start
    prefix: int  # characters of the headline prefix before the chunk's text in each encoder input
    reusable: dict[str, StoredEmbedding]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
