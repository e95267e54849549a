"""JSON Lines and JSON files of corpus-schema records (id, title, date, url, tags, author, body)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing.decoding import decode_text
from embeddings.parsing.records import article_from_record


def iter_jsonl(
    path: Path, rel: str, max_line_bytes: int, on_bytes: Callable[[int], None] | None = None
) -> Iterator[Article | ParseError]:
    """Yield one Article or ParseError per non-blank line, reading the file as a stream.

    Memory stays bounded by max_line_bytes: an over-long line is skipped, not read whole.
    """
    yielded = False
    consumed = 0
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(max_line_bytes + 1)
            if not raw:
                break
            number += 1
            too_long = len(raw) > max_line_bytes and not raw.endswith(b"\n")
            if too_long:
                consumed += len(raw) + _skip_rest_of_line(handle)
            else:
                consumed += len(raw)
            if on_bytes:
                on_bytes(consumed)
            if not raw.strip():
                continue
            yielded = True
            if too_long:
                yield ParseError(rel, f"record larger than {max_line_bytes // 1024} KiB", number)
                continue
            yield _record_from_line(raw, rel, number)
    if not yielded:
        yield ParseError(rel, "the file is empty")


def _skip_rest_of_line(handle: BinaryIO) -> int:
    skipped = 0
    while True:
        block = handle.readline(1 << 20)
        skipped += len(block)
        if not block or block.endswith(b"\n"):
            return skipped


def _record_from_line(raw: bytes, rel: str, number: int) -> Article | ParseError:
    try:
        record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError:
        return ParseError(rel, "not UTF-8 (JSON Lines must be UTF-8)", number)
    except json.JSONDecodeError as exc:
        return ParseError(rel, f"not valid JSON ({exc.msg} at column {exc.colno})", number)
    except RecursionError:
        return ParseError(rel, "the record is nested too deeply to read", number)
    try:
        return article_from_record(record, path=rel, default_id=f"{rel}:{number}", line=number)
    except ParseError as exc:
        return exc


def iter_json(data: bytes, rel: str) -> Iterator[Article | ParseError]:
    """Yield the articles of a .json file: one record, a list of records, or {"articles": [...]}."""
    text = decode_text(data, rel)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(rel, f"not valid JSON ({exc.msg})", exc.lineno) from exc
    if isinstance(document, dict) and isinstance(document.get("articles"), list):
        document = document["articles"]
    if isinstance(document, dict):
        yield article_from_record(document, path=rel, default_id=rel)
        return
    if not isinstance(document, list):
        raise ParseError(rel, "expected a JSON object or a list of objects")
    if not document:
        raise ParseError(rel, "the file holds an empty list")
    for index, record in enumerate(document):
        try:
            yield article_from_record(record, path=rel, default_id=f"{rel}:{index}")
        except ParseError as exc:
            yield ParseError(rel, f"record {index}: {exc.reason}")
