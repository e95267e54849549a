"""The Answerer contract (bot/answering/types.py), checked on every answerer over a small archive.

Each answerer in ANSWERERS answers the same questions (answerable, off-topic, naming what the
archive lacks, a speaker it does not quote, two parties of different articles) with the small
deterministic encoder, and every Answer must keep the contract whatever it says.
"""

from __future__ import annotations

import re

import pytest

from bot.answering.composed import ComposedAnswerer
from bot.answering.extractive import ExtractiveAnswerer
from bot.answering.policy import RULE_NAMES
from bot.answering.types import NOT_FOUND_TEXT, Answer
from bot.llm import ChatClient, LLMConfig
from bot.service import ArchivistService
from embeddings.retrieval import RetrievalResult
from tests.llm_server import Script, ScriptedLLM
from tests.small_archive import POLICY, small_archive

QUESTIONS = [
    "What did the harbour master say about the storm?",
    "How much will the harbour repairs cost?",
    "How many ships did Northline Ferries order, and what did Tom Berg say?",
    "Which prize did the bakery win?",
    "quantum computers explained simply",
    "What did Xiaomi say about the harbour?",
    "What did Ann Lee say about Northline Ferries?",
    "How much did Northline Ferries pay the Mill Street bakery?",
    "storm harbour",
]


def extractive(service: ArchivistService, llm: ScriptedLLM) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(service.encoder, sentence_vectors=service.store.sentence_vectors, policy=POLICY,
                              reader=service.reader)


def composed(service: ArchivistService, llm: ScriptedLLM) -> ComposedAnswerer:
    """The composed answerer with a scripted model: a sentence of passage [1], one of [2], one unsupported."""
    client = ChatClient(LLMConfig(llm.url, timeout_seconds=5))
    return ComposedAnswerer(client, extractive(service, llm), service.reader, policy=POLICY)


ANSWERERS = {"extractive": extractive, "composed": composed}
SCRIPT = ("The harbour reopened on Monday after a storm closed it for three days. [1] "
          "Repairs will cost 40,000 pounds, the council said. [1] The harbour is on the Moon. [1]")


@pytest.fixture(scope="module")
def llm():
    server = ScriptedLLM(Script(text=SCRIPT))
    yield server
    server.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> ArchivistService:
    return small_archive(tmp_path_factory.mktemp("conformance"))


def check_contract(answer: Answer, result: RetrievalResult, closest_limit: int) -> None:
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    cited = [c.n for c in answer.citations]
    given = {h.chunk.id for h in result.hits}
    assert answer.articles_searched == result.articles_searched
    if answer.abstained:
        assert answer.text.startswith(NOT_FOUND_TEXT) and answer.abstained_by in RULE_NAMES
        # A refusal cites nothing; its only markers point into the closest articles it lists ("the latest it
        # holds on X is <headline> [1]"), the one it names listed first, the rest in retrieval order.
        assert answer.citations == [] and markers <= set(range(1, len(answer.closest) + 1))
        ids = [h.article.id for h in answer.closest]
        retrieved = list(dict.fromkeys(h.article.id for h in result.hits))
        assert len(ids) == len(set(ids)) <= closest_limit and set(ids) <= set(retrieved)
        assert ids[1:] == [i for i in retrieved if i != ids[0]][:len(ids) - 1] if ids else retrieved == []
        return
    assert answer.abstained_by == "" and answer.closest == []
    assert cited == list(range(1, len(cited) + 1)), "sources are numbered 1..n"
    assert markers == set(cited), "every [n] is a source and every source is referred to"
    assert len({c.article.id for c in answer.citations}) == len(cited), "no article is cited twice"
    for citation in answer.citations:
        assert citation.hit.chunk.id in given, "a citation is built from a given hit"
        body = citation.article.body
        assert 0 <= citation.quote_start < citation.quote_end <= len(body)
        assert citation.quote == body[citation.quote_start:citation.quote_end]


@pytest.mark.parametrize("name", ANSWERERS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_every_answer_keeps_the_contract(service, llm, name, question):
    answerer = ANSWERERS[name](service, llm)
    result = service.retrieve(question)
    check_contract(answerer.answer(question, result), result, POLICY.closest_articles)


@pytest.mark.parametrize("name", ANSWERERS)
def test_the_answerer_answers_and_abstains_on_the_small_archive(service, llm, name):
    """Not only abstentions: the contract is checked on real answers too."""
    answerer = ANSWERERS[name](service, llm)
    answers = {q: answerer.answer(q, service.retrieve(q)) for q in QUESTIONS}
    cost = answers["How much will the harbour repairs cost?"]
    assert not cost.abstained and cost.answerer == name  # the composed one in the model's words, 2 of 3 kept
    assert answers["quantum computers explained simply"].abstained_by == "low-similarity"
    assert answers["What did Xiaomi say about the harbour?"].abstained_by == "unknown-name"


@pytest.mark.parametrize("name", ANSWERERS)
def test_an_empty_result_abstains_by_no_passages(service, llm, name):
    answerer = ANSWERERS[name](service, llm)
    empty = RetrievalResult([], 0, "anything", None)
    answer = answerer.answer("anything", empty)
    assert answer.abstained and answer.abstained_by == "no-passages" and answer.closest == []
