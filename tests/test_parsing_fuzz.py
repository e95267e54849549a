"""Untrusted input: every parser fed arbitrary bytes and text lets no exception but ParseError escape."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing import SUPPORTED_EXTENSIONS, ParseLimits, iter_articles
from embeddings.parsing.html_page import parse_html
from embeddings.parsing.json_records import iter_json
from embeddings.parsing.markdown import parse_markdown
from embeddings.parsing.plain_text import parse_plain_text

EXTENSIONS = sorted({".txt", ".md", ".json", ".jsonl", ".html", ".htm"} | set(SUPPORTED_EXTENSIONS))
LIMITS = ParseLimits(max_file_bytes=64 * 1024, max_record_bytes=16 * 1024, max_body_chars=8_000)
# FUZZ_EXAMPLES=5000 for a deeper campaign than CI's.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text that looks enough like each format to get past its first checks.
_words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_words, inner, max_size=4),
    max_leaves=12,
)
_records = st.fixed_dictionaries({}, optional={
    key: _json_values | _words for key in ("id", "title", "body", "date", "url", "tags", "author", "text")
})
_tags = st.sampled_from(["html", "head", "title", "body", "p", "h1", "article", "main", "nav", "script", "style",
                         "meta", "time", "div", "table", "td", "a", "br", "!--", "![CDATA[", "?xml", "svg", "math"])
_attributes = st.sampled_from(['', ' property="og:title" content="x"', ' charset="utf-16"', ' charset="bogus"',
                               ' datetime="2015-13-45"', ' property="article:published_time" content="9999-99-99"',
                               ' type="application/ld+json"', ' rel="tag"', ' class="entry-content"'])
_html = st.lists(
    st.tuples(st.booleans(), _tags, _attributes, _words).map(
        lambda t: f"<{'/' if t[0] else ''}{t[1]}{t[2]}>{t[3]}"),
    max_size=40,
).map("".join)
_front_matter = st.tuples(_words, _words, _words).map(lambda t: f"---\n{t[0]}: {t[1]}\n---\n# {t[2]}\n\n{t[1]}")


def check(items: list) -> None:
    for item in items:
        assert isinstance(item, (Article, ParseError)), item
        if isinstance(item, Article):
            assert item.title.strip() and item.body.strip() and len(item.content_hash) == 64
            assert len(item.body) <= LIMITS.max_body_chars


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(extension=st.sampled_from(EXTENSIONS), data=st.binary(max_size=4096))
def test_arbitrary_bytes_in_any_format(scratch, extension, data):
    path = scratch / f"input{extension}"
    path.write_bytes(data)
    check(list(iter_articles(path, path.name, LIMITS)))


@FUZZ
@given(extension=st.sampled_from(EXTENSIONS),
       text=st.one_of(st.text(max_size=2000), _html, _front_matter, _records.map(json.dumps)),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_arbitrary_text_in_any_format(scratch, extension, text, encoding):
    path = scratch / f"text{extension}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    check(list(iter_articles(path, path.name, LIMITS)))


@FUZZ
@given(text=st.one_of(st.text(max_size=2000), _front_matter, _html))
def test_text_parsers_raise_only_parse_error(text):
    for parse in (parse_plain_text, parse_markdown):
        try:
            check([parse(text, path="x", default_id="x")])
        except ParseError:
            pass


@FUZZ
@given(document=st.one_of(_html, st.text(max_size=2000)).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_html_parser_raises_only_parse_error(document):
    try:
        check([parse_html(document, path="x.html", default_id="x.html")])
    except ParseError:
        pass


@FUZZ
@given(document=st.one_of(_json_values, st.lists(_records, max_size=5), _records,
                          st.fixed_dictionaries({"articles": st.lists(_records | _json_values, max_size=5)})))
def test_json_records_raise_only_parse_error(scratch, document):
    data = json.dumps(document).encode("utf-8")
    try:
        check(list(iter_json(data, "x.json")))
    except ParseError:
        pass
    path = scratch / "records.jsonl"
    records = document if isinstance(document, list) else [document]
    path.write_bytes(b"\n".join(json.dumps(r).encode() for r in records))
    check(list(iter_articles(path, path.name, LIMITS)))
