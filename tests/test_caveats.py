"""An answer whose sources fall outside the period a question names says so (pinned on hand-made cases)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answering import Citation
from bot.answering.caveats import describe_period, period_caveat
from embeddings.models import Article, Chunk, Hit
from embeddings.query_dates import DateScope, date_scope

D = dt.date


def cited(*dates: dt.date | None) -> list[Citation]:
    citations = []
    for n, date in enumerate(dates, start=1):
        article = Article(id=f"a{n}", title=f"Headline {n}", body="Oracle bought a company.", date=date)
        hit = Hit(Chunk(f"a{n}#0", article.id, 0, article.body, 0, len(article.body)), article, 1.0, 0.8)
        citations.append(Citation(n, hit, 0, len(article.body)))
    return citations


@pytest.mark.parametrize(("question", "said"), [
    ("Which company did Oracle buy in 2009?", "2009"),
    ("What happened in May 2010?", "May 2010"),
    ("What changed between 2005 and 2007?", "2005 to 2007"),
    ("What was announced before 2010?", "before 2010"),
    ("What happened after 2015?", "2015 or later"),
    ("What happened on 14 May 2015?", "11 May 2015 to 17 May 2015"),
    ("What happened in early 2007?", "1 January 2007 to 30 April 2007"),
])
def test_periods_read_as_the_question_put_them(question, said):
    assert describe_period(date_scope(question)) == said


def test_sources_outside_the_period_are_named_with_the_nearest_date():
    caveat = period_caveat(date_scope("Which company did Oracle buy in 2009?"), cited(D(2005, 10, 9), D(2006, 9, 26)))
    assert caveat == "The question names 2009; no cited article is from then (the nearest is dated 26 September 2006)."


def test_no_caveat_when_a_source_is_in_the_period_or_nothing_can_be_said():
    in_2009 = date_scope("Which company did Oracle buy in 2009?")
    assert period_caveat(in_2009, cited(D(2005, 10, 9), D(2009, 4, 20))) == ""
    assert period_caveat(in_2009, cited(D(2010, 1, 15))) == ""  # within the scope's few weeks of slack
    assert period_caveat(in_2009, cited(None)) == ""  # undated articles cannot be judged
    assert period_caveat(None, cited(D(2005, 10, 9))) == ""  # the question names no time
    assert period_caveat(DateScope(recent=True), cited(D(2005, 10, 9))) == ""  # "latest" is a ranking, not a period
    assert period_caveat(in_2009, []) == ""
