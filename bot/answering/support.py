"""Whether the passages a sentence cites support it: the check every composed sentence must pass.

Exact matters are hard rules: every number, date and name in the sentence must appear in the
passage sentences it stands on (or their headlines and dates), in any of their usual forms. What
words alone cannot tell — a clause the passage never states, two parties' roles swapped, a number in
the wrong slot, a dropped qualifier, narration put in a speaker's mouth — is the reader's to judge
(bot.reader): the probability that the passages support all of the sentence, kept at or above the
floor. Measured on labelled sets (`python -m benchmarks.support_check`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answering import claims
from bot.answering.text_features import content_stems
from bot.learned import fitted
from bot.reader import Reader
from bot.reader.inputs import ClaimInput, claim_input
from embeddings.dates import human_date
from embeddings.sentences import sentence_spans

_MARKS = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class Passage:
    """A cited passage as the model saw it: its text, and its article's headline and date."""

    text: str
    title: str = ""
    date: dt.date | None = None

    @property
    def header(self) -> str:
        return f"{self.title} ({human_date(self.date)})" if self.date else self.title


@dataclass(frozen=True)
class SupportConfig:
    """How a sentence is aligned with its passages, and how likely the reader must find it supported."""

    grounds: int = 3            # passage sentences the hard rules read a claim against
    # The reader's probability at or above which a sentence is kept (python -m benchmarks.fit_support).
    support_floor: float = fitted("support", "support_floor")


@dataclass(frozen=True)
class Verdict:
    """The check's decision on one sentence: kept, or dropped with the reason."""

    supported: bool
    reason: str = ""
    score: float = 0.0  # the reader's probability (0 when a hard rule decided)
    grounds: tuple[str, ...] = ()  # the passage sentences it stands on


def check(sentence: str, passages: Sequence[Passage], reader: Reader, config: SupportConfig = SupportConfig()
          ) -> Verdict:
    """Do these passages (with their headlines and dates) support every claim of sentence?"""
    hard, grounds = hard_rules(sentence, passages, config)
    if hard:
        return Verdict(False, hard, 0.0, grounds)
    if quoted_whole(sentence, passages):
        # A sentence the passages hold word for word needs no judging (the reader, trained mostly on
        # rewordings, scores some exact copies low).
        return Verdict(True, "", 1.0, grounds)
    probability = float(reader.supports([reading_of(sentence, passages)])[0])
    if probability >= config.support_floor:
        return Verdict(True, "", probability, grounds)
    return Verdict(False, f"the reader finds the cited passages do not bear it out (p={probability:.2f})",
                   probability, grounds)


def quoted_whole(sentence: str, passages: Sequence[Passage]) -> bool:
    """Whether one passage holds the sentence word for word (case, punctuation and spacing aside: a
    full stop inside or outside the closing quote mark is the same sentence)."""
    wanted = _words(sentence)
    return len(wanted) > 0 and any(f" {wanted} " in f" {_words(p.text)} " for p in passages)


@lru_cache(maxsize=1024)
def _words(text: str) -> str:
    """The text's words in order, lower-cased, every mark between them a single space (cached like `_units`:
    every sentence of a composed answer is held against the same few passages)."""
    return " ".join(_MARKS.sub(" ", text.lower()).split())


def reading_of(sentence: str, passages: Sequence[Passage]) -> ClaimInput:
    """The sentence and its passages as the reader reads them (bot.reader.inputs.claim_input)."""
    return claim_input(sentence, [(p.title, p.date, p.text) for p in passages], _stems)


def _stems(text: str) -> set[str]:
    return set(content_stems(text))


def hard_rules(sentence: str, passages: Sequence[Passage], config: SupportConfig = SupportConfig()
               ) -> tuple[str, tuple[str, ...]]:
    """(why the sentence cannot be supported, or "", the passage sentences it stands on)."""
    if not passages:
        return "cites no passage that was given", ()
    if not claims.content_words(sentence):
        return "says nothing the passages could support", ()
    grounds = align(sentence, passages, config.grounds)
    basis = "\n".join([*grounds, *(p.header for p in passages)])
    hard = _numbers(sentence, basis) or _dates(sentence, passages, basis) or _names(sentence, basis)
    return hard, tuple(grounds)


def prepare(passages: Sequence[Passage]) -> None:
    """Analyse passages ahead of their sentences (sentences, words, numbers): a composed answer does
    this while the model thinks, so each sentence's hard rules cost about a millisecond."""
    for passage in passages:
        for text, _ in _units(passage.text):
            claims.quantities(text)
        claims.content_words(passage.header)


def align(sentence: str, passages: Sequence[Passage], limit: int) -> list[str]:
    """The passage sentences that together hold most of the sentence's content words (best first)."""
    wanted = {s for _, s in claims.content_words(sentence)}
    units = [unit for p in passages for unit in _units(p.text)]
    chosen: list[str] = []
    left = set(wanted)
    while left and len(chosen) < limit:
        text, held = max(units, key=lambda unit: len(unit[1] & left), default=("", frozenset()))
        if not held & left:
            break
        chosen.append(text)
        left -= held
    return chosen


@lru_cache(maxsize=1024)
def _units(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A passage's sentences with their content stems."""
    return tuple((text[a:b], frozenset(s for _, s in claims.content_words(text[a:b]))) for a, b in sentence_spans(text))


def _numbers(sentence: str, basis: str) -> str:
    offered = claims.quantities(basis)
    for claimed in claims.quantities(sentence):
        if not claims.matches_quantity(claimed, offered):
            return f"the number {claimed.text!r} is not in the cited passages"
    return ""


def _dates(sentence: str, passages: Sequence[Passage], basis: str) -> str:
    dated = [p.date for p in passages if p.date]
    years = claims.years(basis) | {str(d.year) for d in dated}
    months = claims.months(basis) | {d.month for d in dated}
    weekdays = claims.weekdays(basis) | {d.strftime("%A").lower() for d in dated}
    for year in claims.years(sentence) - years:
        return f"the year {year} is not in the cited passages"
    for month in claims.months(sentence) - months:
        return f"the month {month} is not in the cited passages"
    for day in claims.weekdays(sentence) - weekdays:
        return f"{day.capitalize()} is not in the cited passages"
    return ""


def _names(sentence: str, basis: str) -> str:
    """Every capitalised word must be the passages' (in one of its forms). A sentence's first word is
    capitalised anyway, so it is let off when it is a function word ("About 800 travellers") or the
    passages use its stem ("Shares fell" where they say "shares dropped"): "Microsoft paid $78 a share"
    is checked like any name where they say Nokia."""
    capitalised = claims.capitalised_words(basis)
    opening = claims.opening_word(sentence)
    offered = {s for _, s in claims.content_words(basis)}
    for name in claims.names(sentence):
        if claims.name_supported(name, basis, capitalised):
            continue
        opening_words = claims.content_words(name) if name == opening else ()
        if name == opening and (not opening_words or any(s in offered for _, s in opening_words)):
            continue
        return f"the name {name!r} is not in the cited passages"
    return ""
