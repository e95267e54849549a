"""What a reindex did (ReindexReport) and what it is doing (ReindexProgress), bounded in size."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Set
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
    # Of the failures: files that gave no article at all, and bad records (lines) in files that did.
    files_failed: int = 0
    records_failed: int = 0
    files_with_failed_records: int = 0

    def count_failures(self, failures_by_path: Mapping[str, int], yielded: Set[str]) -> None:
        """Sort the failures into whole files (nothing of them indexed) and records of files that were."""
        partly = {path: n for path, n in failures_by_path.items() if path in yielded}
        self.files_failed = len(failures_by_path) - len(partly)
        self.records_failed = sum(partly.values())
        self.files_with_failed_records = len(partly)

    def summary(self) -> str:
        """"1 added, 0 updated, 0 removed, 2 unchanged, 3 files failed, 2 records failed in 1 file"."""
        parts = [f"{self.added.total} added", f"{self.updated.total} updated", f"{self.removed.total} removed",
                 f"{self.unchanged} unchanged"]
        if self.files_failed:
            parts.append(f"{_count(self.files_failed, 'file')} failed")
        if self.records_failed:
            parts.append(f"{_count(self.records_failed, 'record')} failed in "
                         f"{_count(self.files_with_failed_records, 'file')}")
        if not (self.files_failed or self.records_failed):
            parts.append(f"{self.failed.total} failed")
        return ", ".join(parts)

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


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


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
