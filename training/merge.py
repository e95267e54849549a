"""Gather the writers' labelled files into the reader's data sets, each item with how it was made and its split.

    python -m training.merge            # writes training/data/{questions,claims}.jsonl

Questions carry their labelled candidates as references (ARTICLE:START-END with the label);
claims their passages as references. No article text is copied: loaders read it from the shared
corpus and check that every reference still holds the text it was labelled on (training.datasets).
A random 15% of each set (by question, or by passage family for claims, so no passage is in both)
is the validation part; the split is a hash of the id with a fixed salt, so it never changes as
items are added.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from training.corpus import articles, train_ids
from training.labelling.validate import model_answers, validate

WORK = Path(__file__).with_name("data") / "work"
DATA = Path(__file__).with_name("data")
REPO_EVALUATION = Path(__file__).resolve().parent.parent / "evaluation"
VALIDATION_SHARE = 0.15
SALT = "archivist-reader-2026-12-07"


def split_of(key: str) -> str:
    digest = hashlib.sha256(f"{SALT}:{key}".encode()).digest()
    return "validation" if int.from_bytes(digest[:8], "big") / 2 ** 64 < VALIDATION_SHARE else "train"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def merge_questions(folder: Path) -> list[dict]:
    writer = folder.name
    questions = {q["id"]: q for path in sorted(folder.glob("questions-*.jsonl")) for q in _jsonl(path)}
    sheets = {s["id"]: s for path in sorted(folder.glob("sheets-*.jsonl")) for s in _jsonl(path)}
    merged = []
    for path in sorted(folder.glob("labels-*.jsonl")):
        for label in _jsonl(path):
            question, sheet = questions.get(label["id"]), sheets.get(label["id"])
            if question is None or sheet is None or sheet["question"] != question["question"]:
                continue  # relabelled or dropped by its writer
            verdict = {n: "answers" for n in label.get("answers", [])} | {n: "partly" for n in label.get("partly", [])}
            candidates = [{"ref": f"{c['article_id']}:{c['start']}-{c['end']}", "label": verdict.get(c["n"], "no"),
                           "origin": c["origin"], "bot_rank": c["bot_rank"]} for c in sheet["candidates"]]
            item = {k: question[k] for k in ("id", "question", "kind", "style", "article_ids", "evidence", "answer")}
            item.update(about=question.get("about", []), checked=question.get("checked", ""),
                        candidates=candidates, split=split_of(question["id"]),
                        made=f"written and labelled by reading (writer {writer}); "
                             "candidates: training.labelling.sheets")
            merged.append(item)
    return merged


def merge_claims(folder: Path) -> list[dict]:
    writer = folder.name
    merged = []
    for path in sorted(folder.glob("claims-*.jsonl")):
        for claim in _jsonl(path):
            family = "|".join(sorted(claim["passages"]))
            source = claim.get("made") or f"written by reading passages (writer {writer})"
            merged.append({"id": claim["id"], "passages": claim["passages"], "sentence": claim["sentence"],
                           "cites": claim["cites"], "supported": claim["supported"], "kind": claim["kind"],
                           "note": claim.get("note", ""), "split": split_of(family), "made": source})
    return merged


def merge_model_labels(folder: Path, answers: dict[str, dict]) -> list[dict]:
    """Claims from labelled real model output: each sentence against each passage the model was given
    (the writer judged every one: supported alone, or not), and against the two that only together
    support it. That is what the bot asks when it finds which passage to cite for a sentence. Split by
    answer, so no sentence is on both sides."""
    writer = folder.name
    merged = []
    for path in sorted(folder.glob("model-labels-*.jsonl")):
        for label in _jsonl(path):
            answer = answers[label["answer"]]
            model, references = answer["model"], answer["passages"]
            split = split_of(label["answer"])
            for item in label["sentences"]:
                sentence = answer["sentences"][item["s"] - 1]
                supported_by, combined = item.get("supported_by", []), item.get("combined", [])
                kind = f"model:{model}:{item.get('kind') or 'supported'}"
                made = f"{model} output labelled by reading (writer {writer}); training.labelling.model_answers"
                pairs = [([n], n in supported_by) for n in range(1, len(references) + 1)]
                if combined:
                    pairs.append((sorted(combined), True))
                for number, (chosen, supported) in enumerate(pairs, start=1):
                    merged.append({"id": f"{label['answer']}:s{item['s']}:{number}",
                                   "passages": [references[n - 1] for n in chosen], "sentence": sentence["text"],
                                   "cites": list(range(1, len(chosen) + 1)), "supported": supported, "kind": kind,
                                   "note": item.get("note", ""), "split": split, "made": made})
    return merged


def main(argv: list[str] | None = None) -> int:
    questions, claims = [], []
    for folder in sorted(p for p in WORK.iterdir() if p.is_dir()):
        problems, _ = validate(folder)
        if problems:
            print(f"{folder}: {len(problems)} problem(s), first: {problems[0]}; fix them before merging",
                  file=sys.stderr)
            return 1
        questions += merge_questions(folder)
        claims += merge_claims(folder)
        if any(folder.glob("model-labels-*.jsonl")):
            claims += merge_model_labels(folder, model_answers())
    known, train = articles(), train_ids()
    assert all(a in train for q in questions for a in q["article_ids"] + q["about"]), "an eval article slipped in"
    assert all(r.split(":")[0] in known for c in claims for r in c["passages"])
    for name, items in (("questions", questions), ("claims", claims)):
        path = DATA / f"{name}.jsonl"
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
        parts = {s: sum(1 for i in items if i["split"] == s) for s in ("train", "validation")}
        print(f"{path}: {len(items)} ({parts['train']} train, {parts['validation']} validation)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
