"""Saved article web pages (.html/.htm): main text and metadata extracted with trafilatura.

trafilatura finds the article's text (dropping navigation, ads, comments and related links) and
its headline, date, author and canonical URL from Open Graph, `article:*` meta tags, JSON-LD and
`<time>` elements; html_metadata fills the tags and URL it leaves out.
"""

from __future__ import annotations

import logging
import re

import trafilatura
from trafilatura.settings import Document
from trafilatura.utils import load_html

from embeddings.dates import parse_date
from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing.decoding import decode_text
from embeddings.parsing.html_metadata import extra_metadata
from embeddings.parsing.records import normalise_body, optional_text, split_tags

# A failed page becomes one ParseError in the reindex report; trafilatura's own log lines
# about the same page would only repeat it, less clearly.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE)
_DATE_SEARCH = {
    # Only the page's own markup (meta tags, JSON-LD, <time>, URL): the "extensive" search
    # guesses from body text and would date a story by its footer's copyright year.
    "extensive_search": False,
    "original_date": True,  # the publication date, not the last edit
    "min_date": "1800-01-01",  # archives reach further back than htmldate's default of 1995
}


def parse_html(data: bytes, *, path: str, default_id: str) -> Article:
    """Parse one saved article page, or raise ParseError saying why it holds no article."""
    text = decode_text(data, path, declared=declared_charset(data))
    try:
        tree = load_html(text)
        extra = extra_metadata(tree) if tree is not None else None
        document = trafilatura.bare_extraction(
            tree, with_metadata=True, include_comments=False, include_images=False,
            date_extraction_params=_DATE_SEARCH,
        ) if tree is not None else None
    except RecursionError:
        raise ParseError(path, "the page is nested too deeply to read") from None
    except Exception as exc:  # a heuristic third-party extractor fed hostile markup can raise anything
        raise ParseError(path, f"the page could not be read as HTML ({type(exc).__name__})") from exc
    # A Document or None: the dict form is only given when asked for (as_dict).
    if not isinstance(document, Document) or extra is None:
        raise ParseError(path, "no article text found in the page (is it an index, a login or an empty page?)")
    title = optional_text(document.title)
    if not title:
        raise ParseError(path, "the page has no headline (no og:title, JSON-LD headline, <h1> or <title>)")
    body = _body(document.text or "", title)
    if not body:
        raise ParseError(path, "no article text found in the page (is it an index, a login or an empty page?)")
    return Article(
        id=default_id,
        title=title,
        body=body,
        date=parse_date(document.date),
        url=optional_text(document.url) or extra.url,
        tags=split_tags([*(document.tags or []), *extra.tags, *(document.categories or [])]),
        author=optional_text(document.author),
        source_path=path,
    ).with_hash()


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in a <meta> tag near its start, if any."""
    match = _DECLARED_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _body(text: str, title: str) -> str:
    """One paragraph per extracted block, without the headline repeated at the top."""
    # Only the ends are trimmed: str.split() would also eat the text's no-break spaces.
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    while lines and " ".join(lines[0].split()).casefold() == title.casefold():
        lines.pop(0)
    return normalise_body("\n\n".join(lines))
