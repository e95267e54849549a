"""Finding the article files of an archive directory, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from embeddings.errors import EmbeddingsError

# Editor and OS leftovers that live beside real files and must never be indexed.
_IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".tmp", ".bak", ".part", ".crdownload", ".orig", ".rej")
_IGNORED_NAMES = {"Thumbs.db", "desktop.ini", "README.md", "README.txt", "LICENSE", "LICENSE.txt"}


@dataclass(frozen=True)
class ArchiveFile:
    """An article file and its path relative to the archive root (posix separators)."""

    path: Path
    rel: str


def is_ignored(name: str) -> bool:
    """True for hidden files, editor leftovers and the archive's own README/LICENSE."""
    return (
        name.startswith((".", "#", "~$"))
        or name.endswith(_IGNORED_SUFFIXES)
        or name in _IGNORED_NAMES
    )


def discover(root: Path, exclude: Sequence[Path] = ()) -> list[ArchiveFile]:
    """All candidate article files under root (or root itself if it is a file), sorted by path.

    Directories in `exclude` (such as an index kept inside the archive) are not walked.
    Symbolic links to files are followed (an admin put them there); links to directories are
    not, so a link cannot make the walk loop.
    """
    if root.is_file():
        return [ArchiveFile(root, root.name)]
    if not root.is_dir():
        raise EmbeddingsError(f"archive directory {root} does not exist; set ARCHIVIST_ARCHIVE_DIR or pass a path")
    skipped = {p.resolve() for p in exclude}
    found: list[ArchiveFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith((".", "__")) and (Path(dirpath) / d).resolve() not in skipped
        )
        for name in filenames:
            path = Path(dirpath) / name
            if not is_ignored(name) and path.is_file():
                found.append(ArchiveFile(path, path.relative_to(root).as_posix()))
    found.sort(key=lambda f: f.rel)
    return found
