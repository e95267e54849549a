"""Overrides of the retrieval and answering knobs, as `archivist eval --set` applies them."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.tuning import Tuning


def test_an_override_lands_in_the_config_that_owns_the_knob():
    tuned = Tuning().with_overrides(["w_overlap=0.15", "abstain_below=0.4", "candidates=80"])
    assert tuned.extractive.w_overlap == 0.15 and tuned.policy.abstain_below == 0.4
    assert tuned.retrieval.candidates == 80 and isinstance(tuned.retrieval.candidates, int)
    assert Tuning().extractive.w_overlap == 0.1  # the defaults are untouched
    assert {"w_overlap", "abstain_below", "candidates", "closest_articles"} <= set(Tuning().knobs())


@pytest.mark.parametrize("pair, message", [
    ("nonsense=1", "unknown setting 'nonsense=1'"),
    ("w_overlap", "unknown setting 'w_overlap'"),
    ("candidates=lots", "candidates takes a whole number, not 'lots'"),
    ("w_overlap=high", "w_overlap takes a number, not 'high'"),
])
def test_bad_overrides_are_refused_clearly(pair, message):
    with pytest.raises(ConfigError, match=message):
        Tuning().with_overrides([pair])
