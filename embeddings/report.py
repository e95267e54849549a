"""What a reindex did (ReindexReport) and what it is doing (ReindexProgress), bounded in size."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_LISTED = 1000  # ids (and failures) a report lists; the counts stay exact past it


class CappedList(list, Generic[T]):
    """A list that counts every item appended but keeps only the first `MAX_LISTED`.

    A reindex of a million articles must not hold a million ids just to report them:
    `total` is the true count, the list itself a sample. `len()` is the sample's length.
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        super().__init__()
        self.total = 0
        self.extend(items)

    def append(self, item: T) -> None:
        self.total += 1
        if len(self) < MAX_LISTED:
            super().append(item)

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def retract(self, item: T) -> None:
        """Take back an item counted earlier (an article that failed after it was counted)."""
        self.total -= 1
        if item in self:
            self.remove(item)


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
    """What a reindex did. The id lists hold at most MAX_LISTED entries; `.total` on each is exact."""

    added: CappedList[str] = field(default_factory=CappedList)
    updated: CappedList[str] = field(default_factory=CappedList)
    removed: CappedList[str] = field(default_factory=CappedList)
    unchanged: int = 0
    failed: CappedList[Failure] = field(default_factory=CappedList)
    files: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.added.total} added, {self.updated.total} updated, {self.removed.total} removed, "
                f"{self.unchanged} unchanged, {self.failed.total} failed")

    def to_json(self) -> str:
        payload: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, CappedList):
                payload[item.name] = [f.__dict__ if isinstance(f, Failure) else f for f in value]
                payload[f"{item.name}_total"] = value.total
            else:
                payload[item.name] = value
        return json.dumps(payload, ensure_ascii=False)


@dataclass(frozen=True)
class ReindexProgress:
    """A progress report: the phase, bytes of article files read so far, and what was done with them.

    Phases: parsing (reading files), encoding (the model), writing (into the open transaction),
    removing (articles whose files are gone), committing (the one COMMIT), done.
    """

    bytes_done: int
    bytes_total: int
    articles_seen: int
    chunks_embedded: int
    phase: str = "parsing"


ProgressCallback = Callable[[ReindexProgress], None]
