"""Train the reader on the labelled data, export it to int8 ONNX, and write its model card.

    python -m training.train_reader [--epochs N] [--out bot/reader/model] [--limit-groups N]
        [--candidates-per-group N]
    make reader                      # the same, as shipped

CPU only, fixed seeds. Each step reads a few questions with their candidates and a few claims:
  - a listwise loss over each question's candidates (softmax against the labels: which sentence
    answers), which cannot settle on the positives' prior the way a pointwise loss can;
  - a pointwise loss on every pair (answers 1, partly 0.5, no 0; supported claims 1), so that the
    probability also says whether any sentence answers at all (abstention) and whether a claim holds.
The new head learns at a higher rate than the pretrained transformer, after a short warm-up.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from bot.reader.inputs import ANSWER_TOKENS, CLAIM_TOKENS
from bot.reader.model import MODEL_DIR
from training.datasets import AnswerGroup, Claim, answer_groups, claims
from training.evaluation import evaluate, torch_scorer
from training.export import export_reader
from training.reader_model import CrossEncoder, PairTokenizer, base_model_dir

log = logging.getLogger("training")


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run (recorded in the model card)."""

    epochs: int = 3
    seed: int = 20261207
    groups_per_step: int = 4         # questions per step, each with its candidates
    # Every labelled answer or part, then the hardest negatives, then random ones. 6, not 8, so that three epochs
    # of today's data fit in about 90 minutes on 2 cores (8 on the same data: not measured, about 110 minutes here).
    candidates_per_group: int = 6
    claims_per_step: int = 3         # about one pass over the written claims an epoch
    encoder_lr: float = 6e-5
    head_lr: float = 2e-3
    freeze_word_embeddings: bool = True  # the vocabulary's vectors stay as pretrained: half the optimiser's work
    warmup_share: float = 0.06
    weight_decay: float = 0.01
    partly_weight: float = 0.25      # a partial answer's share of the listwise target
    # Both on for the shipped model: against a run without them, validation abstain AUC 0.869 -> 0.928 and claim
    # AUC on real model output 0.60 -> 0.86 at the same P@1 (docs/experiments.md, 2026-12-07).
    null_option: bool = True         # the listwise softmax includes "nothing here answers" (see step_loss)
    model_claims: bool = True        # also train on the real model output's claims (else they only measure)
    # Each candidate read with the sentence before it (bot.reader.inputs.AnswerInput.before): who "he" is, whose
    # quotation a speaker-less half continues. Recorded in the model's manifest, which the bot follows.
    answer_context: bool = False
    pointwise_weight: float = 1.0
    claim_weight: float = 1.0
    threads: int = 2


def sample_candidates(group: AnswerGroup, k: int, rng: random.Random) -> list:
    """The labelled answers and parts, then negatives: half the places to the hardest (today's best ranked)."""
    positives = [c for c in group.candidates if c.label != "no"]
    negatives = [c for c in group.candidates if c.label == "no"]
    room = max(0, k - len(positives))
    hard = sorted(negatives, key=lambda c: c.bot_rank if c.bot_rank is not None else 99)[:room // 2 + room % 2]
    rest = [c for c in negatives if c not in hard]
    chosen = positives[:k] + hard + rng.sample(rest, min(len(rest), room - len(hard)))
    rng.shuffle(chosen)
    return chosen


def steps_per_epoch(groups: int, claim_items: int, cfg: TrainConfig) -> int:
    """Steps of one epoch: one pass over the questions, or over the claims when there are no questions."""
    if groups:
        return max(1, (groups + cfg.groups_per_step - 1) // cfg.groups_per_step)
    return max(1, (claim_items + cfg.claims_per_step - 1) // cfg.claims_per_step)


def steps_of(groups: list[AnswerGroup], claim_items: list[Claim], cfg: TrainConfig, rng: random.Random):
    """One epoch's steps: (groups, claims) batches, both shuffled, claims cycled to last the epoch."""
    order = groups[:]
    rng.shuffle(order)
    pool = claim_items[:]
    rng.shuffle(pool)
    if not order:  # claims alone: one pass over them an epoch
        for start in range(0, len(pool), cfg.claims_per_step):
            yield [], pool[start:start + cfg.claims_per_step]
        return
    steps = steps_per_epoch(len(order), len(pool), cfg)
    for step in range(steps):
        chunk = order[step * cfg.groups_per_step:(step + 1) * cfg.groups_per_step]
        start = (step * cfg.claims_per_step) % max(1, len(pool))
        batch_claims = (pool * 2)[start:start + cfg.claims_per_step] if pool else []
        yield chunk, batch_claims


def step_loss(model: CrossEncoder, tokenize: PairTokenizer, groups: list[AnswerGroup], batch_claims: list[Claim],
              cfg: TrainConfig, rng: random.Random) -> torch.Tensor:
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    losses = []
    picked = [(g, sample_candidates(g, cfg.candidates_per_group, rng)) for g in groups]
    pairs = [c.input.pair() for _, chosen in picked for c in chosen]
    if pairs:
        logits = model(**tokenize(pairs, ANSWER_TOKENS))
        targets = torch.tensor([c.target for _, chosen in picked for c in chosen], dtype=torch.float32)
        losses.append(cfg.pointwise_weight * bce(logits, targets))
        at = 0
        for _, chosen in picked:
            part = logits[at:at + len(chosen)]
            at += len(chosen)
            weights = [1.0 if c.label == "answers" else cfg.partly_weight if c.label == "partly" else 0.0
                       for c in chosen]
            # "Nothing here answers" is one more option, a learned logit: a question none of whose candidates
            # answers puts all its weight there, so every sentence of it must read below what an answer reads.
            # (A two-part question may have only parts: they are then its best.)
            if cfg.null_option:
                part = torch.cat([part, model.null_logit.view(1)])
                weights.append(0.0 if sum(weights) > 0 else 1.0)
            target = torch.tensor(weights)
            if target.sum() > 0:
                target = target / target.sum()
                losses.append(-(target * torch.log_softmax(part, dim=0)).sum() / len(picked))
    if batch_claims:
        logits = model(**tokenize([c.input.pair() for c in batch_claims], CLAIM_TOKENS))
        targets = torch.tensor([1.0 if c.supported else 0.0 for c in batch_claims])
        losses.append(cfg.claim_weight * bce(logits, targets))
    return torch.stack(losses).sum()


def train(cfg: TrainConfig, groups: list[AnswerGroup], claim_items: list[Claim],
          validation: tuple[list[AnswerGroup], list[Claim]] | None = None) -> tuple[CrossEncoder, list[dict]]:
    """Train from the bundled weights; returns the model of the best validation epoch and each epoch's figures."""
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    rng = random.Random(cfg.seed)
    base = base_model_dir()
    positives = sum(c.label == "answers" for g in groups for c in g.candidates)
    prior = max(0.02, positives / max(1, sum(len(g.candidates) for g in groups)))
    model = CrossEncoder(base, prior=prior)
    tokenize = PairTokenizer(base / "tokenizer.json")
    if cfg.freeze_word_embeddings:
        model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    head = [*model.head.parameters(), model.null_logit]
    body = [p for name, p in model.named_parameters()
            if not name.startswith("head.") and name != "null_logit" and p.requires_grad]
    optimiser = torch.optim.AdamW([{"params": body, "lr": cfg.encoder_lr}, {"params": head, "lr": cfg.head_lr}],
                                  weight_decay=cfg.weight_decay)
    per_epoch = steps_per_epoch(len(groups), len(claim_items), cfg)
    total = per_epoch * cfg.epochs
    warmup = max(1, int(total * cfg.warmup_share))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup)))
    history: list[dict] = []
    best_state, best_score = None, -1.0
    step = 0
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        started, running = time.monotonic(), []
        for chunk, batch_claims in steps_of(groups, claim_items, cfg, rng):
            loss = step_loss(model, tokenize, chunk, batch_claims, cfg, rng)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            running.append(float(loss.detach()))
            step += 1
            if step % 50 == 0:
                log.info("epoch %d step %d/%d loss %.4f (%.0f s)", epoch, step, total, np.mean(running[-50:]),
                         time.monotonic() - started)
        figures = {"epoch": epoch, "loss": float(np.mean(running)), "seconds": round(time.monotonic() - started)}
        if validation is not None:
            model.eval()
            figures.update(evaluate(torch_scorer(model, tokenize), *validation))
            score = figures.get("answer_mrr", 0.0) + figures.get("claim_auc", 0.0) + figures.get("abstain_auc", 0.0)
            if score > best_score:
                best_score, best_state = score, {k: v.detach().clone() for k, v in model.state_dict().items()}
                figures["best"] = True
        history.append(figures)
        log.info("epoch %d: %s", epoch, json.dumps(figures))
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return model, history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed, help="another seed sizes run-to-run variance")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--limit-groups", type=int, default=0, help="train on the first N questions only (smoke runs)")
    parser.add_argument("--task", choices=("both", "answers", "claims"), default="both",
                        help="what to train on (one model reads both by default; the others are experiments)")
    parser.add_argument("--claims-per-step", type=int, default=TrainConfig.claims_per_step)
    parser.add_argument("--candidates-per-group", type=int, default=TrainConfig.candidates_per_group,
                        help="candidates read per question a step (8: more negatives, a dearer step)")
    parser.add_argument("--null-option", action=argparse.BooleanOptionalAction, default=TrainConfig.null_option,
                        help="add 'nothing here answers' to each question's softmax")
    parser.add_argument("--model-claims", action=argparse.BooleanOptionalAction, default=TrainConfig.model_claims,
                        help="also train on the claims of real model output (else they only measure)")
    parser.add_argument("--context", action=argparse.BooleanOptionalAction, default=TrainConfig.answer_context,
                        help="read each candidate with the sentence before it")
    parser.add_argument("--save-torch", type=Path, help="also keep the fp32 weights here (not shipped)")
    parser.add_argument("--no-export", action="store_true", help="measure only (experiments)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    cfg = TrainConfig(epochs=args.epochs, seed=args.seed, claims_per_step=args.claims_per_step,
                      null_option=args.null_option, model_claims=args.model_claims,
                      candidates_per_group=args.candidates_per_group, answer_context=args.context)
    groups, claim_items = list(answer_groups(context=cfg.answer_context)), list(claims())
    groups = groups if args.task != "claims" else []
    claim_items = claim_items if args.task != "answers" else []
    if not cfg.model_claims:
        claim_items = [c for c in claim_items if c.source == "written"]
    train_groups = [g for g in groups if g.split == "train"]
    train_claims = [c for c in claim_items if c.split == "train"]
    if args.limit_groups:
        train_groups = train_groups[:args.limit_groups]
        train_claims = train_claims[:args.limit_groups]
    validation = ([g for g in groups if g.split == "validation"], [c for c in claim_items if c.split == "validation"])
    started = time.monotonic()
    model, history = train(cfg, train_groups, train_claims, validation)
    if args.save_torch:
        torch.save(model.state_dict(), args.save_torch)
    if args.no_export:
        return 0
    data = {"questions": len(train_groups), "candidates": sum(len(g.candidates) for g in train_groups),
            "claims": len(train_claims), "validation_questions": len(validation[0]),
            "validation_claims": len(validation[1])}
    export_reader(model, PairTokenizer(base_model_dir() / "tokenizer.json"), args.out,
                  training={"config": asdict(cfg), "history": history, "data": data,
                            "minutes": round((time.monotonic() - started) / 60, 1)},
                  validation=validation)
    return 0


if __name__ == "__main__":
    sys.exit(main())
