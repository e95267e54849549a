"""The plain-text article format of The Stack Archive (header, title, date line, body, tag line, footer).

A plain .txt file without the Stack Archive header parses the same way: the first line is the
headline, an optional date line follows, and the rest is the body.
"""

from __future__ import annotations

from embeddings.dates import parse_date
from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing.records import normalise_body, optional_text, split_tags

_HEADER = "the stack archive"
_FOOTER_PREFIX = "send us a correction"
_TAG_PREFIXES = ("tags:", "tagged:")
_MAX_TAG_LINE = 200


def parse_plain_text(text: str, *, path: str, default_id: str) -> Article:
    """Parse one plain-text article, or raise ParseError saying what is missing."""
    lines = text.split("\n")
    cursor = _skip_blank(lines, 0)
    if cursor < len(lines) and lines[cursor].strip().lower() == _HEADER:
        cursor = _skip_blank(lines, cursor + 1)
    if cursor >= len(lines):
        raise ParseError(path, "the file has no headline")
    title = optional_text(lines[cursor])
    if not title or len(title) > 300:
        raise ParseError(path, "the first line must be the headline (at most 300 characters)")
    cursor = _skip_blank(lines, cursor + 1)
    date = None
    if cursor < len(lines):
        date = parse_date(lines[cursor])
        if date is not None:
            cursor += 1
    body_lines, tags = _strip_trailer(lines[cursor:])
    body = normalise_body("\n".join(body_lines))
    if not body:
        raise ParseError(path, "the article has a headline but no body")
    return Article(id=default_id, title=title, body=body, date=date, tags=tags, source_path=path).with_hash()


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _strip_trailer(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Remove the correction footer and the tag line above it; return body lines and tags."""
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    has_footer = end > 0 and lines[end - 1].strip().lower().startswith(_FOOTER_PREFIX)
    if has_footer:
        end -= 1
        while end > 0 and not lines[end - 1].strip():
            end -= 1
    tags: tuple[str, ...] = ()
    if end > 0:
        last = lines[end - 1].strip()
        lowered = last.lower()
        if lowered.startswith(_TAG_PREFIXES):
            tags = split_tags(last.split(":", 1)[1])
            end -= 1
        elif has_footer and _looks_like_tag_line(last):
            # The Stack Archive prints its tags as one line of space-separated words.
            tags = split_tags(last.split())
            end -= 1
    return lines[:end], tags


def _looks_like_tag_line(line: str) -> bool:
    return 0 < len(line) <= _MAX_TAG_LINE and line[-1] not in ".!?\"'”’:;)"
