"""What an answer says about its own limits: cited articles from outside the time the question names."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from bot.answering.types import Citation
from embeddings.dates import human_date
from embeddings.query_dates import DateScope


def period_caveat(scope: DateScope | None, citations: Sequence[Citation]) -> str:
    """A note when the question names a period and no cited article is dated in it, else "".

    The answer still stands: news is often published after the period it reports ("growth in the
    last quarter of 2012" comes out in 2013) or announces what is to come ("models from 2019 on"),
    and an archive may hold only a neighbouring year's story. The reader is told the dates differ
    and judges; retrieval already prefers articles inside the period when there are any.
    """
    if scope is None or scope.recent or not citations:
        return ""
    dates = [c.article.date for c in citations if c.article.date is not None]
    if not dates or any(scope.contains(date) for date in dates):
        return ""
    nearest = min(dates, key=lambda date: _distance(scope, date))
    return (f"The question names {describe_period(scope)}; no cited article is from then "
            f"(the nearest is dated {human_date(nearest)}).")


def describe_period(scope: DateScope) -> str:
    """"2009", "May 2010", "2005 to 2007", "before 2010", "2015 or later", "3 to 9 May 2015"."""
    start, end = scope.start, scope.end
    if start and end:
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return str(start.year) if start.year == end.year else f"{start.year} to {end.year}"
        if start.day == 1 and (start.year, start.month) == (end.year, end.month) \
                and end.day == calendar.monthrange(end.year, end.month)[1]:
            return f"{start:%B %Y}"
        return f"{human_date(start)} to {human_date(end)}"
    if end:
        after = end + dt.timedelta(days=1)
        return f"before {after.year}" if (after.month, after.day) == (1, 1) else f"before {human_date(after)}"
    if start:
        return f"{start.year} or later" if (start.month, start.day) == (1, 1) else f"{human_date(start)} or later"
    return "a period"


def _distance(scope: DateScope, date: dt.date) -> int:
    """Days from date to the nearest end of the period."""
    if scope.start and date < scope.start:
        return (scope.start - date).days
    if scope.end and date > scope.end:
        return (date - scope.end).days
    return 0
