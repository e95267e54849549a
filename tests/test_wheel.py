"""What `pip install .` gives: a wheel with every file the code reads, which indexes and answers once installed."""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.llm_server import Script, ScriptedLLM

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "embeddings")


def package_data_files() -> set[str]:
    """Every file the packages hold besides their Python modules (fitted values, the reader model): what the
    code reads at run time, tracked by git."""
    listed = subprocess.run(["git", "ls-files", *PACKAGES], cwd=REPO, capture_output=True, text=True, check=True)
    return {name for name in listed.stdout.splitlines() if not name.endswith(".py") and "__pycache__" not in name}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build backend (setuptools) is already installed, and nothing is downloaded.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "-w", str(out), str(REPO)], check=True, capture_output=True, cwd=out)
    (found,) = out.glob("archivist-*.whl")
    return found


def test_the_wheel_ships_every_file_the_code_reads(wheel):
    shipped = set(zipfile.ZipFile(wheel).namelist())
    wanted = package_data_files()
    assert {"bot/learned_weights.json", "bot/reader/model/reader.int8.onnx", "bot/reader/model/manifest.json",
            "bot/reader/model/tokenizer.json"} <= wanted
    assert wanted <= shipped, f"missing from the wheel: {sorted(wanted - shipped)} (pyproject's package-data)"
    assert not [name for name in shipped if name.startswith(("tests/", "training/", "benchmarks/"))]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment holding only the wheel; its dependencies come from this environment's
    site-packages through a .pth file (read-only, offline), never from the repository's source tree."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = next(venv.glob("lib/python*/site-packages"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", str(target), str(wheel)], check=True, capture_output=True)
    dependencies = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (target / "zz_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    return venv


def run_installed(venv: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    python = venv / "bin" / "python"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVIST_")}
    environment.update(HF_HUB_OFFLINE="1", PYTHONPATH="", **env)
    return subprocess.run([str(python), "-c", "import sys; from bot.cli import main; sys.exit(main())", *args],
                          cwd=cwd, env=environment, capture_output=True, text=True, timeout=600)


def test_the_installed_package_indexes_and_answers_both_ways(installed, tmp_path, onnx_export, model_cache):
    archive = tmp_path / "articles"
    archive.mkdir()
    (archive / "alibaba.txt").write_bytes((REPO / "articles" / "alibaba-global-expansion.txt").read_bytes())
    env = {"ARCHIVIST_ARCHIVE_DIR": str(archive), "ARCHIVIST_DATA_DIR": str(tmp_path / "data"),
           "ARCHIVIST_CACHE_DIR": str(model_cache)}  # the ONNX export, made once
    where = run_installed(installed, tmp_path, "stats", "--json", **env)
    assert where.returncode == 0, where.stderr
    imported = run_installed(installed, tmp_path, "--help")
    assert imported.returncode == 0
    located = subprocess.run([str(installed / "bin" / "python"), "-c", "import bot; print(bot.__file__)"],
                             cwd=tmp_path, capture_output=True, text=True, env={"PYTHONPATH": ""})
    assert str(installed) in located.stdout, "the package must come from the wheel, not the source tree"

    indexed = run_installed(installed, tmp_path, "index", "--quiet", **env)
    assert indexed.returncode == 0, indexed.stderr
    asked = run_installed(installed, tmp_path, "ask", "What did Alibaba's CEO say about hiring?", "--json", **env)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and "hiring" in answer["answer"]
    assert answer["sources"][0]["article_id"]

    hiring = "Zhang also explained that the company would prioritise international hiring."
    server = ScriptedLLM(Script(text=f"{hiring} [1]"))  # word for word: kept whatever the fitted floor
    try:
        composed = run_installed(installed, tmp_path, "ask", "What did Alibaba's CEO say about hiring?", "--json",
                                 "--answerer", "composed", ARCHIVIST_LLM_URL=server.url, **env)
    finally:
        server.close()
    assert composed.returncode == 0, composed.stderr
    reply = json.loads(composed.stdout)
    assert reply["answerer"] == "composed", reply
    assert "prioritise international hiring" in reply["answer"]
