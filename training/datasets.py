"""The reader's labelled data as model inputs: answer groups (a question and its labelled candidates) and claims.

Every reference (ARTICLE:START-END) is resolved against the shared corpus and must still hold the
text it was labelled on; candidates from evaluation articles are kept only as negatives
(../shared/corpus/splits/README.md). The same input forms as at query time (bot.reader.inputs).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.answering.text_features import content_stems
from bot.reader.inputs import AnswerInput, ClaimInput, claim_input, sentence_before
from training.corpus import CorpusArticle, articles, train_ids

DATA = Path(__file__).with_name("data")
LABEL_TARGET = {"answers": 1.0, "partly": 0.5, "no": 0.0}
_REFERENCE = re.compile(r"^(?P<article>[^:\s]+):(?P<start>\d+)-(?P<end>\d+)$")


@dataclass(frozen=True)
class Candidate:
    input: AnswerInput
    label: str           # answers / partly / no
    bot_rank: int | None  # rank by today's hand-weighted score (None: added because it holds evidence)
    article_id: str = ""

    @property
    def target(self) -> float:
        return LABEL_TARGET[self.label]


@dataclass(frozen=True)
class AnswerGroup:
    id: str
    question: str
    kind: str
    style: str
    split: str
    candidates: tuple[Candidate, ...]

    @property
    def answerable(self) -> bool:
        return any(c.label == "answers" for c in self.candidates)


@dataclass(frozen=True)
class Claim:
    id: str
    input: ClaimInput
    supported: bool
    kind: str
    split: str
    source: str  # "written" or "model:<name>"


def resolve(reference: str) -> tuple[CorpusArticle, int, int]:
    match = _REFERENCE.match(reference)
    if not match:
        raise ValueError(f"bad reference {reference!r}")
    article = articles()[match["article"]]
    return article, int(match["start"]), int(match["end"])


def _date(article: CorpusArticle) -> dt.date | None:
    return dt.date.fromisoformat(article.date) if article.date else None


def answer_groups(path: Path = DATA / "questions.jsonl", context: bool = False) -> Iterator[AnswerGroup]:
    """The labelled questions; with context, each candidate carries the sentence before it (as a reader
    trained with --context reads it at query time)."""
    train = train_ids()
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        candidates = []
        for c in record["candidates"]:
            article, start, end = resolve(c["ref"])
            if c["label"] != "no" and article.id not in train:
                continue  # an evaluation article's sentence may only ever be a negative
            before = sentence_before(article.body, start) if context else ""
            candidates.append(Candidate(AnswerInput(record["question"], article.body[start:end], article.title,
                                                    _date(article), before), c["label"], c["bot_rank"], article.id))
        yield AnswerGroup(record["id"], record["question"], record["kind"], record["style"], record["split"],
                          tuple(candidates))


def stems(text: str) -> set[str]:
    return set(content_stems(text))


def cited_input(sentence: str, references: list[str], cites: list[int]) -> ClaimInput:
    """The claim read against the passages it cites, as the bot reads a composed sentence."""
    passages = []
    for reference in (references[n - 1] for n in cites):
        article, start, end = resolve(reference)
        passages.append((article.title, _date(article), article.body[start:end]))
    return claim_input(sentence, passages, stems)


def claims(path: Path = DATA / "claims.jsonl") -> Iterator[Claim]:
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        source = record["kind"] if str(record["kind"]).startswith("model:") else "written"
        yield Claim(record["id"], cited_input(record["sentence"], record["passages"], record["cites"]),
                    record["supported"], record["kind"], record["split"], source)
