"""What a sentence claims, word by word: its numbers, dates, names and content words.

The support check's hard rules (support.py) compare these between a sentence a model wrote and the
passages it cites. Every form is normalised so that the obvious rewordings compare equal: "$2bn" and
"2 billion dollars", "15 percent" and "15%", "two" and "2", "May 2015" within "14 May 2015".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answering.text_features import stem
from embeddings.names import DEMONYMS
from embeddings.text_query import query_terms

_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9,
           "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "crore": 1e7, "lakh": 1e5}
_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_ORDINALS = {w: n for n, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())}
_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
               "hundred": 100, "dozen": 12, "a dozen": 12, "a hundred": 100, "a thousand": 1000})
_NUMBER = re.compile(
    r"(?<![\w.])(?P<value>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|crore|lakh|bn|mn|mln|tn|[kmb])\b)?"
    r"(?P<percent>\s?(?:%|percent\b|per cent\b))?", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\b(?P<word>" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")\b"
                          r"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?"
                          r"(?P<percent>\s(?:percent|per cent)\b)?", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\b"
                      r"|\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d,.$£€])(?:19|20)\d\d(?!\d|,\d|%|\.\d)")
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE)
_WEEKDAYS = {name.lower() for name in calendar.day_name}
_WEEKDAY = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)
# Capitalised words, and names with an inner capital ("eBay", "iPhone").
_CAPITALISED = re.compile(r"\b(?:[A-Z]|[a-z]{1,2}[A-Z])[\w&'’.-]*[\w&]|\b[A-Z]\b")
# Capitalised words that open sentences or clauses without naming anything.
_NOT_NAMES = frozenset("""a an the this that these those it its he she they we i you his her their our in on at of
    for to by with from as after before during since while when where who what which why how however but and or
    also meanwhile yet still there here according if although though despite because so then both each all some
    many most several other another one two three four five six seven eight nine ten first last later earlier
    mr mrs ms dr said says""".split()) | _WEEKDAYS | set(_MONTHS)


@dataclass(frozen=True)
class Quantity:
    """A number as written, and its value: "$2bn" is 2e9; "15%" is 15 with percent=True."""

    text: str
    value: float
    percent: bool
    decimals: int  # digits after the point as written (for rounding)


@lru_cache(maxsize=4096)
def quantities(text: str) -> tuple[Quantity, ...]:
    """Every number of text except years (those are dates), in order."""
    found = []
    taken: list[tuple[int, int]] = []
    for match in _NUMBER.finditer(text):
        if _YEAR.fullmatch(match.group("value")) and not match.group("scale") and not match.group("percent"):
            continue
        raw = match.group("value").replace(",", "")
        scale = _SCALES.get((match.group("scale") or "").lower(), 1.0)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        found.append(Quantity(match.group(), float(raw) * scale, bool(match.group("percent")), decimals))
        taken.append(match.span())
    for match in _NUMBER_WORD.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        word = match.group("word").lower()
        scale = _SCALES.get((match.group("scale") or "").lower(), 1.0)
        found.append(Quantity(match.group(), _WORDS[word] * scale, bool(match.group("percent")), 0))
    for match in _ORDINAL.finditer(text):  # "a third term" is no "second term"; an ordinal is rank n + 0.5
        rank = _ORDINALS[match.group(1).lower()] if match.group(1) else int(match.group(2))
        found.append(Quantity(match.group(), rank + 0.5, False, 0))
    return tuple(found)


def matches_quantity(claimed: Quantity, offered: Sequence[Quantity]) -> bool:
    """The same value (a percentage only as a percentage), or the offered one rounded as the claim is written."""
    for other in offered:
        if claimed.percent != other.percent:
            continue
        if _close(claimed.value, other.value):
            return True
        if other.decimals > claimed.decimals and _close(claimed.value, round(other.value, claimed.decimals)):
            return True
    return False


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def months(text: str) -> set[int]:
    return {_MONTHS[m.lower()] for m in _MONTH.findall(text) if m.lower() != "may" or _is_month_may(text, m)}


_MONTH_MAY = re.compile(r"\b(?:in|of|since|until|by|early|late|mid-?)\s+May\b|\bMay\s+\d|\d\s+May\b")


def _is_month_may(text: str, word: str) -> bool:
    """"May" is a month when capitalised mid-sentence or next to a day or year ("in May", "May 14")."""
    return word == "May" and bool(_MONTH_MAY.search(text))


def weekdays(text: str) -> set[str]:
    return {w.lower() for w in _WEEKDAY.findall(text)}


def names(text: str) -> list[str]:
    """Capitalised words that may name someone or something (not the words that open clauses)."""
    found = []
    for match in _CAPITALISED.finditer(text):
        word = re.sub(r"['’]s?$", "", match.group()).rstrip(".")
        if word and word.lower() not in _NOT_NAMES and not word.isdigit():
            found.append(word)
    return found


def opening_word(text: str) -> str:
    """The first word of text, as written."""
    match = re.match(r"\W*([\w'’-]+)", text)
    return match.group(1) if match else ""


# Endings that make one name of another: Canada/Canadians, Democrat/Democratic, Kurd/Kurdish, Iraq/Iraqi.
_DERIVED = re.compile(r"(?:s|es|n|ns|an|ans|ian|ians|ish|ese|i|is|ic|ics|ite|ites)?$")


def name_supported(name: str, text: str, capitalised: Collection[str]) -> bool:
    """Whether text names it: the word capitalised, a form of it ("Canadians" / "Canada", "Jeeps" /
    "Jeep"), its capitalised parts ("California-based"), its country or nationality ("French" /
    "France"), a word the text writes in lower case ("Government"), or, for an acronym, the
    initials of words in the text ("EU")."""
    if name in capitalised or re.search(rf"\b{re.escape(name.lower())}\b", text):
        return True
    parts = [p for p in re.split(r"[-–]", name) if p]
    if len(parts) > 1 and all(p in capitalised or not p[0].isupper() or p.lower() in _NOT_NAMES for p in parts):
        return True
    stem = _DERIVED.sub("", name)
    if len(stem) >= 4 and any(other.startswith(stem) and _DERIVED.fullmatch(other[len(stem):])
                              for other in capitalised):
        return True
    lowered = name.lower()
    other = DEMONYMS.get(lowered) or next((d for d, c in DEMONYMS.items() if c == lowered), None)
    if other and other.capitalize() in capitalised:
        return True
    if name.isupper() and 2 <= len(name) <= 6:  # "EU": the initials of "European Union"
        joiner = r"[\w'’]*[\s-]+(?:(?:of|and|the|for|de)\s+)?"
        if re.search(r"\b" + joiner.join(re.escape(c) for c in name) + r"\w*", text):
            return True
    return False


@lru_cache(maxsize=4096)
def capitalised_words(text: str) -> frozenset[str]:
    """Every capitalised word of text, possessives dropped, plus the parts of hyphenated ones."""
    found = set()
    for match in _CAPITALISED.finditer(text):
        word = re.sub(r"['’]s?$", "", match.group()).rstrip(".")
        found.add(word)
        found.update(p for p in re.split(r"[-–]", word) if p)
    return frozenset(found)


@lru_cache(maxsize=16384)
def content_words(text: str) -> tuple[tuple[str, str], ...]:
    """(word, stem) of each content word of text (stopwords dropped), in order, without repeats."""
    return tuple(dict.fromkeys((word, stem(word)) for word in query_terms(text, max_terms=400)))
