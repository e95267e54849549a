"""The abstention policy: each named rule refuses on its own grounds and lets the others pass."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answering.policy import RULE_NAMES, RULES, AbstentionConfig, Grounds, first_shown, refusal
from bot.answering.types import abstention
from embeddings.models import Article, Chunk, Hit, SearchFilters
from embeddings.retrieval import NameFinding, RetrievalResult

NOKIA = Article("nokia", "Microsoft to buy Nokia's phone business", "Microsoft agreed to buy Nokia's phone unit.")
SALES = Article("sales", "Microsoft sales rise", "Microsoft's sales rose; its online business lags.")


def hit(article: Article, cosine: float = 0.6) -> Hit:
    return Hit(Chunk(f"{article.id}#0", article.id, 0, article.body, 0, len(article.body)), article, cosine, cosine)


def grounds(question: str = "How much did Microsoft pay for Nokia's phone business?", *, hits=None,
            names=(), sentences: int = 3, filters: SearchFilters = SearchFilters()) -> Grounds:
    hits = [hit(NOKIA)] if hits is None else hits
    result = RetrievalResult(hits, 5, question, None, filters, None, tuple(names))
    return Grounds(question, result, sentences)


# The rules' behaviour is pinned at settings of their own, not at the fitted ones (bot/learned_weights.json),
# which a refit may move anywhere, off included.
SET = AbstentionConfig(rare_name_articles=1, common_name_articles=10, abstain_below=0.3, answer_floor=0.5)


def refused_by(g: Grounds, config: AbstentionConfig = SET):
    found = refusal(g, config)
    return (found.rule, found.reason) if found else None


def test_grounds_that_hold_an_answer_pass_every_rule():
    assert refused_by(grounds()) is None
    assert RULE_NAMES == ("no-passages", "unknown-name", "unmatched-name", "low-similarity", "nothing-to-quote",
                          "no-answer")


def test_no_passages():
    assert refused_by(grounds(hits=[])) == ("no-passages", "")


def test_unknown_name_is_one_almost_no_article_mentions_and_none_retrieved():
    xiaomi = NameFinding("Xiaomi", in_closest=False, mentioning=1, retrieved=False)
    assert refused_by(grounds(names=[xiaomi])) == ("unknown-name", "No article mentions Xiaomi.")
    scoped = grounds(names=[xiaomi], filters=SearchFilters(tags=("tech",)))
    assert refused_by(scoped) == ("unknown-name", "No article in those dates and tags mentions Xiaomi.")
    retrieved = NameFinding("Xiaomi", in_closest=False, mentioning=1, retrieved=True)
    assert refused_by(grounds(names=[retrieved])) is None
    assert refused_by(grounds(names=[NameFinding("Xiaomi", in_closest=True)])) is None


def test_unmatched_name_is_one_many_articles_mention_but_no_retrieved_one():
    twitter = NameFinding("Twitter", in_closest=False, mentioning=12, retrieved=False)
    assert refused_by(grounds(names=[twitter])) == (
        "unmatched-name", "Articles mention Twitter, but none of them matches the question.")
    assert refused_by(grounds(names=[NameFinding("US", False, 40, False)])) is None  # describes, names no party
    assert refused_by(grounds(names=[NameFinding("Twitter", False, 5, False)])) is None  # neither rare nor common
    assert refused_by(grounds(names=[twitter]), AbstentionConfig(common_name_articles=20)) is None
    assert refused_by(grounds(names=[NameFinding("Moscow", False, 40, False)])) is None  # a capital: descriptive


def test_low_similarity():
    assert refused_by(grounds(hits=[hit(NOKIA, cosine=0.2)])) == ("low-similarity", "")
    assert refused_by(grounds(hits=[hit(NOKIA, cosine=0.2)]), AbstentionConfig(abstain_below=0.1)) is None


def test_nothing_to_quote():
    assert refused_by(grounds(sentences=0)) == ("nothing-to-quote", "")


def test_no_answer_says_what_the_archive_holds_on_the_subject_instead():
    """The reader found no sentence that answers: the reason names the question, the subject the closest
    articles cover, and the newest article about it, listed first as [1]."""
    old = Article("old", "Microsoft to buy Nokia's phone business", "Microsoft agreed to buy Nokia's phone unit.",
                  dt.date(2013, 9, 3))
    new = Article("new", "Nokia shareholders approve sale", "Nokia's shareholders approved the sale to Microsoft.",
                  dt.date(2013, 11, 19))
    other = Article("other", "Phone sales slow", "Handset sales slowed across Europe.", dt.date(2014, 1, 2))
    question = "Who did Nokia appoint as chief executive after the sale?"
    result = RetrievalResult([hit(old), hit(other), hit(new)], 5, question, None, SearchFilters(), None,
                             (NameFinding("Nokia", in_closest=True),))
    assert refused_by(Grounds(question, result, 3, reading=0.7)) is None
    assert refused_by(Grounds(question, result, 3, reading=None)) is None  # without a reader the rule is silent
    rule, reason = refused_by(Grounds(question, result, 3, reading=0.1))
    assert rule == "no-answer"
    assert reason == ("Nothing in the archive answers “Who did Nokia appoint as chief executive after the sale”; "
                      "the latest it holds on Nokia is “Nokia shareholders approve sale” (19 November 2013) [1].")
    assert first_shown(result).article.id == "new"
    assert abstention(question, result, rule, reason).closest[0].article.id == "new"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_rule_passes_grounds_that_hold_an_answer(rule):
    assert rule.check(grounds(), SET) is None
