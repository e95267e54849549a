"""Adding one uploaded article file to the archive safely: checked name, size and content, atomic write."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from embeddings.archive import is_ignored
from embeddings.errors import IngestError, ParseError
from embeddings.models import Article
from embeddings.parsing import SUPPORTED_EXTENSIONS, ParseLimits, iter_articles

_UNSAFE_CHARS = re.compile(r"[^\w.\- ]+")
_STAGING_PREFIX = ".ingest-"  # hidden, so a reindex running meanwhile never picks a staged file up


@dataclass(frozen=True)
class IngestLimits:
    """What an uploaded file may be."""

    max_bytes: int = 5 * 1024 * 1024
    max_name_chars: int = 120


def safe_filename(name: str, limits: IngestLimits = IngestLimits()) -> str:
    """The name an upload is stored under, or IngestError saying why the name is refused.

    Only a bare file name is accepted: no directories, no `..`, nothing absolute, nothing hidden,
    and an article extension. Characters other than letters, digits, `.`, `-`, `_` and space
    become `-`.
    """
    raw = unicodedata.normalize("NFKC", name or "").strip()
    if not raw:
        raise IngestError("the file has no name; give it one ending in " + _extensions())
    if any(ord(c) < 32 for c in raw):
        raise IngestError("the file name contains control characters; rename the file")
    if PurePosixPath(raw).is_absolute() or PureWindowsPath(raw).is_absolute() or PureWindowsPath(raw).drive:
        raise IngestError(f"{raw!r} is an absolute path; send the file under a plain name such as article.txt")
    if ".." in re.split(r"[\\/]", raw):
        raise IngestError(f"{raw!r} points outside the archive (`..`); send the file under a plain name")
    if "/" in raw or "\\" in raw:
        raise IngestError(f"{raw!r} contains a folder; send the file under a plain name such as article.txt")
    cleaned = _UNSAFE_CHARS.sub("-", raw)
    suffix = Path(cleaned).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise IngestError(f"{raw!r} is not an article file; use one of {_extensions()}")
    if is_ignored(cleaned) or not Path(cleaned).stem.strip(" .-"):
        raise IngestError(f"{raw!r} is a hidden or reserved name; rename the file")
    if len(cleaned) > limits.max_name_chars:
        raise IngestError(f"the file name is {len(cleaned)} characters long; "
                          f"keep it to at most {limits.max_name_chars}")
    return cleaned


def target_path(archive_dir: Path, name: str, *, replace: bool) -> Path:
    """Where `name` goes in the archive; refuses symlinks, paths leading out, and unwanted overwrites."""
    root = Path(archive_dir)
    if not root.is_dir():
        raise IngestError(
            f"the archive {root} is not a directory; point ARCHIVIST_ARCHIVE_DIR at a folder to add files")
    target = root / name
    if target.is_symlink():
        raise IngestError(f"{name} in the archive is a symbolic link; refusing to write through it")
    if target.resolve().parent != root.resolve():
        raise IngestError(f"{name} would land outside the archive directory; refusing")
    if target.exists() and (target.is_dir() or not replace):
        raise IngestError(f"the archive already has a file named {name}; rename the upload or choose to replace it")
    return target


class StagedFile:
    """An upload written beside its destination under a hidden name and parsed; commit() or discard()."""

    def __init__(self, staging: Path, target: Path, articles: list[Article]) -> None:
        self.staging = staging
        self.target = target
        self.articles = articles

    def commit(self, *, replace: bool) -> Path:
        """Move the staged file into place atomically; without replace an existing file wins."""
        try:
            if replace:
                os.replace(self.staging, self.target)
            else:
                _link_or_move(self.staging, self.target)
        except FileExistsError:
            self.discard()
            raise IngestError(f"the archive already has a file named {self.target.name}; rename the upload") from None
        _fsync_dir(self.target.parent)
        return self.target

    def discard(self) -> None:
        self.staging.unlink(missing_ok=True)


def stage(archive_dir: Path, filename: str, data: bytes, *, replace: bool = False,
          limits: IngestLimits = IngestLimits()) -> StagedFile:
    """Check and parse an upload; nothing is visible in the archive until the result is committed."""
    if len(data) > limits.max_bytes:
        raise IngestError(f"the file is {len(data):,} bytes; the limit is {limits.max_bytes:,}")
    name = safe_filename(filename, limits)
    target = target_path(archive_dir, name, replace=replace)
    staging = target.with_name(f"{_STAGING_PREFIX}{secrets.token_hex(6)}-{name}")
    with open(staging, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        articles = _parse(staging, name, limits)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return StagedFile(staging, target, articles)


def _parse(path: Path, name: str, limits: IngestLimits) -> list[Article]:
    parse_limits = ParseLimits(max_file_bytes=limits.max_bytes, max_jsonl_bytes=limits.max_bytes)
    articles: list[Article] = []
    problems: list[ParseError] = []
    for item in iter_articles(path, name, parse_limits):
        if isinstance(item, ParseError):
            problems.append(item)
        else:
            articles.append(item)
    if problems:
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise IngestError(f"the file was not added: {shown}{more}")
    if not articles:
        raise IngestError(f"{name} holds no article; nothing was added")
    return articles


def _link_or_move(staging: Path, target: Path) -> None:
    """Put staging at target unless target exists: a hard link refuses to overwrite atomically."""
    try:
        os.link(staging, target)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links: check, then rename (a narrow race, same outcome)
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(staging, target)
        return
    staging.unlink()


def _extensions() -> str:
    return ", ".join(SUPPORTED_EXTENSIONS)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
