"""Mechanical checks of a writer's labelled files: schema, training articles only, verbatim text.

    python -m training.labelling.validate training/data/work/a [--quiet]

Reads questions-*.jsonl, sheets-*.jsonl with labels-*.jsonl, and claims-*.jsonl in the folder and
prints every problem with its file and line; exits 1 when there is any. Reading is the writer's
job; this only catches what a machine can: a typo in copied evidence, an eval article, a label
number that is not on the sheet, a kind that does not exist.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from training.corpus import articles, train_ids

KINDS = {"fact", "quote", "paraphrase", "date", "multi", "unanswerable"}
STYLES = {"formal", "chat"}
SUPPORTED_KINDS = {"verbatim", "reword", "compress", "merge", "infer"}
UNSUPPORTED_KINDS = {"added-clause", "role-swap", "opposite", "number-slot", "changed-fact", "dropped-qualifier",
                     "overgeneralise", "misattribute", "negation", "invented-quote", "wrong-citation", "outside",
                     "meta"}
MODEL_KINDS = UNSUPPORTED_KINDS | {"garbled", "instruction", "decline"}
ANSWERS = Path(__file__).resolve().parents[1] / "data" / "model-answers.jsonl"  # training.labelling.model_answers
REFERENCE = re.compile(r"^(?P<article>[^:\s]+):(?P<start>\d+)-(?P<end>\d+)$")


def records(path: Path, problems: list[str]) -> Iterator[tuple[int, dict]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: not JSON ({exc})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{path}:{number}: not a JSON object")
            continue
        yield number, record


def unique_records(folder: Path, pattern: str, problems: list[str], repeated: str
                   ) -> Iterator[tuple[str, dict]]:
    """(file:line, record) of every file matching pattern, in order; a repeated id is a problem, told
    by `repeated` with the id in place of {id} ("duplicate id {id}", "{id} labelled twice")."""
    seen: set[str] = set()
    for path in sorted(folder.glob(pattern)):
        for number, record in records(path, problems):
            where = f"{path}:{number}"
            if record.get("id") in seen:
                problems.append(f"{where}: " + repeated.format(id=record.get("id")))
            seen.add(record.get("id"))
            yield where, record


def _wrong_split(article_id: str, sealed: bool) -> str:
    """Why an article may not be used here, or "" (sealed evaluation items are about articles outside
    the training list, everything else about articles on it)."""
    in_train = article_id in train_ids()
    if sealed and in_train:
        return f"{article_id} is a training article; sealed evaluation items are about eval articles only"
    if not sealed and not in_train:
        return f"{article_id} is an eval article; write only about training articles"
    return ""


def check_question(where: str, q: dict, problems: list[str], sealed: bool = False) -> None:
    known = articles()
    for name in ("id", "question", "kind", "style", "answer"):
        if not isinstance(q.get(name), str) or (name != "answer" and not q.get(name)):
            problems.append(f"{where}: {name} missing or not text")
    if q.get("kind") not in KINDS:
        problems.append(f"{where}: kind {q.get('kind')!r} is not one of {sorted(KINDS)}")
    if q.get("style") not in STYLES:
        problems.append(f"{where}: style {q.get('style')!r} is not formal or chat")
    gold = q.get("article_ids") or []
    evidence = q.get("evidence") or []
    about = q.get("about") or []
    for article_id in [*gold, *about]:
        if article_id not in known:
            problems.append(f"{where}: no article {article_id}")
        elif wrong := _wrong_split(article_id, sealed):
            problems.append(f"{where}: {wrong}")
    if q.get("kind") == "unanswerable":
        if gold or evidence:
            problems.append(f"{where}: an unanswerable question has no article_ids or evidence")
        if not about:
            problems.append(f"{where}: an unanswerable question names the article(s) it is about in 'about'")
        if not str(q.get("checked") or "").strip():
            problems.append(f"{where}: say in 'checked' what you searched to be sure no article reports it")
        return
    if not gold or not evidence:
        problems.append(f"{where}: an answerable question needs article_ids and evidence")
        return
    if q.get("kind") == "multi" and len(gold) < 2:
        problems.append(f"{where}: a multi question needs two gold articles")
    bodies = {a: f"{known[a].title}\n{known[a].body}" for a in gold if a in known}
    covered = set()
    for text in evidence:
        holders = [a for a, body in bodies.items() if isinstance(text, str) and text and text in body]
        if not holders:
            problems.append(f"{where}: evidence is not verbatim in any gold article: {str(text)[:90]!r}")
        covered.update(holders)
    for article_id in set(bodies) - covered:
        problems.append(f"{where}: gold article {article_id} has no evidence string")


def check_labels(where: str, label: dict, sheet: dict | None, question: dict | None, problems: list[str]) -> None:
    if sheet is None:
        problems.append(f"{where}: no sheet for {label.get('id')} (run training.labelling.sheets)")
        return
    numbers = {c["n"] for c in sheet["candidates"]}
    answers, partly = label.get("answers", []), label.get("partly", [])
    if not isinstance(answers, list) or not isinstance(partly, list):
        problems.append(f"{where}: answers and partly are lists of sentence numbers")
        return
    for n in [*answers, *partly]:
        if n not in numbers:
            problems.append(f"{where}: sentence {n} is not on the sheet of {label['id']}")
    if set(answers) & set(partly):
        problems.append(f"{where}: a sentence is both 'answers' and 'partly'")
    if question and question.get("kind") == "unanswerable" and answers and not label.get("fix"):
        problems.append(f"{where}: {label['id']} is unanswerable but sentences {answers} answer it; fix the question")
    if question and question.get("kind") != "unanswerable" and not answers and not partly and not label.get("fix"):
        problems.append(f"{where}: nothing on the sheet answers {label['id']}; correct the evidence or say why in fix")


def eval_positives(label: dict, sheet: dict | None) -> list[int]:
    """The numbers of the sentences labelled answers or partly that come from evaluation articles: lost as
    answers, so a writer rewords the question until none answers (the sheet marks them "(eval article)")."""
    if sheet is None:
        return []
    evaluation = {c["n"] for c in sheet["candidates"] if c["article_id"] not in train_ids()}
    return [n for n in [*label.get("answers", []), *label.get("partly", [])] if n in evaluation]


def check_claim(where: str, c: dict, problems: list[str], sealed: bool = False) -> None:
    known = articles()
    refs = c.get("passages")
    if not isinstance(refs, list) or not 1 <= len(refs) <= 2:
        problems.append(f"{where}: passages is a list of one or two references")
        return
    for ref in refs:
        match = REFERENCE.match(str(ref))
        if not match:
            problems.append(f"{where}: {ref!r} is not ARTICLE:START-END")
            continue
        article_id, start, end = match["article"], int(match["start"]), int(match["end"])
        if article_id not in known:
            problems.append(f"{where}: no article {article_id}")
        elif wrong := _wrong_split(article_id, sealed):
            problems.append(f"{where}: {wrong}")
        elif not 0 <= start < end <= len(known[article_id].body):
            problems.append(f"{where}: {ref} lies outside the article body")
    cites = c.get("cites")
    if not isinstance(cites, list) or not cites or any(n not in range(1, len(refs) + 1) for n in cites):
        problems.append(f"{where}: cites lists passage numbers 1..{len(refs)}")
    if not isinstance(c.get("sentence"), str) or len(c["sentence"].split()) < 3:
        problems.append(f"{where}: sentence missing or too short")
    if not isinstance(c.get("supported"), bool):
        problems.append(f"{where}: supported is true or false")
    kind = c.get("kind", "")
    allowed = SUPPORTED_KINDS if c.get("supported") else UNSUPPORTED_KINDS
    if kind not in allowed and not str(kind).startswith("model:"):
        problems.append(f"{where}: kind {kind!r} is not one of {sorted(allowed)} for supported={c.get('supported')}")


def model_answers(path: Path = ANSWERS) -> dict[str, dict]:
    if not path.is_file():
        return {}
    return {f"{r['model']}:{r['qid']}": r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r}


def check_model_labels(where: str, label: dict, answer: dict | None, problems: list[str]) -> None:
    if answer is None:
        problems.append(f"{where}: no model answer {label.get('answer')!r} in {ANSWERS}")
        return
    given = len(answer["passages"])
    numbers = [s.get("s") for s in label.get("sentences", [])]
    if sorted(numbers) != list(range(1, len(answer["sentences"]) + 1)):
        problems.append(f"{where}: label every sentence S1..S{len(answer['sentences'])} once (got {numbers})")
    for item in label.get("sentences", []):
        supported_by, combined = item.get("supported_by", []), item.get("combined", [])
        if any(n not in range(1, given + 1) for n in [*supported_by, *combined]):
            problems.append(f"{where}: S{item.get('s')}: passage numbers are 1..{given}")
        if combined and len(combined) != 2:
            problems.append(f"{where}: S{item.get('s')}: combined names two passages or none")
        supported = bool(supported_by or combined)
        if supported and item.get("kind"):
            problems.append(f"{where}: S{item.get('s')}: a supported sentence has kind \"\"")
        if not supported and item.get("kind") not in MODEL_KINDS:
            problems.append(f"{where}: S{item.get('s')}: kind {item.get('kind')!r} is not one of {sorted(MODEL_KINDS)}")


def validate(folder: Path, sealed: bool = False) -> tuple[list[str], Counter]:
    """Every problem of a writer's folder (sealed: a folder of sealed evaluation items), and counts."""
    problems: list[str] = []
    counts: Counter = Counter()
    questions: dict[str, dict] = {}
    for where, q in unique_records(folder, "questions-*.jsonl", problems, "duplicate id {id}"):
        check_question(where, q, problems, sealed)
        questions[q.get("id")] = q
        counts[f"questions {q.get('kind')}"] += 1
        counts[f"style {q.get('style')}"] += 1
    sheets = {}
    for path in sorted(folder.glob("sheets-*.jsonl")):
        sheets.update({s["id"]: s for _, s in records(path, problems)})
    labelled = set()
    for where, label in unique_records(folder, "labels-*.jsonl", problems, "{id} labelled twice"):
        labelled.add(label.get("id"))
        sheet = sheets.get(label.get("id"))
        check_labels(where, label, sheet, questions.get(label.get("id")), problems)
        counts["labelled sentences"] += len((sheet or {}).get("candidates", []))
        if not sealed:  # training keeps an evaluation article's sentence only as a negative (training.datasets)
            counts["eval-article sentences labelled answers or partly (training drops them)"] += len(
                eval_positives(label, sheet))
    counts["questions labelled"] = len(labelled & questions.keys())
    for where, c in unique_records(folder, "claims-*.jsonl", problems, "duplicate id {id}"):
        check_claim(where, c, problems, sealed)
        counts[f"claims {'supported' if c.get('supported') else 'unsupported'}"] += 1
    answers = model_answers() if any(folder.glob("model-labels-*.jsonl")) else {}
    for path in sorted(folder.glob("model-labels-*.jsonl")):
        for number, label in records(path, problems):
            check_model_labels(f"{path}:{number}", label, answers.get(label.get("answer")), problems)
            counts["model sentences"] += len(label.get("sentences", []))
    return problems, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sealed", action="store_true", help="a sealed evaluation folder: eval articles only")
    args = parser.parse_args(argv)
    problems, counts = validate(args.folder, args.sealed)
    for problem in problems:
        print(problem)
    print("-- " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    print(f"-- {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
