"""Two generations of one archive, and a reader process that questions the index in a loop.

Every article of the old generation says "alpha", every one of the new says "omega", and the new
one holds more articles: an answer drawn from both, or counted against the other, is a mix.
`python -m tests.readers STORE MODEL DIMENSION STOP_FILE OUT_FILE` asks until STOP_FILE exists,
writing one JSON line per question: {"t": time, "kind": "old" | "new" | "mix" | "mismatch" | "error", ...}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from embeddings.errors import ModelMismatchError
from embeddings.models import SearchFilters
from embeddings.retrieval import RetrievalResult, Retriever
from embeddings.store import SQLiteStore
from tests.fakes import HashingEncoder

SIZES = {"old": 3000, "new": 3100}
MARKERS = {"old": "alpha", "new": "omega"}
QUESTIONS = ("harbour report mentions the ferry", "report number 17", "ferry timetable council",
             "which report mentions the quay", "harbour")


def write_generation(root: Path, generation: str) -> None:
    """The archive as one JSON Lines file of SIZES[generation] articles marked with MARKERS[generation]."""
    root.mkdir(parents=True, exist_ok=True)
    marker = MARKERS[generation]
    lines = [json.dumps({"id": f"n{i}", "title": f"Harbour report {i}", "date": f"2020-01-{i % 28 + 1:02d}",
                         "body": f"The harbour report number {i} mentions the {marker} ferry timetable. "
                                 f"The council discussed the quay {i % 50} and the {marker} crossing."})
             for i in range(SIZES[generation])]
    (root / "reports.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def classify(result: RetrievalResult) -> str:
    """'old' or 'new' when every hit and the article count come from one generation, else 'mix'."""
    kinds = {generation for generation, marker in MARKERS.items() for hit in result.hits if marker in hit.article.body}
    kinds |= {generation for generation, size in SIZES.items() if result.articles_searched == size}
    if len(kinds) == 1 and result.hits:
        return kinds.pop()
    return "mix"


def ask_once(retriever: Retriever, question: str) -> dict:
    try:
        result = retriever.search(question, SearchFilters(), limit=10)
    except ModelMismatchError as exc:
        return {"kind": "mismatch", "message": str(exc)}
    except Exception as exc:  # recorded, not raised: the test asserts that none happened
        return {"kind": "error", "message": f"{type(exc).__name__}: {exc}"}
    kind = classify(result)
    return {"kind": kind, "ids": [h.article.id for h in result.hits]} if kind == "mix" else {"kind": kind}


def main(argv: list[str]) -> None:
    store_path, model, dimension, stop_file, out_file = argv
    started = time.time()
    store = SQLiteStore(Path(store_path))  # opened while a reindex may hold the write lock
    retriever = Retriever(store, HashingEncoder(int(dimension), model_name=model, record=False))
    stop = Path(stop_file)
    with open(out_file, "w", encoding="utf-8") as out:
        out.write(json.dumps({"t": time.time(), "kind": "opened", "seconds": time.time() - started}) + "\n")
        number = 0
        while not stop.exists():
            outcome = ask_once(retriever, QUESTIONS[number % len(QUESTIONS)])
            out.write(json.dumps({"t": time.time(), **outcome}) + "\n")
            out.flush()
            number += 1


if __name__ == "__main__":
    main(sys.argv[1:])
