"""Whether the passages a sentence cites support it: the check every composed sentence must pass.

The sentence is first aligned with the few passage sentences that hold most of its content words
(its grounds: a reworded sentence often condenses two, a combined one draws on two passages).
It is kept only when every number, date and name in it appears in those grounds (or their
article's headline and date), it negates what they negate and nothing else, it says no opposite
of their words ("fall" for "increase"), the parties it names stand in their order unless the
voice changed, and most of its content words are theirs or close rewordings of them, alike in
meaning as a whole. A logistic model (SupportModel) weighs all but the hard rules. Measured on a
labelled set (`python -m benchmarks.support_check`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answering import claims
from bot.answering.word_vectors import WordVectors, word_vectors_for
from bot.learned import load_learned
from embeddings.dates import human_date
from embeddings.encoders import DEFAULT_MODEL
from embeddings.sentences import sentence_spans


@dataclass(frozen=True)
class Passage:
    """A cited passage as the model saw it: its text, and its article's headline and date."""

    text: str
    title: str = ""
    date: object = None  # datetime.date or None

    @property
    def header(self) -> str:
        return f"{self.title} ({human_date(self.date)})" if self.date else self.title


@dataclass(frozen=True)
class SupportConfig:
    """How a sentence is aligned with its passages, and when a reworded word counts as theirs."""

    grounds: int = 3                 # passage sentences a claim may stand on
    reword_similarity: float = 0.55  # a word this close (input word vectors) to a grounds word rewords it


@dataclass(frozen=True)
class Verdict:
    """The check's decision on one sentence: kept, or dropped with the reason."""

    supported: bool
    reason: str = ""
    score: float = 0.0  # the support model's probability (0 when a hard rule decided)
    grounds: tuple[str, ...] = ()  # the passage sentences it stands on


@dataclass(frozen=True)
class Evidence:
    """What the check found about a sentence: a hard reason to drop it, or the features the support
    model weighs (SupportModel), each with the finding that explains it."""

    hard_reason: str
    features: dict[str, float]
    findings: dict[str, str]
    grounds: tuple[str, ...]


FEATURES = ("coverage", "exact_coverage", "missing", "primary_share", "order_kept", "grounds_used",
            "negation", "opposite", "bound_role", "bound_adjacent", "bound_near", "order_flip", "out_of_context",
            "word_similarity")


class SupportModel:
    """A logistic model over Evidence.features, fitted on the labelled sentences (the "support" section
    of bot/learned_weights.json, written by `python -m benchmarks.fit_support`): a sentence is kept
    when its probability of being supported reaches the threshold chosen for precision."""

    def __init__(self, weights: dict[str, float], intercept: float, threshold: float) -> None:
        self.weights, self.intercept, self.threshold = weights, intercept, threshold

    @classmethod
    def load(cls) -> "SupportModel":
        data = load_learned()["support"]
        return cls(data["weights"], data["intercept"], data["threshold"])

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(w * features[name] for name, w in self.weights.items())
        return 1 / (1 + math.exp(-z))


def check(sentence: str, passages: Sequence[Passage], config: SupportConfig = SupportConfig(),
          words: WordVectors | None = None, model: SupportModel | None = None) -> Verdict:
    """Do these passages (with their headlines and dates) support every claim of sentence?"""
    evidence = examine(sentence, passages, config, words)
    if evidence.hard_reason:
        return Verdict(False, evidence.hard_reason, 0.0, evidence.grounds)
    model = model or default_model()
    probability = model.probability(evidence.features)
    if probability >= model.threshold:
        return Verdict(True, "", probability, evidence.grounds)
    return Verdict(False, _explain(model, evidence), probability, evidence.grounds)


# What each feature's shortfall means to a reader (findings say it in their own words).
_SHORTFALLS = {
    "order_kept": "it puts the passage's words in another order, as a swap of who did what would",
    "primary_share": "no one sentence of the cited passages says most of it",
    "exact_coverage": "too few of its words are the passages' own",
}


def _explain(model: SupportModel, evidence: Evidence) -> str:
    """The reason for a drop: the feature that pulled the probability down the most from its best value."""
    def shortfall(name: str) -> float:
        weight, value = model.weights[name], evidence.features[name]
        best = 1.0 if weight > 0 and name not in ("missing", "grounds_used") else 0.0
        return weight * (best - value) if name not in ("missing", "grounds_used") else 0.0
    worst = max(model.weights, key=shortfall)
    return evidence.findings.get(worst) or _SHORTFALLS.get(worst) or evidence.findings.get("coverage") \
        or "the cited passages do not say this closely enough"


@lru_cache(maxsize=1)
def default_model() -> SupportModel:
    return SupportModel.load()


def default_words() -> WordVectors | None:
    """The word vectors the support model was fitted with: all-MiniLM-L6-v2's, which always installs,
    whatever encoder retrieval uses (another model's input embeddings put every similarity, and so
    every fitted weight, on another scale)."""
    return word_vectors_for(DEFAULT_MODEL)


def examine(sentence: str, passages: Sequence[Passage], config: SupportConfig = SupportConfig(),
            words: WordVectors | None = None) -> Evidence:
    """The hard checks (numbers, dates, names) and the features of everything else."""
    words = words if words is not None else default_words()
    if not passages:
        return Evidence("cites no passage that was given", {}, {}, ())
    claimed = claims.content_words(sentence)
    if not claimed:
        return Evidence("says nothing the passages could support", {}, {}, ())
    grounds = align(sentence, passages, config.grounds)
    basis = "\n".join([*grounds, *(p.header for p in passages)])
    common = words.is_common_word if words is not None else None
    hard = _numbers(sentence, basis) or _dates(sentence, passages, basis) or _names(sentence, basis, words)
    if hard:
        return Evidence(hard, {}, {}, tuple(grounds))
    primary = grounds[0] if grounds else ""
    offered = claims.content_words(basis)
    offered_stems = {s for _, s in offered}
    exact_missing = [w for w, s in claimed if s not in offered_stems]
    missing = [w for w in exact_missing if not _reworded(w, offered, words, config)]
    said = [s for _, s in claimed]
    primary_stems = [s for _, s in claims.content_words(primary)]
    findings = {
        "negation": _negation(sentence, primary),
        "opposite": _opposites(sentence, primary, common),
        "bound_role": _bindings(sentence, grounds, common, "role"),
        "bound_adjacent": _bindings(sentence, grounds, common, "adjacent"),
        "bound_near": _bindings(sentence, grounds, common, "near"),
        "order_flip": _order(sentence, primary),
        "out_of_context": _out_of_context(sentence, grounds, common),
        "coverage": f"only {1 - len(missing) / len(claimed):.0%} of its words are the passages' "
                    f"(not: {', '.join(missing[:5])})" if missing else "",
    }
    features = {
        "coverage": 1 - len(missing) / len(claimed),
        "exact_coverage": 1 - len(exact_missing) / len(claimed),
        "missing": float(len(missing)),
        "primary_share": len(set(said) & set(primary_stems)) / len(set(said)),
        "order_kept": _kept_in_order(said, primary_stems),
        "grounds_used": float(len(grounds)),
        **{name: float(bool(findings[name])) for name in
           ("negation", "opposite", "bound_role", "bound_adjacent", "bound_near", "order_flip", "out_of_context")},
        # A rewording keeps the meaning of the words it replaces; an added claim or another
        # article's claim brings words of other meanings, even where single words pass as rewordings.
        "word_similarity": words.text_similarity([w for w, _ in claimed],
                                                 [w for w, _ in claims.content_words("\n".join(grounds))])
                           if words else 0.0,
    }
    return Evidence("", features, {k: v for k, v in findings.items() if v}, tuple(grounds))


def _kept_in_order(said: Sequence[str], primary: Sequence[str]) -> float:
    """The share of the sentence's content words that the primary grounds hold in the same order
    (a longest common subsequence): a sentence that swaps its parties keeps less of it."""
    if not said or not primary:
        return 0.0
    previous = [0] * (len(primary) + 1)
    for word in said:
        current = [0]
        for j, other in enumerate(primary, start=1):
            current.append(previous[j - 1] + 1 if word == other else max(previous[j], current[-1]))
        previous = current
    return previous[-1] / len(said)


def prepare(passages: Sequence[Passage], words: WordVectors | None = None) -> None:
    """Analyse passages ahead of their sentences (sentences, words, names, numbers): the check then
    costs about a millisecond a sentence. A composed answer does this while the model thinks."""
    common = words.is_common_word if words is not None else None
    for passage in passages:
        for text, _ in _units(passage.text):
            _view(text, common)
            claims.quantities(text)
        claims.content_words(passage.header)


def align(sentence: str, passages: Sequence[Passage], limit: int) -> list[str]:
    """The passage sentences that together hold most of the sentence's content words (best first)."""
    wanted = {s for _, s in claims.content_words(sentence)}
    units = [unit for p in passages for unit in _units(p.text)]
    chosen: list[str] = []
    left = set(wanted)
    while left and len(chosen) < limit:
        text, held = max(units, key=lambda unit: len(unit[1] & left), default=("", set()))
        if not held & left:
            break
        chosen.append(text)
        left -= held
    return chosen


@lru_cache(maxsize=1024)
def _units(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A passage's sentences with their content stems."""
    return tuple((text[a:b], frozenset(s for _, s in claims.content_words(text[a:b]))) for a, b in sentence_spans(text))


def _reworded(word: str, offered: Sequence[tuple[str, str]], words: WordVectors | None,
              config: SupportConfig) -> bool:
    if words is None or word.isdigit():
        return False
    return words.closest(word, tuple(other for other, _ in offered)) >= config.reword_similarity


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


def _names(sentence: str, basis: str, words: WordVectors | None) -> str:
    capitalised = claims.capitalised_words(basis)
    opening = claims.opening_word(sentence)
    for name in claims.names(sentence):
        if claims.name_supported(name, basis, capitalised):
            continue
        # A sentence's first word is capitalised anyway: a common word there names nobody.
        if name == opening and words is not None and words.is_common_word(name):
            continue
        return f"the name {name!r} is not in the cited passages"
    return ""


@lru_cache(maxsize=4096)
def _view(text: str, is_common=None) -> "_View":
    """The text's _View, made once: an answer's passages are read for every sentence it checks."""
    return _View(text, is_common)


class _View:
    """A text as the position checks read it: its words, each word's content stem, each word's anchor."""

    def __init__(self, text: str, is_common) -> None:
        self.text = text
        self.words = claims.tokens(text)
        self.anchors = claims.anchors_by_position(self.words, is_common)
        self.stems = [None if a else next((s for _, s in claims.content_words(w)), None)
                      for w, a in zip(self.words, self.anchors)]

    def positions(self, stem: str) -> list[int]:
        return [i for i, s in enumerate(self.stems) if s == stem]

    def context(self, index: int, reach: int = 3) -> set:
        """The content stems and anchors within reach of a word."""
        around = range(max(0, index - reach), min(len(self.words), index + reach + 1))
        return {self.stems[j] or self.anchors[j] for j in around if j != index} - {None}


def _negation(sentence: str, primary: str) -> str:
    """The sentence negates what the passage sentence it stands on affirms, or affirms what it negates.

    A negation counts for what follows it ("did not join the talks": join, talks): the other side
    must negate it too when it speaks of the same thing.
    """
    ours, theirs = claims.negated(sentence), claims.negated(primary)
    said = {s for _, s in claims.content_words(sentence)}
    offered = {s for _, s in claims.content_words(primary)}
    for scope in ours:
        if scope & offered and not any(scope & other for other in theirs):
            return "it negates what the cited passages say"
    for scope in theirs:
        if scope & said and not any(scope & other for other in ours):
            return "it leaves out a negation of the cited passages"
    return ""


def _opposites(sentence: str, primary: str, is_common=None) -> str:
    """A word of the sentence whose opposite the passage sentence says of the same thing instead
    ("margins will fall by £80" against "margins will increase by £80")."""
    ours, theirs = _view(sentence, is_common), _view(primary, is_common)
    said = set(theirs.stems)
    for index, stem in enumerate(ours.stems):
        if stem is None or stem in said:
            continue
        for opposite in claims.OPPOSITES.get(stem, ()):
            if any(ours.context(index) & theirs.context(j) for j in theirs.positions(opposite)):
                return f"it says {ours.words[index]!r} where the cited passage says the opposite"
    return ""


def _bindings(sentence: str, grounds: Sequence[str], is_common=None, mode: str = "near", reach: int = 3) -> str:
    """A word the sentence ties to one name, number or year that its grounds tie only to another:
    "Prime Minister Jalal Talabani" where the passage says "Prime Minister Ibrahim Jaafari and
    President Jalal Talabani", "... in its Paris offices" against "... in its Dublin offices".

    mode "role": titles and roles within `reach` words of the party; "adjacent": any word right
    next to it; "near": any content word within `reach` (a verb moves about more in a rewording).
    """
    ours = _view(sentence, is_common)
    views = [_view(text, is_common) for text in grounds]
    offered = [a for view in views for a in view.anchors if a]
    for index, stem in enumerate(ours.stems):
        if not stem:
            continue
        role = ours.words[index].lower().rstrip("|") in claims.TITLES
        if mode == "role" and not role:
            continue
        distance = 1 if mode == "adjacent" else reach
        near = claims.neighbours(ours.words, ours.anchors, index, distance)
        places = [(view, j) for view in views for j in view.positions(stem)]
        if not near or not places:
            continue
        anchor = near[0]
        if not any(anchor.matches(b) for b in offered):
            continue  # the grounds do not name it: the name check speaks for that
        around = [claims.neighbours(view.words, view.anchors, j, reach + 1) for view, j in places]
        if any(anchor.matches(b) for found in around for b in found):
            continue  # the grounds tie the word to it too
        close = [claims.neighbours(view.words, view.anchors, j, distance) for view, j in places]
        rivals = [b for found in close for b in found[:1] if b.kind == anchor.kind]
        if rivals:
            return f"it ties {ours.words[index]!r} to {anchor} where the cited passage ties it to {rivals[0]}"
    return ""


def _out_of_context(sentence: str, grounds: Sequence[str], is_common=None, reach: int = 4) -> str:
    """A name, number or year the sentence uses in other company than its grounds do: none of its
    mentions there shares a content word with the words around it here ("Magistrate Mlonda granted
    bail" where the passage has "Prosecutor Mlonda objected", "270 aircraft" where it has "the
    previous number of 270")."""
    ours = _view(sentence, is_common)
    views = [_view(text, is_common) for text in grounds]
    for index, anchor in enumerate(ours.anchors):
        if anchor is None or (index and ours.anchors[index - 1] is anchor):
            continue
        here = ours.context(index, reach)
        mentions = [(view, j) for view in views for j, other in enumerate(view.anchors)
                    if other is not None and anchor.matches(other)]
        if mentions and not any(here & view.context(j, reach) for view, j in mentions):
            return f"it uses {anchor} in other words than the cited passage does"
    return ""


def _order(sentence: str, primary: str) -> str:
    """Two parties the passage sentence names in one order, the sentence names in the other ("X sued Y"
    written as "Y sued X"), unless exactly one of them is passive ("was sued by")."""
    named = [n for n in dict.fromkeys(claims.names(sentence)) if n in primary]
    if len(named) < 2:
        return ""
    a, b = named[0], named[1]
    if primary.find(a) > primary.find(b) and _passive(sentence) == _passive(primary):
        return f"it names {a} and {b} the other way round from the cited passage"
    return ""


def _passive(text: str) -> bool:
    return " by " in text and any(w in text.split() for w in ("was", "were", "is", "are", "been", "be"))
