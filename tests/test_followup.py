"""Follow-ups read in the context of the earlier question, with the real model on a two-article archive."""

from __future__ import annotations

import shutil

import pytest

from bot.answering.types import FollowUpContext
from bot.service import ArchivistService
from bot.settings import Settings
from tests.conftest import SAMPLE_ARCHIVE

# A second article in which someone else talks about advertising: without context, "he" is him.
TENCENT = (
    "---\n"
    "title: Tencent chief says advertising will drive growth\n"
    "date: 2016-03-17\n"
    "url: https://example.org/tencent-advertising\n"
    "tags: [Tencent, China, advertising]\n"
    "---\n"
    "Tencent's chief executive Pony Ma told investors on Thursday that advertising would be the company's main "
    "engine of growth over the next three years.\n"
    "\n"
    "Ma said that advertising revenue from the WeChat messaging app had doubled, and that the firm would sell more "
    "video advertising to brands outside China.\n"
    "\n"
    "\"Advertising is where our users already are,\" he said, adding that Tencent would hire more engineers for its "
    "advertising platform.\n"
)
ALIBABA = "alibaba-global-expansion.txt"


@pytest.fixture(scope="module")
def two_articles(tmp_path_factory, real_encoder) -> ArchivistService:
    root = tmp_path_factory.mktemp("followup")
    shutil.copytree(SAMPLE_ARCHIVE, root / "articles")
    (root / "articles" / "tencent-advertising.md").write_text(TENCENT, encoding="utf-8")
    service = ArchivistService(Settings(archive_dir=root / "articles", data_dir=root / "data"), encoder=real_encoder)
    assert len(service.reindex().added) == 2
    return service


def test_a_follow_up_is_answered_about_the_person_of_the_earlier_answer(two_articles):
    first = two_articles.ask("What did Alibaba's CEO say about hiring?")
    assert [c.article.id for c in first.citations] == [ALIBABA]
    context = FollowUpContext.of(first.question, first)

    follow_up = two_articles.ask("and what did he say about advertising?", context=context)
    assert not follow_up.abstained
    assert [c.article.id for c in follow_up.citations] == [ALIBABA]
    assert "Alimama, the company’s electronic-advertising platform" in follow_up.text
    assert follow_up.question == "and what did he say about advertising?"

    # The same words with no context are about the other man: the context is what made the difference.
    alone = two_articles.ask("and what did he say about advertising?")
    assert alone.citations[0].article.id == "tencent-advertising.md"


def test_alimama_follow_up_on_the_sample_archive(sample_service):
    first = sample_service.ask("What did Alibaba's CEO say about hiring?")
    answer = sample_service.ask("and what did he say about Alimama?", context=FollowUpContext.of(first.question, first))
    assert not answer.abstained and "Alimama" in answer.text
    assert "prioritise international hiring" not in answer.text  # it answers the new question, not the old one


def test_a_self_contained_question_in_a_thread_is_searched_on_its_own():
    context = FollowUpContext("What did Alibaba's CEO say about hiring?", (ALIBABA,))
    assert context.search_query("Which companies bought stakes in Zulily this year?") == \
        "Which companies bought stakes in Zulily this year?"
    assert context.search_query("and about Alimama?") == "What did Alibaba's CEO say about hiring? and about Alimama?"
    assert context.refers_back("What did she say next?") and context.refers_back("Why?")


def test_long_chains_of_follow_ups_stay_bounded():
    context = FollowUpContext("word " * 1000)
    assert len(context.search_query("and then?")) < 400
