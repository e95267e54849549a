"""When the archive does not hold the answer: the named abstention rules, evaluated in one place.

Every answerer judges its grounds with `refusal` before it writes (a composed answerer before it
calls a model, and again with what the model said); the first rule that objects names the
abstention (`Answer.abstained_by`, `ask --json`, `archivist eval`). A rule stays only while it wins
on the sealed question set (see the README's "When it says not in the archive").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from embeddings.names import is_descriptive
from embeddings.retrieval import RetrievalResult


@dataclass(frozen=True)
class AbstentionConfig:
    """Thresholds of the abstention rules (cosines of all-MiniLM-L6-v2; see the README's quality section)."""

    abstain_below: float = 0.38      # best passage cosine under this: not in the archive
    rare_name_articles: int = 1      # a name found in at most this many articles, none retrieved, is unknown
    common_name_articles: int = 10   # ... and so is one found in at least this many, none retrieved
    closest_articles: int = 3        # how many closest articles an abstention shows


@dataclass(frozen=True)
class Grounds:
    """What the rules judge: a question, its retrieval, and what an answer to it would stand on.

    sentences: how many sentences the articles an answer may cite offer to quote. declined: a
    language model, given the passages, said they do not answer the question.
    """

    question: str
    result: RetrievalResult
    sentences: int = 0
    declined: bool = False


@dataclass(frozen=True)
class Refusal:
    """The rule that refused, and the reason shown after "I couldn't find that in the archive."."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Rule:
    """A named abstention rule: `check` returns a reason (possibly "") to refuse, or None to pass."""

    name: str
    check: Callable[[Grounds, AbstentionConfig], str | None]


def _scope(grounds: Grounds) -> str:
    return " in those dates and tags" if grounds.result.filters.active else ""


def _no_passages(grounds: Grounds, cfg: AbstentionConfig) -> str | None:
    return "" if not grounds.result.hits else None


def _unknown_name(grounds: Grounds, cfg: AbstentionConfig) -> str | None:
    """A name (almost) no article mentions, none retrieved: "How fast did Xiaomi's shipments grow?"
    cannot be answered from an archive that never mentions Xiaomi, however close a passage looks.
    Places, nationalities and capitals are exempt: an article on "Beijing's yuan policy" may say
    China (a small archive may well never name the capital)."""
    names = [f.name for f in grounds.result.names if not f.in_closest and f.mentioning <= cfg.rare_name_articles
             and not f.retrieved and not is_descriptive(f.name)]
    return f"No article{_scope(grounds)} mentions {', '.join(names)}." if names else None


def _unmatched_name(grounds: Grounds, cfg: AbstentionConfig) -> str | None:
    """A name many articles mention while no retrieved one does: the archive covers Twitter, but none
    of its Twitter articles is about the question. Names that only describe ("US", "Swedish") are
    exempt; so is a rarely mentioned name, which may be the question's word for something the
    answering article calls otherwise ("the Redmond firm")."""
    names = [f.name for f in grounds.result.names
             if not f.in_closest and f.mentioning >= cfg.common_name_articles and not is_descriptive(f.name)
             and not f.retrieved]
    if not names:
        return None
    return f"Articles{_scope(grounds)} mention {', '.join(names)}, but none of them matches the question."


def _low_similarity(grounds: Grounds, cfg: AbstentionConfig) -> str | None:
    best = max((h.dense_score or 0.0 for h in grounds.result.hits), default=0.0)
    return "" if best < cfg.abstain_below else None


def _nothing_to_quote(grounds: Grounds, cfg: AbstentionConfig) -> str | None:
    return "" if grounds.sentences == 0 else None


def _model_declined(grounds: Grounds, cfg: AbstentionConfig) -> str | None:
    return "The language model, given the closest passages, found no answer in them." if grounds.declined else None


# In the order they are tried: the first that objects names the abstention.
RULES: tuple[Rule, ...] = (
    Rule("no-passages", _no_passages),
    Rule("unknown-name", _unknown_name),
    Rule("unmatched-name", _unmatched_name),
    Rule("low-similarity", _low_similarity),
    Rule("nothing-to-quote", _nothing_to_quote),
    Rule("model-declined", _model_declined),
)
RULE_NAMES = tuple(rule.name for rule in RULES)


def refusal(grounds: Grounds, config: AbstentionConfig = AbstentionConfig(),
            rules: Sequence[Rule] = RULES) -> Refusal | None:
    """The first rule that refuses to answer on these grounds, or None when an answer may be given."""
    for rule in rules:
        reason = rule.check(grounds, config)
        if reason is not None:
            return Refusal(rule.name, reason)
    return None
