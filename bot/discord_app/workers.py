"""The bot's thread pools: slow work (answers, model calls, reindex) never delays quick work (clicks, lookups)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.settings import Settings

T = TypeVar("T")
QUICK_WORKERS = 4   # database reads and writes of the activity log and the index: milliseconds each
ADMIN_WORKERS = 2   # a reindex or ingest, and a second one that is refused at once (ReindexBusyError)


def answer_workers(settings: Settings) -> int:
    """Answers in parallel: one per core the machine is sized for, or as many as the model may serve."""
    return max(2, settings.llm_concurrency if settings.answerer == "composed" else 2)


class Workers:
    """Bounded executors, one per kind of work, instead of asyncio's shared default executor.

    An answer may wait up to ARCHIVIST_LLM_TIMEOUT_SECONDS for a model slot; if answers shared a pool
    with the database lookups of buttons and autocomplete, a click could miss Discord's 3-second deadline.
    """

    def __init__(self, answers: int) -> None:
        self._answers = ThreadPoolExecutor(answers, thread_name_prefix="archivist-answer")
        self._admin = ThreadPoolExecutor(ADMIN_WORKERS, thread_name_prefix="archivist-admin")
        self._quick = ThreadPoolExecutor(QUICK_WORKERS, thread_name_prefix="archivist-quick")

    async def answer(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Answering, a timeline, gap grouping: anything that runs the model or waits for the language model."""
        return await self._run(self._answers, work, *args, **kwargs)

    async def admin(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A reindex or an ingest: minutes, on its own pool."""
        return await self._run(self._admin, work, *args, **kwargs)

    async def quick(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Database reads and writes (activity log, headlines, stats)."""
        return await self._run(self._quick, work, *args, **kwargs)

    @staticmethod
    async def _run(pool: ThreadPoolExecutor, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, functools.partial(work, *args, **kwargs))

    def shutdown(self) -> None:
        """Stop taking work; threads still running finish on their own (a reindex is not torn down)."""
        for pool in (self._answers, self._admin, self._quick):
            pool.shutdown(wait=False, cancel_futures=True)
