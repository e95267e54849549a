"""The fast encoder: exported once into the cache, torch-free when loaded, and close to the fp32 model."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from embeddings.encoders import load_encoder
from embeddings.encoders.model_files import describe_model
from embeddings.encoders.onnx_encoder import _token_budget_batches
from embeddings.encoders.onnx_export import ONNX_FILENAME, cache_key
from embeddings.errors import EncoderError
from tests.conftest import REPO, SAMPLE_ARCHIVE

TEXTS = [
    "Alibaba to push global expansion, says new CEO",
    "Zhang also explained that the company would prioritise international hiring.",
    "What did Alibaba's CEO say about hiring?",
    "The football club announced a new manager after a disappointing season.",
    "Scientists observed the comet passing close to the Sun on Tuesday.",
    (SAMPLE_ARCHIVE / "alibaba-global-expansion.txt").read_text(encoding="utf-8"),  # longer than the model's limit
]


def test_first_use_exports_into_the_cache_and_says_so(onnx_export, model_cache):
    encoder, messages = onnx_export
    assert encoder.model_name == "sentence-transformers/all-MiniLM-L6-v2+onnx-int8"
    assert any("exporting" in m and "int8 ONNX" in m for m in messages)
    assert len(list(model_cache.rglob(ONNX_FILENAME))) == 1

    again: list[str] = []
    reloaded = load_encoder(cache_dir=model_cache, on_status=again.append)
    np.testing.assert_allclose(reloaded.encode_query(TEXTS[0]), encoder.encode_query(TEXTS[0]), atol=1e-6)
    assert again == [] and len(list(model_cache.rglob(ONNX_FILENAME))) == 1


def test_vectors_match_the_fp32_model(real_encoder, torch_encoder):
    fast, reference = real_encoder.encode_documents(TEXTS), torch_encoder.encode_documents(TEXTS)
    cosines = (fast * reference).sum(axis=1)
    assert cosines.min() >= 0.98, cosines
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert real_encoder.count_tokens(TEXTS) == torch_encoder.count_tokens(TEXTS)
    query = real_encoder.encode_query(TEXTS[2])
    assert float(query @ torch_encoder.encode_query(TEXTS[2])) >= 0.98


def test_batches_keep_input_order(onnx_export):
    encoder = onnx_export[0]
    texts = [f"{t} ({i})" for i in range(6) for t in TEXTS]  # more than one length-sorted batch
    vectors = encoder.encode_documents(texts)
    singles = np.stack([encoder.encode_query(t) for t in texts])
    # Dynamic quantisation scales activations per batch, so a batched vector is close to, not
    # equal to, the same text encoded alone; each row must still be nearest a copy of its own text.
    cosines = vectors @ singles.T
    assert np.diag(cosines).min() >= 0.97
    assert [int(np.argmax(row)) % len(TEXTS) for row in cosines] == [i % len(TEXTS) for i in range(len(texts))]
    assert encoder.encode_documents([]).shape == (0, 384)
    assert float(encoder.encode_query("") @ encoder.encode_query("")) == pytest.approx(1.0, abs=1e-5)


def test_batches_fill_a_token_budget_longest_first():
    lengths = [10, 300, 40, 40, 250, 5, 40]
    batches = _token_budget_batches(lengths, budget=256)
    rows = [int(r) for batch in batches for r in batch]
    assert sorted(rows) == list(range(len(lengths)))            # every text exactly once
    assert [lengths[r] for r in rows] == sorted(lengths, reverse=True)
    assert [len(b) for b in batches[:2]] == [1, 1]              # over or near the budget: alone
    for batch in batches:
        width = max(lengths[r] for r in batch)
        assert len(batch) == 1 or width * len(batch) <= 256
    assert _token_budget_batches([]) == []


def test_parallel_workers_give_the_vectors_of_one_worker(model_cache):
    """The workers run the same batches as a single worker would, so the vectors are identical."""
    texts = [f"{t} ({i})" for i in range(4) for t in TEXTS]
    one = load_encoder(cache_dir=model_cache, threads=1)
    two = load_encoder(cache_dir=model_cache, threads=2)
    assert (one.inner.workers, two.inner.workers) == (1, 2)
    np.testing.assert_array_equal(two.encode_documents(texts), one.encode_documents(texts))
    spans = [[(0, min(20, len(t)))] for t in texts]
    vectors, pooled = two.encode_with_spans(texts, spans, [None] * len(texts))
    expected_vectors, expected_pooled = one.encode_with_spans(texts, spans, [None] * len(texts))
    np.testing.assert_array_equal(vectors, expected_vectors)
    for got, expected in zip(pooled, expected_pooled):
        np.testing.assert_array_equal(got, expected)


def test_query_time_loading_does_not_import_torch(onnx_export, model_cache):
    script = (
        "import json, sys\n"
        "from embeddings.encoders import load_encoder\n"
        f"encoder = load_encoder(cache_dir={str(model_cache)!r})\n"
        "vector = encoder.encode_query('hiring at Alibaba')\n"
        "heavy = {'torch', 'transformers', 'sentence_transformers'} & set(sys.modules)\n"
        "print(json.dumps([len(vector), sorted(heavy)]))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [384, []]


def test_encoder_identity_is_known_without_loading_the_model(model_cache):
    fast = load_encoder(cache_dir=model_cache)
    slow = load_encoder(backend="torch")
    assert (fast.model_name, fast.dimension, fast.max_tokens) == (
        "sentence-transformers/all-MiniLM-L6-v2+onnx-int8", 384, 254)
    assert (slow.model_name, slow.dimension, slow.max_tokens) == ("sentence-transformers/all-MiniLM-L6-v2", 384, 254)
    assert not fast.loaded and not slow.loaded


def test_models_the_onnx_path_cannot_run_are_refused_with_the_fix(tmp_path):
    (tmp_path / "modules.json").write_text(json.dumps([
        {"type": "sentence_transformers.models.Transformer"}, {"type": "sentence_transformers.models.Pooling"},
        {"type": "sentence_transformers.models.Dense"}]))
    for model in ("someone/not-on-this-machine", str(tmp_path)):
        with pytest.raises(EncoderError, match="ARCHIVIST_ENCODER_BACKEND=torch"):
            load_encoder(model)
    with pytest.raises(EncoderError, match="unknown encoder backend"):
        load_encoder(backend="tensorflow")


def test_cache_key_follows_the_source_files(tmp_path, model_cache):
    source = describe_model("all-MiniLM-L6-v2").path
    copy = tmp_path / "model"
    copy.mkdir()
    for path in source.rglob("*"):
        target = copy / path.relative_to(source)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif path.name.endswith(".safetensors"):
            target.symlink_to(path)
        else:
            target.write_bytes(path.read_bytes())
    assert cache_key(copy, model_cache) == cache_key(source, model_cache)
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps({**config, "layer_norm_eps": 1e-6}))
    assert cache_key(copy, model_cache) != cache_key(source, model_cache)


def test_an_unreadable_onnx_file_names_the_fix(tmp_path):
    from embeddings.encoders.onnx_encoder import OnnxEncoder

    broken = tmp_path / ONNX_FILENAME
    broken.write_bytes(b"not a model")
    tokenizer = describe_model("all-MiniLM-L6-v2").path / "tokenizer.json"
    with pytest.raises(EncoderError, match="delete it to have it exported again"):
        OnnxEncoder(broken, tokenizer, model_name="x", dimension=384, max_tokens=254)


def test_a_question_encoded_again_is_remembered_not_recomputed(model_cache):
    encoder = load_encoder(cache_dir=model_cache)
    calls = []
    inner_encode = encoder.inner.encode_query
    encoder.inner.encode_query = lambda text: calls.append(text) or inner_encode(text)
    first = encoder.encode_query("What did Alibaba's CEO say about hiring?")
    first[:] = 0  # a caller changing its copy changes nothing remembered
    again = encoder.encode_query("What did Alibaba's CEO say about hiring?")
    other = encoder.encode_query("Who bought Skype?")
    assert calls == ["What did Alibaba's CEO say about hiring?", "Who bought Skype?"]
    assert abs(float(np.linalg.norm(again)) - 1.0) < 1e-4 and float(again @ other) < 0.9


def test_sentence_vectors_are_read_out_of_the_passage_run(onnx_export, torch_encoder):
    """Each sentence's vector (pooled with the headline's tokens) points where "headline. sentence" does."""
    encoder = onnx_export[0]
    title = "Alibaba to push global expansion, says new CEO"
    sentences = [
        "Alibaba's new chief executive Daniel Zhang said the company would grow abroad.",
        "Zhang also explained that the company would prioritise international hiring.",
        "Shares in the e-commerce group rose by three percent in New York trading.",
        "The football club announced a new manager after a disappointing season.",
    ]
    text = f"{title}\n\n" + " ".join(sentences)
    spans = [(text.index(s), text.index(s) + len(s)) for s in sentences]
    context = (0, len(title))
    vectors, pooled = encoder.encode_with_spans([text, "short"], [spans, []], [context, None])
    np.testing.assert_allclose(vectors, encoder.encode_documents([text, "short"]), atol=1e-6)
    assert pooled[0].shape == (4, 384) and pooled[1].shape == (0, 384)
    np.testing.assert_allclose(np.linalg.norm(pooled[0], axis=1), 1.0, atol=1e-5)
    standalone = encoder.encode_documents([f"{title}. {s}" for s in sentences])
    cosines = pooled[0] @ standalone.T
    # Pooled in context a sentence leans towards its neighbours (the hiring sentence is about as close
    # to the one before it), but each sentence encoded alone still finds its own pooled vector.
    assert np.diag(cosines).min() >= 0.85
    assert [int(i) for i in np.argmax(cosines, axis=0)] == [0, 1, 2, 3]
    question = encoder.encode_query("What did Alibaba's CEO say about hiring?")
    assert int(np.argmax(pooled[0] @ question)) == 1

    _, reference = torch_encoder.encode_with_spans([text], [spans], [context])
    assert (pooled[0] * reference[0]).sum(axis=1).min() >= 0.97  # int8 against fp32, as for whole passages


def test_a_sentence_cut_off_by_truncation_gets_no_vector(onnx_export):
    encoder = onnx_export[0]
    long_text = TEXTS[-1]  # longer than the model's limit
    last = long_text.rstrip().rsplit("\n", 1)[-1]
    end = len(long_text.rstrip())
    _, pooled = encoder.encode_with_spans([long_text], [[(0, 40), (end - len(last), end)]], [None])
    assert np.linalg.norm(pooled[0][0]) == pytest.approx(1.0, abs=1e-5)
    assert not pooled[0][1].any()
