"""Turning one article file into Articles (or ParseErrors naming the path and line)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing.decoding import decode_text
from embeddings.parsing.json_records import iter_json, iter_jsonl
from embeddings.parsing.markdown import parse_markdown
from embeddings.parsing.plain_text import parse_plain_text

SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".json", ".jsonl", ".html", ".htm")


@dataclass(frozen=True)
class ParseLimits:
    """Sizes past which input is refused (and reported with the reason) rather than indexed.

    max_chunks_per_article is checked by the indexer once an article is cut into passages:
    past it an article is a book or a dump, and would crowd every answer.
    """

    max_file_bytes: int = 20 * 1024 * 1024
    max_jsonl_bytes: int = 4 * 1024 * 1024 * 1024
    max_record_bytes: int = 8 * 1024 * 1024
    max_body_chars: int = 2_000_000
    max_chunks_per_article: int = 1000


def iter_articles(
    path: Path, rel: str, limits: ParseLimits = ParseLimits(), on_bytes: Callable[[int], None] | None = None
) -> Iterator[Article | ParseError]:
    """Yield every Article in the file at `path` (`rel` is its path within the archive).

    Problems are yielded as ParseError values, never raised, so one bad record or file
    cannot stop the others; the only exception that escapes is OSError from the filesystem.
    `on_bytes(n)` is told how many bytes of the file have been consumed so far.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        yield ParseError(rel, f"unsupported file type {suffix or '(none)'}; "
                              f"use one of {', '.join(SUPPORTED_EXTENSIONS)}")
        return
    size = path.stat().st_size
    limit = limits.max_jsonl_bytes if suffix == ".jsonl" else limits.max_file_bytes
    if size > limit:
        yield ParseError(rel, f"file is {human_size(size)}, over the {human_size(limit)} limit for {suffix} files; "
                              "split it into smaller files")
        return
    for item in _dispatch(path, rel, suffix, limits, on_bytes):
        if isinstance(item, Article) and len(item.body) > limits.max_body_chars:
            yield ParseError(rel, f"article {item.id!r} body is {len(item.body):,} characters, over the "
                                  f"{limits.max_body_chars:,} limit; split it into several articles")
        else:
            yield item


def human_size(size: int) -> str:
    """4 KiB, 20.5 MiB, 4 GiB: a size as a person reads it, exact enough to compare with a limit."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size:,} bytes"


def _dispatch(
    path: Path, rel: str, suffix: str, limits: ParseLimits, on_bytes: Callable[[int], None] | None
) -> Iterator[Article | ParseError]:
    try:
        if suffix == ".jsonl":
            yield from iter_jsonl(path, rel, limits.max_record_bytes, on_bytes)
            return
        data = path.read_bytes()
        if on_bytes:
            on_bytes(len(data))
        if suffix == ".json":
            yield from iter_json(data, rel)
            return
        if suffix in (".html", ".htm"):
            # Imported on first use: trafilatura takes a quarter of a second to import, and
            # `archivist ask` (or a bot starting) never needs it.
            from embeddings.parsing.html_page import parse_html

            yield parse_html(data, path=rel, default_id=rel)
            return
        text = decode_text(data, rel)
        if suffix in (".md", ".markdown"):
            yield parse_markdown(text, path=rel, default_id=rel)
        else:
            yield parse_plain_text(text, path=rel, default_id=rel)
    except ParseError as exc:
        yield exc
    except RecursionError:
        yield ParseError(rel, "the document is nested too deeply to read")
