"""A reader's figures on labelled data: how it ranks candidates, tells answerable from not, judges claims."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bot.reader.inputs import ANSWER_TOKENS, CLAIM_TOKENS
from training.datasets import AnswerGroup, Claim

Scorer = Callable[[list[tuple[str, str]], int], np.ndarray]  # pairs, max tokens -> probabilities


def torch_scorer(model, tokenize, batch: int = 32) -> Scorer:
    import torch

    def score(pairs: list[tuple[str, str]], max_tokens: int) -> np.ndarray:
        out = []
        with torch.no_grad():
            for start in range(0, len(pairs), batch):
                logits = model(**tokenize(pairs[start:start + batch], max_tokens))
                out.append(torch.sigmoid(logits).numpy())
        return np.concatenate(out) if out else np.zeros(0)
    return score


def reader_scorer(reader) -> Scorer:
    """The shipped runtime (bot.reader.Reader) as a scorer: what the bot itself computes."""
    def score(pairs: list[tuple[str, str]], max_tokens: int) -> np.ndarray:
        return reader._score(pairs, max_tokens)
    return score


def auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not positive or not negative:
        return float("nan")
    p, n = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def evaluate(score: Scorer, groups: Sequence[AnswerGroup], claims: Sequence[Claim]) -> dict[str, float]:
    figures: dict[str, float] = {}
    if groups:
        pairs = [c.input.pair() for g in groups for c in g.candidates]
        probabilities = score(pairs, ANSWER_TOKENS)
        at, top1, reciprocal, today, best_answerable, best_unanswerable = 0, [], [], [], [], []
        for group in groups:
            p = probabilities[at:at + len(group.candidates)]
            at += len(group.candidates)
            labels = [c.label for c in group.candidates]
            if "answers" in labels:
                order = np.argsort(-p, kind="stable")
                top1.append(labels[order[0]] == "answers")
                reciprocal.append(1.0 / (1 + next(i for i, j in enumerate(order) if labels[j] == "answers")))
                ranked = sorted(range(len(labels)), key=lambda i: group.candidates[i].bot_rank or 99)
                today.append(labels[ranked[0]] == "answers")
                best_answerable.append(float(p.max()))
            elif "partly" not in labels:
                best_unanswerable.append(float(p.max()))
        figures.update(answer_p1=float(np.mean(top1)), answer_mrr=float(np.mean(reciprocal)),
                       answer_p1_today=float(np.mean(today)), abstain_auc=auc(best_answerable, best_unanswerable),
                       answerable=len(best_answerable), unanswerable=len(best_unanswerable))
    if claims:
        p = score([c.input.pair() for c in claims], CLAIM_TOKENS)
        truth = np.array([c.supported for c in claims])
        kept = p >= 0.5
        figures.update(claim_auc=auc(list(p[truth]), list(p[~truth])),
                       claim_precision=float(truth[kept].mean()) if kept.any() else float("nan"),
                       claim_recall=float(kept[truth].mean()) if truth.any() else float("nan"))
    return figures
