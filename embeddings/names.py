"""Proper names in a question ("Xiaomi", "Motorola Mobility"): what an archive must mention to answer it."""

from __future__ import annotations

import calendar
import re

_TOKEN = re.compile(r"[A-Za-z0-9][\w&'’.-]*")
# Capitalised words that name a time or a nationality, not a thing an article must mention.
_NOT_NAMES = frozenset(
    [m.lower() for m in calendar.month_name if m] + [d.lower() for d in calendar.day_name]
    + """i a the an in on at of for to and or but if what who whom whose which when where why how did does do
    is was were are will would could should has have had can may might ceo cfo chief president""".split()
)


def question_names(question: str) -> list[str]:
    """Capitalised words of a question that are not its first word, a month, a weekday or a title.

    Hyphenated compounds count by their parts ("Facebook-funded" names Facebook) and a possessive
    's is dropped; the result keeps the question's order, without repeats.
    """
    names: dict[str, None] = {}
    for index, match in enumerate(_TOKEN.finditer(question)):
        for part in re.split(r"[-–]", match.group()):
            word = re.sub(r"['’]s?$", "", part).rstrip(".")
            if index == 0 or len(word) < 2 or not word[0].isupper() or word.lower() in _NOT_NAMES:
                continue
            names.setdefault(word, None)
    return list(names)
