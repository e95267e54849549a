"""Word-level features of questions and sentences: stems, overlap, and the answer type a question wants."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from embeddings.names import DEMONYMS
from embeddings.text_query import query_terms

_STEMMER = snowballstemmer.stemmer("english")
_NUMBER = re.compile(r"\d|[$€£¥]|\b(?:million|billion|trillion|percent|per cent|dozen|hundred|thousand)\b|%", re.I)
_DATE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|today|yesterday|tomorrow|(?:19|20)\d\d)\b", re.I)
_CAUSE = re.compile(r"\b(?:because|due to|after|in response|as a result|since|following|reason|so that|"
                    r"in order to|amid|caused|blamed|led to)\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-z]+)+\b")
_ASKS = {
    "number": re.compile(r"\bhow (?:much|many|long|far|big|large|fast)\b|\b(?:price|cost|worth|pay|paid|rate|"
                         r"percentage|amount|total|number)\b", re.I),
    "date": re.compile(r"\bwhen\b|\bwhat (?:date|year|day|month|time)\b|\bhow long\b", re.I),
    "cause": re.compile(r"\bwhy\b|\bwhat (?:caused|led to|prompted)\b|\bhow come\b", re.I),
    "person": re.compile(r"\bwho(?:m|se)?\b", re.I),
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(DEMONYMS.get(word, word))


def content_stems(text: str) -> list[str]:
    """Stems of the content words of text (stopwords dropped), in order, without repeats."""
    return list(dict.fromkeys(stem(t) for t in query_terms(text, max_terms=400)))


def answer_types(question: str) -> frozenset[str]:
    """What kind of answer a question wants: number, date, cause, person (possibly several)."""
    return frozenset(kind for kind, pattern in _ASKS.items() if pattern.search(question))


def type_match(types: frozenset[str], sentence: str, question: str) -> float:
    """Share of the wanted answer types a sentence offers (a number, a date, a cause, a new name)."""
    if not types:
        return 0.0
    offered = 0
    if "number" in types and _NUMBER.search(sentence):
        offered += 1
    if "date" in types and _DATE.search(sentence):
        offered += 1
    if "cause" in types and _CAUSE.search(sentence):
        offered += 1
    if "person" in types and set(_NAME.findall(sentence)) - set(_NAME.findall(question)):
        offered += 1
    return offered / len(types)
