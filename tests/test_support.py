"""The support check: what its hard rules always drop, what the reader keeps, and its floors on the labelled sets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from benchmarks.support_check import load, measure
from bot.answering.support import Passage, SupportConfig, check, hard_rules, quoted_whole
from bot.reader import load_reader
from bot.tuning import Tuning

PASSAGES = [Passage("Northline Ferries ordered two new ships from a Polish yard for 90 million euros on 14 May 2015. "
                    "Chief executive Tom Berg said the ships would not be ready before 2017.",
                    "Ferry company orders two new ships", dt.date(2015, 5, 15))]
NAVTEQ = [Passage("Nokia paid $78 per share in cash for Navteq, the maker of digital maps.", "Nokia buys Navteq",
                  dt.date(2007, 10, 1))]


@pytest.fixture(scope="module")
def reader():
    return load_reader()


def test_a_sentence_the_passage_says_word_for_word_is_kept(reader):
    for sentence in ("Northline Ferries ordered two new ships from a Polish yard for 90 million euros on 14 May 2015.",
                     "Chief executive Tom Berg said the ships would not be ready before 2017."):
        verdict = check(sentence, PASSAGES, reader, Tuning().support)
        assert verdict.supported and not verdict.reason
        assert verdict.grounds and verdict.grounds[0] in PASSAGES[0].text


@pytest.mark.parametrize("sentence, reason", [
    ("Northline Ferries ordered three new ships from a Polish yard for 90 million euros.", "the number 'three'"),
    ("Northline Ferries ordered two new ships from a Polish yard for 90 million euros in 2016.", "the year 2016"),
    ("Northline Ferries ordered two new ships from a German yard for 90 million euros.", "the name 'German'"),
    ("Chief executive Anna Berg said the ships would not be ready before 2017.", "the name 'Anna'"),
])
def test_a_number_date_or_name_the_passages_lack_is_dropped_by_name(sentence, reason, reader):
    verdict = check(sentence, PASSAGES, reader)
    assert not verdict.supported and verdict.reason.startswith(reason) and verdict.score == 0.0


def test_a_sentence_s_first_word_is_a_name_like_any_other_unless_the_passages_use_it():
    """"Microsoft paid $78 per share" where the passage says Nokia: a capitalised first word that is also an
    ordinary word in the vocabulary is no longer let off; "Shares"/"Nokia's" forms the passage uses still are."""
    assert hard_rules("Microsoft paid $78 per share in cash for Navteq.", NAVTEQ)[0] == \
        "the name 'Microsoft' is not in the cited passages"
    assert hard_rules("Nokia paid $78 per share in cash for Navteq.", NAVTEQ)[0] == ""
    assert hard_rules("Shares of Navteq were bought for $78 each in cash.", NAVTEQ)[0] == ""
    assert hard_rules("Maps maker Navteq was bought for $78 a share.", NAVTEQ)[0] == ""
    assert hard_rules("About $78 a share was paid in cash for Navteq.", NAVTEQ)[0] == ""  # a function word


def test_what_words_alone_cannot_tell_is_the_reader_s_to_judge(reader):
    """Every word of these is the passage's; the reader keeps the reordered rewording and drops what it never says.
    (At a floor of its own: the fitted one is pinned by the floors below. An added clause, two parties' roles
    swapped, and some rewordings with a new verb ("Nokia bought …": 0.11) read wrong: known weaknesses,
    docs/reader.md.)"""
    floor = SupportConfig(support_floor=0.5)
    kept = check("Nokia paid cash for Navteq, a maker of digital maps, at $78 per share.", NAVTEQ, reader, floor)
    refused = check("Navteq refused the offer from Nokia.", NAVTEQ, reader, floor)
    negated = check("Nokia did not pay cash for Navteq.", NAVTEQ, reader, floor)
    assert kept.supported and kept.score > 0.7
    for dropped in (refused, negated):
        assert not dropped.supported and dropped.reason.startswith("the reader finds") and dropped.score < 0.4


def test_a_sentence_citing_nothing_given_is_dropped(reader):
    assert check("Northline Ferries ordered two new ships.", [], reader).reason == "cites no passage that was given"


def test_a_sentence_a_passage_holds_word_for_word_is_kept_whatever_its_punctuation():
    # Real model output (Qwen2.5-Coder 0.5B on a dev question) copied a quote with the full stop inside the
    # closing quote mark where the passage has it outside: the same sentence, and it was dropped.
    passage = [Passage('The company line is, "[w]e have consistently informed webmasters that our algorithms '
                       'disadvantage duplicate sites".', "European Commission to investigate", dt.date(2010, 2, 24))]
    copied = 'The company line is, "[w]e have consistently informed webmasters that our algorithms disadvantage ' \
             'duplicate sites."'
    assert quoted_whole(copied, passage)
    assert not quoted_whole("The company line is that webmasters were informed.", passage)
    assert not quoted_whole("algorithms disadvantage duplicate site", passage)  # words, not letters


# Floors a few sentences below the figures of `python -m benchmarks.support_check` (docs/composed-answers.md),
# for the shipped reader on this CPU and others (its int8 probabilities move by about 0.01 between CPUs).
# Measured 2026-12-07 at the fitted floor 0.97, reader 2026-12-07-4128a7fc: tuning 1.000 / 0.373, sealed 1.000 / 0.415
# (precision / recall; the reader before, f667c144 at its floor 0.99: 1.000 / 0.296 and 1.000 / 0.298).
FLOORS = {"tuning": (0.97, 0.33), "sealed": (0.97, 0.37)}


@pytest.mark.parametrize("part", FLOORS)
def test_precision_and_recall_hold_on_the_labelled_sentences(part, reader):
    figures = measure(load(part), Tuning().support, reader)
    precision, recall = FLOORS[part]
    assert figures["precision"] >= precision and figures["recall"] >= recall, \
        {k: figures[k] for k in ("precision", "recall", "kept_by_kind")}


def test_the_floor_is_fitted_on_the_rule_the_check_applies():
    # A sentence a passage holds word for word is kept whatever the reader reads (check() above), so the fit
    # must count it kept at every floor, or it picks a floor for a different check than the one that runs.
    from benchmarks.fit_support import curve

    probabilities = np.array([0.1, 0.99, 0.6])
    truth = np.array([True, True, False])
    passed = np.array([True, True, True])
    quoted = np.array([True, False, False])
    assert curve(probabilities, truth, passed, 0.95, quoted) == (1.0, 1.0)
    assert curve(probabilities, truth, passed, 0.95) == (1.0, 0.5)
    assert curve(probabilities, truth, ~passed, 0.05, quoted) == (1.0, 0.0)
