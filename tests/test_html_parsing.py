"""Saved web pages (.html/.htm): main text without page furniture, metadata from the page itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from embeddings.errors import ParseError
from embeddings.models import Article
from embeddings.parsing import iter_articles
from tests.conftest import SAMPLE_ARCHIVE
from tests.html_pages import render_news_page

FIXTURES = Path(__file__).parent / "fixtures" / "html"
# Words that appear only in a page's navigation, ads, comments, related links or footer.
FURNITURE = ("Skip to the content", "Subscribe", "Advertisement", "Advertise with us", "Related", "Most read",
             "Leave a Reply", "Share this", "cookies", "Sign up", "Listen live", "WIN a family ticket", "Copyright",
             "©",
             "Derek from the Point", "Put it into the buses", "Bus timetable cuts", "Eurozone inflation",
             "Lessons from the 2018", "A470 closed", "Email a friend")


def parse_one(path: Path, rel: str | None = None) -> Article:
    [item] = list(iter_articles(path, rel or path.name))
    assert isinstance(item, Article), item
    return item


def assert_no_furniture(article: Article) -> None:
    leaked = [word for word in FURNITURE if word.lower() in article.body.lower()]
    assert leaked == [], f"page furniture in the body: {leaked}"


def test_wordpress_page():
    article = parse_one(FIXTURES / "wordpress-harbour-ferry.html")
    assert article.title == "Harbour ferry to resume winter sailings after council vote"
    assert article.date == dt.date(2023, 11, 7)  # published, not the modified_time of the next day
    assert article.author == "Morwenna Tregear"
    assert article.url == "https://porthmerechronicle.co.uk/2023/11/07/harbour-ferry-winter-sailings/"
    assert set(article.tags) == {"News", "ferry", "harbour", "transport"}  # rel="category tag" and rel="tag"
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("The Porthmere harbour ferry will run through the winter")
    assert paragraphs[-1] == ("The first winter sailing is planned for Saturday 11 November, with boats every "
                              "forty minutes from 7.20am until dusk.")
    assert "A subsidy of £38,000" in paragraphs  # an in-article subheading is kept as its own paragraph
    assert "“not a luxury but a lifeline”" in article.body
    assert len(paragraphs) == 6
    assert_no_furniture(article)


def test_json_ld_news_article():
    article = parse_one(FIXTURES / "jsonld-newsarticle.html")
    assert article.title == "Drought forces Rhine barges to sail a third full"  # not the <title> with the site name
    assert article.date == dt.date(2022, 8, 12)
    assert article.author == "Lena Hoffmann"
    assert article.url == "https://www.cbdaily.example/markets/2022/08/12/rhine-low-water-barges"
    assert article.tags == ("Rhine", "shipping", "drought", "commodities", "Markets")
    assert "fell below 40 centimetres on Friday morning" in article.body
    assert article.body.endswith("Forecasters expect little rain in the Alps before the end of the month.")
    assert article.body.count("\n\n") == 5  # standfirst and five paragraphs, the newsletter box gone
    assert_no_furniture(article)


def test_open_graph_only_page():
    article = parse_one(FIXTURES / "opengraph-only.html")
    assert article.title == "Mountain rescue team finds walkers missing overnight on Cader ridge"
    assert article.date == dt.date(2019, 2, 17)
    assert article.author == "Gethin Morgan"
    assert article.url == "https://news.valleyfm.example/story/48213"
    assert article.tags == ("mountain rescue", "Snowdonia", "weather", "Local news")
    assert article.body.startswith("Two walkers who spent the night on the Cader ridge")
    assert article.body.endswith("check the forecast before setting out.")
    assert article.body.count("\n\n") == 3
    assert_no_furniture(article)


def test_page_without_metadata_in_a_declared_legacy_encoding():
    article = parse_one(FIXTURES / "no-metadata-parish.html")
    assert article.title == "Café opens in the old schoolroom"  # <meta charset=iso-8859-1> honoured
    assert (article.date, article.url, article.author, article.tags) == (None, None, None, ())
    assert article.body.startswith("The old schoolroom behind the church reopened on Saturday as a café")
    assert "Mrs Joan Whitcombe" in article.body
    assert "Services" not in article.body and "St Aldhelm Parish Newsletter" not in article.body


def test_stack_archive_sample_survives_a_round_trip_through_html(tmp_path):
    original = parse_one(SAMPLE_ARCHIVE / "alibaba-global-expansion.txt")
    page = tmp_path / "alibaba-global-expansion.html"
    page.write_text(render_news_page(original), encoding="utf-8")
    again = parse_one(page)
    assert (again.title, again.date, again.tags) == (original.title, original.date, original.tags)
    # Paragraph for paragraph, word for word; the one change is that trafilatura turns the
    # sample's no-break space into a plain space, as copying text out of a browser does.
    assert again.body.split("\n\n") == original.body.replace("\xa0", " ").split("\n\n")
    assert_no_furniture(again)


def test_htm_extension_and_id_from_path(tmp_path):
    original = parse_one(SAMPLE_ARCHIVE / "alibaba-global-expansion.txt")
    page = tmp_path / "2015" / "alibaba.HTM"
    page.parent.mkdir()
    page.write_text(render_news_page(original), encoding="utf-8")
    article = parse_one(page, "2015/alibaba.HTM")
    assert (article.id, article.source_path) == ("2015/alibaba.HTM", "2015/alibaba.HTM")


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"<html><head><title>Login</title></head><body><form><input name=user></form></body></html>", "no article text"),
    (b"<html><body></body></html>", "no article text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_pages_without_an_article_are_refused_with_a_reason(tmp_path, content, reason):
    page = tmp_path / "page.html"
    page.write_bytes(content)
    [item] = list(iter_articles(page, "page.html"))
    assert isinstance(item, ParseError) and reason in item.reason and item.path == "page.html"
