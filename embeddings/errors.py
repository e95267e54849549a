"""Exceptions raised by the embeddings package; every one derives from EmbeddingsError."""

from __future__ import annotations

from pathlib import Path


class EmbeddingsError(Exception):
    """Root of every error the embeddings package raises on purpose."""


class ParseError(EmbeddingsError):
    """An article file (or one record in it) could not be turned into an article."""

    def __init__(self, path: str | Path, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class EncoderError(EmbeddingsError):
    """The embedding model could not be loaded or run."""


class StoreError(EmbeddingsError):
    """The index could not be opened, read or written."""


class ModelMismatchError(StoreError):
    """The index was built with a different embedding model than the one configured."""

    def __init__(self, index_model: str, configured_model: str) -> None:
        self.index_model = index_model
        self.configured_model = configured_model
        super().__init__(
            f"the index was built with model {index_model!r} but this process uses {configured_model!r}; "
            f"restart it with ARCHIVIST_MODEL={index_model}, or rebuild the index for {configured_model!r} "
            "with `archivist index --rebuild`"
        )


class IndexNotBuiltError(StoreError):
    """A question was asked before any index exists."""

    def __init__(self, location: str) -> None:
        super().__init__(f"no index at {location}; build it first with `archivist index`")


class ReindexBusyError(StoreError):
    """Another reindex holds the index's write lock."""

    @classmethod
    def at(cls, location: str) -> ReindexBusyError:
        return cls(
            f"another reindex (`archivist index`) is writing to {location}; wait for it to finish, then run this again "
            "(the lock is released by the operating system when that process ends, even if it crashed, "
            "so there is nothing to clear by hand)"
        )


class IngestError(EmbeddingsError):
    """An uploaded article file was refused (unsafe name, wrong type, too large, or unparseable)."""
