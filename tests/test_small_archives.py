"""Abstention on small archives (1, 5 and 20 articles), where a rule cannot lean on statistics a big
archive has: what the archive holds is answered, what it lacks is refused (real model and corpus)."""

from __future__ import annotations

import json
import shutil

import pytest

from bot.evaluation import load_questions
from bot.service import ArchivistService
from bot.settings import Settings
from tests.conftest import CORPUS, REPO, SAMPLE_ARCHIVE

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
TUNING = REPO / "evaluation" / "tuning-questions.jsonl"

ONE_ARTICLE = {
    "answerable": [
        "What did Alibaba's CEO say about hiring?",
        "Which platform lets users sell Chinese products abroad?",
        "what did zhang say abt alimama",
        "In which year did Alibaba invest in ShopRunner?",
    ],
    "unanswerable": [
        "What did Tencent's chief executive say about hiring?",
        "Who won the football World Cup in 2014?",
        # Not "what did the xiaomi ceo say abt phones": a lower-case unknown word counts as a name from 8
        # letters since the calibration on chat-typed questions (at 5, "couldnt", "chimps" and "goalie"
        # refused answerable ones: docs/quality.md), and the reader reads Alibaba's CEO as an answer to it.
    ],
}


def service_over(articles: list[dict], root, encoder) -> ArchivistService:
    (root / "archive").mkdir()
    (root / "archive" / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in articles), encoding="utf-8")
    made = ArchivistService(Settings(archive_dir=root / "archive", data_dir=root / "data"), encoder=encoder)
    made.reindex()
    return made


def corpus_cases(size: int) -> tuple[list[dict], list, list]:
    """The gold articles of the first `size` single-article business questions of the tuning part, those
    questions, and the tuning part's unanswerable ones (names the whole archive never mentions)."""
    questions = load_questions(TUNING)
    chosen = [q for q in questions if len(q.article_ids) == 1 and q.kind in ("fact", "quote", "date")][:size]
    wanted = {q.article_ids[0] for q in chosen}
    with (CORPUS / "articles.jsonl").open(encoding="utf-8") as handle:
        articles = [a for a in map(json.loads, handle) if a["id"] in wanted]
    unanswerable = [q for q in questions if not q.answerable]
    return articles, [q for q in chosen if q.article_ids[0] in {a["id"] for a in articles}], unanswerable


def test_a_one_article_archive_answers_in_its_own_words_and_refuses_the_rest(tmp_path, real_encoder):
    shutil.copytree(SAMPLE_ARCHIVE, tmp_path / "articles")
    service = ArchivistService(Settings(archive_dir=tmp_path / "articles", data_dir=tmp_path / "data"),
                               encoder=real_encoder)
    service.reindex()
    for question in ONE_ARTICLE["answerable"]:
        answer = service.ask(question)
        assert not answer.abstained, (question, answer.text)
        assert answer.citations[0].article.id == "alibaba-global-expansion.txt"
    for question in ONE_ARTICLE["unanswerable"]:
        answer = service.ask(question)
        assert answer.abstained, (question, answer.text)


@pytest.mark.parametrize("size", [5, 20])
def test_small_corpus_archives_answer_their_questions_and_refuse_names_they_lack(tmp_path, real_encoder, corpus_dir,
                                                                                  size):
    articles, answerable, unanswerable = corpus_cases(size)
    assert len(articles) == len(answerable) >= size - 1
    service = service_over(articles, tmp_path, real_encoder)
    answered = [service.ask(q.question) for q in answerable]
    wrongly = [q.question for q, a in zip(answerable, answered) if a.abstained]
    assert wrongly == []
    first_right = sum(a.citations[0].article.id in q.article_ids for q, a in zip(answerable, answered))
    assert first_right >= len(answerable) - 1  # one knife edge allowed among near-neighbour stories
    refused = [service.ask(q.question).abstained for q in unanswerable]
    assert sum(refused) >= 0.75 * len(refused), sum(refused)
