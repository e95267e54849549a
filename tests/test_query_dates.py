"""Dates in questions become date ranges (pinned on hand-made cases)."""

from __future__ import annotations

import datetime as dt

import pytest

from embeddings.query_dates import DateScope, date_scope

D = dt.date


@pytest.mark.parametrize(("question", "start", "end"), [
    ("What did the Fed do in March 2005?", D(2005, 3, 1), D(2005, 3, 31)),
    ("Where was the gold price in January 2006?", D(2006, 1, 1), D(2006, 1, 31)),
    ("Why did orders fail in mid-June 2010?", D(2010, 6, 10), D(2010, 6, 20)),
    ("What happened in late May 2008?", D(2008, 5, 20), D(2008, 5, 31)),
    ("What happened on May 14, 2015?", D(2015, 5, 11), D(2015, 5, 17)),
    ("What happened on 14 May 2015?", D(2015, 5, 11), D(2015, 5, 17)),
    ("How did the fight escalate in early 2007?", D(2007, 1, 1), D(2007, 4, 30)),
    ("How many used Skype at the end of 2010?", D(2010, 9, 1), D(2010, 12, 31)),
    ("Who bought the startup in 2018?", D(2018, 1, 1), D(2018, 12, 31)),
    ("What changed between 2005 and 2007?", D(2005, 1, 1), D(2007, 12, 31)),
    # An end named by an event leaves the range open on that side, not the other end's year alone.
    ("How did the problems develop between its launch year and 2007?", None, D(2007, 12, 31)),
    ("What happened to Nokia's phones from 2009 until their sale?", D(2009, 1, 1), None),
    ("Who did Nike bring in from outside to run it in 2004?", D(2004, 1, 1), D(2004, 12, 31)),
    ("What happened after 2015?", D(2015, 1, 1), None),
    ("What was announced before 2010?", None, D(2009, 12, 31)),
])
def test_explicit_dates(question, start, end):
    scope = date_scope(question)
    assert scope == DateScope(start, end)


def test_no_date_and_numbers_that_are_not_years():
    assert date_scope("What did Alibaba's CEO say about hiring?") is None
    assert date_scope("When did the Dow first close above 14,000?") is None
    assert date_scope("How many of the 10,000 job cuts were real?") is None


def test_recency_words_ask_for_the_newest():
    assert date_scope("What is the latest on the Boeing strike?") == DateScope(recent=True)
    assert date_scope("What did Apple announce recently?").recent


def test_contains_allows_a_few_weeks_of_slack():
    scope = date_scope("in March 2005")
    assert scope.contains(D(2005, 3, 22)) and scope.contains(D(2005, 4, 10))
    assert not scope.contains(D(2005, 5, 1)) and not scope.contains(None)
