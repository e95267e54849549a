"""Page metadata trafilatura leaves out: JSON-LD keywords and url, and rel="tag" links (WordPress)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

# schema.org types a news page uses for its article (BlogPosting: most WordPress SEO plugins).
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle",
                  "opinionnewsarticle", "blogposting", "liveblogposting"}
_MAX_JSON_LD_CHARS = 256 * 1024
_REL_TAG_LINKS = "//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]"


@dataclass(frozen=True)
class ExtraMetadata:
    """Tags and canonical URL read from the page itself, to fill what trafilatura did not find."""

    tags: tuple[str, ...] = ()
    url: str | None = None


def extra_metadata(tree: HtmlElement) -> ExtraMetadata:
    """Keywords and url of the page's JSON-LD article, else its rel="tag" links."""
    tags: list[str] = []
    url = None
    for node in _json_ld_articles(tree):
        tags.extend(_keywords(node.get("keywords")))
        url = url or _url_of(node)
    if not tags:
        tags = [" ".join(link.text_content().split()) for link in tree.xpath(_REL_TAG_LINKS)]
    return ExtraMetadata(tuple(t for t in tags if t), url)


def _json_ld_articles(tree: HtmlElement) -> Iterator[dict]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > _MAX_JSON_LD_CHARS:
            continue
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common on real sites; the rest of the page still counts
        yield from _article_nodes(document, depth=0)


def _article_nodes(node: object, depth: int) -> Iterator[dict]:
    """Article objects in a JSON-LD document: top level, in a list, or in an @graph."""
    if depth > 3:
        return
    if isinstance(node, list):
        for item in node:
            yield from _article_nodes(item, depth + 1)
    elif isinstance(node, dict):
        kinds = node.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
            yield node
        if "@graph" in node:
            yield from _article_nodes(node["@graph"], depth + 1)


def _keywords(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _url_of(node: dict) -> str | None:
    for candidate in (node.get("url"), node.get("mainEntityOfPage")):
        if isinstance(candidate, dict):
            candidate = candidate.get("@id") or candidate.get("url")
        if isinstance(candidate, str) and candidate.startswith(("http://", "https://")):
            return candidate
    return None
