"""When the archive does not hold the answer: the named abstention rules, evaluated in one place.

Every answerer judges its grounds with `refusal` before it writes (a composed answerer before it
calls a model): first the rules that need no reading, then, once the reader has read the best
candidate sentences, `no-answer`. The first rule that objects names the abstention
(`Answer.abstained_by`, `ask --json`, `archivist eval`). A rule stays only while it wins on the
sealed question sets (docs/quality.md, "When it says not in the archive").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.learned import fitted
from embeddings.dates import human_date
from embeddings.models import Hit
from embeddings.names import is_descriptive, mentions_name
from embeddings.retrieval import RetrievalResult


@dataclass(frozen=True)
class AbstentionConfig:
    """Thresholds of the abstention rules (cosines of all-MiniLM-L6-v2; see the README's quality section)."""

    # Fitted (python -m benchmarks.calibrate_abstention; their values live in bot/learned_weights.json):
    abstain_below: float = fitted("abstention", "abstain_below")  # best passage cosine under this: not in the archive
    rare_name_articles: int = fitted("abstention", "rare_name_articles")  # a name in at most this many articles,
    # none retrieved, is unknown; and so is one found in at least common_name_articles, none retrieved
    common_name_articles: int = fitted("abstention", "common_name_articles")
    answer_floor: float = fitted("abstention", "answer_floor")  # no candidate reads this likely to answer: refuse
    closest_articles: int = 3        # how many closest articles an abstention shows


@dataclass(frozen=True)
class Grounds:
    """What the rules judge: a question, its retrieval, and what an answer to it would stand on.

    sentences: how many sentences the articles an answer may cite offer to quote. reading: the
    reader's probability that the best of those sentences answers it (None before, or without, a reader).
    """

    question: str
    result: RetrievalResult
    sentences: int = 0
    reading: float | None = None


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


def _no_answer(grounds: Grounds, cfg: AbstentionConfig) -> str | None:
    """The reader read the best sentences of the closest articles and none answers the question:
    the archive covers the subject but not the asked fact ("who replaced her?", "what was the
    sentence?"). Says what the archive does hold on it instead."""
    if grounds.reading is None or grounds.reading >= cfg.answer_floor:
        return None
    return holdings(grounds.question, grounds.result)


def holdings(question: str, result: RetrievalResult) -> str:
    """"Nothing in the archive answers “…”; the latest it holds on <name> is “<headline>” (<date>) [1]."

    The name is the question's most specific one that the closest articles mention; the article is
    the newest retrieved one that mentions it, which the abstention lists first (see `first_shown`).
    """
    asked = " ".join(question.split()).rstrip("?").strip()
    shown = first_shown(result)
    name = subject(result)
    if shown is None:
        return f"Nothing in the archive answers “{asked}”."
    article = shown.article
    about = f"on {name} " if name else ""
    return (f"Nothing in the archive answers “{asked}”; the latest it holds {about}is “{article.title}” "
            f"({human_date(article.date)}) [1].")


def subject(result: RetrievalResult) -> str:
    """The question's name the closest articles mention, longest first ("Carly Fiorina" over "HP"), or ""."""
    found = [f.name for f in result.names if f.in_closest and not is_descriptive(f.name)]
    return max(found, key=len, default="")


def first_shown(result: RetrievalResult) -> Hit | None:
    """The hit an abstention lists first: the newest retrieved article mentioning the question's subject
    (else the closest one)."""
    if not result.hits:
        return None
    name = subject(result)
    about = [h for h in result.hits if name and mentions_name(f"{h.article.title} {h.article.body}", name)]
    if not about:
        return result.hits[0]
    return max(about, key=lambda h: (h.article.date or dt.date.min, -result.hits.index(h)))


# In the order they are tried: the first that objects names the abstention.
RULES: tuple[Rule, ...] = (
    Rule("no-passages", _no_passages),
    Rule("unknown-name", _unknown_name),
    Rule("unmatched-name", _unmatched_name),
    Rule("low-similarity", _low_similarity),
    Rule("nothing-to-quote", _nothing_to_quote),
    Rule("no-answer", _no_answer),
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
