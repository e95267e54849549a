"""Markdown articles with a YAML front-matter block (title, date, url, tags, author, id) or a '# ' headline."""

from __future__ import annotations

import re

import yaml

from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing.plain_text import parse_plain_text
from embeddings.parsing.records import article_from_record

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
_MAX_FRONT_MATTER = 64 * 1024


def parse_markdown(text: str, *, path: str, default_id: str) -> Article:
    """Parse a Markdown article; the headline comes from front matter or the first '# ' heading."""
    meta: dict[str, object] = {}
    body = text
    match = _FRONT_MATTER.match(text)
    if match:
        raw = match.group(1)
        if len(raw) > _MAX_FRONT_MATTER:
            raise ParseError(path, "front matter larger than 64 KiB")
        try:
            loaded = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ParseError(path, f"front matter is not valid YAML ({_first_line(exc)})") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ParseError(path, "front matter must be a mapping of keys to values")
        meta = {str(k).lower(): v for k, v in (loaded or {}).items()}
        body = text[match.end():]
    elif text.lstrip().startswith("---"):
        raise ParseError(path, "front matter opened with '---' but never closed")
    heading = _HEADING.match(body)
    if not match and not heading:
        # Markdown with neither front matter nor a heading reads like plain text: headline first.
        return parse_plain_text(text, path=path, default_id=default_id)
    if heading and not meta.get("title"):
        meta["title"] = heading.group(1)
    if heading and str(meta.get("title", "")).strip() == heading.group(1).strip():
        body = body[heading.end():]
    meta["body"] = body
    return article_from_record(meta, path=path, default_id=default_id)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
