"""The reader we ship: its files are checked, it reads labelled pairs the right way round, and training it
reproduces a model whose int8 runtime agrees with its torch form."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest

from bot.answering.reading import logit
from bot.reader import MODEL_DIR, AnswerInput, ClaimInput, Reader, ReaderError, load_reader

TITLE = "Alibaba to push global expansion, says new CEO"
DATE = dt.date(2015, 5, 14)
HIRING = "Zhang also explained that the company would prioritise international hiring."
ZULILY = ("It has started to make tracks into the U.S. market, most recently acquiring a 9% stake in online retail "
          "business Zulily.")
ALIMAMA = ("He added that Alimama, the company's electronic-advertising platform, has focused on the Chinese market "
           "for \"too long.\"")
PASSAGE = f"{HIRING} {ZULILY}"


@pytest.fixture(scope="module")
def reader() -> Reader:
    return load_reader()


def answers(reader: Reader, question: str, *sentences: str) -> np.ndarray:
    return reader.answers([AnswerInput(question, s, TITLE, DATE) for s in sentences])


def supports(reader: Reader, *claims: str) -> np.ndarray:
    return reader.supports([ClaimInput(c, ((TITLE, DATE, PASSAGE),)) for c in claims])


def test_the_sentence_that_answers_reads_as_the_answer(reader):
    # The sample article is an evaluation article: the reader never saw it in training.
    # Ordering with a wide margin (logit scale), not a threshold: the probabilities' scale is the policy's to fit.
    hiring, zulily, alimama = answers(reader, "What did Alibaba's CEO say about hiring?", HIRING, ZULILY, ALIMAMA)
    assert logit(hiring) - logit(max(zulily, alimama)) > 1.5
    stake, other = answers(reader, "how big a stake did alibaba buy in zulily", ZULILY, HIRING)
    assert logit(stake) - logit(other) > 3


def test_claims_the_passage_says_are_supported_and_others_not(reader):
    # A reworded claim is not asserted here: the model keeps too few of them (docs/reader.md, known weaknesses).
    # Ordering with a wide margin (logit scale), not a threshold: reader 2026-12-07-4128a7fc reads the passage's own
    # sentence 0.47 (0.79 without its full stop), the added reason 0.02 and the swapped stake 0.01; the check keeps
    # word-for-word copies without the reader (bot.answering.support.quoted_whole).
    verbatim, added, swapped = supports(
        reader, HIRING,
        "Zhang said the company would prioritise international hiring to cut its wage bill in China.",
        "Zulily acquired a 9% stake in Alibaba.")
    assert logit(verbatim) - logit(max(added, swapped)) > 2.5


def test_a_pair_reads_the_same_whatever_is_read_beside_it(reader):
    # The int8 model quantises activations per input tensor: batched with others (and padded to the longest),
    # a sentence's probability moved with its batch-mates. The bot's decisions must not depend on them.
    question = "What did Alibaba's CEO say about hiring?"
    alone = answers(reader, question, HIRING)[0]
    long_mate = "Alibaba " * 90
    together = answers(reader, question, ZULILY, long_mate, HIRING, ALIMAMA)
    assert together[2] == alone
    assert answers(reader, question, ALIMAMA)[0] == together[3]


def test_a_missing_or_altered_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(MODEL_DIR, broken)
    (broken / "reader.int8.onnx").unlink()
    with pytest.raises(ReaderError, match="reader.int8.onnx not found.*make reader"):
        Reader(broken)
    shutil.rmtree(broken)
    shutil.copytree(MODEL_DIR, broken)
    data = bytearray((broken / "tokenizer.json").read_bytes())
    data[100] ^= 1
    (broken / "tokenizer.json").write_bytes(bytes(data))
    with pytest.raises(ReaderError, match="does not match its recorded sha256"):
        Reader(broken)
    (broken / "manifest.json").unlink()
    with pytest.raises(ReaderError, match="missing"):
        Reader(broken)


@pytest.mark.slow
def test_training_a_few_steps_exports_a_model_whose_int8_runtime_agrees_with_torch(tmp_path):
    """The training recipe end to end on a handful of pairs: it runs on this CPU, and the shipped form
    (int8 ONNX through bot.reader) gives the torch model's probabilities within 0.05."""
    pytest.importorskip("torch")
    from training.datasets import AnswerGroup, Candidate, Claim
    from training.export import export_reader
    from training.reader_model import PairTokenizer, base_model_dir
    from training.train_reader import TrainConfig, train

    def group(name: str, question: str, right: str, *wrong: str) -> AnswerGroup:
        made = [Candidate(AnswerInput(question, right, TITLE, DATE), "answers", 1)]
        made += [Candidate(AnswerInput(question, w, TITLE, DATE), "no", i) for i, w in enumerate(wrong, start=2)]
        return AnswerGroup(name, question, "fact", "formal", "train", tuple(made))

    groups = [group("g1", "what did the ceo say about hiring", HIRING, ZULILY, ALIMAMA),
              group("g2", "how big is the stake in zulily", ZULILY, HIRING, ALIMAMA)]
    claims = [Claim("c1", ClaimInput(HIRING, ((TITLE, DATE, PASSAGE),)), True, "verbatim", "train", "written"),
              Claim("c2", ClaimInput("Zulily bought Alibaba.", ((TITLE, DATE, PASSAGE),)), False, "role-swap", "train",
                    "written")]
    config = TrainConfig(epochs=1, groups_per_step=1, claims_per_step=1, candidates_per_group=3)
    model, history = train(config, groups, claims, validation=(groups, claims))
    assert len(history) == 1 and np.isfinite(history[0]["loss"])
    figures = export_reader(model, PairTokenizer(base_model_dir() / "tokenizer.json"), tmp_path / "model",
                            training={"config": {"seed": config.seed, "answer_context": True}, "history": history,
                                      "minutes": 0, "data": {"questions": 2, "candidates": 6, "claims": 2,
                                                             "validation_questions": 2, "validation_claims": 2}},
                            validation=(groups, claims))
    assert figures["int8_vs_fp32"]["max_abs_diff"] < 0.05
    exported = Reader(tmp_path / "model")
    assert exported.answers([groups[0].candidates[0].input]).shape == (1,)
    card = (tmp_path / "model" / "MODEL_CARD.md").read_text()
    assert "all-MiniLM-L6-v2" in card and "sentence | before:" in card
    # Trained to read the sentence before each candidate (--context): its manifest tells the bot to give it.
    assert exported.answer_context and not load_reader().answer_context
    # A model trained on claims alone (an experiment: train_reader --task claims) exports too.
    alone, alone_history = train(config, [], claims, validation=([], claims))
    alone_figures = export_reader(alone, PairTokenizer(base_model_dir() / "tokenizer.json"), tmp_path / "claims",
                                  training={"config": {"seed": config.seed}, "history": alone_history, "minutes": 0,
                                            "data": {"questions": 0, "candidates": 0, "claims": 2,
                                                     "validation_questions": 0, "validation_claims": 2}},
                                  validation=([], claims))
    assert alone_figures["int8_vs_fp32"]["pairs"] == 2 and alone_figures["int8_vs_fp32"]["max_abs_diff"] < 0.05
