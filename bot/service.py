"""ArchivistService: the one object the CLI and the Discord cogs call (ask, search, article, reindex, stats)."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.activity import ActivityLog
from bot.answering import Answer, Answerer
from bot.answering.extractive import ExtractiveAnswerer
from bot.answering.types import FollowUpContext
from bot.errors import InvalidQuestionError, NotFoundError
from bot.followup import answer_in_context
from bot.gaps import GapGroup, find_gaps
from bot.reader import Reader, load_reader
from bot.settings import Settings
from bot.timeline import Timeline, build_timeline
from bot.titles import TitleChoice, TitleIndex
from bot.tuning import Tuning
from embeddings import ingest
from embeddings.capping import one_per_article
from embeddings.encoders import Encoder, load_encoder
from embeddings.errors import IngestError, ReindexBusyError
from embeddings.indexer import LAST_REPORT_KEY, ProgressCallback, ReindexReport, reindex
from embeddings.ingest import StagedFile
from embeddings.models import Article, Hit, SearchFilters
from embeddings.retrieval import RetrievalResult, Retriever
from embeddings.store import Store, open_store


@dataclass(frozen=True)
class IngestOutcome:
    """An uploaded file kept in the archive, the articles it holds, and the reindex that followed."""

    path: Path
    articles: list[Article]
    report: ReindexReport


@dataclass(frozen=True)
class IndexStats:
    """What the index holds, for `archivist stats` and /admin stats."""

    articles: int
    chunks: int
    model: str | None
    location: str
    last_reindex: str | None
    last_report: dict | None


def _log_status(message: str) -> None:
    logging.getLogger("archivist").info(message)


class ArchivistService:
    """Answers questions from the archive; loads the model and opens the index on first use.

    `on_status` hears one-off notices of slow preparation (the first ONNX export); by default
    they are logged.
    """

    def __init__(self, settings: Settings, *, encoder: Encoder | None = None, store: Store | None = None,
                 tuning: Tuning | None = None, on_status: Callable[[str], None] | None = None,
                 reader: Reader | None = None) -> None:
        self.settings = settings
        self.tuning = tuning or Tuning()
        self._on_status = on_status or _log_status
        self._encoder = encoder
        self._store = store
        self._reader = reader
        self._answerers: dict[str, Answerer] = {}
        self._extractive: ExtractiveAnswerer | None = None
        self._lock = threading.Lock()
        self._reindex_lock = threading.Lock()  # one reindex (or ingest) at a time in this process
        self.titles = TitleIndex(lambda: self.store.titles())

    # -- components, created on first use (the model takes seconds to load) --------------------

    @property
    def encoder(self) -> Encoder:
        with self._lock:
            if self._encoder is None:
                settings = self.settings
                # Cheap: the model itself is loaded when something is first encoded.
                self._encoder = load_encoder(settings.model, backend=settings.encoder_backend,
                                             threads=settings.torch_threads or None, cache_dir=settings.cache_dir,
                                             on_status=self._on_status)
            return self._encoder

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings.data_dir, self.settings.database_url or None)
            return self._store

    @property
    def reader(self) -> Reader:
        """The reader model shipped with Archivist (loaded, and its files checked, on first use)."""
        with self._lock:
            if self._reader is None:
                self._reader = load_reader()
            return self._reader

    @property
    def answerer(self) -> Answerer:
        """The configured answerer (ARCHIVIST_ANSWERER)."""
        return self.answerer_named(self.settings.answerer)

    def answerer_named(self, name: str) -> Answerer:
        """The extractive or the composed answerer, made once per process (the model client's limit on
        requests in flight is per process); ConfigError when composed answers are not set up."""
        self.settings.check_answerer(name)
        encoder, store, reader = self.encoder, self.store, self.reader
        with self._lock:
            if self._extractive is None:
                self._extractive = ExtractiveAnswerer(encoder, self.tuning.extractive, store.sentence_vectors,
                                                      self.tuning.policy, reader, self.tuning.reading)
                self._answerers["extractive"] = self._extractive
            if name == "composed" and name not in self._answerers:
                self._answerers[name] = self._composed(self._extractive, reader)
            return self._answerers[name]

    def _composed(self, extractive: ExtractiveAnswerer, reader: Reader) -> Answerer:
        from bot.answering.composed import ComposedAnswerer
        from bot.llm import ChatClient, LLMConfig

        return ComposedAnswerer(ChatClient(LLMConfig.of(self.settings)), extractive, reader,
                                policy=self.tuning.policy, support=self.tuning.support)

    def retriever(self) -> Retriever:
        return Retriever(self.store, self.encoder, self.tuning.retrieval)

    # -- the operations ------------------------------------------------------------------------

    def ask(self, question: str, filters: SearchFilters = SearchFilters(), context: FollowUpContext | None = None,
            *, answerer: str | None = None, on_progress: Callable[[str], None] | None = None) -> Answer:
        """Answer a question from the archive, with citations, or say the archive does not hold it.

        With a context (the earlier question of a conversation), a follow-up such as "and what did
        he say about X?" is searched together with the earlier question and answered from the
        articles cited before when they hold the answer. `answerer` overrides ARCHIVIST_ANSWERER
        for this question; `on_progress` hears the verified text so far of an answer being written.
        """
        question = self._validated(question)
        chosen = self.answerer_named(answerer or self.settings.answerer)
        query = context.search_query(question) if context else question
        result = self.retriever().search(query, filters)
        if context is None:
            return chosen.answer(question, result, on_progress=on_progress)
        return answer_in_context(question, result, context, chosen, on_progress)

    def retrieve(self, query: str, filters: SearchFilters = SearchFilters(), limit: int | None = None,
                 mode: str = "hybrid") -> RetrievalResult:
        """The ranked passages for a query (what `ask` answers from)."""
        return self.retriever().search(self._validated(query), filters, limit=limit, mode=mode)

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 10) -> list[Hit]:
        """Ranked articles for a query, one hit (its best passage) per article."""
        # Each article brings at most max_per_article hits: enough of them for `limit` articles.
        result = self.retriever().search(self._validated(query), filters,
                                         limit=limit * self.tuning.retrieval.max_per_article, analyse=False)
        return one_per_article(result.hits, limit)

    def timeline(self, topic: str, filters: SearchFilters = SearchFilters()) -> Timeline:
        """The articles about a topic in date order, each with its sentence closest to the topic."""
        return build_timeline(self.retriever(), self._validated(topic), filters,
                              sentence_vectors=self.store.sentence_vectors)

    def gaps(self, activity: ActivityLog, days: int = 30) -> list[GapGroup]:
        """What people asked in the last `days` days that the archive could not answer, grouped by topic."""
        return find_gaps(activity, self.encoder, days)

    def article(self, article_id: str) -> Article:
        """One article by its id; NotFoundError names close titles when there is no such id."""
        article = self.store.get_article(article_id.strip())
        if article is not None:
            return article
        similar = self.store.list_articles(SearchFilters(), title_contains=article_id.strip(), limit=5)
        if len(similar) == 1:
            return similar[0]
        hint = "; did you mean " + ", ".join(f"{a.id} ({a.title})" for a in similar) if similar else ""
        raise NotFoundError(f"no article with id {article_id!r}{hint}; `archivist search` finds ids")

    def reindex(self, archive_dir: Path | None = None, *, rebuild: bool = False,
                on_progress: ProgressCallback | None = None) -> ReindexReport:
        """Bring the index in line with the archive directory (the configured one by default)."""
        with self._exclusive_reindex():
            return self._reindex(archive_dir, rebuild=rebuild, on_progress=on_progress)

    @property
    def reindex_running(self) -> bool:
        """True while a reindex or ingest runs in this process (another is refused meanwhile)."""
        return self._reindex_lock.locked()

    def ingest(self, filename: str, data: bytes, *, replace: bool = False,
               on_progress: ProgressCallback | None = None) -> IngestOutcome:
        """Validate an uploaded article file, keep it in the archive under a safe name, and index it."""
        limits = ingest.IngestLimits(max_bytes=self.settings.max_ingest_bytes)
        with self._exclusive_reindex():
            staged = ingest.stage(self.settings.archive_dir, filename, data, replace=replace, limits=limits)
            try:
                self._refuse_id_clashes(staged)
            except BaseException:
                staged.discard()
                raise
            path = staged.commit(replace=replace)
            report = self._reindex(None, on_progress=on_progress)
        return IngestOutcome(path, staged.articles, report)

    def title_choices(self, typed: str, limit: int = 25) -> list[TitleChoice]:
        """Headlines matching what was typed, from memory (never the model): for autocomplete."""
        return self.titles.matching(typed, limit)

    def warm_up(self) -> None:
        """Load the models, open the index and read the headlines, so the first question is quick."""
        self.encoder.encode_query("warm up")
        _ = self.reader
        self.titles.refresh()

    @contextmanager
    def _exclusive_reindex(self) -> Iterator[None]:
        if not self._reindex_lock.acquire(blocking=False):
            raise ReindexBusyError("a reindex is already running; wait for it to finish and try again")
        try:
            yield
        finally:
            self._reindex_lock.release()

    def _reindex(self, archive_dir: Path | None, *, rebuild: bool = False,
                 on_progress: ProgressCallback | None = None) -> ReindexReport:
        root = Path(archive_dir) if archive_dir is not None else self.settings.archive_dir
        try:
            return reindex(root, self.store, self.encoder, rebuild=rebuild, on_progress=on_progress,
                           exclude=[self.settings.data_dir])
        finally:
            self.titles.invalidate()

    def _refuse_id_clashes(self, staged: StagedFile) -> None:
        """An upload may not take over the id of an article that comes from another file."""
        name = staged.target.name
        for article in staged.articles:
            existing = self.store.get_article(article.id)
            if existing is not None and existing.source_path != name:
                raise IngestError(f"article id {article.id!r} already belongs to {existing.source_path}; "
                                  "give the new article another id")

    def stats(self) -> IndexStats:
        """Counts and provenance of the index (does not load the model)."""
        info = self.store.info()
        report = self.store.get_meta(LAST_REPORT_KEY)
        return IndexStats(
            articles=info.articles if info else 0,
            chunks=info.chunks if info else 0,
            model=info.model if info else None,
            location=self.store.location,
            last_reindex=info.last_reindex.isoformat() if info and info.last_reindex else None,
            last_report=json.loads(report) if report else None,
        )

    def validate(self, question: str) -> str:
        """The question with its whitespace tidied, or InvalidQuestionError (empty, too long)."""
        return self._validated(question)

    def _validated(self, question: str) -> str:
        text = " ".join((question or "").split())
        if not text:
            raise InvalidQuestionError("the question is empty; ask something about the archive")
        if len(text) > self.settings.max_question_chars:
            raise InvalidQuestionError(
                f"the question is {len(text)} characters long; keep it to at most {self.settings.max_question_chars}"
            )
        return text
