"""Parsing of every supported format, the sample article, and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing import ParseLimits, iter_articles
from tests.conftest import SAMPLE_ARCHIVE, SEED


def parse(path: Path, rel: str | None = None,
          limits: ParseLimits = ParseLimits()) -> tuple[list[Article], list[ParseError]]:
    items = list(iter_articles(path, rel or path.name, limits))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, ParseError)]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# -- the sample article ------------------------------------------------------------------------

def test_sample_article_is_the_seed_file():
    if not SEED.exists():
        pytest.skip(f"the seed article is not at {SEED} (../shared is absent)")
    assert (SAMPLE_ARCHIVE / "alibaba-global-expansion.txt").read_bytes() == SEED.read_bytes()


def test_stack_archive_sample_parses_into_fields():
    articles, errors = parse(SAMPLE_ARCHIVE / "alibaba-global-expansion.txt")
    assert errors == []
    [article] = articles
    assert article.id == "alibaba-global-expansion.txt"
    assert article.title == "Alibaba to push global expansion, says new CEO"
    assert article.date == dt.date(2015, 5, 14)
    assert article.tags == ("Alibaba", "Asia", "China", "employment", "news")
    assert article.body.startswith("Chinese e-retail group Alibaba has emphasised")
    assert article.body.endswith("target customers from all walks of life,” he said.")
    for leftover in ("The Stack Archive", "Send us a correction", "Alibaba Asia China employment news",
                     "Thu 14 May 2015"):
        assert leftover not in article.body
    assert "prioritise international hiring" in article.body
    assert len(article.content_hash) == 64


def test_plain_text_without_header_or_footer(tmp_path):
    path = write(tmp_path, "note.txt", "A headline\n\n2020-01-02\n\nFirst paragraph.\n\nSecond paragraph.\n")
    [article], _ = parse(path)
    assert (article.title, article.date, article.tags) == ("A headline", dt.date(2020, 1, 2), ())
    assert article.body == "First paragraph.\n\nSecond paragraph."


def test_plain_text_tags_line(tmp_path):
    path = write(tmp_path, "t.txt", "Headline\n\nBody text here.\n\nTags: cloud computing, China\n")
    [article], _ = parse(path)
    assert article.tags == ("cloud computing", "China")
    assert article.body == "Body text here."


# -- JSON Lines and JSON -------------------------------------------------------------------------

RECORD = {"id": "wn-1", "title": "Google buys YouTube", "date": "2006-10-09", "url": "https://example.org/yt",
          "tags": ["Economy and business"], "author": None, "body": "Google bought YouTube.\n\nIt paid $1.65bn."}


def test_jsonl_records(tmp_path):
    second = {**RECORD, "id": "wn-2", "title": "Second", "date": None}
    path = write(tmp_path, "a.jsonl", json.dumps(RECORD) + "\n\n" + json.dumps(second) + "\n")
    articles, errors = parse(path)
    assert errors == []
    assert [a.id for a in articles] == ["wn-1", "wn-2"]
    first = articles[0]
    assert (first.title, first.date, first.url, first.tags) == (
        "Google buys YouTube", dt.date(2006, 10, 9), "https://example.org/yt", ("Economy and business",))
    assert first.body == "Google bought YouTube.\n\nIt paid $1.65bn."
    assert articles[1].date is None


def test_jsonl_bad_lines_are_reported_with_line_numbers(tmp_path):
    lines = [json.dumps(RECORD), "{not json", json.dumps({**RECORD, "id": "x", "body": ""}),
             json.dumps({**RECORD, "id": "y", "title": "  "}), "[1, 2]", json.dumps({**RECORD, "id": "ok"})]
    path = write(tmp_path, "mixed.jsonl", "\n".join(lines) + "\n")
    articles, errors = parse(path)
    assert [a.id for a in articles] == ["wn-1", "ok"]
    assert [(e.line, e.path) for e in errors] == [(line, "mixed.jsonl") for line in (2, 3, 4, 5)]
    assert "not valid JSON" in errors[0].reason
    assert "no body" in errors[1].reason
    assert "no title" in errors[2].reason
    assert "JSON object" in errors[3].reason


def test_jsonl_record_without_id_gets_path_and_line(tmp_path):
    record = {k: v for k, v in RECORD.items() if k != "id"}
    path = write(tmp_path, "noid.jsonl", "\n" + json.dumps(record) + "\n")
    [article], _ = parse(path, rel="sub/noid.jsonl")
    assert article.id == "sub/noid.jsonl:2"


def test_json_single_list_and_wrapped(tmp_path):
    single = write(tmp_path, "one.json", json.dumps(RECORD))
    many = write(tmp_path, "many.json", json.dumps([RECORD, {**RECORD, "id": "wn-9"}]))
    wrapped = write(tmp_path, "wrapped.json", json.dumps({"articles": [RECORD]}))
    assert [a.id for a in parse(single)[0]] == ["wn-1"]
    assert [a.id for a in parse(many)[0]] == ["wn-1", "wn-9"]
    assert [a.id for a in parse(wrapped)[0]] == ["wn-1"]


def test_json_bad_document(tmp_path):
    _, [error] = parse(write(tmp_path, "bad.json", "{\"title\": "))
    assert error.path == "bad.json" and "not valid JSON" in error.reason
    _, [error] = parse(write(tmp_path, "num.json", "42"))
    assert "JSON object" in error.reason


def test_unreadable_date_is_an_error(tmp_path):
    _, [error] = parse(write(tmp_path, "d.jsonl", json.dumps({**RECORD, "date": "sometime"})))
    assert "unreadable date" in error.reason and error.line == 1


def test_nul_characters_in_records_are_an_error(tmp_path):
    """JSON's \\u0000 (or YAML's \\0) would reach the index; PostgreSQL text cannot hold it, so no store gets it."""
    text = json.dumps({**RECORD, "body": "Before\u0000after."}) + "\n" + json.dumps({**RECORD, "id": "fine"}) + "\n"
    [article], [error] = parse(write(tmp_path, "nul.jsonl", text))
    assert article.id == "fine" and error.line == 1 and "NUL character" in error.reason


# -- Markdown ----------------------------------------------------------------------------------

def test_markdown_front_matter(tmp_path):
    text = ("---\ntitle: Chips get smaller\ndate: 2019-03-04\ntags: [semiconductors, Intel]\n"
            "url: https://example.org/chips\nauthor: A. Writer\nid: chips-1\n---\n\nIntel said so.\n\nMore text.\n")
    [article], errors = parse(write(tmp_path, "chips.md", text))
    assert errors == []
    assert (article.id, article.title, article.date, article.tags, article.author, article.url) == (
        "chips-1", "Chips get smaller", dt.date(2019, 3, 4), ("semiconductors", "Intel"), "A. Writer",
        "https://example.org/chips")
    assert article.body == "Intel said so.\n\nMore text."


def test_markdown_heading_as_title(tmp_path):
    [article], _ = parse(write(tmp_path, "h.md", "# The headline\n\nBody paragraph.\n"), rel="news/h.md")
    assert (article.id, article.title, article.body) == ("news/h.md", "The headline", "Body paragraph.")


def test_markdown_bad_front_matter(tmp_path):
    _, [error] = parse(write(tmp_path, "b.md", "---\ntitle: [unclosed\n---\nbody\n"))
    assert "not valid YAML" in error.reason
    _, [error] = parse(write(tmp_path, "c.md", "---\ntitle: x\nbody never closes\n"))
    assert "never closed" in error.reason


# -- bad input -----------------------------------------------------------------------------------

def test_binary_file_is_rejected(tmp_path):
    _, [error] = parse(write(tmp_path, "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))))
    assert error.path == "img.txt" and "binary" in error.reason


def test_windows_1252_text_is_decoded(tmp_path):
    content = "Caf\u00e9 prices rise\n\nThe caf\u00e9 said \u201cprices\u201d rose by 5\u20ac.\n".encode("cp1252")
    [article], errors = parse(write(tmp_path, "cafe.txt", content))
    assert errors == []
    assert article.title == "Caf\u00e9 prices rise" and "\u201cprices\u201d" in article.body


def test_utf16_with_bom_is_decoded(tmp_path):
    content = "Headline\n\nBody in UTF-16.\n".encode("utf-16")
    [article], _ = parse(write(tmp_path, "u16.txt", content))
    assert article.body == "Body in UTF-16."


def test_undecodable_bytes_are_rejected(tmp_path):
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8 here.
    _, [error] = parse(write(tmp_path, "junk.txt", b"Headline\n\nbad \x81\x8d\x90 bytes\n"))
    assert "save it as UTF-8" in error.reason


@pytest.mark.parametrize("content", ["", "   \n\n  "])
def test_empty_file(tmp_path, content):
    _, [error] = parse(write(tmp_path, "empty.txt", content))
    assert "empty" in error.reason


def test_headline_without_body(tmp_path):
    _, [error] = parse(write(tmp_path, "h.txt", "Only a headline\n"))
    assert "no body" in error.reason


def test_unknown_extension(tmp_path):
    _, [error] = parse(write(tmp_path, "doc.pdf", "%PDF-1.4"))
    assert "unsupported file type .pdf" in error.reason


def test_size_limits(tmp_path):
    limits = ParseLimits(max_file_bytes=100, max_body_chars=20)
    _, [error] = parse(write(tmp_path, "big.txt", "Headline\n\n" + "x" * 200), limits=limits)
    assert "over the" in error.reason
    _, [error] = parse(write(tmp_path, "long.txt", "Headline\n\n" + "word " * 10), limits=limits)
    assert "split it into several articles" in error.reason


# -- identity ----------------------------------------------------------------------------------

def test_content_hash_is_stable_and_sensitive(tmp_path):
    path = write(tmp_path, "a.txt", "Headline\n\nBody one.\n")
    first = parse(path)[0][0].content_hash
    assert parse(path)[0][0].content_hash == first
    path.write_text("Headline\n\nBody two.\n")
    assert parse(path)[0][0].content_hash != first
