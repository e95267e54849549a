"""Who said what: finding a question's speaker and the statements an article attributes to them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.text_features import content_stems
from embeddings.names import full_names, question_names

# Verbs of speech reporters use to attribute a statement ("said", "told reporters", "according to").
_SPEECH = re.compile(
    r"\b(?:said|says|say|saying|told|tells|added|adds|stated|states|explained|noted|argued|arguing|"
    r"asserted|asserting|claimed|claims|warned|warns|commented|remarked|insisted|announced|replied|"
    r"responded|wrote|writes|according to|rejects|rejected|denied|denies|admitted|acknowledged|"
    r"predicted|promised|described|called|urged|conceded|emphasised|emphasized|stressed)\b",
    re.IGNORECASE,
)
_QUOTE_MARK = re.compile(r"[\"“”]")
_PRONOUN_ONLY = re.compile(r"^\W*(?:he|she|they|it|we|i)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_QUESTION_PATTERNS = (
    re.compile(r"\bwhat (?:did|does|do|has|have|had|will|would) (?P<who>.+?) (?:say|said|tell|think|claim|argue|"
               r"announce|write|reply|respond|comment|warn|remark|predict|promise|insist|stress|admit)\b"
               r"(?:\s+(?:about|of|on|regarding|when|after|during)\s+(?P<topic>.+))?", re.IGNORECASE),
    re.compile(r"\bhow (?:did|does|do|has|have) (?P<who>.+?) (?:respond|react|reply|answer|justify|explain|defend|"
               r"describe|view)\b(?:\s+(?:to|about|on|when|after)\s+(?P<topic>.+))?", re.IGNORECASE),
    re.compile(r"\bwhat was (?P<who>.+?)['’]s? (?:response|reaction|reply|comment|view|explanation|statement)\b"
               r"(?:\s+(?:to|about|on)\s+(?P<topic>.+))?", re.IGNORECASE),
    re.compile(r"\baccording to (?P<who>[^,?]+?)(?:,|\?|$)", re.IGNORECASE),
)
# What reacts without speaking: "how did the stock market react" asks how prices moved, and
# rewarding sentences that quote someone about markets drags in commentary on other markets.
_NOT_SPEAKERS = frozenset(content_stems("stock market share price index indices economy"))  # stems: plurals match too


@dataclass(frozen=True)
class SpeakerQuery:
    """The speaker a question asks about ("AT&T's CEO") as word stems, and the topic if given."""

    who: frozenset[str]
    topic: str
    phrase: str = ""  # the speaker as the question names them ("AT&T's CEO")
    named: bool = False  # the phrase holds a proper name ("AT&T"), not only a description ("the retailer's CEO")


@dataclass(frozen=True)
class Statement:
    """A sentence that reports speech, with the words that say who spoke."""

    index: int  # sentence index in the article
    speaker_words: frozenset[str]
    quoted: bool


def speaker_query(question: str) -> SpeakerQuery | None:
    """The speaker a "what did X say" / "how did X respond" question asks about, or None."""
    for pattern in _QUESTION_PATTERNS:
        match = pattern.search(question)
        if match:
            who = frozenset(content_stems(match.group("who")))
            if who and not who <= _NOT_SPEAKERS:
                topic = (match.groupdict().get("topic") or "").strip(" ?.")
                phrase = match.group("who").strip()
                named = any(name in phrase for name in question_names(question))
                return SpeakerQuery(who, topic, phrase, named)
    return None


def statements(sentences: Sequence[str]) -> list[Statement]:
    """Sentences that report speech, each with the words naming its speaker.

    A speaker given only as a pronoun ("he said") inherits the speaker of the statement before;
    a named speaker also carries the words the article first introduced them with
    ("Tadashi Arashima, president of Toyota Motor Europe"). A name given bare right after a
    reported statement ("The chief executive of Toyota Motor Europe commented on the recall.
    '...,' said Tadashi Arashima.") is its speaker, here and wherever the name appears again.
    """
    introductions = _introductions(sentences)
    found: list[Statement] = []
    previous: frozenset[str] = frozenset()
    for index, sentence in enumerate(sentences):
        quoted = bool(_QUOTE_MARK.search(sentence))
        if not quoted and not _SPEECH.search(sentence):
            continue
        outside = outside_quotes(sentence)
        words = set(content_stems(outside))
        names = full_names(outside)
        if names and found and found[-1].index == index - 1 and not found[-1].quoted \
                and words <= set(content_stems(" ".join(names))):
            for name in names:
                introductions.setdefault(name.split()[-1], set()).update(previous)
        for word in _CAPITALISED.findall(outside):  # "Arashima added": a surname alone names him too
            words |= introductions.get(word, set())
        if _PRONOUN_ONLY.search(outside.strip()) or not words:
            words |= previous
        frozen = frozenset(words)
        found.append(Statement(index, frozen, quoted))
        previous = frozen
    return found


def outside_quotes(sentence: str) -> str:
    """The words of a sentence that are not inside quotation marks (the reporter's own words).

    A sentence may start inside a quotation opened in the sentence before ("...company,” he
    continued."): a closing mark before any opening one, or an odd number of straight quotes
    followed by a speech verb, means the text up to it is quoted.
    """
    marks = [m.group() for m in _QUOTE_MARK.finditer(sentence)]
    if not marks:
        return sentence
    inside = marks[0] == "”" or (
        marks.count('"') % 2 == 1 and marks[0] == '"' and bool(_SPEECH.search(sentence.rsplit('"', 1)[-1]))
    )
    kept = []
    for char in sentence:
        if char in "“”\"":
            inside = True if char == "“" else False if char == "”" else not inside
            kept.append(" ")
        elif not inside:
            kept.append(char)
    return "".join(kept)


def speaker_match(query: SpeakerQuery, statement: Statement) -> float:
    """Share of the question's speaker words found among the statement's speaker words.

    A word also matches a longer or shorter form of itself ("Fed" / "Federal"), which stems miss.
    """
    found = sum(1 for word in query.who if _matches(word, statement.speaker_words))
    return found / len(query.who)


def _matches(word: str, words: frozenset[str]) -> bool:
    if word in words:
        return True
    return len(word) >= 3 and any(len(w) >= 3 and (w.startswith(word) or word.startswith(w)) for w in words)


def _introductions(sentences: Sequence[str]) -> dict[str, set[str]]:
    """For each surname, the words around its first full-name mention (outside quotes)."""
    intro: dict[str, set[str]] = {}
    for sentence in sentences:
        outside = outside_quotes(sentence)
        for name in full_names(outside):
            surname = name.split()[-1]
            if surname not in intro:
                intro[surname] = set(content_stems(outside))
    return intro
