"""The service over the sample archive with the real model: answers, abstention, filters, errors."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.answering.extractive import ExtractiveAnswerer
from bot.errors import InvalidQuestionError, NotFoundError
from bot.service import ArchivistService
from bot.settings import Settings
from embeddings.errors import ModelMismatchError
from embeddings.models import SearchFilters
from tests.fakes import HashingEncoder

HIRING = "What did Alibaba's CEO say about hiring?"


@pytest.fixture
def service(sample_archive, tmp_path, real_encoder) -> ArchivistService:
    made = ArchivistService(Settings(archive_dir=sample_archive, data_dir=tmp_path / "data"), encoder=real_encoder)
    made.reindex()
    return made


def test_sample_question_quotes_the_hiring_passage(service):
    answer = service.ask(HIRING)
    assert not answer.abstained
    assert "Zhang also explained that the company would prioritise international hiring. [1]" in answer.text
    [citation] = answer.citations
    assert citation.article.title == "Alibaba to push global expansion, says new CEO"
    assert citation.article.date == dt.date(2015, 5, 14)
    assert "prioritise international hiring" in citation.quote
    assert answer.articles_searched == 1


def test_an_answer_from_outside_the_asked_period_says_so(service):
    # The behaviour under test is the note. Which of the CEO's statements come first is a knife edge
    # between sentences that moves with the CPU's float rounding (see the README's note on CPUs).
    answer = service.ask("What did Alibaba's CEO say about hiring in 2019?")
    assert not answer.abstained and [c.article.id for c in answer.citations] == ["alibaba-global-expansion.txt"]
    assert answer.caveat == "The question names 2019; no cited article is from then (the nearest is dated 14 May 2015)."
    assert service.ask("What did Alibaba's CEO say about hiring in 2015?").caveat == ""
    assert service.ask(HIRING).caveat == ""


def counting_encodes(monkeypatch, encoder) -> list[str]:
    """Record every text the encoder is asked to encode as a document from now on."""
    encoded: list[str] = []
    inner = encoder.encode_documents
    monkeypatch.setattr(encoder, "encode_documents", lambda texts: encoded.extend(texts) or inner(texts))
    return encoded


def test_answers_use_the_sentence_vectors_stored_at_index_time(service, monkeypatch):
    encoded = counting_encodes(monkeypatch, service.encoder)
    answer = service.ask(HIRING)
    assert "Zhang also explained that the company would prioritise international hiring. [1]" in answer.text
    assert encoded == []  # every compared sentence's vector came from the index, none was encoded


@pytest.mark.parametrize("stored", ["none", "stale"])
def test_sentences_without_usable_stored_vectors_are_encoded_instead(service, monkeypatch, stored):
    def lookup(article_ids):
        if stored == "none":  # an index built before sentence vectors existed
            return {}
        # vectors of another version of the article (it was reindexed after the search)
        found = service.store.sentence_vectors(article_ids)
        return {k: dataclasses.replace(v, content_hash="older") for k, v in found.items()}

    result = service.retrieve(HIRING)
    encoded = counting_encodes(monkeypatch, service.encoder)
    answer = ExtractiveAnswerer(service.encoder, sentence_vectors=lookup).answer(HIRING, result)
    # The behaviour under test is the fallback: the shortlisted sentences were encoded, the hiring one
    # among them, and the answer quotes the article. (Which statements lead is a knife edge between
    # sentences that moves with the CPU: see the README's note on CPUs.)
    assert any("prioritise international hiring" in text for text in encoded)
    assert not answer.abstained and [c.article.id for c in answer.citations] == ["alibaba-global-expansion.txt"]


def test_unrelated_question_abstains_and_shows_closest(service):
    answer = service.ask("What is the best recipe for sourdough bread?")
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("I couldn't find that in the archive.") and answer.abstained_by in (
        "low-similarity", "no-answer")  # whichever the fitted floors make refuse first
    assert [h.article.title for h in answer.closest] == ["Alibaba to push global expansion, says new CEO"]


def test_date_filter_excludes_the_article(service):
    answer = service.ask(HIRING, SearchFilters(date_from=dt.date(2016, 1, 1)))
    assert answer.abstained and answer.closest == [] and answer.articles_searched == 0
    employment = service.search("Alibaba", SearchFilters(tags=("employment",)))
    assert employment[0].article.id == "alibaba-global-expansion.txt"
    assert service.search("Alibaba", SearchFilters(tags=("sports",))) == []


def test_invalid_questions(service):
    with pytest.raises(InvalidQuestionError, match="empty"):
        service.ask("   ")
    with pytest.raises(InvalidQuestionError, match="keep it to at most 500"):
        service.ask("why " * 200)


def test_article_lookup_by_id_and_title_fragment(service):
    assert service.article("alibaba-global-expansion.txt").date == dt.date(2015, 5, 14)
    assert service.article("push global expansion").id == "alibaba-global-expansion.txt"
    with pytest.raises(NotFoundError, match="archivist search"):
        service.article("nothing like this")


def test_question_with_another_model_is_refused(service, sample_archive, tmp_path):
    other = ArchivistService(Settings(archive_dir=sample_archive, data_dir=tmp_path / "data"), encoder=HashingEncoder())
    with pytest.raises(ModelMismatchError, match="archivist index --rebuild"):
        other.ask(HIRING)


def test_stats(service, real_encoder):
    stats = service.stats()
    assert (stats.articles, stats.model) == (1, real_encoder.model_name)
    assert stats.last_report["added"] == ["alibaba-global-expansion.txt"]


def test_unchanged_archive_reindexes_without_loading_the_model(sample_archive, tmp_path, onnx_export, model_cache):
    settings = Settings(archive_dir=sample_archive, data_dir=tmp_path / "data", cache_dir=model_cache)
    first = ArchivistService(settings)
    assert first.reindex().added == ["alibaba-global-expansion.txt"] and first.encoder.loaded

    second = ArchivistService(settings)
    report = second.reindex()
    assert (report.unchanged, report.added, report.updated, report.chunks_embedded) == (1, [], [], 0)
    assert not second.encoder.loaded
    assert not second.ask(HIRING).abstained and second.encoder.loaded


def test_a_name_the_archive_never_mentions_is_not_answered(service):
    answer = service.ask("What did Xiaomi's CEO say about hiring?")
    assert answer.abstained
    assert answer.text == "I couldn't find that in the archive. No article mentions Xiaomi."
    assert [h.article.id for h in answer.closest] == ["alibaba-global-expansion.txt"]
