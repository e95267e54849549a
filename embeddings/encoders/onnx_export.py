"""Making (once) and caching the int8 ONNX file the fast encoder runs: export with torch, quantise with onnxruntime.

Nothing is downloaded: the file is built from the local model directory the torch backend
loads, and cached under a key made of the source files' hashes, so a changed model makes a
new file and an unchanged one is exported once per machine.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from embeddings.encoders.model_files import ModelSpec, module_types, read_json_object
from embeddings.errors import EncoderError

# Bump when the export or quantisation recipe changes: cached files of the old recipe are not reused.
RECIPE_VERSION = "3"  # 3: the token states are a second output (sentence vectors at index time)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX_FILENAME = "model.int8.onnx"
_SOURCE_FILES = ("config.json", "tokenizer.json", "sentence_bert_config.json", "1_Pooling/config.json")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")

StatusCallback = Callable[[str], None]


def check_exportable(spec: ModelSpec) -> Path:
    """The model directory, if the ONNX backend can run this model; EncoderError naming the fix if not."""
    fix = "set ARCHIVIST_ENCODER_BACKEND=torch to use it"
    if spec.path is None:
        raise EncoderError(f"the onnx backend needs a local model directory, and {spec.identity!r} is not one; {fix}")
    pooling = read_json_object(spec.path / "1_Pooling" / "config.json")
    if module_types(spec.path)[:2] != ["Transformer", "Pooling"] or not pooling.get("pooling_mode_mean_tokens") \
            or spec.dimension is None or not (spec.path / "tokenizer.json").is_file():
        raise EncoderError(f"the onnx backend runs mean-pooled models with a tokenizer.json; "
                           f"{spec.identity!r} is not one; {fix}")
    return spec.path


def cached_onnx_model(spec: ModelSpec, cache_dir: Path, on_status: StatusCallback | None = None) -> Path:
    """Path of the quantised ONNX file for the model, exporting it first if it is not cached."""
    model_dir = check_exportable(spec)
    target = Path(cache_dir).expanduser() / "onnx" / cache_key(model_dir, cache_dir) / ONNX_FILENAME
    if target.is_file():
        return target
    if on_status:
        on_status(f"Preparing the fast encoder: exporting {spec.identity} to int8 ONNX (once per machine, "
                  f"about half a minute) into {target.parent}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        fp32 = Path(work) / "model.onnx"
        quantised = Path(work) / ONNX_FILENAME
        export_fp32(model_dir, fp32)
        quantise(fp32, quantised)
        # A rename is atomic: a concurrent process sees no file or the whole file, never half of one.
        os.replace(quantised, target)
    if on_status:
        on_status("Fast encoder ready.")
    return target


def export_fp32(model_dir: Path, target: Path) -> None:
    """Export the transformer with mean pooling and L2 normalisation inside the graph."""
    try:
        import torch
    except ImportError as exc:
        raise EncoderError(
            "exporting the ONNX model needs torch and transformers; run `pip install archivist`") from exc
    wrapper = _mean_pooled_model(model_dir)
    example = torch.ones((2, 8), dtype=torch.int64)
    dynamic = {name: {0: "batch", 1: "tokens"} for name in _INPUTS}
    with warnings.catch_warnings(), torch.no_grad():
        # The legacy exporter warns about its own deprecation and about tracing; neither concerns this graph.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper, (example, example, torch.zeros_like(example)), str(target), dynamo=False,
            input_names=list(_INPUTS), output_names=["embedding", "token_embeddings"],
            dynamic_axes={**dynamic, "embedding": {0: "batch"}, "token_embeddings": {0: "batch", 1: "tokens"}},
            opset_version=17,
        )


def _mean_pooled_model(model_dir: Path):
    """The transformer, then the mean of its token states under the mask, then unit length.

    The token states are returned too: the indexer pools each sentence's tokens out of them.
    """
    import torch
    import transformers
    from transformers import AutoModel

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # Eager attention traces to plain MatMul/Softmax, which quantise and run everywhere.
            self.model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

        def forward(self, input_ids, attention_mask, token_type_ids):
            states = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1), states

    return MeanPooled()


def quantise(source: Path, target: Path, *, embeddings: bool = False) -> None:
    """Dynamic int8 quantisation of the weight matrix multiplies, one scale per output channel.

    Per-channel scales keep the vectors at cosine ~0.995 to fp32 (per-tensor ones fall to ~0.95).
    The attention products (query x key, weights x value) multiply two activations: quantising
    them too adds a quantisation step per batch and no accuracy, and measured here it halved the
    speed (41 vs 83 passages/s on the same texts), so they stay in float. With `embeddings`, the
    token embedding table (a Gather) is stored in int8 too: a quarter of the file's size, for a file
    that ships in the package rather than one made on the user's machine.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    weights = {initializer.name for initializer in graph.initializer}
    activation_products = [node.name for node in graph.node
                           if node.op_type == "MatMul" and not any(name in weights for name in node.input)]

    root = logging.getLogger()
    # The quantiser logs advice about static (calibrated) quantisation, which this is not.
    quiet = _DropMessages("Please consider to run pre-processing")
    root.addFilter(quiet)
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Gather"] if embeddings else ["MatMul"],
                         nodes_to_exclude=activation_products)
    finally:
        root.removeFilter(quiet)


class _DropMessages(logging.Filter):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefix)


def cache_key(model_dir: Path, cache_dir: Path) -> str:
    """Hash of the recipe and of every source file the exported graph depends on."""
    digest = hashlib.sha256(f"recipe {RECIPE_VERSION}\n".encode())
    for name in _SOURCE_FILES + _WEIGHT_FILES:
        path = model_dir / name
        if path.is_file():
            digest.update(f"{name} {_file_hash(path, Path(cache_dir).expanduser())}\n".encode())
    return digest.hexdigest()[:24]


def _file_hash(path: Path, cache_dir: Path) -> str:
    """sha256 of a file, remembered by (path, size, mtime) so 90 MB of weights are hashed once."""
    stat = path.stat()
    memo_path = cache_dir / "onnx" / "file-hashes.json"
    memo = read_json_object(memo_path)
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if key not in memo:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
        memo[key] = digest.hexdigest()
        _write_json_atomically(memo_path, memo)
    return memo[key]


def _write_json_atomically(path: Path, value: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as tmp:
            json.dump(value, tmp)
        os.replace(tmp.name, path)
    except OSError:
        pass  # the memo only saves time; without it the file is hashed again next start
