"""The knobs: overrides as `archivist eval --set` applies them, and one home for every fitted value."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.learned import load_learned
from bot.tuning import Tuning


def test_an_override_lands_in_the_config_that_owns_the_knob():
    tuned = Tuning().with_overrides(["w_overlap=0.15", "abstain_below=0.4", "candidates=80"])
    assert tuned.extractive.w_overlap == 0.15 and tuned.policy.abstain_below == 0.4
    assert tuned.retrieval.candidates == 80 and isinstance(tuned.retrieval.candidates, int)
    assert Tuning().extractive.w_overlap == 0.1  # the defaults are untouched
    assert {"w_overlap", "abstain_below", "candidates", "closest_articles"} <= set(Tuning().knobs())
    assert Tuning().with_overrides(["whole_articles=0"]).extractive.whole_articles is False


@pytest.mark.parametrize("pair, message", [
    ("nonsense=1", "unknown setting 'nonsense=1'"),
    ("w_overlap", "unknown setting 'w_overlap'"),
    ("candidates=lots", "candidates takes a whole number, not 'lots'"),
    ("w_overlap=high", "w_overlap takes a number, not 'high'"),
    ("whole_articles=maybe", "whole_articles takes 1 or 0, not 'maybe'"),
])
def test_bad_overrides_are_refused_clearly(pair, message):
    with pytest.raises(ConfigError, match=message):
        Tuning().with_overrides([pair])


REPO = Path(__file__).resolve().parents[1]


def fitted_calls() -> dict[tuple[str, str], str]:
    """Every `fitted("section", "name")` in the packages, with the config field it is the default of."""
    found = {}
    for path in [*(REPO / "bot").rglob("*.py"), *(REPO / "embeddings").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "fitted" and len(node.args) == 2:
                section, name = (a.value for a in node.args if isinstance(a, ast.Constant))
                found[(section, name)] = str(path.relative_to(REPO))
    return found


def literal_defaults() -> dict[str, list[tuple[str, object]]]:
    """Config fields across the packages whose default is a literal number: name -> [(file, value)]."""
    found: dict[str, list[tuple[str, object]]] = {}
    for path in [*(REPO / "bot").rglob("*.py"), *(REPO / "embeddings").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, (int, float)):
                found.setdefault(node.target.id, []).append((str(path.relative_to(REPO)), node.value.value))
    return found


def test_every_fitted_value_has_one_home():
    """The learned file is the only place a fitted value is set: every value in it is read through
    `fitted()` as a config default, every `fitted()` has its value there, and no config field of the same
    name carries the same number as a literal (which would silently disagree after a refit)."""
    stored = {(section, name): value for section, body in load_learned().items()
              for name, value in body.get("settings", {}).items()}
    used = fitted_calls()
    assert set(stored) == set(used), {"in the file, never read": set(stored) - set(used),
                                      "read, not in the file": set(used) - set(stored)}
    literals = literal_defaults()
    twice = [(section, name, where) for (section, name), value in stored.items()
             for where, literal in literals.get(name, []) if literal == value]
    assert not twice, f"fitted values also written in the code: {twice}"
    assert Tuning().policy.answer_floor == stored[("abstention", "answer_floor")]
    assert Tuning().retrieval.unseen_name_chars == stored[("retrieval", "unseen_name_chars")]
