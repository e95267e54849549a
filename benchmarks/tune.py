"""Sweep retrieval and answering knobs over question sets, each setting scored as `archivist eval` scores it.

    python -m benchmarks.tune --data-dir DIR QUESTIONS.jsonl [...] \\
        [--grid w_overlap=0,0.1,0.2 --grid w_speaker=0.2,0.4] [--try "w_overlap=0.15 max_words=100" ...]

Settings: the defaults, then every combination of the --grid values, then each --try (a
space-separated list of NAME=VALUE). Retrievals are cached: a setting that changes only answering
knobs re-answers the cached RetrievalResults (seconds per setting), one that changes a retrieval
knob searches again once. Prints one table row per setting and question file: hit@1, recall@5,
MRR, evidence coverage, median answer words, unanswerable abstained, answerable wrongly abstained.
Never pass a sealed question file while tuning (see evaluation/README.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot import evaluation
from bot.answering.extractive import ExtractiveAnswerer
from bot.reader import AnswerInput, Reader
from bot.service import ArchivistService
from bot.settings import Settings
from bot.tuning import Tuning
from embeddings.retrieval import RetrievalConfig, RetrievalResult


def settings_to_try(grids: list[str], tries: list[str]) -> list[list[str]]:
    """The override lists: [] (defaults), the grid's combinations, then each --try."""
    axes = []
    for grid in grids:
        name, _, values = grid.partition("=")
        axes.append([f"{name}={value}" for value in values.split(",")])
    found = [[]] + ([list(combo) for combo in itertools.product(*axes)] if axes else [])
    return found + [text.split() for text in tries]


class CachedRetrievals:
    """RetrievalResults per (retrieval config, question), so answering knobs are swept without searching."""

    def __init__(self, service: ArchivistService) -> None:
        self.service = service
        self._cache: dict[tuple[RetrievalConfig, str], RetrievalResult] = {}
        self._services: dict[RetrievalConfig, ArchivistService] = {}

    def get(self, config: RetrievalConfig, question: str) -> RetrievalResult:
        key = (config, question)
        if key not in self._cache:
            if config not in self._services:
                self._services[config] = ArchivistService(
                    self.service.settings, encoder=self.service.encoder, store=self.service.store,
                    tuning=dataclasses.replace(self.service.tuning, retrieval=config))
            self._cache[key] = self._services[config].retrieve(question)
        return self._cache[key]


class MemoReader:
    """The reader with each (question, sentence) pair's probability remembered: a sweep of answering knobs
    reads every candidate once, not once per setting."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.answer_context = reader.answer_context
        self._seen: dict[tuple[str, str], float] = {}

    def answers(self, inputs: Sequence[AnswerInput]) -> np.ndarray:
        missing = [i for i in inputs if i.pair() not in self._seen]
        for item, probability in zip(missing, self.reader.answers(missing)):
            self._seen[item.pair()] = float(probability)
        return np.array([self._seen[i.pair()] for i in inputs], dtype=np.float32)


def score(cache: CachedRetrievals, tuning: Tuning, questions: list[evaluation.Question],
          reader: MemoReader | None = None) -> dict:
    """The figures `archivist eval` gives for these questions, answered over cached retrievals (with the
    service's reader unless a remembering one is given)."""
    service = cache.service
    answerer = ExtractiveAnswerer(service.encoder, tuning.extractive, service.store.sentence_vectors, tuning.policy,
                                  reader or service.reader, tuning.reading)  # type: ignore[arg-type]
    results = [evaluation.question_result(q, answerer.answer(q.question, cache.get(tuning.retrieval, q.question)), 0.0)
               for q in questions]
    return evaluation.summarise(results)


def row(label: str, name: str, summary: dict, by_kind: bool = False) -> str:
    r = summary.get("retrieval", {})
    cells = [r.get("hit@1"), r.get("recall@5"), r.get("mrr"), summary.get("evidence_coverage"),
             summary.get("median_answer_words"), summary.get("abstained_when_unanswerable"),
             summary.get("wrongly_abstained")]
    shown = " | ".join("" if v is None else f"{v:.0f}" if i == 4 else f"{v:.3f}" if i == 3 else f"{v:.2f}"
                       for i, v in enumerate(cells))
    if by_kind:
        shown += " | " + ", ".join(f"{kind} {figures['evidence_coverage']:.2f}"
                                   for kind, figures in summary["by_kind"].items() if "evidence_coverage" in figures)
    return f"| {label} | {name} | {shown} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path, help="question files (never a sealed one while tuning)")
    parser.add_argument("--data-dir", type=Path, required=True, help="the index to answer from")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...")
    parser.add_argument("--try", dest="tries", action="append", default=[], metavar='"NAME=V NAME=V"')
    parser.add_argument("--by-kind", action="store_true", help="add evidence coverage by question kind")
    args = parser.parse_args(argv)
    # The settings of the environment (the model above all: the index records which one built it), this index.
    service = ArchivistService(dataclasses.replace(Settings.from_env(), data_dir=args.data_dir))
    sets = {path.stem: evaluation.load_questions(path) for path in args.questions}
    cache = CachedRetrievals(service)
    reader = MemoReader(service.reader)
    print("| setting | questions | hit@1 | R@5 | MRR | coverage | words | unanswerable abstained | wrongly abstained |"
          + (" coverage by kind |" if args.by_kind else ""))
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |" + (" --- |" if args.by_kind else ""))
    for overrides in settings_to_try(args.grid, args.tries):
        tuning = Tuning().with_overrides(overrides)
        for name, questions in sets.items():
            summary = score(cache, tuning, questions, reader)
            print(row(" ".join(overrides) or "defaults", name, summary, args.by_kind), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
