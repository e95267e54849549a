"""The import rules of ARCHITECTURE.md: embeddings knows nothing of bot; one module each imports discord's and
torch's worlds."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


def test_embeddings_never_imports_bot_or_discord():
    offenders = [p for p in modules("embeddings") if imports_of(p) & {"bot", "discord"}]
    assert offenders == []


def test_only_one_module_imports_sentence_transformers():
    users = [p.relative_to(REPO).as_posix() for p in modules("embeddings") + modules("bot")
             if "sentence_transformers" in imports_of(p)]
    assert users == ["embeddings/encoders/sentence_transformers_encoder.py"]


def test_only_bot_imports_discord():
    users = [p for p in modules("embeddings") if "discord" in imports_of(p)]
    assert users == []


def test_modules_stay_small():
    big = [(p.relative_to(REPO).as_posix(), n) for p in modules("embeddings") + modules("bot")
           if (n := len(p.read_text().splitlines())) > 400]
    assert big == []


def test_torch_is_imported_only_to_run_or_export_the_fp32_model():
    users = [p.relative_to(REPO).as_posix() for p in modules("embeddings") + modules("bot")
             if imports_of(p) & {"torch", "transformers"}]
    assert users == ["embeddings/encoders/onnx_export.py", "embeddings/encoders/sentence_transformers_encoder.py"]
