"""A service whose answers are scripted over the real index: the Discord tests are about delivery, not answering.

Search, articles, timelines, gaps, reindex and ingest are the real service's. `ask` searches the
index for real and quotes the opening of its best passages, each cited; it can be made to write
(progress handed to `on_progress`, like a composed answer being written), to wait at a gate (a model
slot that is not coming) or to fail. What the answerer's heuristics would say is tested elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from bot.answering import Answer, Citation
from bot.answering.types import FollowUpContext
from bot.service import ArchivistService
from bot.settings import Settings
from embeddings.capping import one_per_article
from embeddings.encoders import Encoder
from embeddings.models import SearchFilters
from embeddings.store import Store

QUOTE_CHARS = 240
NOT_FOUND = "I couldn't find that in the archive."


class ScriptedService(ArchivistService):
    """See the module docstring; `asked` records each question with the context it was asked in."""

    def __init__(self, settings: Settings, *, encoder: Encoder, store: Store | None = None,
                 writing: Sequence[str] = (), between: float = 0.0, sources: int = 1) -> None:
        super().__init__(settings, encoder=encoder, store=store)
        self.writing, self.between, self.sources = list(writing), between, sources
        self.asked: list[tuple[str, FollowUpContext | None]] = []
        self.held = threading.Event()   # set: answers wait for `gate`
        self.gate = threading.Event()
        self.failure: BaseException | None = None
        self.started = threading.Semaphore(0)  # released as each answer begins

    def ask(self, question: str, filters: SearchFilters = SearchFilters(), context: FollowUpContext | None = None,
            *, answerer: str | None = None, on_progress: Callable[[str], None] | None = None) -> Answer:
        question = self.validate(question)
        self.asked.append((question, context))
        self.started.release()
        if self.held.is_set():
            self.gate.wait(30)
        if self.failure is not None:
            raise self.failure
        result = self.retriever().search(context.search_query(question) if context else question, filters)
        for text in self.writing:
            time.sleep(self.between)
            if on_progress is not None:
                on_progress(text)
        hits = one_per_article(result.hits, self.sources)
        if not hits:
            return Answer(question, NOT_FOUND, [], abstained=True, articles_searched=result.articles_searched)
        citations = [Citation(n, hit, hit.chunk.start, min(hit.chunk.end, hit.chunk.start + QUOTE_CHARS))
                     for n, hit in enumerate(hits, start=1)]
        text = " ".join(f"{' '.join(c.quote.split())} [{c.n}]" for c in citations)
        return Answer(question, text, citations, abstained=False, articles_searched=result.articles_searched)
