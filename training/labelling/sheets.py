"""Labelling sheets: for each question, the candidate sentences the bot considers, numbered for reading.

    python -m training.labelling.sheets QUESTIONS.jsonl --out SHEETS.jsonl [--print]

Needs the index of both corpora (ARCHIVIST_DATA_DIR, default /work/labelwork/index; built with
`python -m training.labelling.build_index`). For each question the candidates are the sentences
the extractive answerer would gather from the best three retrieved articles (retrieved passages,
each lead, the asked-for speaker's statements), ranked by today's hand-weighted score; the best
SHEET_SIZE of them are kept, plus every sentence of a gold article that holds part of an evidence
string, so each answerable question has its answer on the sheet. A writer then labels every
numbered sentence (GUIDE.md): answers, partly answers, or does not answer.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.answering.candidates import Candidate, gather, measure_similarity, measure_words
from bot.answering.extractive import ExtractiveAnswerer
from bot.answering.quotes import speaker_query
from bot.answering.sources import SourceArticle, choose_sources
from bot.service import ArchivistService
from bot.settings import Settings
from embeddings.sentences import sentence_spans
from training.corpus import articles, train_ids

SHEET_SIZE = 14        # candidates by today's score on a sheet
SOURCE_ARTICLES = 3    # articles whose sentences are candidates
DEFAULT_INDEX = Path("/work/labelwork/index")


@dataclass(frozen=True)
class SheetLine:
    n: int
    article_id: str
    start: int
    end: int
    text: str
    title: str
    date: str | None
    origin: str      # "bot": among today's candidates; "gold": holds evidence, added so the answer is on the sheet
    bot_rank: int | None

    def to_json(self) -> dict:
        return dict(self.__dict__)


def open_service() -> ArchivistService:
    data_dir = Path(os.environ.get("ARCHIVIST_DATA_DIR") or DEFAULT_INDEX)
    if not (data_dir / "index.sqlite3").is_file():
        raise SystemExit(f"no index at {data_dir}; build it with python -m training.labelling.build_index")
    return ArchivistService(Settings.from_env(environ={**os.environ, "ARCHIVIST_DATA_DIR": str(data_dir)},
                                              dotenv_path=None))


def ranked_candidates(service: ArchivistService, question: str, source_articles: int = SOURCE_ARTICLES
                      ) -> list[Candidate]:
    """The candidate sentences of the best `source_articles` articles, best first by today's score."""
    result = service.retriever().search(question)
    # Today's hand-weighted ranking, without the reader: the sheets are what the reader learns from.
    answerer = ExtractiveAnswerer(service.encoder, service.tuning.extractive, service.store.sentence_vectors,
                                  service.tuning.policy)
    sources = choose_sources(result.hits, margin=1.0, limit=source_articles)
    for part in result.parts:
        if part.hits and all(part.hits[0].article.id != s.article.id for s in sources):
            mine = tuple(h for h in part.hits if h.article.id == part.hits[0].article.id)
            sources.append(SourceArticle(len(sources), part.hits[0], mine))
    cfg = answerer.config
    speaker = speaker_query(question)
    candidates = gather(sources, speaker, cfg.min_sentence_words, cfg.reported_speech)
    measure_words(candidates, question, speaker)
    stored = service.store.sentence_vectors([s.article.id for s in sources])
    candidates = measure_similarity(candidates, result.query_vector, service.encoder, stored)
    for candidate in candidates:
        candidate.score = answerer._score(candidate)
    return sorted(candidates, key=lambda c: -c.score)


def evidence_spans(article_id: str, evidence: list[str]) -> list[tuple[int, int]]:
    """Sentences of a gold article that overlap an evidence string (evidence may span sentences)."""
    article = articles().get(article_id)
    if article is None:
        return []
    found = []
    for text in evidence:
        at = article.body.find(text)
        if at < 0:
            continue
        found += [(s, e) for s, e in sentence_spans(article.body) if s < at + len(text) and e > at]
    return found


def sheet(service: ArchivistService, record: dict) -> list[SheetLine]:
    known = articles()
    lines: list[SheetLine] = []
    seen: set[tuple[str, int, int]] = set()

    def add(article_id: str, start: int, end: int, origin: str, rank: int | None) -> None:
        key = (article_id, start, end)
        if key in seen:
            return
        seen.add(key)
        article = known[article_id]
        lines.append(SheetLine(len(lines) + 1, article_id, start, end, article.body[start:end], article.title,
                               article.date, origin, rank))

    for rank, candidate in enumerate(ranked_candidates(service, record["question"])[:SHEET_SIZE], start=1):
        add(candidate.source.article.id, candidate.start, candidate.end, "bot", rank)
    for article_id in record.get("article_ids") or []:
        for start, end in evidence_spans(article_id, record.get("evidence") or []):
            add(article_id, start, end, "gold", None)
    return lines


def render(record: dict, lines: list[SheetLine]) -> str:
    train = train_ids()
    out = [f"### {record['id']} [{record.get('kind')}/{record.get('style', 'formal')}] {record['question']}"]
    if record.get("article_ids"):
        out.append(f"    gold {', '.join(record['article_ids'])}; answer: {record.get('answer', '')}")
    else:
        out.append("    UNANSWERABLE as written; every sentence should be 'no' - if one answers, fix the question")
    for line in lines:
        mark = "" if line.article_id in train else " (eval article)"
        out.append(f"  [{line.n}] {line.article_id}{mark} {line.date or 'undated'} «{line.title}»\n       {line.text}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="sheets file (JSON Lines), rewritten whole")
    parser.add_argument("--print", action="store_true", help="print the sheets (of --only ids, if given) for reading")
    parser.add_argument("--only", nargs="*",
                        help="remake (and print) only these ids' sheets; the others are kept as they were")
    args = parser.parse_args(argv)
    service = open_service()
    records = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = {}
    if args.out.is_file():
        kept = {r["id"]: r for r in map(json.loads, args.out.read_text(encoding="utf-8").splitlines()) if r}
    sheets = {}
    for record in records:
        old = kept.get(record["id"])
        if old and old["question"] == record["question"] and not (args.only and record["id"] in args.only):
            lines = [SheetLine(**c) for c in old["candidates"]]
        else:
            lines = sheet(service, record)
        sheets[record["id"]] = {"id": record["id"], "question": record["question"],
                                "candidates": [line.to_json() for line in lines]}
        if args.print and (not args.only or record["id"] in args.only):
            print(render(record, lines) + "\n")
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in sheets.values()), encoding="utf-8")
    tmp.replace(args.out)
    print(f"-- {len(sheets)} sheets in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
