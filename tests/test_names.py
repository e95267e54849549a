"""Names a question depends on: which words are names, when an archive mentions one, and abstaining when it does not."""

from __future__ import annotations

import json

import pytest

from bot.service import ArchivistService
from bot.settings import Settings
from embeddings.names import is_descriptive, mentions_name, question_names


def test_question_names_skip_the_first_word_months_titles_and_possessives():
    assert question_names("What did Alibaba's CEO say in May about Motorola Mobility?") == [
        "Alibaba", "Motorola", "Mobility"]
    assert question_names("How much did the Facebook-funded study cost?") == ["Facebook"]
    assert question_names("Xiaomi shipments last year?") == []  # a first word is capitalised anyway


def test_a_name_is_mentioned_only_where_it_is_written_capitalised():
    assert mentions_name("Snap's shares rose.", "Snap")
    assert mentions_name("shares of SNAP rose", "Snap")
    assert not mentions_name("the prime minister called a snap election", "Snap")
    assert not mentions_name("Snapchat grew", "Snap")  # a whole word only
    assert mentions_name("the Jeep Cherokee", "Jeeps") and mentions_name("two Jeeps", "Jeep")


def test_places_nationalities_and_generic_abbreviations_only_describe():
    assert all(is_descriptive(word) for word in ("US", "Swedish", "Britain", "TV"))
    assert not any(is_descriptive(word) for word in ("Twitter", "Volvo", "Sony"))


@pytest.fixture(scope="module")
def service(tmp_path_factory, real_encoder) -> ArchivistService:
    root = tmp_path_factory.mktemp("names")
    products = ["photo filters", "longer posts", "a dark mode", "live audio rooms", "paid badges", "bookmarks",
                "a new logo", "group messages", "video uploads", "polls", "threaded replies", "an edit button"]
    records = [  # many articles mention Twitter, none about its listing
        {"id": f"twitter-{i}", "title": f"Twitter adds {product}", "date": f"2016-0{1 + i % 9}-10",
         "body": f"Twitter said on Tuesday that users would get {product} this month. The feature follows "
                 "months of tests with a small group of users, the social network said."}
        for i, product in enumerate(products)
    ] + [
        {"id": "vote", "title": "Prime minister calls snap election", "date": "2017-04-18",
         "body": "The prime minister called a snap election for June. Markets fell on the news, and the "
                 "pound dropped as traders weighed how much the vote would raise uncertainty."},
        {"id": "ipo", "title": "Shares of photo messaging firm soar on first day", "date": "2017-03-02",
         "body": "The company raised 3.4 billion dollars when it went public, selling shares at 17 dollars "
                 "each. Its shares rose 44 percent on their first day of trading."},
    ]
    records += [  # listings of other companies: closer to a question about a listing than any Twitter feature
        {"id": f"listing-{i}", "title": f"{company} shares jump on stock market debut", "date": f"2015-06-{10 + i}",
         "body": f"Shares of {company} opened at {20 + i} dollars on their first day of trading after the company "
                 "went public, well above the price set for its initial public offering."}
        for i, company in enumerate(["Fitbit", "Etsy", "Shopify", "Square", "Box", "GoDaddy",
                                          "Zynga", "Groupon", "Pandora", "Yelp", "Workday", "Zillow"])
    ]
    records.append({"id": "shoes", "title": "Hackers reach customer accounts at online shoe store",
                    "date": "2012-01-16",
                    "body": "Zappos said hackers had reached part of its database of 24 million customer accounts. "
                            "Zappos CEO Tony Hsieh wrote to staff: "
                            "\"We are truly sorry for any hassle this may cause.\" "
                            "Credit card data was not stored in the affected systems."})
    records += [  # two companies, each in its own article, never together
        {"id": "msft", "title": "Microsoft sales beat forecasts", "date": "2007-01-26",
         "body": "Microsoft said quarterly sales rose 11 percent to 16.4 billion dollars, more than analysts "
                 "expected. The company paid 1.6 billion dollars in deferred revenue for its coupon programme."},
        {"id": "navteq", "title": "Nokia buys mapping firm Navteq", "date": "2007-10-01",
         "body": "Nokia agreed to pay 8.1 billion dollars for Navteq, a maker of digital maps. The Finnish "
                 "phone maker said the deal would bring maps to its handsets."},
    ]
    (root / "archive.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    made = ArchivistService(Settings(archive_dir=root / "archive.jsonl", data_dir=root / "data"), encoder=real_encoder)
    made.reindex()
    return made


def test_a_question_about_a_name_the_archive_never_capitalises_is_not_answered(service):
    answer = service.ask("How much did Snap raise when it went public?")
    assert answer.abstained and answer.citations == []
    assert "Snap" in answer.text
    assert answer.closest  # the closest articles are still shown


def test_the_same_question_without_the_name_is_answered(service):
    answer = service.ask("How much did the photo messaging firm raise when it went public?")
    assert not answer.abstained
    assert "3.4 billion dollars" in answer.text


def test_a_name_many_articles_mention_but_none_retrieved_is_not_answered(service):
    answer = service.ask("At what price did Twitter's shares open when the company went public?")
    assert answer.abstained and answer.citations == []
    assert "Articles mention Twitter, but none of them matches the question." in answer.text
    assert answer.closest and all(h.article.id.startswith("listing-") for h in answer.closest)
    # The names of the retrieved articles are mentioned: the same question about one of them is answered.
    answered = service.ask("At what price did Etsy's shares open when the company went public?")
    assert not answered.abstained and "21 dollars" in answered.text


def test_a_speaker_the_question_only_describes_is_quoted_not_refused(service):
    # No word of "the online shoe retailer's CEO" but "CEO" names Tony Hsieh: the description cannot be
    # checked against the article's attributions, so the closest statements are quoted.
    answer = service.ask("What did the online shoe retailer's CEO say after hackers got into its customer accounts?")
    assert not answer.abstained
    assert [c.article.id for c in answer.citations] == ["shoes"] and "We are truly sorry" in answer.text
