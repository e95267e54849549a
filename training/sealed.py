"""Turn the sealed writers' files into evaluation sets (scored only as a whole; see evaluation/README.md).

    python -m training.sealed     # writes evaluation/sealed-b-questions.jsonl and evaluation/support-sealed-b.jsonl

Only counts are printed: a sealed item is never shown while tuning.
"""

from __future__ import annotations

import json
import sys

from training.corpus import articles, train_ids
from training.labelling.validate import validate
from training.merge import DATA, REPO_EVALUATION, _jsonl

SEALED = DATA / "sealed"


def main() -> int:
    known, train = articles(), train_ids()
    for folder in (SEALED / "questions", SEALED / "claims"):
        problems, _ = validate(folder, sealed=True)
        if problems:
            print(f"{folder}: {len(problems)} problem(s); run training.labelling.validate --sealed", file=sys.stderr)
            return 1
    questions = [q for path in sorted((SEALED / "questions").glob("questions-*.jsonl")) for q in _jsonl(path)]
    out = []
    for q in questions:
        ids = q["article_ids"] or q.get("about") or []
        assert not set(q["article_ids"]) & train
        out.append({"id": q["id"], "question": q["question"], "article_ids": q["article_ids"], "answer": q["answer"],
                    "evidence": q["evidence"], "kind": q["kind"], "style": q["style"],
                    "corpus": sorted({known[a].corpus for a in ids}), "about": q.get("about", []),
                    "checked": q.get("checked", "")})
    (REPO_EVALUATION / "sealed-b-questions.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    claims = [c for path in sorted((SEALED / "claims").glob("claims-*.jsonl")) for c in _jsonl(path)]
    rows = []
    for c in claims:
        passages = []
        for n, reference in enumerate(c["passages"], start=1):
            article_id, span = reference.split(":")
            start, end = (int(x) for x in span.split("-"))
            article = known[article_id]
            assert article_id not in train
            passages.append({"n": n, "article_id": article_id, "title": article.title, "date": article.date,
                             "text": article.body[start:end]})
        rows.append({"id": c["id"], "family": "|".join(sorted(c["passages"])), "passages": passages,
                     "sentence": c["sentence"], "cites": c["cites"], "supported": c["supported"], "kind": c["kind"],
                     "note": c.get("note", "")})
    (REPO_EVALUATION / "support-sealed-b.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    unanswerable, supported = sum(1 for q in out if not q["article_ids"]), sum(r["supported"] for r in rows)
    print(f"sealed-b-questions.jsonl: {len(out)} questions ({unanswerable} unanswerable); "
          f"support-sealed-b.jsonl: {len(rows)} sentences ({supported} supported)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
