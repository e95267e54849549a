"""The abstention policy: each named rule refuses on its own grounds and lets the others pass."""

from __future__ import annotations

import dataclasses

import pytest

from bot.answering.policy import RULE_NAMES, RULES, AbstentionConfig, Grounds, refusal
from bot.answering.quotes import speaker_query
from embeddings.models import Article, Chunk, Hit, SearchFilters
from embeddings.retrieval import NameFinding, RetrievalResult

NOKIA = Article("nokia", "Microsoft to buy Nokia's phone business", "Microsoft agreed to buy Nokia's phone unit.")
SALES = Article("sales", "Microsoft sales rise", "Microsoft's sales rose; its online business lags.")


def hit(article: Article, cosine: float = 0.6) -> Hit:
    return Hit(Chunk(f"{article.id}#0", article.id, 0, article.body, 0, len(article.body)), article, cosine, cosine)


def grounds(question: str = "How much did Microsoft pay for Nokia's phone business?", *, hits=None,
            names=(), cited=None, speaker_match: float = 0.0, sentences: int = 3,
            filters: SearchFilters = SearchFilters()) -> Grounds:
    hits = [hit(NOKIA)] if hits is None else hits
    result = RetrievalResult(hits, 5, question, None, filters, None, tuple(names))
    cited = tuple(h.article for h in hits) if cited is None else cited
    return Grounds(question, result, cited, speaker_query(question), speaker_match, sentences)


def refused_by(g: Grounds, config: AbstentionConfig = AbstentionConfig()):
    found = refusal(g, config)
    return (found.rule, found.reason) if found else None


def test_grounds_that_hold_an_answer_pass_every_rule():
    assert refused_by(grounds()) is None
    assert RULE_NAMES == ("no-passages", "unknown-name", "unmatched-name", "low-similarity",
                          "unattributed-speaker", "nothing-to-quote", "parties-apart", "model-declined")


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


def test_low_similarity():
    assert refused_by(grounds(hits=[hit(NOKIA, cosine=0.2)])) == ("low-similarity", "")
    assert refused_by(grounds(hits=[hit(NOKIA, cosine=0.2)]), AbstentionConfig(abstain_below=0.1)) is None


def test_unattributed_speaker_only_for_a_named_speaker():
    named = grounds("What did Microsoft's CEO say about Nokia?", speaker_match=0.0)
    assert refused_by(named) == ("unattributed-speaker", "The closest articles quote nothing said by Microsoft's CEO.")
    assert refused_by(grounds("What did Microsoft's CEO say about Nokia?", speaker_match=0.5)) is None
    described = grounds("What did the software giant's boss say about the phone maker?", speaker_match=0.0)
    assert refused_by(described) is None


def test_nothing_to_quote():
    assert refused_by(grounds(sentences=0)) == ("nothing-to-quote", "")


def test_parties_apart_judges_the_articles_the_answer_cites():
    apart = grounds(hits=[hit(SALES)])
    assert refused_by(apart) == (
        "parties-apart", "The articles that best match the question never name Microsoft and Nokia together.")
    assert refused_by(grounds(hits=[hit(NOKIA), hit(SALES)], cited=(SALES,))) is not None
    assert refused_by(grounds(hits=[hit(NOKIA), hit(SALES)]).citing([NOKIA])) is None
    joined = grounds("What did Microsoft and Nokia announce?", hits=[hit(SALES)], speaker_match=1.0)
    assert refused_by(joined) is None  # "X and Y" asks about each party


def test_a_full_name_is_one_party_and_its_surname_names_it():
    jobs = Article("jobs", "Apple's chief", "Jobs told Apple staff the iPhone would ship in June.")
    question = "What did Steve Jobs tell Apple staff?"
    assert refused_by(grounds(question, hits=[hit(jobs)], speaker_match=1.0)) is None
    reason = refused_by(grounds(question, hits=[hit(SALES)], speaker_match=1.0))[1]
    assert reason == "The articles that best match the question never name Steve Jobs and Apple together."


def test_model_declined_refuses_only_when_the_model_said_so():
    assert refused_by(grounds()) is None
    declined = refused_by(dataclasses.replace(grounds(), declined=True))
    assert declined == ("model-declined", "The language model, given the closest passages, found no answer in them.")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_every_rule_passes_grounds_that_hold_an_answer(rule):
    assert rule.check(grounds(), AbstentionConfig()) is None
