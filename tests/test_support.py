"""The support check: what it always drops, what it keeps, and its floors on the labelled sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.support_check import load, measure
from bot.answering.support import FEATURES, Passage, SupportConfig, SupportModel, check, default_words

PASSAGES = [Passage("Northline Ferries ordered two new ships from a Polish yard for 90 million euros on 14 May 2015. "
                    "Chief executive Tom Berg said the ships would not be ready before 2017.",
                    "Ferry company orders two new ships", dt.date(2015, 5, 15))]


def test_a_sentence_the_passage_says_word_for_word_is_kept():
    for sentence in ("Northline Ferries ordered two new ships from a Polish yard for 90 million euros on 14 May 2015.",
                     "Chief executive Tom Berg said the ships would not be ready before 2017."):
        verdict = check(sentence, PASSAGES)
        assert verdict.supported and not verdict.reason
        assert verdict.grounds and verdict.grounds[0] in PASSAGES[0].text


@pytest.mark.parametrize("sentence, reason", [
    ("Northline Ferries ordered three new ships from a Polish yard for 90 million euros.", "the number 'three'"),
    ("Northline Ferries ordered two new ships from a Polish yard for 90 million euros in 2016.", "the year 2016"),
    ("Northline Ferries ordered two new ships from a German yard for 90 million euros.", "the name 'German'"),
    ("Chief executive Anna Berg said the ships would not be ready before 2017.", "the name 'Anna'"),
])
def test_a_number_date_or_name_the_passages_lack_is_dropped_by_name(sentence, reason):
    verdict = check(sentence, PASSAGES)
    assert not verdict.supported and verdict.reason.startswith(reason) and verdict.score == 0.0


def test_a_dropped_negation_is_dropped():
    verdict = check("Berg said the ships would be ready before 2017.", PASSAGES)
    assert not verdict.supported and "negation" in verdict.reason


def test_a_sentence_citing_nothing_given_is_dropped():
    assert check("Northline Ferries ordered two new ships.", []).reason == "cites no passage that was given"


def test_the_fitted_model_weighs_every_feature_the_check_computes():
    model = SupportModel.load()
    assert set(model.weights) == set(FEATURES) and 0.5 < model.threshold < 1
    # Meaning kept word for word is evidence of support, however the fit came out.
    assert model.weights["word_similarity"] > 0 and model.weights["coverage"] > 0


def test_the_check_uses_the_word_vectors_it_was_fitted_with():
    """Whatever encoder retrieval uses: the support model's weights are on all-MiniLM-L6-v2's scale."""
    words = default_words()
    assert words is not None and words.similarity("buy", "purchase") > 0.55


# Reached on 2026-12-02 (python -m benchmarks.support_check): tuning 0.952 / 0.697, sealed 0.930 /
# 0.564. Floors one sentence below (word vectors are a table lookup: no CPU-dependent model run).
FLOORS = {"tuning": (0.94, 0.69), "sealed": (0.91, 0.55)}


@pytest.mark.parametrize("part", FLOORS)
def test_precision_and_recall_hold_on_the_labelled_sentences(part):
    figures = measure(load(part), SupportConfig(), default_words())
    precision, recall = FLOORS[part]
    assert figures["precision"] >= precision and figures["recall"] >= recall, \
        {k: figures[k] for k in ("precision", "recall", "kept_by_kind")}
