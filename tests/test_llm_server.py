"""Composed answers against a real llama.cpp server with a tiny model (SmolLM2-135M): the protocol
works end to end, what the model gets wrong is dropped, and its failures fall back."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest

from bot.answering.drafts import SentenceStream
from bot.answering.support import Passage, check
from bot.llm import ChatClient, LLMConfig
from bot.service import ArchivistService
from tests.test_answerer_conformance import check_contract

HIRING = "What did Alibaba's CEO say about hiring?"


@pytest.fixture(scope="module")
def composed(sample_service, llama_server) -> ArchivistService:
    settings = dataclasses.replace(sample_service.settings, answerer="composed", llm_url=llama_server,
                                   llm_timeout_seconds=120)
    return ArchivistService(settings, encoder=sample_service.encoder, store=sample_service.store)


def test_the_server_lists_its_model(llama_server):
    [model] = ChatClient(LLMConfig(llama_server)).models()
    assert model.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")


def test_a_composed_answer_shows_only_verified_sentences_or_falls_back(composed):
    shown: list[str] = []
    result = composed.retrieve(HIRING)
    answer = composed.answerer_named("composed").answer(HIRING, result, on_progress=shown.append)
    check_contract(answer, result, composed.tuning.policy.closest_articles)
    assert "first_token" in answer.timings and answer.model_sentences >= 1  # the model did write
    if answer.answerer == "composed":  # every sentence shown is borne out by the passage the bot cites for it
        passages = {c.n: Passage(c.hit.chunk.text, c.article.title, c.article.date) for c in answer.citations}
        stream = SentenceStream()
        for sentence in [*stream.feed(answer.text), *stream.close()]:
            assert check(sentence.text, [passages[n] for n in sentence.cites], composed.reader,
                         composed.tuning.support).supported
        assert shown and shown[-1] == answer.text
    else:  # the tiny model's usual fate: too little of what it wrote is borne out
        assert answer.fallback_reason and answer.dropped and not answer.abstained
        assert all(d.reason for d in answer.dropped)
    # Nothing unverified was ever shown on the way.
    kept = {d.sentence for d in answer.dropped}
    assert not any(sentence in text for text in shown for sentence in kept)


def test_ask_json_and_llm_check_on_the_command_line(composed, llama_server, tmp_path):
    env = {**os.environ, "ARCHIVIST_ARCHIVE_DIR": str(composed.settings.archive_dir),
           "ARCHIVIST_DATA_DIR": str(composed.settings.data_dir), "ARCHIVIST_LLM_URL": llama_server,
           "ARCHIVIST_LLM_TIMEOUT_SECONDS": "120", "HF_HUB_OFFLINE": "1"}
    ask = subprocess.run([sys.executable, "-m", "bot", "ask", HIRING, "--answerer", "composed", "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert ask.returncode == 0, ask.stderr
    payload = json.loads(ask.stdout)
    assert payload["answerer"] in ("composed", "extractive") and isinstance(payload["dropped"], list)
    assert (payload["fallback_reason"] is None) == (payload["answerer"] == "composed")
    check = subprocess.run([sys.executable, "-m", "bot", "llm", "check", "--json"], capture_output=True, text=True,
                           env=env, timeout=300)
    report = json.loads(check.stdout)
    assert check.returncode == (0 if report["ok"] else 1)
    assert report["models"] and report["models_error"] is None and report["timings_ms"]["first_token"] > 0
    assert report["sentences_kept"] <= report["sentences_written"]
    text = subprocess.run([sys.executable, "-m", "bot", "llm", "check"], capture_output=True, text=True, env=env,
                          timeout=300).stdout
    assert "first token:" in text and "sentences supported by their passages" in text
